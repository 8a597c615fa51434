"""Entry bounds (issue 11, parts 2 and 7): negative or oversized figures and control characters are refused
with a Chinese message on the field, and nothing is saved."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhaoshang.core import limits
from zhaoshang.projects.forms import ProjectForm, ReceiptForm
from zhaoshang.projects.models import FundsReceipt, Project

pytestmark = pytest.mark.django_db


def _data(units, **extra):
    data = {
        "code": "B1",
        "name": "边界项目",
        "capital_type": "domestic",
        "currency": "CNY",
        "industry": "C",
        "kind": "industrial",
        "planned_investment": "100",
        "contract_amount": "0",
        "responsible_unit": units["a"].pk,
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("land_area", "-1", "不能为负数"),
        ("foreign_investment", "-5", "不能为负数"),
        ("exchange_rate", "-7.1", "不能为负数"),
        ("planned_investment", "10000000", "不能超过 9,999,999.99"),
        ("contract_amount", "-1", "不能为负数"),
        ("land_area", "1000000", "不能超过 999,999.99"),
        ("exchange_rate", "1001", "不能超过 1,000"),
        ("name", "铃\x07声", "控制字符"),
        ("remarks", "第一行\x1b第二行", "控制字符"),
    ],
)
def test_project_form_refuses_out_of_bounds(units, field, value, message):
    form = ProjectForm(data=_data(units, **{field: value}))
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_project_form_accepts_the_maximum_and_line_breaks(units):
    form = ProjectForm(data=_data(units, planned_investment=str(limits.MAX_AMOUNT), remarks="第一行\n\t第二行"))
    assert form.is_valid(), form.errors


def test_receipt_form_refuses_the_issue_amount():
    form = ReceiptForm(data={"date": "2026-05-01", "amount": "99999999999999.99"})
    assert not form.is_valid() and "amount" in form.errors
    assert not ReceiptForm(data={"date": "0001-01-01", "amount": "1"}).is_valid()


def test_the_project_page_post_saves_nothing(client, users, units):
    client.force_login(users["bureau"])
    before = Project.objects.count(), FundsReceipt.objects.count()
    response = client.post("/projects/new/", _data(units, land_area="-3"))
    assert response.status_code == 200 and "不能为负数" in response.content.decode()
    assert (Project.objects.count(), FundsReceipt.objects.count()) == before


def test_money_sum_does_not_overflow():
    assert limits.clamp(Decimal("1e20")) == limits.COLUMN_MAX


@pytest.mark.parametrize(
    ("data", "shown"), [({"status": "nonsense"}, "nonsense"), ({"status": "stalled", "reason": "长" * 3000}, "")]
)
def test_a_bad_status_change_says_why_and_saves_nothing(client, users, make_project, data, shown):
    project = make_project()
    history = project.history.count()
    client.force_login(users["bureau"])
    response = client.post(f"/projects/{project.pk}/status/", data, follow=True)
    errors = [m.message for m in response.context["messages"] if m.level_tag == "error"]
    assert errors, "the refusal must be said"
    project.refresh_from_db()
    assert project.status == "active" and project.history.count() == history
