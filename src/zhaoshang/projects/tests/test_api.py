"""The API answers under the same permission rule as the pages, and its OpenAPI schema is valid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.projects import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_projects(users, units, make_project):
    a = make_project(units["a"], code="API-A", planned_investment=Decimal("1000.50"))
    services.record_stage(
        user=users["bureau"], project=a, stage="signed", date=dt.date(2026, 1, 2), amount=Decimal("900")
    )
    services.add_receipt(user=users["bureau"], project=a, date=dt.date(2026, 2, 1), amount=Decimal("10"))
    b = make_project(units["b"], code="API-B")
    return a, b


def test_reporter_lists_only_own_projects(client, users, two_projects):
    client.force_login(users["reporter_a"])
    data = client.get("/api/projects/").json()
    assert [p["code"] for p in data["results"]] == ["API-A"]
    assert data["results"][0]["planned_investment"] == "1000.50"  # money as exact decimal strings
    assert data["results"][0]["stage_events"][0]["amount"] == "900.00"


def test_other_units_project_and_receipts_are_404(client, users, two_projects):
    a, b = two_projects
    client.force_login(users["reporter_b"])
    assert client.get(f"/api/projects/{a.pk}/").status_code == 404
    assert client.get("/api/receipts/").json()["count"] == 0
    assert client.get(f"/api/projects/{b.pk}/").status_code == 200


def test_api_filters_match_the_ledger(client, users, two_projects):
    client.force_login(users["bureau"])
    assert [p["code"] for p in client.get("/api/projects/", {"stage": "signed"}).json()["results"]] == ["API-A"]


def test_anonymous_is_refused(client, two_projects):
    response = client.get("/api/projects/")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


def test_api_is_read_only(client, users, two_projects):
    client.force_login(users["bureau"])
    assert client.post("/api/projects/", {"code": "X"}).status_code == 405


def test_openapi_schema_validates(client, users):
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    validate_schema(SchemaGenerator().get_schema(request=None, public=True))
    client.force_login(users["bureau"])
    assert client.get(reverse("api-schema")).status_code == 200


def test_api_tells_month_dates_opening_balances_and_progress_notes(client, users, units, make_project):
    """What a county sheet brought in (issue 15) reads through the API as it is recorded: a stage date known to its
    month, an opening balance (期初结转, counted in no period), the progress note and its date."""
    from zhaoshang.projects.models import FundsReceipt, Project, StageEvent

    project = make_project(name="月份项目")
    StageEvent.objects.create(project=project, stage="signed", date=dt.date(2025, 3, 1), date_precision="month")
    FundsReceipt.objects.create(
        project=project, date=dt.date(2025, 6, 30), amount=Decimal("11500"), opening_balance=True
    )
    Project.objects.filter(pk=project.pk).update(progress_note="主体封顶", progress_note_on=dt.date(2025, 6, 30))
    client.force_login(users["bureau"])
    data = client.get(f"/api/projects/{project.pk}/").json()
    assert {"stage": "signed", "date": "2025-03-01", "date_precision": "month"}.items() <= data["stage_events"][
        0
    ].items()
    assert (data["progress_note"], data["progress_note_on"]) == ("主体封顶", "2025-06-30")
    receipts = client.get(f"/api/receipts/?project={project.pk}").json()["results"]
    assert [(r["amount"], r["opening_balance"]) for r in receipts] == [("11500.00", True)]


def test_project_shows_its_investors_credit_code(client, users, two_projects):
    from zhaoshang.projects.models import Project

    a, _b = two_projects
    investor = services.get_or_create_investor(name="甲公司", credit_code="91350100M000100Y43")
    Project.objects.filter(pk=a.pk).update(investor=investor)
    client.force_login(users["reporter_a"])
    data = client.get(f"/api/projects/{a.pk}/").json()
    assert (data["investor"], data["investor_credit_code"]) == ("甲公司", "91350100M000100Y43")
