"""The assessment page and the dashboard's ranking read the stored assessment (assessment.stored): "computing"
and a poll until the job has stored it, then the same figures as the assessment computed directly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from zhaoshang.assessment import selectors
from zhaoshang.assessment import stored as stored_assessment
from zhaoshang.core import clock
from zhaoshang.dashboard.tests.dashboard_county import AS_OF
from zhaoshang.jobs import runner, stored
from zhaoshang.jobs.models import Job, JobStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(users, units):
    from zhaoshang.dashboard.tests.dashboard_county import build

    return build(users, units)


@pytest.fixture
def period(users):
    from zhaoshang.dashboard.tests.dashboard_county import make_period

    return make_period(users)


@pytest.fixture(autouse=True)
def _async(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.JOBS_RUN_IN_THREAD = False
    settings.RESULTS_COMPUTE_ON_MISS = False


def run_due_jobs():
    with clock.frozen(clock.now() + dt.timedelta(seconds=settings_debounce() + 1)):
        runner.run_pending()
    assert not Job.objects.filter(status=JobStatus.FAILED).exists()


def settings_debounce() -> float:
    from django.conf import settings

    return settings.RESULTS_DEBOUNCE_SECONDS


def test_the_page_says_computing_then_shows_the_stored_figures(client, users, county, period):
    client.force_login(users["bureau"])
    url = reverse("assessment:period", args=[period.pk])
    params = {"as_of": AS_OF.isoformat(), "basis": "reported"}
    first = client.get(url, params).content.decode()
    assert "正在计算…" in first and 'data-state="pending"' in first and 'hx-select="#assessment-results"' in first
    assert 'data-unit="T01"' not in first and "No unit has targets" not in first and "尚无" not in first
    assert Job.objects.filter(kind=stored.REFRESH_KIND, status=JobStatus.QUEUED).count() == 1

    run_due_jobs()
    done = client.get(url, params)
    html = done.content.decode()
    assert 'data-unit="T01"' in html and "计算于 " in html and 'data-state="fresh"' in html
    # The same figures as the assessment computed directly.
    direct = selectors.assess_period(period, AS_OF, basis="reported")
    shown = {row["result"].unit.code: row["result"] for c in done.context["categories"] for row in c["rows"]}
    expected = {r.unit.code: r for r in direct.units if r.score is not None}
    assert shown.keys() == expected.keys()
    for code, result in expected.items():
        assert shown[code].score == result.score and shown[code].rank == result.rank
        assert shown[code].flags == result.flags and shown[code].funds == result.funds
        assert [g.completion for g in shown[code].groups] == [g.completion for g in result.groups]


def test_the_dashboard_ranking_reads_the_same_stored_assessment(client, users, county, period):
    client.force_login(users["bureau"])
    section = reverse("dashboard:section", args=["ranking"])
    params = {"as_of": AS_OF.isoformat(), "period": period.pk}
    pending = client.get(section, params).content.decode()
    assert "正在计算…" in pending and 'hx-target="#ranking-body"' in pending
    run_due_jobs()
    html = client.get(section, params).content.decode()
    assert 'data-unit="T01"' in html and 'data-state="fresh"' in html
    # The page reads the very row the ranking was computed into: no second job.
    assert Job.objects.filter(kind=stored.REFRESH_KIND).count() == 1
    page = client.get(
        reverse("assessment:period", args=[period.pk]), {"as_of": AS_OF.isoformat(), "basis": period.basis}
    )
    assert 'data-state="fresh"' in page.content.decode()


def test_the_stored_assessment_survives_the_codec(county, period):
    data = stored_assessment.compute_period(stored_assessment.params(period, AS_OF, "reported"))
    assessment, error = stored_assessment.revive(stored.decode(stored.encode(data)))
    assert error == "" and assessment.as_of == AS_OF
    direct = selectors.assess_period(period, AS_OF, basis="reported")
    assert assessment.schedule_progress == direct.schedule_progress
    assert [(u.unit, u.score, u.points, u.order) for u in assessment.units] == [
        (u.unit, u.score, u.points, u.order) for u in direct.units
    ]
