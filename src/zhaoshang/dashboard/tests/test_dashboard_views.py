"""The dashboard's pages: who sees what, the defaults of the pickers, the sections loaded later, the home page
of leaders, and a number of queries that does not grow with the ledger."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhaoshang.assessment import stored as stored_assessment
from zhaoshang.dashboard import daily_build, selectors
from zhaoshang.jobs import stored
from zhaoshang.projects import services

from .dashboard_county import AS_OF, make_period

pytestmark = pytest.mark.django_db
D = Decimal
URL = reverse("dashboard:home")


def test_anonymous_users_are_sent_to_log_in(client, county, period):
    for url in (URL, reverse("dashboard:section", args=["ranking"])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_page_for_each_role(client, users, county, period):
    for who in ("bureau", "leader", "supervisor", "admin", "reporter_a"):
        client.force_login(users[who])
        response = client.get(URL, {"as_of": AS_OF.isoformat()})
        assert response.status_code == 200, who
        html = response.content.decode()
        charts = json.loads(
            re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S)[1]
        )
        assert [s["name"] for s in charts["funnel"]] == ["洽谈", "意向", "签约", "开工", "投产"]
        assert all(point["url"].startswith("/projects/?") for point in charts["funnel"])
        assert 'id="chart-funnel"' in html and 'data-save="chart-funnel"' in html
        assert "vendor/echarts/echarts.min.js" in html and "dashboard/dashboard.js" in html
        assert 'hx-get="/dashboard/sections/ranking/?' in html


def test_numbers_on_the_page_are_ledger_links(client, users, county, period):
    client.force_login(users["bureau"])
    html = client.get(URL, {"as_of": AS_OF.isoformat()}).content.decode()
    signed = re.search(r'data-card="signed".*?<a class="figure[^"]*" href="([^"]+)" data-count="(\d+)"', html, re.S)
    assert signed[1].replace("&amp;", "&") == "/projects/?reached=signed&date_from=2026-01-01&date_to=2026-06-30"
    assert signed[2] == "4"
    stages = re.findall(r'<tr data-stage="(\w+)">.*?href="([^"]+)" data-count="(\d+)"', html, re.S)
    assert [(stage, count) for stage, _url, count in stages] == [
        ("negotiating", "4"),
        ("intention", "5"),
        ("signed", "4"),
        ("started", "3"),
        ("producing", "1"),
    ]


def test_reporter_gets_their_unit_and_a_404_for_another(client, users, units, county, period):
    client.force_login(users["reporter_a"])
    own = client.get(URL, {"as_of": AS_OF.isoformat()})
    assert own.status_code == 200
    assert own.context["data"]["headline"][0]["value"] == 3
    assert client.get(URL, {"unit": units["a_section"].pk}).status_code == 200  # their own section
    for unit in ("b", "dept", "county"):
        assert client.get(URL, {"unit": units[unit].pk}).status_code == 404, unit
        section = reverse("dashboard:section", args=["ranking"])
        assert client.get(section, {"unit": units[unit].pk}).status_code == 404
    assert client.get(URL, {"unit": "abc"}).status_code == 404
    # The unit picker offers their own units only.
    choices = [u.code for u in own.context["form"].fields["unit"].queryset]
    assert choices == ["T01", "T0101"]


def test_bureau_chooses_a_unit(client, users, units, county, period):
    client.force_login(users["bureau"])
    response = client.get(URL, {"as_of": AS_OF.isoformat(), "unit": units["b"].pk, "period": period.pk})
    data = response.context["data"]
    assert data["unit"]["code"] == "T02" and data["headline"][0]["value"] == 2
    assert f"unit={units['b'].pk}" in data["headline"][0]["url"]


def test_defaults_the_current_period_and_today_capped_at_its_end(client, users, county, period):
    earlier = make_period(users, code="Y2025", name="2025年度", start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    client.force_login(users["bureau"])
    today = dt.date.today()
    response = client.get(URL)
    assert response.context["period"] == selectors.default_period(today)
    assert response.context["as_of"] == min(today, response.context["period"].end)
    response = client.get(URL, {"period": earlier.pk})
    assert response.context["as_of"] == dt.date(2025, 12, 31)
    # Issue 11: a bad date is said (400), not ignored.
    assert client.get(URL, {"as_of": "yesterday"}).status_code == 400


def test_a_day_before_the_period_shows_an_empty_dashboard(client, users, county, period):
    """Issue 11: as of 2000-01-01 (inside the accepted range, before the period) every window is empty; the
    durations of the funnel came back as raw lists and the page failed with a TypeError."""
    client.force_login(users["bureau"])
    for day in ("2000-01-01", "2025-06-30"):
        response = client.get(URL, {"as_of": day, "period": period.pk})
        assert response.status_code == 200
        for section in ("headline", "funnel", "trend"):
            assert client.get(URL, {"as_of": day, "period": period.pk, "section": section}).status_code in (200, 400)
    data = selectors.dashboard_data(user=users["bureau"], period=period, as_of=dt.date(2000, 1, 1), sections=["funnel"])
    assert [row["count"] for row in data["funnel"]] == [0] * len(data["funnel"])


def test_default_period_prefers_the_one_containing_today(users, period):
    campaign = make_period(users, code="C100", name="百日竞赛", start=dt.date(2026, 9, 1), end=dt.date(2026, 12, 9))
    assert selectors.default_period(dt.date(2026, 10, 1)) == period  # the year, begun earliest
    assert selectors.default_period(dt.date(2027, 3, 1)) == period  # none contains the day: the latest to end
    assert selectors.default_period(dt.date(2026, 12, 5)) in (period, campaign)


def test_no_period_at_all(client, users, county):
    client.force_login(users["bureau"])
    response = client.get(URL)
    assert response.status_code == 200
    assert "sections/ranking" not in response.content.decode()


def test_sections(client, users, county, period):
    client.force_login(users["bureau"])
    params = {"as_of": AS_OF.isoformat(), "period": period.pk}
    ranking = client.get(reverse("dashboard:section", args=["ranking"]), params)
    html = ranking.content.decode()
    assert ranking.status_code == 200 and 'data-unit="T01"' in html and f"/assessment/{period.pk}/units/" in html
    stalled = client.get(reverse("dashboard:section", args=["stalled"]), params)
    assert stalled.status_code == 200 and 'id="stalled-projects"' in stalled.content.decode()
    forecast = client.get(reverse("dashboard:section", args=["forecast"]), params)
    assert forecast.status_code == 200
    html = forecast.content.decode()
    if forecast.context["data"]["forecast"]["available"]:
        assert 'id="forecast-table"' in html and 'data-unit="county"' in html and "/projects/?unit=" in html
    assert client.get(reverse("dashboard:section", args=["nothing"])).status_code == 404


def test_forecast_section_for_a_reporter_covers_their_units(client, users, county, period):
    data = selectors.dashboard_data(user=users["reporter_a"], period=period, as_of=AS_OF, sections=["forecast"])
    if not data["forecast"]["available"]:
        pytest.skip("no forecast module")
    assert {row["code"] for row in data["forecast"]["units"]} == {"T01", "T0101"}
    assert all(row["url"].startswith("/projects/?unit=") for row in data["forecast"]["units"])


def test_home_is_the_leaders_own_home(client, users):
    """Issue 14: a leader's front page is their home (their projects and linked units), which links here."""
    client.force_login(users["leader"])
    assert client.get("/")["Location"] == reverse("leaders:home")
    client.force_login(users["reporter_a"])
    assert client.get("/")["Location"] == reverse("projects:ledger")


