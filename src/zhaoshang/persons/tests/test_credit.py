"""Introducers' credit: an introducer split 50/50 gets half a project; the reward list and the ranking."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zhaoshang.persons import selectors, services
from zhaoshang.projects import services as project_services

pytestmark = pytest.mark.django_db
D = Decimal


def test_introducer_split_50_50_gets_half_a_project(users, persons, period, signed):
    project = signed("P1", amount=D("1000"), planned=D("3000"))
    project_services.set_project_persons(
        user=users["bureau"], project=project, introducers=[(persons["zhang"], D("50")), (persons["wang"], D("50"))]
    )
    figures = {f.person.name: f for f in selectors.person_ranking(period, user=users["bureau"])}
    # By hand: 1 project × 50% = 0.5; contract 1000 × 50% = 500.00.
    assert figures["张三"].projects == D("0.5")
    assert figures["王五"].projects == D("0.5")
    assert figures["张三"].contract_amount == D("500.00")
    assert [row.project.code for row in figures["张三"].rows] == ["P1"]
    assert figures["张三"].rank == figures["王五"].rank == 1


def test_shares_must_sum_to_100(users, persons, make_project):
    project = make_project(code="P1")
    with pytest.raises(ValidationError, match="60"):
        project_services.set_project_persons(
            user=users["bureau"], project=project, introducers=[(persons["zhang"], D("30")), (persons["li"], D("30"))]
        )
    assert not project.introducer_links.exists()


def test_ranking_targets_per_level_and_override(users, persons, period, signed):
    services.save_targets(
        user=users["bureau"], period=period, per_level={"section": D("1")}, per_person={persons["li"]: D("2")}
    )
    p1 = signed("P1")
    p2 = signed("P2")
    project_services.set_project_persons(user=users["bureau"], project=p1, introducers=[(persons["li"], D("100"))])
    project_services.set_project_persons(
        user=users["bureau"], project=p2, introducers=[(persons["li"], D("25")), (persons["zhang"], D("75"))]
    )
    figures = {f.person.name: f for f in selectors.person_ranking(period, user=users["bureau"])}
    # 李四: 1 + 0.25 = 1.25 of an own target of 2 → 62.50%; 张三: 0.75 of the level's 1 → 75.00%.
    assert figures["李四"].projects == D("1.25") and figures["李四"].target == D("2")
    assert figures["李四"].completion == D("62.50")
    assert figures["张三"].completion == D("75.00")
    assert figures["王五"].projects == 0 and figures["王五"].met is False
    assert "赵六" not in figures  # a general cadre has no target and introduced nothing
    assert [f.person.name for f in sorted(figures.values(), key=lambda f: f.rank)][:2] == ["李四", "张三"]


@pytest.mark.parametrize("bad", ["-1", "10000", "1.234"])
def test_person_targets_out_of_bounds_are_refused_and_nothing_is_written(users, persons, period, bad):
    from zhaoshang.persons.models import LevelTarget, PersonTarget

    with pytest.raises(ValidationError):
        services.save_targets(
            user=users["bureau"], period=period, per_level={"section": D("1")}, per_person={persons["li"]: D(bad)}
        )
    assert not LevelTarget.objects.exists() and not PersonTarget.objects.exists()


def test_reward_list_only_recognised_projects_in_the_period(users, persons, period, signed, client):
    p1 = signed("P1", amount=D("1234.56"))
    p2 = signed("P2", government_funded=True)  # the period excludes government-funded projects
    p3 = signed("P3", on=dt.date(2025, 12, 31))  # before the period
    for project in (p1, p2, p3):
        project_services.set_project_persons(
            user=users["bureau"], project=project, introducers=[(persons["zhang"], D("50")), (persons["zhao"], D("50"))]
        )
    lines = selectors.reward_list(period, user=users["bureau"])
    assert [(line.person.name, line.row.project.code, line.row.contract_amount) for line in lines] == [
        ("赵六", "P1", D("617.28")),
        ("张三", "P1", D("617.28")),
    ]
    client.force_login(users["bureau"])
    page = client.get(reverse("persons:rewards"), {"period": period.pk})
    assert page.status_code == 200 and "617.28" in page.content.decode()
    response = client.get(reverse("persons:rewards"), {"period": period.pk, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[3], r[6], r[7]) for r in rows] == [("赵六", "P1", 50, 617.28), ("张三", "P1", 50, 617.28)]
    assert sheet.cell(row=2, column=4).data_type == "s"  # the project code is text


def test_reporter_sees_the_reward_lines_of_own_unit_persons(users, persons, period, signed):
    p1 = signed("P1")
    project_services.set_project_persons(
        user=users["bureau"], project=p1, introducers=[(persons["zhang"], D("50")), (persons["wang"], D("50"))]
    )
    assert [line.person.name for line in selectors.reward_list(period, user=users["reporter_b"])] == ["王五"]
