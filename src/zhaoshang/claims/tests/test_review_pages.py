"""The bureau's review pages of double claims: who reads, who decides, the merge's shares and confirmation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.claims.choices import PairStatus
from zhaoshang.claims.models import ClaimPair
from zhaoshang.projects.models import Project

from .support import make_pair

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def pair(units, make_project):
    p1 = make_project(units["a"], code="P1", name="年产10万吨<b>新材料</b>项目", location="城关镇工业园")
    p2 = make_project(units["b"], code="P2", name="新材料生产线", location="城关镇工业园")
    return make_pair(p1, p2, reasons=["投资方相同：<script>x</script>", "项目名称相近"])


@pytest.fixture
def login(client, users):
    def login(name):
        client.force_login(users[name])
        return client

    return login


@pytest.mark.parametrize("role", ["bureau", "admin", "leader", "supervisor"])
def test_county_roles_read_the_review(login, pair, role):
    response = login(role).get(reverse("claims:review"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "P1" in body and "P2" in body and "城关镇工业园" in body
    assert "&lt;script&gt;" in body and "<script>x" not in body and "<b>新材料" not in body
    assert login(role).get(reverse("claims:pair", args=[pair.pk])).status_code == 200


@pytest.mark.parametrize("role", ["reporter_a", "reporter_b"])
def test_a_reporter_of_either_unit_gets_403(login, units, pair, role):
    client = login(role)
    assert client.get(reverse("claims:review")).status_code == 403
    assert client.get(reverse("claims:pair", args=[pair.pk])).status_code == 403
    data = {
        "kept": pair.project_a_id,
        f"share_{units['a'].pk}": "100",
        f"share_{units['b'].pk}": "0",
        "confirm": "True",
    }
    assert client.post(reverse("claims:pair_merge", args=[pair.pk]), data).status_code == 403
    assert client.post(reverse("claims:pair_different", args=[pair.pk]), {}).status_code == 403
    assert client.post(reverse("claims:pair_phase", args=[pair.pk]), {"earlier": pair.project_a_id}).status_code == 403
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN and Project.objects.count() == 2


@pytest.mark.parametrize("role", ["leader", "supervisor"])
def test_readers_do_not_decide(login, pair, role):
    assert login(role).post(reverse("claims:pair_different", args=[pair.pk]), {}).status_code == 403
    assert "different-form" not in login(role).get(reverse("claims:pair", args=[pair.pk])).content.decode()


def test_filters_and_decided_tab(login, units, make_project, pair):
    other = make_pair(make_project(units["dept"], code="P3"), make_project(units["dept"], code="P4"), score="0.500")
    client = login("bureau")
    body = client.get(reverse("claims:review"), {"unit": units["dept"].pk}).content.decode()
    assert "P3 ~ P4" in body and "P1 ~ P2" not in body
    body = client.get(reverse("claims:review"), {"min_score": "0.8"}).content.decode()
    assert "P1 ~ P2" in body and "P3 ~ P4" not in body
    client.post(reverse("claims:pair_different", args=[other.pk]), {"note": "两个项目"})
    body = client.get(reverse("claims:review")).content.decode()
    assert "P3 ~ P4" not in body
    body = client.get(reverse("claims:review"), {"tab": "decided"}).content.decode()
    assert "P3 ~ P4" in body and "两个项目" in body and "bureau" in body


def test_merge_asks_to_confirm_then_merges(login, units, pair):
    client = login("bureau")
    url = reverse("claims:pair_merge", args=[pair.pk])
    shares = {f"share_{units['a'].pk}": "70", f"share_{units['b'].pk}": "30"}
    page = client.get(reverse("claims:pair", args=[pair.pk])).content.decode()
    assert 'value="50.00"' in page  # prefilled: half of each project's share
    response = client.post(url, {"kept": pair.project_a_id, **shares})
    assert response.status_code == 200 and "merge-confirm" in response.content.decode()
    assert Project.objects.count() == 2
    response = client.post(url, {"kept": pair.project_a_id, **shares, "confirm": "True"})
    assert response.status_code == 302
    assert list(Project.objects.values_list("code", flat=True)) == ["P1"]
    kept = Project.objects.get()
    assert {(c.unit.code, c.share) for c in kept.credits.all()} == {("T01", D("70")), ("T02", D("30"))}
    pair = ClaimPair.objects.get()
    assert pair.status == PairStatus.SAME and pair.kept == kept
    page = client.get(reverse("claims:pair", args=[pair.pk])).content.decode()
    assert "merge-form" not in page and "pair-decision" in page


def test_shares_not_summing_to_100_are_refused_in_chinese(login, units, pair):
    response = login("bureau").post(
        reverse("claims:pair_merge", args=[pair.pk]),
        {"kept": pair.project_a_id, f"share_{units['a'].pk}": "70", f"share_{units['b'].pk}": "20", "confirm": "True"},
    )
    assert response.status_code == 400
    assert "100%" in response.content.decode() and "合并" in response.content.decode()
    assert Project.objects.count() == 2


def test_second_phase_from_the_page(login, pair):
    response = login("bureau").post(reverse("claims:pair_phase", args=[pair.pk]), {"earlier": pair.project_a_id})
    assert response.status_code == 302
    later = Project.objects.get(pk=pair.project_b_id)
    assert later.earlier_phase_id == pair.project_a_id and later.second_phase


def test_the_review_reads_a_page_of_pairs_in_a_fixed_number_of_queries(login, units, make_project, pair):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login("bureau")
    client.get(reverse("claims:review"))  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("claims:review"))
    for n in range(5):
        make_pair(make_project(units["dept"], code=f"X{n}a"), make_project(units["b"], code=f"X{n}b"))
    with CaptureQueriesContext(connection) as six:
        client.get(reverse("claims:review"))
    assert len(six) == len(one)


def test_the_pair_page_says_before_confirming_that_the_dates_would_run_backwards(client, users, units, make_project):
    from zhaoshang.projects import services as project_services

    bureau = users["bureau"]
    late = make_project(units["a"], code="L1", name="年产5万吨饲料项目")
    early = make_project(units["b"], code="L2", name="新建5万吨饲料")
    project_services.record_stage(user=bureau, project=late, stage="signed", date=dt.date(2026, 6, 1), amount=D("1"))
    project_services.record_stage(user=bureau, project=early, stage="started", date=dt.date(2026, 3, 1))
    pair = make_pair(late, early)
    client.force_login(bureau)
    response = client.post(
        reverse("claims:pair_merge", args=[pair.pk]),
        {"kept": str(late.pk), f"share_{units['a'].pk}": "50", f"share_{units['b'].pk}": "50"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "合并后各阶段日期将出现倒序" in response.content.decode()
    assert Project.objects.filter(code="L2").exists()
