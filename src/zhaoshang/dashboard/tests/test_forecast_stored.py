"""The forecast section reads a stored result (jobs.stored): nothing simulated in the request, "computing" and a
poll until a background job has stored it, the figures with when they were computed after, "the data has
changed" after a ledger write; and a reporter's stored forecast covers their own units only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.core import clock
from zhaoshang.dashboard import lists, selectors
from zhaoshang.jobs import runner, stored
from zhaoshang.jobs.models import Job, JobStatus, StoredResult
from zhaoshang.organization import access

from .dashboard_county import AS_OF

pytestmark = pytest.mark.django_db
SECTION = reverse("dashboard:section", args=["forecast"])


@pytest.fixture(autouse=True)
def _async(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.JOBS_RUN_IN_THREAD = False
    settings.RESULTS_COMPUTE_ON_MISS = False
    settings.RESULTS_DEBOUNCE_SECONDS = 10


def run_due_jobs() -> int:
    with clock.frozen(clock.now() + dt.timedelta(seconds=11)):
        ran = runner.run_pending()
    assert not Job.objects.filter(status=JobStatus.FAILED).exists(), Job.objects.values_list("error", flat=True)
    return ran


def test_the_section_computes_in_the_background_then_shows_the_figures(client, users, county, period, monkeypatch):
    simulated = []
    real = lists.run_forecast
    monkeypatch.setattr(lists, "run_forecast", lambda *a, **k: simulated.append(1) or real(*a, **k))
    client.force_login(users["bureau"])
    params = {"as_of": AS_OF.isoformat(), "period": period.pk}

    first = client.get(SECTION, params)
    html = first.content.decode()
    assert first.status_code == 200 and simulated == []  # nothing simulated in the request
    assert "正在计算…" in html and 'data-state="pending"' in html
    assert 'hx-trigger="load delay:2s"' in html and 'hx-target="#forecast-body"' in html
    assert f"/dashboard/sections/forecast/?as_of={AS_OF.isoformat()}" in html
    assert 'id="forecast-table"' not in html
    assert Job.objects.filter(kind=stored.REFRESH_KIND, status=JobStatus.QUEUED).count() == 1
    client.get(SECTION, params)  # the poll: still computing, no second job
    assert Job.objects.filter(kind=stored.REFRESH_KIND).count() == 1

    assert run_due_jobs() == 1 and simulated == [1]
    done = client.get(SECTION, params)
    html = done.content.decode()
    assert 'id="forecast-table"' in html and 'data-unit="county"' in html and "/projects/?unit=" in html
    assert "计算于 " in html and 'data-state="fresh"' in html and "hx-trigger" not in html
    assert simulated == [1]
    data = done.context["data"]["forecast"]
    assert data["units"] and isinstance(data["county"]["current"], (Decimal, type(None)))
    assert data["as_of"] == AS_OF  # revived as a date


def test_after_a_ledger_write_the_old_forecast_is_shown_and_recomputed(client, users, county, period, make_project):
    client.force_login(users["bureau"])
    params = {"as_of": AS_OF.isoformat(), "period": period.pk}
    client.get(SECTION, params)
    run_due_jobs()
    before = client.get(SECTION, params).context["data"]["forecast"]

    make_project(name="新项目", planned_investment=Decimal("8000"))  # the revision moves
    stale = client.get(SECTION, params)
    html = stale.content.decode()
    assert 'id="forecast-table"' in html and "数据已变化，正在重新计算" in html and 'data-state="stale"' in html
    assert 'hx-trigger="load delay:5s"' in html
    assert stale.context["data"]["forecast"]["units"] == before["units"]  # the stored figures, not recomputed
    assert Job.objects.filter(kind=stored.REFRESH_KIND, status=JobStatus.QUEUED).count() == 1

    run_due_jobs()
    fresh = client.get(SECTION, params).content.decode()
    assert "数据已变化" not in fresh and 'data-state="fresh"' in fresh


def test_a_reporters_forecast_covers_their_units_and_is_not_anothers(client, users, county, period):
    scope_a = selectors.Scope(user=users["reporter_a"], unit=None)
    params_a = lists.forecast_params(scope_a, period=period, as_of=AS_OF)
    assert set(params_a["unit_ids"]) <= set(access.unit_ids(users["reporter_a"]))
    assert users["reporter_b"].unit_id not in params_a["unit_ids"]

    client.force_login(users["reporter_a"])
    client.get(SECTION, {"as_of": AS_OF.isoformat(), "period": period.pk})
    run_due_jobs()
    [row] = StoredResult.objects.all()
    assert row.params["unit_ids"] == params_a["unit_ids"]
    codes = {
        r["code"]
        for r in client.get(SECTION, {"as_of": AS_OF.isoformat(), "period": period.pk}).context["data"]["forecast"][
            "units"
        ]
    }
    assert codes == {"T01", "T0101"}

    # reporter_b asks for their own forecast: another result, not reporter_a's stored one.
    client.force_login(users["reporter_b"])
    other = client.get(SECTION, {"as_of": AS_OF.isoformat(), "period": period.pk})
    assert 'data-state="pending"' in other.content.decode() and "城关镇" not in other.content.decode()
    # and cannot pick reporter_a's unit to reach it.
    assert (
        client.get(
            SECTION, {"as_of": AS_OF.isoformat(), "period": period.pk, "unit": users["reporter_a"].unit_id}
        ).status_code
        == 404
    )
