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
