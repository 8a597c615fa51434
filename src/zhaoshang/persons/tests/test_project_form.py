"""The project form picks introducers (shares summing to 100), leader, stewards and team from the register."""

from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.projects import services as project_services

pytestmark = pytest.mark.django_db
D = Decimal


def form_data(project, **extra):
    data = {
        "code": project.code,
        "name": project.name,
        "kind": project.kind,
        "industry": project.industry,
        "capital_type": project.capital_type,
        "currency": project.currency,
        "planned_investment": "100",
        "contract_amount": "0",
        "version": project_services.project_version(project),
        "credit-TOTAL_FORMS": "1",
        "credit-INITIAL_FORMS": "0",
        "credit-MIN_NUM_FORMS": "1",
        "credit-MAX_NUM_FORMS": "10",
        "credit-0-unit": str(project.credits.get().unit_id),
        "credit-0-share": "100",
    }
    data.update(extra)
    return data


def introducer_rows(*pairs):
    data = {
        "persons_shown": "1",
        "introducer-TOTAL_FORMS": str(len(pairs)),
        "introducer-INITIAL_FORMS": "0",
        "introducer-MIN_NUM_FORMS": "0",
        "introducer-MAX_NUM_FORMS": "10",
    }
    for index, (person, share) in enumerate(pairs):
        data[f"introducer-{index}-person"] = str(person.pk)
        data[f"introducer-{index}-share"] = share
    return data


def test_reporter_picks_persons_of_any_unit(client, users, persons, make_project):
    project = make_project(code="P1", user=users["reporter_a"])
    client.force_login(users["reporter_a"])
    page = client.get(reverse("projects:edit", args=[project.pk])).content.decode()
    assert "王五（河口乡）" in page  # another unit's person is offered
    data = form_data(
        project,
        **introducer_rows((persons["zhang"], "50"), (persons["wang"], "50")),
        leader=str(persons["zhao"].pk),
        stewards=[str(persons["li"].pk)],
        team=[str(persons["zhang"].pk), str(persons["wang"].pk)],
    )
    response = client.post(reverse("projects:edit", args=[project.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    project.refresh_from_db()
    assert {(link.person.name, link.share) for link in project.introducer_links.all()} == {
        ("张三", D("50")),
        ("王五", D("50")),
    }
    assert project.leader == persons["zhao"]
    assert [p.name for p in project.steward_persons.all()] == ["李四"]
    assert {p.name for p in project.team_persons.all()} == {"张三", "王五"}


def test_shares_not_100_refused(client, users, persons, make_project):
    project = make_project(code="P1")
    client.force_login(users["bureau"])
    data = form_data(project, **introducer_rows((persons["zhang"], "50"), (persons["wang"], "40")))
    response = client.post(reverse("projects:edit", args=[project.pk]), data)
    assert response.status_code == 200
    assert not project.introducer_links.exists()


def test_post_without_persons_keeps_links(client, users, persons, make_project):
    project = make_project(code="P1")
    project_services.set_project_persons(user=users["bureau"], project=project, introducers=[(persons["li"], D("100"))])
    client.force_login(users["bureau"])
    response = client.post(reverse("projects:edit", args=[project.pk]), form_data(project))
    assert response.status_code == 302
    assert [link.person.name for link in project.introducer_links.all()] == ["李四"]
