"""Finding pairs in the ledger: recorded once, open pairs rescored, decided pairs never reopened; on entry after
commit; the command's JSON interface; the reporter rule on the project page and the live check."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from zhaoshang.claims import services
from zhaoshang.claims.choices import FoundBy, PairStatus
from zhaoshang.claims.models import ClaimPair
from zhaoshang.projects.models import Investor

pytestmark = pytest.mark.django_db

CODE = "91330100MA27XJ5N1T"


@pytest.fixture
def make_project(users, units):
    """A project created through the service, with its investor (the shared fixture does not take one)."""
    from zhaoshang.projects import services as projects

    def make(unit, *, code, name, investor=None, **data):
        data = {"code": code, "name": name, **data}
        return projects.create_project(
            user=users["bureau"], data=data, credits=[(unit, Decimal("100"))], investor=investor
        )

    return make


@pytest.fixture
def twins(make_project, units):
    """One project recorded by township A and again by township B under another spelling, and an unrelated one."""
    first = Investor.objects.create(name="浙江华能电子科技有限公司", credit_code=CODE)
    second = Investor.objects.create(name="華能電子科技股份有限公司")
    a = make_project(
        units["a"],
        code="XM-A",
        name="年产10万吨生物饲料项目",
        investor=first,
        location="城关镇前进村",
        planned_investment=Decimal("5000"),
    )
    b = make_project(
        units["b"],
        code="XM-B",
        name="新建10万吨生物饲料",
        investor=second,
        location="城关镇前进村",
        planned_investment=Decimal("5200"),
    )
    other = make_project(units["b"], code="XM-C", name="光伏电站项目", planned_investment=Decimal("800"))
    return a, b, other


def test_the_county_check_records_the_pair_once_with_chinese_reasons(twins):
    a, b, _other = twins
    pairs = services.check_county()
    assert [(p.code_a, p.code_b) for p in pairs] == [("XM-A", "XM-B")]
    pair = ClaimPair.objects.get()
    assert pair.key == f"{a.pk}-{b.pk}" and pair.project_a == a and pair.found_by == FoundBy.CHECK
    assert "投资方名称归一后相同：华能电子科技" in pair.reasons and "不同单位登记" in pair.reasons
    assert pair.history.count() == 1
    services.check_county()
    assert ClaimPair.objects.count() == 1 and pair.history.count() == 1  # nothing changed, nothing written


def test_an_open_pair_is_rescored_and_a_decided_pair_never_reopened(twins, users):
    _a, b, _other = twins
    services.check_county()
    pair = ClaimPair.objects.get()
    ClaimPair.objects.filter(pk=pair.pk).update(score=Decimal("0.100"), reasons=["old"])
    services.find_pairs(project_ids=[b.pk], found_by=FoundBy.ENTRY)
    pair.refresh_from_db()
    assert pair.score > Decimal("0.6") and pair.reasons != ["old"] and pair.found_by == FoundBy.CHECK
    ClaimPair.objects.filter(pk=pair.pk).update(status=PairStatus.DIFFERENT, score=Decimal("0.100"))
    assert services.check_county() == []
    pair.refresh_from_db()
    assert pair.status == PairStatus.DIFFERENT and pair.score == Decimal("0.100")


def test_a_project_entered_is_checked_after_commit(make_project, units, django_capture_on_commit_callbacks):
    investor = Investor.objects.create(name="恒通农牧有限公司")
    make_project(units["a"], code="XM-1", name="年出栏5万头生猪养殖项目", investor=investor)
    with django_capture_on_commit_callbacks(execute=True):
        again = make_project(
            units["b"], code="XM-2", name="5万头生猪养殖", investor=Investor.objects.create(name="恒通农牧公司")
        )
    pair = ClaimPair.objects.get()
    assert pair.found_by == FoundBy.ENTRY and pair.project_b == again


def test_the_command_prints_the_json_interface(twins):
    out = StringIO()
    call_command("double_claims", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    assert len(rows) == 1
    assert set(rows[0]) == {"a", "b", "score", "reasons"}
    assert rows[0]["a"] == "XM-A" and rows[0]["b"] == "XM-B"
    assert isinstance(rows[0]["score"], float) and 0.6 <= rows[0]["score"] <= 1
    assert "投资方名称归一后相同：华能电子科技" in rows[0]["reasons"]
    assert "投资方" in out.getvalue()  # UTF-8, not \u escapes
    text = StringIO()
    call_command("double_claims", "--format", "text", "--no-check", stdout=text)
    assert "待核查的重复申报：1 对" in text.getvalue() and "XM-A" in text.getvalue()


def test_the_command_with_nothing_open(db):
    out = StringIO()
    call_command("double_claims", stdout=out)
    assert json.loads(out.getvalue()) == []


def test_the_project_page_hides_the_other_units_project_from_a_reporter(client, twins, users):
    a, _b, _other = twins
    services.check_county()
    client.force_login(users["reporter_a"])
    page = client.get(a.get_absolute_url()).content.decode()
    assert "另一单位已登记相似项目，招商局将核查" in page
    assert "XM-B" not in page and "新建10万吨生物饲料" not in page and "河口乡" not in page
    client.force_login(users["bureau"])
    page = client.get(a.get_absolute_url()).content.decode()
    assert "XM-B" in page and "新建10万吨生物饲料" in page and "另一单位已登记相似项目" not in page


def test_the_live_check_warns_and_hides_the_other_units_project(client, twins, users):
    url = reverse("claims:check")
    query = {"name": "年产10万吨生物饲料", "investor_name": "华能电子科技有限公司", "location": "城关镇前进村"}
    client.force_login(users["reporter_b"])
    page = client.get(url, query).content.decode()
    # Township B sees its own project and only a notice for township A's.
    assert "XM-B" in page and "另一单位已登记相似项目，招商局将核查" in page and "XM-A" not in page
    client.force_login(users["bureau"])
    page = client.get(url, query).content.decode()
    assert "XM-A" in page and "XM-B" in page
    assert client.get(url, {"name": "完全无关的名称"}).content.decode().strip() == ""


def test_the_project_form_asks_for_the_live_check(client, users, twins):
    a, _b, _other = twins
    client.force_login(users["bureau"])
    page = client.get(reverse("projects:edit", args=[a.pk])).content.decode()
    assert f'hx-get="{reverse("claims:check")}?project={a.pk}"' in page
    # The project edited is not its own double.
    query = {"project": a.pk, "name": a.name, "investor_name": "浙江华能电子科技有限公司"}
    page = client.get(reverse("claims:check"), query).content.decode()
    assert "XM-B" in page and "XM-A" not in page


def test_the_live_check_says_once_that_other_units_have_similar_projects(client, twins, make_project, units, users):
    third = Investor.objects.create(name="华能电子科技集团有限公司")
    make_project(units["a"], code="XM-D", name="年产10万吨生物饲料二号线", investor=third, location="城关镇前进村")
    query = {"name": "年产10万吨生物饲料", "investor_name": "华能电子科技有限公司", "location": "城关镇前进村"}
    client.force_login(users["reporter_b"])
    page = client.get(reverse("claims:check"), query).content.decode()
    assert page.count("另一单位已登记相似项目，招商局将核查") == 1
    assert "XM-A" not in page and "XM-D" not in page and "XM-B" in page


def test_the_live_check_bounds_what_it_reads(client, twins, users):
    client.force_login(users["bureau"])
    alike = {"name": "年产10万吨生物饲料", "investor_name": "华能电子科技有限公司", "location": "城关镇前进村"}
    for extra in ({"planned_investment": "1e999999999"}, {"contract_amount": "NaN", "project": "9" * 40}):
        response = client.get(reverse("claims:check"), {**alike, **extra})
        assert response.status_code == 200
        assert "XM-A" in response.content.decode()
    huge = {"name": "年产10万吨生物饲料" * 100, "investor_name": "华" * 5000, "location": "村" * 5000}
    assert client.get(reverse("claims:check"), huge).status_code == 200
