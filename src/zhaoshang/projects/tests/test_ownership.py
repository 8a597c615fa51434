"""Issue 11 part 5: a co-credited unit reads a shared project but cannot take it over or delete it.

Project AB: responsible unit A, credited A 40% / B 60%. Reporter B (co-credited) only views it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.projects import services
from zhaoshang.projects.models import FundsReceipt, Project, ProjectCredit

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def shared(users, units):
    project = services.create_project(
        user=users["bureau"],
        data={"code": "AB", "name": "共建项目", "responsible_unit": units["a"]},
        credits=[(units["a"], D(40)), (units["b"], D(60))],
    )
    receipt = services.add_receipt(user=users["bureau"], project=project, date=dt.date(2026, 2, 1), amount=D("10"))
    return project, receipt


def _form(project, units, **overrides):
    data = {
        "code": project.code,
        "name": project.name,
        "capital_type": "domestic",
        "currency": "CNY",
        "kind": "industrial",
        "planned_investment": "0",
        "contract_amount": "0",
        "responsible_unit": str(project.responsible_unit_id or ""),
        "credit-TOTAL_FORMS": "2",
        "credit-INITIAL_FORMS": "0",
        "credit-MIN_NUM_FORMS": "1",
        "credit-MAX_NUM_FORMS": "10",
        "credit-0-unit": str(units["a"].pk),
        "credit-0-share": "40",
        "credit-1-unit": str(units["b"].pk),
        "credit-1-share": "60",
    }
    data.update(overrides)
    return data


def _unchanged(project, units):
    project.refresh_from_db()
    assert project.responsible_unit_id == units["a"].pk
    assert project.name == "共建项目"
    credits = dict(ProjectCredit.objects.filter(project=project).values_list("unit__code", "share"))
    assert credits == {"T01": D(40), "T02": D(60)}


def test_co_credited_unit_views_but_cannot_change_through_the_pages(client, users, units, shared):
    project, receipt = shared
    client.force_login(users["reporter_b"])
    assert client.get(f"/projects/{project.pk}/").status_code == 200
    assert client.get(f"/projects/{project.pk}/edit/").status_code == 403
    # Remove A's credit and make B responsible.
    takeover = _form(
        project,
        units,
        responsible_unit=str(units["b"].pk),
        **{"credit-TOTAL_FORMS": "1", "credit-0-unit": str(units["b"].pk), "credit-0-share": "100"},
    )
    assert client.post(f"/projects/{project.pk}/edit/", takeover).status_code == 403
    assert client.post(f"/projects/{project.pk}/edit/", _form(project, units, name="改名")).status_code == 403
    assert client.post(f"/projects/{project.pk}/delete/").status_code == 403
    assert client.post(f"/projects/receipts/{receipt.pk}/delete/").status_code == 403
    assert client.post(f"/projects/{project.pk}/status/", {"status": "dropped", "reason": "x"}).status_code == 403
    post = {"date": "2026-03-01", "amount": "5"}
    assert client.post(f"/projects/{project.pk}/receipts/", post).status_code == 403
    assert client.post(f"/projects/{project.pk}/stages/", {"stage": "lead", "date": "2026-01-01"}).status_code == 403
    _unchanged(project, units)
    assert Project.objects.filter(pk=project.pk).exists() and FundsReceipt.objects.filter(pk=receipt.pk).exists()
    assert project.status == "active" and project.receipts.count() == 1 and project.stage_events.count() == 0


def test_co_credited_unit_cannot_change_through_the_api(client, users, units, shared):
    project, receipt = shared
    client.force_login(users["reporter_b"])
    assert client.get(f"/api/projects/{project.pk}/").status_code == 200
    body = {"responsible_unit": units["b"].pk, "name": "改名"}
    for method in (client.put, client.patch):
        assert method(f"/api/projects/{project.pk}/", body, content_type="application/json").status_code in (403, 405)
    assert client.delete(f"/api/projects/{project.pk}/").status_code in (403, 405)
    assert client.delete(f"/api/receipts/{receipt.pk}/").status_code in (403, 405)
    assert client.post("/api/receipts/", {"project": project.pk}, content_type="application/json").status_code in (
        403,
        405,
    )
    _unchanged(project, units)
    assert FundsReceipt.objects.filter(pk=receipt.pk).exists()


def test_co_credited_unit_cannot_change_through_the_services(users, units, shared):
    project, receipt = shared
    b = users["reporter_b"]
    with pytest.raises(PermissionDenied):
        services.update_project(user=b, project=project, data={"responsible_unit": units["b"]})
    with pytest.raises(PermissionDenied):
        services.delete_project(user=b, project=project)
    with pytest.raises(PermissionDenied):
        services.delete_receipt(user=b, receipt=receipt)
    _unchanged(project, units)


def test_responsible_unit_edits_but_only_bureau_deletes_a_project_with_receipts(client, users, units, shared):
    project, _receipt = shared
    client.force_login(users["reporter_a"])
    response = client.post(f"/projects/{project.pk}/edit/", _form(project, units, name="新名称"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "新名称"
    assert f"/projects/{project.pk}/delete/" not in client.get(f"/projects/{project.pk}/").content.decode()
    assert client.post(f"/projects/{project.pk}/delete/").status_code == 403
    assert Project.objects.filter(pk=project.pk).exists()
    client.force_login(users["bureau"])
    assert client.post(f"/projects/{project.pk}/delete/").status_code == 302
    assert not Project.objects.filter(pk=project.pk).exists()


def test_reporter_deletes_own_project_without_receipts(client, users, units, make_project):
    project = make_project(units["a"], user=users["reporter_a"])
    client.force_login(users["reporter_a"])
    assert client.post(f"/projects/{project.pk}/delete/").status_code == 302
    assert not Project.objects.filter(pk=project.pk).exists()


def test_without_responsible_unit_only_a_sole_credited_unit_changes_credits(users, units):
    project = services.create_project(
        user=users["bureau"],
        data={"code": "NR", "name": "无责任单位"},
        credits=[(units["a"], D(50)), (units["b"], D(50))],
    )
    # Both credited units edit the project's facts...
    services.update_project(user=users["reporter_b"], project=project, data={"name": "新"})
    # ...but neither removes the other's credit or makes itself responsible.
    with pytest.raises(ValidationError):
        services.update_project(user=users["reporter_b"], project=project, data={}, credits=[(units["b"], D(100))])
    with pytest.raises(ValidationError):
        services.update_project(user=users["reporter_b"], project=project, data={"responsible_unit": units["b"]})
    project.refresh_from_db()
    assert project.responsible_unit is None and project.credits.count() == 2