def _projects(users, units, n: int, prefix: str) -> None:
    bureau = users["bureau"]
    unit_keys = ("a", "b", "dept", "a_section")
    for i in range(n):
        project = services.create_project(
            user=bureau,
            data={
                "code": f"{prefix}{i:03d}",
                "name": f"批量项目{prefix}{i}",
                "planned_investment": D(500 + 900 * i),
                "industry": "CGC"[i % 3],
                "industry_chain": ("新能源·电池", "物流", "")[i % 3],
            },
            credits=[(units[unit_keys[i % 4]], D("100"))],
        )
        signed = dt.date(2026, 1 + i % 6, 1 + i % 27)
        services.record_stage(user=bureau, project=project, stage="signed", date=signed, amount=D(100 + i))
        if i % 2:
            services.record_stage(user=bureau, project=project, stage="started", date=dt.date(2026, 6, 1 + i % 27))
        services.add_receipt(user=bureau, project=project, date=dt.date(2026, 1 + i % 6, 2), amount=D(10 + i))


def _queries(user, period, **kwargs) -> int:
    user = type(user).objects.get(pk=user.pk)  # a fresh instance: nothing cached from an earlier call
    # The ranking reads the stored assessment (jobs.stored), computed by a job: stored beforehand, as the job
    # would, so that what is counted is the page's reading, not the assessment computed on a miss.
    stored.compute_and_store(
        stored_assessment.PERIOD_RESULT, stored_assessment.params(period, AS_OF, period.basis), "zh-hans"
    )
    # Likewise the county's daily figures (decision 36): built as their job would, so that a stale table's request
    # for a build (queued on the first look, already queued on the next) does not change the count.
    daily_build.build()
    with CaptureQueriesContext(connection) as captured:
        selectors.dashboard_data(user=user, period=period, as_of=AS_OF, **kwargs)
    return len(captured.captured_queries)


