"""Reporters see and change the persons of their own unit only: pages and API."""

import pytest
from django.urls import reverse

from zhaoshang.persons.models import Person

pytestmark = pytest.mark.django_db


def test_reporter_list_and_detail(client, users, persons):
    client.force_login(users["reporter_b"])
    page = client.get(reverse("persons:list")).content.decode()
    assert "王五" in page and "张三" not in page
    assert client.get(reverse("persons:detail", args=[persons["zhang"].pk])).status_code == 404
    assert client.get(reverse("persons:edit", args=[persons["zhang"].pk])).status_code == 404
    assert client.get(reverse("persons:detail", args=[persons["wang"].pk])).status_code == 200


def test_reporter_creates_only_in_own_unit(client, users, persons, units):
    client.force_login(users["reporter_b"])
    response = client.post(reverse("persons:create"), {"name": "钱七", "unit": units["a"].pk, "level": "staff"})
    assert response.status_code == 200 and not Person.objects.filter(name="钱七").exists()
    response = client.post(
        reverse("persons:create"), {"name": "钱七", "unit": units["b"].pk, "level": "staff", "active": "on"}
    )
    assert response.status_code == 302
    assert Person.objects.get(name="钱七").unit == units["b"]


def test_reporter_edits_own_unit_person(client, users, persons, units):
    client.force_login(users["reporter_b"])
    response = client.post(
        reverse("persons:edit", args=[persons["wang"].pk]),
        {"name": "王五", "unit": units["b"].pk, "post": "乡党委书记", "level": "section", "active": "on"},
    )
    assert response.status_code == 302
    persons["wang"].refresh_from_db()
    assert persons["wang"].post == "乡党委书记"
    response = client.post(
        reverse("persons:edit", args=[persons["zhang"].pk]),
        {"name": "张三", "unit": units["a"].pk, "post": "x", "level": "section", "active": "on"},
    )
    assert response.status_code == 404


def test_api_scoping(client, users, persons):
    client.force_login(users["reporter_b"])
    names = [row["name"] for row in client.get("/api/persons/").json()["results"]]
    assert names == ["王五"]
    assert client.get(f"/api/persons/{persons['zhang'].pk}/").status_code == 404
    client.force_login(users["bureau"])
    assert len(client.get("/api/persons/").json()["results"]) == 4


def test_bureau_sets_targets(client, users, persons, period):
    client.force_login(users["bureau"])
    url = reverse("persons:targets", args=[period.pk])
    response = client.post(url, {"level_section": "1", "add_person": persons["zhao"].pk, "add_projects": "2"})
    assert response.status_code == 302
    page = client.get(reverse("persons:ranking"), {"period": period.pk}).content.decode()
    assert "赵六" in page and "王五" in page
    client.force_login(users["reporter_b"])
    assert client.get(url).status_code == 403


def test_pages_render_for_the_bureau(client, users, persons, make_project):
    from decimal import Decimal

    from zhaoshang.projects import services as project_services

    project = make_project(code="P1")
    project_services.set_project_persons(
        user=users["bureau"], project=project, introducers=[(persons["zhang"], Decimal("100"))], leader=persons["wang"]
    )
    client.force_login(users["bureau"])
    assert client.get(reverse("persons:create")).status_code == 200
    assert client.get(reverse("persons:edit", args=[persons["zhang"].pk])).status_code == 200
    detail = client.get(reverse("persons:detail", args=[persons["zhang"].pk])).content.decode()
    assert "P1" in detail
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "张三" in page and "王五" in page
    assert client.get(reverse("persons:ranking")).status_code == 200  # no period yet
    assert client.get(reverse("persons:rewards")).status_code == 200
