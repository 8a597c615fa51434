"""Stalled detection: no stage change and no report for N days, or missing two closed rounds in a row."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from zhaoshang.core.clock import frozen
from zhaoshang.projects.models import Project
from zhaoshang.projects.services import mark_reported, refresh_last_activity
from zhaoshang.scheduling import reports, selectors, services
from zhaoshang.scheduling.models import SchedulingConfig

from .conftest import FILLED, report_of

pytestmark = pytest.mark.django_db
fill_last_report_dates = importlib.import_module(
    "zhaoshang.scheduling.migrations.0002_last_report_dates"
).fill_last_report_dates


def stalled(user, today, **config):
    conf = SchedulingConfig.load()
    for name, value in config.items():
        setattr(conf, name, value)
    return {entry.project.code: entry for entry in selectors.stalled_projects(user=user, today=today, config=conf)}


def age(project_codes, created: dt.date) -> None:
    """Pretend the projects were entered on ``created``."""
    projects = Project.objects.filter(code__in=project_codes)
    projects.update(created_at=timezone.make_aware(dt.datetime.combine(created, dt.time(9))))
    refresh_last_activity(projects)


def test_no_stage_change_and_no_report_for_n_days(county, users):
    age(list(county), dt.date(2026, 1, 5))
    today = dt.date(2026, 10, 30)
    found = stalled(users["bureau"], today)
    # A1 has no stage at all: 298 days since it was entered; A2 signed 2026-09-01 is 59 days ago.
    assert found["A1"].days == (today - dt.date(2026, 1, 5)).days and found["A1"].last_activity == dt.date(2026, 1, 5)
    assert "A2" not in found
    assert found["AB"].days == (today - dt.date(2026, 7, 1)).days
    assert "ST" not in found  # stalled already: only active projects are listed
    # 以上 includes the number: 60 days exactly is stalled.
    assert "A2" in stalled(users["bureau"], dt.date(2026, 10, 31))
    assert "A2" not in stalled(users["bureau"], dt.date(2026, 10, 31), stalled_after_days=61)


def test_a_submitted_report_counts_as_activity(county, users):
    age(list(county), dt.date(2026, 1, 5))
    scheduling_round = services.open_round(user=users["bureau"], date=dt.date(2026, 10, 12))
    report = report_of(scheduling_round, "A1")
    reports.save_report(user=users["reporter_a"], report=report, data=FILLED)
    with frozen(timezone.make_aware(dt.datetime(2026, 10, 12, 10))):
        reports.submit_report(user=users["reporter_a"], report=report)
    assert Project.objects.get(code="A1").last_report_on == dt.date(2026, 10, 12)
    found = stalled(users["bureau"], dt.date(2026, 11, 1))
    assert "A1" not in found
    assert stalled(users["bureau"], dt.date(2026, 12, 11))["A1"].days == 60


def test_the_last_report_date_is_the_local_day_of_the_latest_submission(county, users):
    """Submitting keeps Project.last_report_on: the local (Asia/Shanghai) date, never moved back by an earlier
    submission, and what the migration derives from the reports."""
    early = services.open_round(user=users["bureau"], date=dt.date(2026, 10, 12))
    report = report_of(early, "A1")
    reports.save_report(user=users["reporter_a"], report=report, data=FILLED)
    # 23:30 UTC on 10-12 is 07:30 on 10-13 in Shanghai.
    with frozen(dt.datetime(2026, 10, 12, 23, 30, tzinfo=dt.UTC)):
        reports.submit_report(user=users["reporter_a"], report=report)
    assert Project.objects.get(code="A1").last_report_on == dt.date(2026, 10, 13)
    other = report_of(early, "A2")
    reports.save_report(user=users["reporter_a"], report=other, data=FILLED)
    with frozen(timezone.make_aware(dt.datetime(2026, 10, 14, 9))):
        reports.submit_report(user=users["reporter_a"], report=other)
    # A report submitted later but dated earlier (a clock set back) does not move the date back.
    a1 = Project.objects.get(code="A1")
    mark_reported(a1, dt.date(2026, 10, 1))
    assert Project.objects.get(code="A1").last_report_on == dt.date(2026, 10, 13) == a1.last_report_on
    assert Project.objects.get(code="A2").last_report_on == dt.date(2026, 10, 14)
    assert Project.objects.get(code="B1").last_report_on is None
    # The migration's backfill gives the same dates from the reports.
    Project.objects.update(last_report_on=None)
    fill_last_report_dates(django_apps, None)
    assert dict(Project.objects.filter(last_report_on__isnull=False).values_list("code", "last_report_on")) == {
        "A1": dt.date(2026, 10, 13),
        "A2": dt.date(2026, 10, 14),
    }


def test_missing_two_closed_rounds_in_a_row(county, users):
    bureau, reporter = users["bureau"], users["reporter_a"]
    first = services.open_round(user=bureau, date=dt.date(2026, 11, 12))
    for code in ("A1", "A2"):  # A2 reported in the first round, A1 did not
        reports.save_report(user=reporter, report=report_of(first, code), data=FILLED)
        reports.submit_report(user=reporter, report=report_of(first, code))
    second = services.open_round(user=bureau, date=dt.date(2026, 11, 19))  # closes the first
    today = dt.date(2026, 11, 20)
    # Only one closed round so far: nobody has missed two.
    assert not any(entry.missed_rounds for entry in stalled(bureau, today).values())
    reports.save_report(user=reporter, report=report_of(second, "A1"), data=FILLED)
    reports.submit_report(user=reporter, report=report_of(second, "A1"))
    services.close_round(user=bureau, scheduling_round=second)
    found = {code: entry for code, entry in stalled(bureau, today).items() if entry.missed_rounds}
    # A1 reported in the second round; A2 missed the second only; B1, AB, TIE missed both.
    assert sorted(found) == ["AB", "B1", "TIE"]
    assert found["B1"].missed_rounds == [dt.date(2026, 11, 19), dt.date(2026, 11, 12)]
    assert "2026-11-12" in found["B1"].reason and "2026-11-19" in found["B1"].reason
    # Reporters see their own projects only.
    assert sorted(c for c, e in stalled(users["reporter_b"], today).items() if e.missed_rounds) == ["AB", "B1", "TIE"]
    assert "B1" not in stalled(users["reporter_a"], today)


def test_mark_stalled_from_the_page(client, county, users):
    age(list(county), dt.date(2026, 1, 5))
    client.force_login(users["bureau"])
    response = client.get("/scheduling/stalled/")
    assert response.status_code == 200 and 'data-project="A1"' in response.text
    response = client.post(f"/scheduling/stalled/{county['A1'].pk}/mark/", {"reason": "投资方资金未落实"})
    assert response.status_code == 302
    project = Project.objects.get(code="A1")
    assert (project.status, project.status_reason) == ("stalled", "投资方资金未落实")
    assert project.history.first().history_user == users["bureau"]
    assert 'data-project="A1"' not in client.get("/scheduling/stalled/").text


def test_the_page_is_paginated_longest_idle_first(client, county, users, monkeypatch):
    from zhaoshang.scheduling import views_items

    monkeypatch.setattr(views_items, "PAGE_SIZE", 2)
    age(list(county), dt.date(2026, 1, 5))
    found = list(stalled(users["bureau"], timezone.localdate()))  # the page's date
    assert len(found) > 2
    client.force_login(users["bureau"])
    first = client.get("/scheduling/stalled/").text
    second = client.get("/scheduling/stalled/?page=2").text
    assert f"{len(found)}个项目" in first
    assert f'data-project="{found[0]}"' in first and f'data-project="{found[1]}"' in first
    assert f'data-project="{found[2]}"' not in first and f'data-project="{found[2]}"' in second


def test_longest_idle_first(county, users):
    age(list(county), dt.date(2026, 1, 5))
    found = stalled(users["bureau"], dt.date(2026, 10, 30))
    # A1 entered 2026-01-05 with no stage; LD lead 2026-06-01; AB started 2026-07-01. PR, producing since
    # 2026-05-01, has no stage left to reach: never stalled.
    assert list(found)[:3] == ["A1", "LD", "AB"] and "PR" not in found
    assert [entry.last_activity for entry in list(found.values())[:2]] == [dt.date(2026, 1, 5), dt.date(2026, 6, 1)]


def test_last_activity_is_the_local_date_of_entry(county, users):
    # Entered at 00:30 in Beijing (16:30 UTC the day before): the local date counts.
    a1 = Project.objects.filter(code="A1")
    a1.update(created_at=timezone.make_aware(dt.datetime(2026, 1, 5, 0, 30), timezone.get_fixed_timezone(8 * 60)))
    refresh_last_activity(a1)
    assert stalled(users["bureau"], dt.date(2026, 10, 30))["A1"].last_activity == dt.date(2026, 1, 5)