@pytest.mark.parametrize("who,unit", [("bureau", None), ("reporter_a", None), ("bureau", "b")])
def test_queries_do_not_grow_with_the_ledger(users, units, period, who, unit, django_assert_max_num_queries):
    kwargs = {"unit": units[unit]} if unit else {}
    _projects(users, units, 20, "Q")
    small = _queries(users[who], period, **kwargs)
    _projects(users, units, 40, "R")  # 60 in all
    large = _queries(users[who], period, **kwargs)
    assert small == large
    with django_assert_max_num_queries(30):
        selectors.dashboard_data(user=users[who], period=period, as_of=AS_OF, **kwargs)


def test_the_page_itself_needs_few_queries(client, users, units, period, django_assert_max_num_queries):
    _projects(users, units, 20, "Q")
    client.force_login(users["bureau"])
    client.get(URL, {"as_of": AS_OF.isoformat()})
    with django_assert_max_num_queries(30):
        client.get(URL, {"as_of": AS_OF.isoformat()})


# --- 数据大屏 ----------------------------------------------------------------------------------------------

SCREEN = reverse("dashboard:screen")


def test_the_screen_needs_a_login_and_shows_what_the_dashboard_shows(client, users, units, county, period):
    response = client.get(SCREEN)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for who in ("bureau", "leader", "supervisor", "admin"):
        client.force_login(users[who])
        response = client.get(SCREEN, {"as_of": AS_OF.isoformat()})
        assert response.status_code == 200, who
        page = client.get(URL, {"as_of": AS_OF.isoformat()})
        assert response.context["data"]["headline"] == page.context["data"]["headline"], who
        html = response.content.decode()
        assert re.search(r"更新于 \d\d:\d\d", html) and 'http-equiv="refresh" content="300"' in html
        categories = response.context["data"]["ranking"]["categories"]
        assert {r["code"] for c in categories for r in c["rows"]} >= {"T01", "T02"}


def test_a_reporter_sees_their_own_units_on_the_screen_and_no_other(client, users, units, county, period):
    client.force_login(users["reporter_a"])
    response = client.get(SCREEN, {"as_of": AS_OF.isoformat()})
    assert response.status_code == 200
    data = response.context["data"]
    assert data["headline"][0]["value"] == 3  # their township's projects, as on their dashboard
    assert sorted(r["code"] for c in data["ranking"]["categories"] for r in c["rows"]) == ["T01", "T0101"]
    assert client.get(SCREEN, {"unit": units["a_section"].pk}).status_code == 200
    for unit in ("b", "dept", "county"):
        assert client.get(SCREEN, {"unit": units[unit].pk}).status_code == 404, unit


