"""The dashboard of a period scored by a points scheme (issue 13): the ranking tab, the first screen's glance and
the 大屏 show points, ranked within the scheme's ranking groups, each linking to the unit's items; the forecast
says it does not project points. On the county of dashboard_county.py (as of 2026-06-30), with a scheme of two
items ranking all units in one list:

  K1 到位资金 (base, 功效系数, 60): 60% × 60 + 40% × 60 × (x − min) ÷ (max − min), across all units
  K2 签约加分 (bonus, banded): 2 points per project signed at ≥1000万 contract, times the unit's share

No item reads a task, so every active unit is scored, the county's own unit C00 too. By hand:
  T0101 is T01's section: its credits roll up into T01 (issue 14).
  funds in 2026 up to 06-30: T01 P1 500 + 700 + its section's 300 = 1500; T0101 P2 300; D01 P9 1000 + P4 250 = 1250;
     T02, C00 0
  K1 (min 0, max 1500): T01 36 + 24 = 60.00; D01 36 + 24 × 1250 ÷ 1500 = 56.00; T0101 36 + 24 × 300 ÷ 1500 = 40.80;
     T02 36.00; C00 36.00
  signed ≥1000万: P1 3000 (T01), P2 1500 (T0101, so T01), P5 1000 (T01 60%, T02 40%); P6 is signed after the date
  K2: T01 2 + 2 + 1.2 = 5.20; T0101 2.00; T02 0.80; D01 0.00; C00 0.00
  total: T01 65.20 (1), D01 56.00 (2), T0101 42.80 (3), T02 36.80 (4), C00 36.00 (5)
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.organization.models import Unit
from zhaoshang.targets.models import Scheme, SchemeItem

from .dashboard_county import AS_OF
from .test_linked_figures import figure_links

pytestmark = pytest.mark.django_db
D = Decimal
URL = reverse("dashboard:home")
SCREEN = reverse("dashboard:screen")
EXPECTED = [  # code, rank, K1, K2, points
    ("T01", 1, "60.00", "5.20", "65.20"),
    ("D01", 2, "56.00", "0.00", "56.00"),
    ("T0101", 3, "40.80", "2.00", "42.80"),
    ("T02", 4, "36.00", "0.80", "36.80"),
    ("C00", 5, "36.00", "0.00", "36.00"),
]
NAME = '河口乡<b>"&'  # T02, renamed: every page must escape it


@pytest.fixture
def scheme(county, period):
    scheme = Scheme.objects.create(period=period, kind="points", ranking="all")
    SchemeItem.objects.create(
        scheme=scheme, order=0, code="K1", name="到位资金", section="base", function="efficacy", points=D(60),
        measure={"what": "funds"},
    )  # fmt: skip
    SchemeItem.objects.create(
        scheme=scheme, order=1, code="K2", name="签约加分", section="bonus", function="banded", points=D(0),
        params={"bands": [["1000", None, "2"]]}, measure={"what": "count"},
    )  # fmt: skip
    Unit.objects.filter(code="T02").update(name=NAME)
    return scheme


def params(period) -> dict:
    return {"as_of": AS_OF.isoformat(), "period": period.pk}


def test_the_ranking_tab_ranks_by_points_in_one_list(client, users, period, scheme):
    client.force_login(users["bureau"])
    response = client.get(reverse("dashboard:section", args=["ranking"]), params(period))
    ranking = response.context["data"]["ranking"]
    assert ranking["points"] is True
    [group] = ranking["categories"]
    assert (group["code"], group["label"], group["items"]) == ("all", "全部单位", ["到位资金", "签约加分"])
    assert [(r["code"], r["rank"], *map(str, r["items"]), str(r["points"])) for r in group["rows"]] == EXPECTED
    assert all(r["rank_of"] == 5 for r in group["rows"])
    html = response.content.decode()
    assert "得分" in html and 'id="ranking-points-note"' in html
    assert "河口乡&lt;b&gt;&quot;&amp;" in html and NAME not in html
    t01 = group["rows"][0]
    unit_page = reverse("assessment:unit", args=[period.pk, t01["unit_id"]])
    assert t01["points_url"] == f"{unit_page}?as_of={AS_OF.isoformat()}&basis=reported#items"


def test_the_ranking_tab_is_named_by_points(client, users, period, scheme):
    client.force_login(users["bureau"])
    html = client.get(URL, params(period)).content.decode()
    assert 'id="tab-ranking" aria-controls="panel-ranking" aria-selected="false" tabindex="-1">按得分排名<' in html
    assert "分类排名" not in html


def test_the_glance_shows_the_top_and_bottom_by_points(client, users, period, scheme):
    client.force_login(users["bureau"])
    html = client.get(reverse("dashboard:section", args=["ranking"]), params(period)).content.decode()
    glance = html[html.index('id="glance-body"') :]
    assert 'data-category="all" data-points="1"' in glance
    # Five units: the first three at the top, the last two at the bottom (``_split``).
    shown = [(data["unit"], data["figure"]) for _href, data in figure_links(glance)]
    assert shown == [(code, points) for code, _rank, _k1, _k2, points in EXPECTED]
    assert "65.20分" in glance and "河口乡&lt;b&gt;" in glance


def test_every_points_figure_on_the_dashboard_equals_the_items_it_links_to(client, users, period, scheme):
    """Each 得分 on the ranking tab, the glance and the 大屏 links to the unit's assessment page, whose points and
    items (added up) are the figure."""
    client.force_login(users["bureau"])
    pages = [
        client.get(reverse("dashboard:section", args=["ranking"]), params(period)).content.decode(),
        client.get(SCREEN, params(period)).content.decode(),
    ]
    compared = 0
    for html in pages:
        for href, data in figure_links(html):
            if "points" not in data:
                continue
            address, _hash, anchor = href.partition("#")
            assert anchor == "items", href
            linked = client.get(address.replace("&amp;", "&"))
            assert linked.status_code == 200, href
            result = linked.context["result"]
            items = linked.context["items"]
            assert Decimal(data["figure"]) == result.points == sum((row["item"].points for row in items), D(0))
            compared += 1
    assert compared == 5 + 5 + 5  # the ranking tab, the glance (3 + 2) and the screen (3 + 2)


def test_the_screen_shows_points(client, users, period, scheme):
    client.force_login(users["bureau"])
    html = client.get(SCREEN, params(period)).content.decode()
    assert 'data-category="all" data-points="1"' in html and "65.20分" in html and "36.00分" in html
    assert "河口乡&lt;b&gt;&quot;&amp;" in html and NAME not in html


def test_the_forecast_says_it_does_not_project_points(client, users, period, scheme):
    client.force_login(users["bureau"])
    response = client.get(reverse("dashboard:section", args=["forecast"]), params(period))
    forecast = response.context["data"]["forecast"]
    if not forecast.get("available") or not forecast.get("units"):
        pytest.skip("no forecast for this county")
    assert forecast["points_scheme"] is True
    assert "不预测评分细则的得分" in response.content.decode()


def test_a_completion_period_shows_no_points(client, users, county, period):
    client.force_login(users["bureau"])
    response = client.get(reverse("dashboard:section", args=["ranking"]), params(period))
    assert "points" not in response.context["data"]["ranking"]
    html = response.content.decode()
    assert 'data-points="1"' not in html and 'id="ranking-points-note"' not in html
    assert "按得分排名" not in client.get(URL, params(period)).content.decode()
    forecast = client.get(reverse("dashboard:section", args=["forecast"]), params(period))
    assert "points_scheme" not in forecast.context["data"]["forecast"]
    assert 'id="forecast-points-note"' not in forecast.content.decode()


def test_a_scheme_that_cannot_be_computed_does_not_break_the_dashboard(client, users, period, scheme):
    SchemeItem.objects.filter(code="K1").update(measure={"what": "nothing"})
    client.force_login(users["bureau"])
    response = client.get(reverse("dashboard:section", args=["ranking"]), params(period))
    assert response.status_code == 200 and 'id="ranking-scheme-error"' in response.content.decode()
    assert client.get(SCREEN, params(period)).status_code == 200


def test_a_reporter_sees_their_own_units_with_their_ranks_in_the_whole_list(client, users, period, scheme):
    client.force_login(users["reporter_a"])
    response = client.get(reverse("dashboard:section", args=["ranking"]), params(period))
    [group] = response.context["data"]["ranking"]["categories"]
    assert [(r["code"], r["rank"], r["rank_of"], str(r["points"])) for r in group["rows"]] == [
        ("T01", 1, 5, "65.20"),
        ("T0101", 3, 5, "42.80"),
    ]
