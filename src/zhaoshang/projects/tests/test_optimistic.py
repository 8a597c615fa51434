"""Issue 11 part 6: two people edit the same record; the second save is refused and says what changed."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from zhaoshang.core import optimistic
from zhaoshang.projects import services
from zhaoshang.projects.models import FundsReceipt, Project

pytestmark = pytest.mark.django_db
D = Decimal


def version_in(page: str, form_id: str | None = None) -> str:
    if form_id:
        page = page[page.index(f'id="{form_id}"') :]
    return re.search(r'name="version" value="([^"]+)"', page).group(1)


def _edit_data(project, units, version, **overrides):
    data = {
        "code": project.code,
        "name": project.name,
        "capital_type": "domestic",
        "currency": "CNY",
        "kind": "industrial",
        "planned_investment": "100",
        "contract_amount": "0",
        "responsible_unit": str(units["a"].pk),
        "version": version,
        "credit-TOTAL_FORMS": "1",
        "credit-INITIAL_FORMS": "0",
        "credit-MIN_NUM_FORMS": "1",
        "credit-MAX_NUM_FORMS": "10",
        "credit-0-unit": str(units["a"].pk),
        "credit-0-share": "100",
    }
    data.update(overrides)
    return data


@pytest.fixture
def project(users, units, make_project):
    return make_project(units["a"], code="OC1", name="原名称", planned_investment=D("100"), responsible_unit=units["a"])


def _two_sessions(users):
    first, second = Client(), Client()
    first.force_login(users["reporter_a"])
    second.force_login(users["bureau"])
    return first, second


def test_second_project_edit_is_refused_with_both_values(users, units, project):
    first, second = _two_sessions(users)
    v1 = version_in(first.get(f"/projects/{project.pk}/edit/").content.decode())
    v2 = version_in(second.get(f"/projects/{project.pk}/edit/").content.decode())
    response = first.post(f"/projects/{project.pk}/edit/", _edit_data(project, units, v1, name="甲改的名称"))
    assert response.status_code == 302
    response = second.post(
        f"/projects/{project.pk}/edit/", _edit_data(project, units, v2, name="原名称", planned_investment="250")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "其他人" in page and "甲改的名称" in page and "原名称" in page and "项目名称" in page
    project.refresh_from_db()
    assert project.name == "甲改的名称" and project.planned_investment == D("100")  # nothing of the second saved
    # The refused form now carries the saved version: saving again, knowingly, goes through.
    again = version_in(page)
    assert again != v2
    response = second.post(f"/projects/{project.pk}/edit/", _edit_data(project, units, again, name="乙定的名称"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "乙定的名称"


def test_a_forged_or_missing_version_is_refused(users, units, project):
    client = Client()
    client.force_login(users["bureau"])
    for version in ("", "forged"):
        response = client.post(f"/projects/{project.pk}/edit/", _edit_data(project, units, version, name="X"))
        assert response.status_code == 200
    project.refresh_from_db()
    assert project.name == "原名称"


def test_second_status_change_is_refused(users, units, project):
    first, second = _two_sessions(users)
    v1 = version_in(first.get(f"/projects/{project.pk}/").content.decode(), "status-form")
    v2 = version_in(second.get(f"/projects/{project.pk}/").content.decode(), "status-form")
    first.post(f"/projects/{project.pk}/status/", {"status": "stalled", "reason": "资金未到位", "version": v1})
    response = second.post(
        f"/projects/{project.pk}/status/", {"status": "dropped", "reason": "投资方撤资", "version": v2}, follow=True
    )
    page = response.content.decode()
    assert "其他人" in page and "资金未到位" in page and "投资方撤资" in page
    project.refresh_from_db()
    assert (project.status, project.status_reason) == ("stalled", "资金未到位")


def test_second_receipt_edit_is_refused(users, units, project):
    receipt = services.add_receipt(user=users["bureau"], project=project, date=dt.date(2026, 2, 1), amount=D("10"))
    first, second = _two_sessions(users)
    url = f"/projects/receipts/{receipt.pk}/edit/"
    v1 = version_in(first.get(url).content.decode())
    v2 = version_in(second.get(url).content.decode())
    post = {"date": "2026-02-01", "source": "", "voucher_no": "", "note": ""}
    assert first.post(url, {**post, "amount": "12", "version": v1}).status_code == 302
    response = second.post(url, {**post, "amount": "30", "version": v2})
    assert response.status_code == 200
    page = response.content.decode()
    assert "其他人" in page and "12" in page and "30" in page
    receipt.refresh_from_db()
    project.refresh_from_db()
    assert receipt.amount == D("12") and project.funds_total == D("12")


def test_receipt_edit_is_for_the_responsible_unit_or_bureau(users, units):
    project = services.create_project(
        user=users["bureau"],
        data={"code": "OC2", "name": "共建", "responsible_unit": units["a"]},
        credits=[(units["a"], D(50)), (units["b"], D(50))],
    )
    receipt = services.add_receipt(user=users["bureau"], project=project, date=dt.date(2026, 2, 1), amount=D("10"))
    client = Client()
    client.force_login(users["reporter_b"])
    assert client.get(f"/projects/receipts/{receipt.pk}/edit/").status_code == 403
    client.force_login(users["leader"])
    assert client.get(f"/projects/receipts/{receipt.pk}/edit/").status_code == 403
    assert FundsReceipt.objects.get(pk=receipt.pk).amount == D("10")


def test_service_refuses_a_stale_version(users, project):
    version = services.project_version(project)
    services.update_project(user=users["bureau"], project=project, data={"name": "新"}, version=version)
    stale = Project.objects.get(pk=project.pk)
    with pytest.raises(optimistic.StaleEdit) as error:
        services.update_project(user=users["bureau"], project=stale, data={"name": "再改"}, version=version)
    assert error.value.changes[0][1:] == ("新", "再改")