def test_the_screen_refresh_is_a_setting(client, users, county, period, settings):
    settings.DASHBOARD_SCREEN_REFRESH = 60
    client.force_login(users["leader"])
    html = client.get(SCREEN, {"as_of": AS_OF.isoformat()}).content.decode()
    assert 'http-equiv="refresh" content="60"' in html


def test_the_dashboard_links_to_the_screen_with_its_choices(client, users, units, county, period):
    client.force_login(users["bureau"])
    html = client.get(URL, {"as_of": AS_OF.isoformat(), "unit": units["b"].pk}).content.decode()
    link = re.search(r'id="screen-link" href="([^"]+)"', html)[1].replace("&amp;", "&")
    assert link.startswith(SCREEN + "?") and f"unit={units['b'].pk}" in link and "as_of=2026-06-30" in link


def test_a_refresh_of_the_screen_reads_the_dashboards_cache(client, users, units, county, period):
    """Once the dashboard and its ranking have been computed, the screen reads them: a refresh costs no more
    queries than reopening the dashboard (no assessment, no figures computed again)."""
    client.force_login(users["bureau"])
    params = {"as_of": AS_OF.isoformat(), "period": period.pk}
    client.get(URL, params)
    client.get(reverse("dashboard:section", args=["ranking"]), params)
    with CaptureQueriesContext(connection) as page:
        client.get(URL, params)
    with CaptureQueriesContext(connection) as screen:
        response = client.get(SCREEN, params)
    assert response.status_code == 200 and response.context["data"]["ranking"]["available"]
    assert len(screen.captured_queries) <= len(page.captured_queries), (
        [q["sql"] for q in screen.captured_queries],
        len(page.captured_queries),
    )


def test_the_sections_and_overdue_figures_on_the_first_screen(client, users, county, period):
    client.force_login(users["bureau"])
    response = client.get(URL, {"as_of": AS_OF.isoformat()})
    data = response.context["data"]
    assert data["schedule_progress"] == D(181) / D(365)  # 1 January – 30 June 2026, by day
    html = response.content.decode()
    assert re.search(r'id="schedule-progress"[^>]*>[^<]*<strong>49\.6%</strong>', html)
    assert data["alerts"]["reports"]["count"] == 0
    for key in ("reports", "rectifications"):
        assert f'data-alert="{key}"' in html and data["alerts"][key]["url"].startswith("/")
    # A scheduling round due before the as-of date: every report it asks for and nobody sent is overdue.
    from zhaoshang.scheduling import services as scheduling
    from zhaoshang.scheduling.models import ProgressReport

    scheduling_round = scheduling.open_round(user=users["bureau"], date=AS_OF - dt.timedelta(days=3))
    due = ProgressReport.objects.filter(scheduling_round=scheduling_round).count()
    assert due > 0
    response = client.get(URL, {"as_of": AS_OF.isoformat()})
    assert response.context["data"]["alerts"]["reports"]["count"] == due
    assert re.search(rf'data-alert="reports">.*?data-count="{due}"', response.content.decode(), re.S)
    assert 'role="tab"' in html and 'aria-selected="true"' in html and 'role="tabpanel"' in html
    ranking = client.get(reverse("dashboard:section", args=["ranking"]), {"as_of": AS_OF.isoformat()})
    fragment = ranking.content.decode()
    assert 'id="glance-body" hx-swap-oob="true"' in fragment and 'id="glance-table"' in fragment
    # Per category: how many units keep pace with the schedule (the assessment's ratio of score to progress).
    for category in ranking.context["data"]["ranking"]["categories"]:
        rows = category["rows"]
        assert category["on_schedule"] == sum(1 for r in rows if r["schedule_ratio"] and r["schedule_ratio"] >= 1)
        assert f'data-on-schedule="{category["on_schedule"]}"' in fragment
