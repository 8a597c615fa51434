"""The ledger page: filters, totals over the whole filtered set, sorting, pagination, forms."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.projects import services
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def county(users, units, make_project):
    bureau = users["bureau"]
    p1 = make_project(
        units["a"],
        code="L1",
        name="新能源电池项目",
        planned_investment=D("5000"),
        industry="C",
        kind="industrial",
        county_leader="王县长",
    )
    services.record_stage(user=bureau, project=p1, stage="signed", date=dt.date(2026, 3, 10), amount=D("4000"))
    services.add_receipt(user=bureau, project=p1, date=dt.date(2026, 4, 1), amount=D("800"))
    p2 = make_project(
        units["a_section"], code="L2", name="物流园", planned_investment=D("999.99"), industry="G", kind="tertiary"
    )
    services.record_stage(user=bureau, project=p2, stage="intention", date=dt.date(2026, 2, 1))
    p3 = make_project(
        units["b"],
        code="L3",
        name="光伏电站",
        planned_investment=D("1000"),
        industry="D",
        kind="infrastructure",
        capital_type="foreign",
        currency="USD",
        exchange_rate=D("7.1"),
    )
    services.record_stage(user=bureau, project=p3, stage="signed", date=dt.date(2025, 12, 31), amount=D("1000"))
    services.record_stage(user=bureau, project=p3, stage="started", date=dt.date(2026, 1, 15))
    p4 = make_project(units["dept"], code="L4", name="酒店", planned_investment=D("300"), kind="tertiary")
    return {"p1": p1, "p2": p2, "p3": p3, "p4": p4}


def ledger_codes(client, **params):
    response = client.get(reverse("projects:ledger"), params)
    assert response.status_code == 200
    return sorted(set(re.findall(r">(L\d)<", response.content.decode()))), response.context["totals"]


@pytest.mark.parametrize(
    "params,expected",
    [
        ({}, ["L1", "L2", "L3", "L4"]),
        ({"unit": "T01"}, ["L1", "L2"]),  # with its sub-unit
        ({"category": "township"}, ["L1", "L2", "L3"]),
        ({"stage": ["signed", "started"]}, ["L1", "L3"]),
        ({"industry": "C"}, ["L1"]),
        ({"kind": "tertiary"}, ["L2", "L4"]),
        ({"capital_type": "foreign"}, ["L3"]),
        ({"planned_min": "1000"}, ["L1", "L3"]),  # 以上 includes the number itself
        ({"planned_max": "999.99"}, ["L2", "L4"]),
        ({"contract_min": "1000", "contract_max": "4000"}, ["L1", "L3"]),
        ({"funds_min": "1"}, ["L1"]),
        ({"reached": "signed", "date_from": "2026-01-01", "date_to": "2026-12-31"}, ["L1"]),
        ({"reached": "signed", "date_to": "2025-12-31"}, ["L3"]),
        ({"date_from": "2026-02-01", "date_to": "2026-02-01"}, ["L2"]),
        ({"county_leader": "王"}, ["L1"]),
        ({"q": "光伏"}, ["L3"]),
        ({"q": "l4"}, ["L4"]),
    ],
)
def test_filters(client, users, units, county, params, expected):
    if "unit" in params:
        params = {**params, "unit": units["a"].pk}
    client.force_login(users["bureau"])
    codes, totals = ledger_codes(client, **params)
    assert codes == expected
    assert totals["count"] == len(expected)


def test_high_tech_filter_starts_blank_and_filters_both_ways(client, users, county):
    Project.objects.filter(code="L3").update(high_tech=True)
    client.force_login(users["bureau"])
    page = client.get(reverse("projects:ledger")).content.decode()
    select = re.search(r'<select name="high_tech"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'<option value="([^"]*)"', select) == ["", "true", "false"]
    assert 'value="" selected' in select and ">是<" in select and ">否<" in select
    assert "资金到账起始日期" in page and "资金到账截止日期" in page
    assert ledger_codes(client, high_tech="true")[0] == ["L3"]
    assert ledger_codes(client, high_tech="false")[0] == ["L1", "L2", "L4"]
    assert ledger_codes(client, high_tech="")[0] == ["L1", "L2", "L3", "L4"]


def test_totals_cover_the_filtered_set_not_the_page(client, users, units, make_project):
    for i in range(60):
        make_project(units["b"], code=f"M{i:03d}", planned_investment=D("10.01"), contract_amount=D("1"))
    client.force_login(users["bureau"])
    response = client.get(reverse("projects:ledger"))
    totals = response.context["totals"]
    assert totals["count"] == 60
    assert totals["planned"] == D("600.60") and totals["contract"] == D("60")
    assert len(response.context["table"].page.object_list) == 50
    second = client.get(reverse("projects:ledger"), {"page": 2})
    assert len(second.context["table"].page.object_list) == 10


def test_kept_totals_follow_every_change_and_each_viewer(client, users, units, make_project):
    project = make_project(units["b"], code="K001", planned_investment=D("100"))
    client.force_login(users["bureau"])
    assert client.get(reverse("projects:ledger")).context["totals"]["planned"] == D("100")
    project.planned_investment = D("250")
    project.save()  # a change to the ledger: the totals kept before it are not read again
    make_project(units["a"], code="K002", planned_investment=D("1"))
    totals = client.get(reverse("projects:ledger")).context["totals"]
    assert totals["count"] == 2 and totals["planned"] == D("251")
    client.force_login(users["reporter_a"])  # another viewer never reads the bureau's totals
    totals = client.get(reverse("projects:ledger")).context["totals"]
    assert totals["count"] == 1 and totals["planned"] == D("1")


def test_sorting(client, users, county):
    client.force_login(users["bureau"])
    response = client.get(reverse("projects:ledger"), {"sort": "planned_investment"})
    html = response.content.decode()
    assert html.index(">L4<") < html.index(">L2<") < html.index(">L3<") < html.index(">L1<")


def test_reporter_totals_are_their_own(client, users, county):
    client.force_login(users["reporter_b"])
    codes, totals = ledger_codes(client)
    assert codes == ["L3"] and totals["contract"] == D("1000")


def test_create_project_through_the_form(client, users, units):
    client.force_login(users["reporter_a"])
    assert client.get(reverse("projects:create")).status_code == 200
    response = client.post(
        reverse("projects:create"),
        {
            "code": "F1",
            "name": "表单项目",
            "capital_type": "domestic",
            "currency": "CNY",
            "kind": "industrial",
            "planned_investment": "1200.50",
            "contract_amount": "0",
            "investor_name": "苏州某科技有限公司",
            "investor_origin": "江苏苏州",
            "credit-TOTAL_FORMS": "2",
            "credit-INITIAL_FORMS": "0",
            "credit-MIN_NUM_FORMS": "1",
            "credit-MAX_NUM_FORMS": "10",
            "credit-0-unit": units["a"].pk,
            "credit-0-share": "70",
            "credit-1-unit": units["b"].pk,
            "credit-1-share": "30",
        },
    )
    project = Project.objects.get(code="F1")
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert project.planned_investment == D("1200.50") and project.investor.origin == "江苏苏州"
    assert project.created_by == users["reporter_a"]
    assert sorted(project.credits.values_list("share", flat=True)) == [D("30"), D("70")]


def test_form_shows_share_errors_and_writes_nothing(client, users, units):
    client.force_login(users["bureau"])
    response = client.post(
        reverse("projects:create"),
        {
            "code": "F2",
            "name": "x",
            "capital_type": "domestic",
            "currency": "CNY",
            "kind": "industrial",
            "planned_investment": "1",
            "contract_amount": "0",
            "credit-TOTAL_FORMS": "1",
            "credit-INITIAL_FORMS": "0",
            "credit-MIN_NUM_FORMS": "1",
            "credit-MAX_NUM_FORMS": "10",
            "credit-0-unit": units["a"].pk,
            "credit-0-share": "90",
        },
    )
    assert response.status_code == 200
    assert "100" in response.content.decode()
    assert not Project.objects.filter(code="F2").exists()


def test_stage_and_receipt_through_the_detail_page(client, users, make_project):
    from django.core.files.uploadedfile import SimpleUploadedFile

    project = make_project()
    client.force_login(users["reporter_a"])
    url = reverse("projects:stage_record", args=[project.pk])
    client.post(
        url,
        {
            "stage": "signed",
            "date": "2026-06-01",
            "amount": "2500",
            "evidence": SimpleUploadedFile("合同.pdf", b"%PDF-1.4", content_type="application/pdf"),
            "evidence_kind": "contract",
        },
    )
    project.refresh_from_db()
    assert project.stage == "signed" and project.contract_amount == D("2500")
    assert project.stage_events.get().attachments.get().original_name == "合同.pdf"
    # A date running backwards is refused with a message, and nothing is written.
    response = client.post(url, {"stage": "started", "date": "2026-05-01"}, follow=True)
    assert project.stage_events.count() == 1
    assert list(response.context["messages"])
    client.post(reverse("projects:receipt_add", args=[project.pk]), {"date": "2026-06-02", "amount": "300"})
    project.refresh_from_db()
    assert project.funds_total == D("300")


def test_download_passes_permission_and_returns_the_file(client, users, make_project):
    from django.core.files.uploadedfile import SimpleUploadedFile

    project = make_project()
    attachment = services.add_attachment(
        user=users["bureau"],
        project=project,
        uploaded=SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n....", content_type="image/png"),
    )
    client.force_login(users["reporter_a"])
    response = client.get(reverse("projects:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"\x89PNG\r\n\x1a\n...."
    assert "attachment" in response["Content-Disposition"]


def test_invalid_filter_shows_no_rows_and_the_error(client, users, county):
    client.force_login(users["bureau"])
    response = client.get(reverse("projects:ledger"), {"planned_min": "很多"})
    assert response.context["totals"]["count"] == 0
    assert response.context["filter"].form.errors["planned_min"]


@pytest.mark.parametrize("role", ["leader", "supervisor"])
def test_readers_cannot_add_projects(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("projects:create")).status_code == 403
    assert "projects/new/" not in client.get(reverse("projects:ledger")).content.decode()


def test_the_unit_filters_fast_form_finds_the_same_projects(users, units, county, make_project):
    """``Project.unit_scope_filter`` (PostgreSQL: id = ANY(ARRAY(…)), issue 16) against ``unit_scope_q`` for every
    unit, with projects credited only, responsible only, both through a sub-unit, and neither."""
    from zhaoshang.organization.selectors import subtree_ids

    responsible_only = make_project(units["b"], code="R1")
    Project.objects.filter(pk=responsible_only.pk).update(responsible_unit=units["dept"])
    make_project(units["a_section"], code="S1")
    for unit in units.values():
        ids = subtree_ids(unit.pk)
        expected = set(Project.objects.filter(Project.unit_scope_q(ids)).values_list("code", flat=True))
        found = set(Project.objects.filter(Project.unit_scope_filter(ids)).values_list("code", flat=True))
        assert found == expected, unit.code
    assert "R1" in set(
        Project.objects.filter(Project.unit_scope_filter([units["dept"].pk])).values_list("code", flat=True)
    )
