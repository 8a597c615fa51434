"""The project facts the conditions of a county's scoring scheme read (issue 13): ownership, company registration
and land-paid dates, the signing event and its level; and funds received in a currency with the rate used."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zhaoshang.projects import selectors, services
from zhaoshang.projects.forms import ProjectForm, ReceiptEditForm
from zhaoshang.projects.models import FundsReceipt, Project

pytestmark = pytest.mark.django_db

D = Decimal


def _form_data(units, **extra) -> dict:
    return {
        "code": "S1",
        "name": "表单项目",
        "capital_type": "domestic",
        "currency": "CNY",
        "kind": "industrial",
        "planned_investment": "1200",
        "contract_amount": "0",
        "credit-TOTAL_FORMS": "1",
        "credit-INITIAL_FORMS": "0",
        "credit-MIN_NUM_FORMS": "1",
        "credit-MAX_NUM_FORMS": "10",
        "credit-0-unit": units["a"].pk,
        "credit-0-share": "100",
        **extra,
    }


def test_the_form_saves_the_new_fields_under_their_heading_and_the_detail_shows_them(client, users, units):
    client.force_login(users["reporter_a"])
    page = client.get(reverse("projects:create")).content.decode()
    heading = page.index('id="signing-fields"')
    for name in ("ownership", "signing_event", "signing_event_level", "company_registered_on", "land_paid_on"):
        assert page.index(f'name="{name}"') > heading, name
    assert page.index('name="planned_investment"') < heading
    response = client.post(
        reverse("projects:create"),
        _form_data(
            units,
            ownership="private",
            signing_event="2026年市招商推介会",
            signing_event_level="city",
            company_registered_on="2026-03-01",
            land_paid_on="2026-04-15",
        ),
    )
    project = Project.objects.get(code="S1")
    assert response.status_code == 302
    assert (project.ownership, project.signing_event, project.signing_event_level) == (
        "private",
        "2026年市招商推介会",
        "city",
    )
    assert (project.company_registered_on, project.land_paid_on) == (dt.date(2026, 3, 1), dt.date(2026, 4, 15))
    detail = client.get(project.get_absolute_url()).content.decode()
    assert re.search(r'id="project-ownership">民营<', detail)
    assert "2026年市招商推介会 · 市级" in detail
    assert "2026-03-01" in detail and "2026-04-15" in detail


def test_dates_outside_the_bounds_are_refused(units):
    form = ProjectForm(
        data=_form_data(units, company_registered_on="1999-12-31", land_paid_on="2101-01-01", ownership="private")
    )
    assert not form.is_valid()
    assert set(form.errors) == {"company_registered_on", "land_paid_on"}
    assert "2000-01-01" in str(form.errors["company_registered_on"])


def test_history_names_the_changed_fields(users, units, make_project):
    project = make_project()
    services.update_project(
        user=users["bureau"],
        project=project,
        data={"ownership": "state", "signing_event_level": "province", "land_paid_on": dt.date(2026, 5, 1)},
    )
    change = next(e for e in selectors.project_history(project) if e.action == "~")
    shown = {c.field: (c.label, c.old, c.new) for c in change.changes}
    assert shown["ownership"][0] == "所有制" and shown["ownership"][2] == "国有"
    assert shown["signing_event_level"][0] == "签约活动级别" and shown["signing_event_level"][2] == "省级"
    assert shown["land_paid_on"][0] == "土地出让金缴纳日期" and shown["land_paid_on"][2] == "2026-05-01"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"ownership": "private"}, ["L2", "L3"]),
        ({"ownership": "-"}, ["L1"]),
        ({"event_level": "county"}, ["L2", "L3"]),
        ({"event_level": "city"}, ["L3"]),  # 省级 counts as 市级 or higher
        ({"event_level": "national"}, []),
    ],
)
def test_ledger_filters_by_ownership_and_event_level(client, users, make_project, params, expected):
    make_project(code="L1", name="甲")
    make_project(code="L2", name="乙", ownership="private", signing_event="县推介会", signing_event_level="county")
    make_project(code="L3", name="丙", ownership="private", signing_event="省投洽会", signing_event_level="province")
    client.force_login(users["bureau"])
    response = client.get(reverse("projects:ledger"), params)
    assert sorted(set(re.findall(r">(L\d)<", response.content.decode()))) == expected


def test_a_receipt_in_dollars_through_the_detail_page(client, users, make_project):
    project = make_project()
    client.force_login(users["reporter_a"])
    url = reverse("projects:receipt_add", args=[project.pk])
    # Without the rate the original amount cannot be turned into yuan: refused, nothing written.
    client.post(url, {"date": "2026-06-02", "currency": "USD", "original_amount": "1500000"})
    assert not project.receipts.exists()
    client.post(url, {"date": "2026-06-02", "currency": "USD", "original_amount": "1500000", "exchange_rate": "7.1"})
    receipt = project.receipts.get()
    assert (receipt.currency, receipt.original_amount, receipt.exchange_rate) == ("USD", D("1500000"), D("7.1"))
    assert receipt.amount == D("1065.00")  # 1,500,000 × 7.1 ÷ 10,000
    project.refresh_from_db()
    assert project.funds_total == D("1065.00")
    detail = client.get(project.get_absolute_url()).content.decode()
    assert "美元 1,500,000.00 × 7.1" in detail


def test_the_service_works_out_the_amount_and_a_yuan_receipt_keeps_no_rate(users, make_project):
    project = make_project()
    bureau = users["bureau"]
    day = dt.date(2026, 6, 1)
    euros = services.add_receipt(
        user=bureau, project=project, date=day, amount=D("1"), currency="EUR", original_amount=D("100000"),
        exchange_rate=D("7.85"),
    )  # fmt: skip
    assert euros.amount == D("78.50")  # the entered 1 gives way to the worked-out amount
    yuan = services.add_receipt(
        user=bureau, project=project, date=day, amount=D("20"), original_amount=D("5"), exchange_rate=D("7")
    )
    assert (yuan.currency, yuan.original_amount, yuan.exchange_rate, yuan.amount) == ("CNY", None, None, D("20"))
    with pytest.raises(ValidationError):
        services.add_receipt(user=bureau, project=project, date=day, amount=None, currency="USD")
    with pytest.raises(ValidationError):  # 1,000 亿元 is the most a single amount may be
        services.add_receipt(
            user=bureau, project=project, date=day, amount=None, currency="JPY",
            original_amount=D("9999999999999"), exchange_rate=D("999"),
        )  # fmt: skip
    services.update_receipt(user=bureau, receipt=euros, exchange_rate=D("8"))
    euros.refresh_from_db()
    assert euros.amount == D("80.00")
    project.refresh_from_db()
    assert project.funds_total == D("100.00")
    assert FundsReceipt.history.filter(id=euros.pk).latest().exchange_rate == D("8")


def test_the_receipt_edit_form(users, make_project):
    form = ReceiptEditForm(
        data={"date": "2026-06-01", "currency": "HKD", "original_amount": "10000", "exchange_rate": "0.92"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == D("0.92")
    missing = ReceiptEditForm(data={"date": "2026-06-01", "currency": "CNY"})
    assert not missing.is_valid() and "amount" in missing.errors
    no_rate = ReceiptEditForm(data={"date": "2026-06-01", "currency": "HKD", "original_amount": "10000"})
    assert not no_rate.is_valid() and "exchange_rate" in no_rate.errors


def test_the_industry_division_saved_checked_against_the_section_and_shown(client, users, units):
    """行业大类: two digits within the section (C 制造业 is 13–43); the detail shows it; history records it."""
    client.force_login(users["reporter_a"])
    for division, error in (("70", "大类 70 属于门类 K，与所选行业不符。"), ("99", "99 不是国民经济行业分类")):
        response = client.post(reverse("projects:create"), _form_data(units, industry="C", industry_division=division))
        assert response.status_code == 200 and error in response.content.decode()
    assert not Project.objects.filter(code="S1").exists()
    response = client.post(reverse("projects:create"), _form_data(units, industry="C", industry_division="43"))
    assert response.status_code == 302
    project = Project.objects.get(code="S1")
    assert project.industry_division == "43"
    assert re.search(r'id="project-division">大类 43<', client.get(project.get_absolute_url()).content.decode())
    services.update_project(user=users["bureau"], project=project, data={"industry_division": "13"})
    change = next(e for e in selectors.project_history(project) if e.action == "~")
    shown = {c.field: (c.label, c.old, c.new) for c in change.changes}
    assert shown["industry_division"] == ("行业大类", "43", "13")


def test_division_ranges_follow_the_standard():
    from zhaoshang.projects.choices import DIVISIONS, division_error, division_section

    assert len(DIVISIONS) == 97 and DIVISIONS[0] == "01" and DIVISIONS[-1] == "97"
    assert [division_section(d) for d in ("01", "05", "06", "13", "43", "44", "62", "70", "97")] == list("AABCCDHKT")
    assert division_section("98") is None and division_section("7") is None and division_section("ab") is None
    assert division_error("H", "62") is None and division_error("", "") is None
    assert division_error("", "62")  # a division needs its section
