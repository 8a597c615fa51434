"""Sections (科室) on the dashboard (issue 14): a unit's sections that hold targets are ranked among themselves, so
the ranking tab shows them in their own table, "<unit>所属科室", after the categories, each figure linking to the
unit's assessment page whose rows add up to it; and the forecast counts a section's expected new projects once in
the county (in the unit its credits roll up into).

The county is the bulletin's test_sections.py's (``q2``): T01 城关镇 with its sections T0101 城关镇招商办 and T0102
城关镇经发办, each holding 签约 (2 projects, or 10000万); T02 河口乡; D01. Project S1 (T0101 100%, 5000万) signed
2026-04-01, funds 800万 on 2026-04-20. As of 2026-05-31: T0101 50%, T0102 0%; 城关镇 45%, 河口乡 0%; D01 0%.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.bulletins.tests.test_sections import END, points, q2  # noqa: F401  (the fixtures)
from zhaoshang.dashboard.forecast import forecast
from zhaoshang.organization.models import Unit
from zhaoshang.targets import services as targets

from .test_linked_figures import rows_total

pytestmark = pytest.mark.django_db
D = Decimal


def ranking(client, users, period):
    client.force_login(users["bureau"])
    response = client.get(
        reverse("dashboard:section", args=["ranking"]), {"as_of": END.isoformat(), "period": period.pk}
    )
    assert response.status_code == 200
    return response, response.context["data"]["ranking"]


def test_the_ranking_tab_has_a_table_of_the_units_sections(client, users, q2):  # noqa: F811
    response, data = ranking(client, users, q2)
    town = Unit.objects.get(code="T01")
    tables = {c["label"]: c for c in data["categories"]}
    assert list(tables) == ["乡镇", "县直部门", "城关镇所属科室"]
    sections = tables["城关镇所属科室"]
    assert sections["code"] == f"sections-{town.pk}"
    assert [(r["code"], r["rank"], r["rank_of"], r["score"]) for r in sections["rows"]] == [
        ("T0101", 1, 2, D("0.5")),
        ("T0102", 2, 2, D("0")),
    ]
    assert [(r["code"], r["rank"], r["score"]) for r in tables["乡镇"]["rows"]] == [
        ("T01", 1, D("0.45")),
        ("T02", 2, D("0")),
    ]
    html = response.content.decode()
    assert "城关镇所属科室" in html and f'data-category="sections-{town.pk}"' in html


def test_each_sections_figure_equals_its_unit_pages_rows(client, users, q2):  # noqa: F811
    _response, data = ranking(client, users, q2)
    [sections] = [c for c in data["categories"] if c["label"] == "城关镇所属科室"]
    checked = 0
    for row in sections["rows"]:
        page = client.get(row["url"])
        assert page.status_code == 200, row["url"]
        assert page.context["result"].score == row["score"]
        for group, shown in zip(row["groups"], page.context["groups"], strict=True):
            assert group["completion"] == shown["group"].completion
            for indicator_row in shown["indicators"]:
                assert rows_total(indicator_row) == indicator_row["indicator"].actual
                checked += 1
    # T0101: 1 project and 5000万 signed, its rows S1 (100%); T0102 none.
    assert checked == 4
    first = client.get(sections["rows"][0]["url"]).context["groups"][0]["indicators"]
    assert [rows_total(r) for r in first] == [D("1"), D("5000")]


def test_the_forecast_counts_a_sections_new_projects_once(q2):  # noqa: F811
    as_of = dt.date(2026, 4, 30)
    result = forecast(q2, as_of, runs=200)
    by_code = {unit.code: unit for unit in result.units}
    # S1 arrived 2026-04-01, credited to T0101 and (rolled up) to 城关镇: both expect new projects at 1 per 30 days
    # (the window since the first arrival), 31 days to the end: about 1.03 a run each.
    section, town = by_code["T0101"].expected_new_projects, by_code["T01"].expected_new_projects
    assert 0.7 < section < 1.4 and 0.7 < town < 1.4
    # The county counts them once, in 城关镇 (T0101 rolls up into it); the others expect none.
    assert result.county.expected_new_projects == pytest.approx(town)
    assert sum(u.expected_new_projects for u in result.units) == pytest.approx(section + town)


def test_without_the_roll_up_the_county_sums_every_unit(users, q2):  # noqa: F811
    targets.save_period(user=users["bureau"], period=q2, data={"roll_up": False})
    q2.refresh_from_db()
    result = forecast(q2, dt.date(2026, 4, 30), runs=200)
    by_code = {unit.code: unit for unit in result.units}
    assert by_code["T01"].expected_new_projects == 0  # S1 is the section's alone
    section = by_code["T0101"].expected_new_projects
    assert section > 0.7 and result.county.expected_new_projects == pytest.approx(section)


def test_under_a_points_scheme_the_ranking_tab_names_the_sections_group(client, users, points):  # noqa: F811
    _response, data = ranking(client, users, points)
    assert data["points"] is True
    town = Unit.objects.get(code="T01")
    groups = [
        (c["code"], c["label"], [(r["code"], r["rank"], r["points"]) for r in c["rows"]]) for c in data["categories"]
    ]
    assert groups[-1] == (
        f"sections-{town.pk}",
        "城关镇所属科室",
        [("T0101", 1, D("2")), ("T0102", 2, D("0"))],
    )
    assert [label for _code, label, _rows in groups] == ["乡镇", "县直部门", "辖区", "城关镇所属科室"]


def test_the_glance_and_the_screen_have_a_row_of_the_units_sections(client, users, q2):  # noqa: F811
    response, _data = ranking(client, users, q2)
    code = f'data-category="sections-{Unit.objects.get(code="T01").pk}"'
    assert response.content.decode().count(code) == 2  # the ranking tab's table and the glance's row
    screen = client.get(reverse("dashboard:screen"), {"as_of": END.isoformat(), "period": q2.pk})
    assert screen.status_code == 200
    html = screen.content.decode()
    assert code in html and "城关镇所属科室" in html
