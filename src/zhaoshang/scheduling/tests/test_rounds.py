"""The calendar: planning a month's days, opening a round (stages, once per project, the reporting unit),
moving a day, closing, and the cron command."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from zhaoshang.projects.models import ProjectCredit
from zhaoshang.scheduling import services
from zhaoshang.scheduling.models import ProgressReport, SchedulingConfig, SchedulingRound

from .conftest import DAY, LATER

pytestmark = pytest.mark.django_db


def codes_and_units(scheduling_round):
    return {r.project.code: r.unit.code for r in scheduling_round.reports.select_related("project", "unit")}


def test_defaults_come_from_the_seeds(db):
    config = SchedulingConfig.load()
    assert config.days_of_month == [12, 27]
    assert config.stages == ["negotiating", "intention", "signed", "started"]
    assert config.stalled_after_days == 60
    assert config.reminder_offsets == [3, 1]
    assert config.item_deadline_days == 15


def test_plan_days_clips_to_the_end_of_the_month(users):
    assert services.plan_days(2026, 11) == [dt.date(2026, 11, 12), dt.date(2026, 11, 27)]
    services.save_config(
        user=users["bureau"],
        days_of_month=[31, 15, 15],
        stages=["signed"],
        stalled_after_days=30,
        reminder_offsets=[1, 2],
        item_deadline_days=10,
    )
    assert services.plan_days(2026, 2) == [dt.date(2026, 2, 15), dt.date(2026, 2, 28)]
    assert services.plan_days(2028, 2) == [dt.date(2028, 2, 15), dt.date(2028, 2, 29)]
    config = SchedulingConfig.load()
    assert (config.days_of_month, config.reminder_offsets) == ([15, 31], [2, 1])


def test_settings_are_the_bureaus(users):
    with pytest.raises(PermissionDenied):
        services.save_config(
            user=users["reporter_a"],
            days_of_month=[1],
            stages=["signed"],
            stalled_after_days=30,
            reminder_offsets=[],
            item_deadline_days=10,
        )
    with pytest.raises(ValidationError) as error:
        services.save_config(
            user=users["admin"],
            days_of_month=[0, 32],
            stages=[],
            stalled_after_days=0,
            reminder_offsets=[40],
            item_deadline_days=0,
        )
    assert len(error.value.messages) == 5


def test_open_round_reports_active_projects_in_the_stages_to_their_reporting_unit(county, users):
    scheduling_round = services.open_round(user=users["bureau"], date=DAY)
    assert scheduling_round.status == "open" and scheduling_round.opened_by == users["bureau"]
    # Lead, producing and stalled projects owe nothing; AB goes to B (60%), TIE to A (50/50, lower code).
    assert codes_and_units(scheduling_round) == {"A1": "T01", "A2": "T01", "B1": "T02", "AB": "T02", "TIE": "T01"}
    assert set(scheduling_round.reports.values_list("status", flat=True)) == {"due"}


def test_open_round_with_chosen_stages(county, users):
    scheduling_round = services.open_round(user=users["bureau"], date=DAY, stages=["signed", "producing"])
    assert scheduling_round.stages == ["signed", "producing"]
    assert sorted(codes_and_units(scheduling_round)) == ["A2", "PR"]
    with pytest.raises(ValidationError):
        services.open_round(user=users["bureau"], date=LATER, stages=["bogus"])
    with pytest.raises(PermissionDenied):
        services.open_round(user=users["reporter_a"], date=LATER)


def test_open_round_is_idempotent_and_picks_up_new_projects(county, users, make_project):
    first = services.open_round(user=users["bureau"], date=DAY)
    again = services.open_round(user=users["bureau"], date=DAY)
    assert again.pk == first.pk and first.reports.count() == 5
    make_project(code="NEW")
    services.open_round(user=users["bureau"], date=DAY)
    assert first.reports.count() == 6
    assert ProgressReport.objects.filter(project__code="A1").count() == 1


def test_reporting_unit_falls_back_to_the_responsible_unit(county, users, units):
    project = county["A1"]
    ProjectCredit.objects.filter(project=project).delete()
    project.responsible_unit = units["dept"]
    project.save()
    scheduling_round = services.open_round(user=users["bureau"], date=DAY)
    assert codes_and_units(scheduling_round)["A1"] == "D01"


def test_opening_a_round_closes_the_earlier_open_one(county, users):
    first = services.open_round(user=users["bureau"], date=DAY)
    second = services.open_round(user=users["bureau"], date=LATER)
    first.refresh_from_db()
    assert (first.status, second.status) == ("closed", "open")
    with pytest.raises(ValidationError):
        services.open_round(user=users["bureau"], date=DAY)


def test_move_a_day_keeps_its_origin_and_reason(county, users):
    saturday = dt.date(2026, 12, 12)
    [planned, _second] = services.plan_month(user=users["bureau"], year=2026, month=12)
    assert planned.date == saturday and planned.status == "planned"
    services.move_round(
        user=users["bureau"], scheduling_round=planned, new_date=dt.date(2026, 12, 14), reason="周六顺延"
    )
    planned.refresh_from_db()
    assert (planned.date, planned.planned_date, planned.move_reason) == (
        dt.date(2026, 12, 14),
        saturday,
        "周六顺延",
    )
    assert planned.moved
    record = planned.history.first()
    assert record.history_user == users["bureau"] and record.history_change_reason == "周六顺延"
    # Planning again adds nothing: the 12th is planned (on the 14th now) and the 27th exists.
    assert services.plan_month(user=users["bureau"], year=2026, month=12) == []


def test_move_errors(county, users, open_day):
    other = services.open_round(user=users["bureau"], date=LATER)
    open_day.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.move_round(user=users["bureau"], scheduling_round=other, new_date=DAY, reason="")
    assert len(error.value.messages) == 2  # no reason; another round on that day
    with pytest.raises(ValidationError):  # closed
        services.move_round(user=users["bureau"], scheduling_round=open_day, new_date=dt.date(2026, 10, 13), reason="x")
    with pytest.raises(PermissionDenied):
        services.move_round(
            user=users["reporter_a"], scheduling_round=other, new_date=dt.date(2026, 10, 28), reason="x"
        )


def test_moving_an_open_round_moves_the_due_date_of_its_reports(county, users, open_day):
    services.move_round(user=users["bureau"], scheduling_round=open_day, new_date=dt.date(2026, 10, 13), reason="会议")
    report = open_day.reports.select_related("scheduling_round").first()
    assert report.due_date == dt.date(2026, 10, 13)
    assert report.is_late(dt.date(2026, 10, 13)) is False
    assert report.is_late(dt.date(2026, 10, 14)) is True


def run(date: str) -> str:
    out = StringIO()
    call_command("open_rounds", "--date", date, stdout=out)
    return out.getvalue()


def test_open_rounds_command_opens_todays_calendar_day_once(county):
    assert "没有" in run("2026-10-11")
    output = run("2026-10-12")
    assert "2026-10-12" in output and "5" in output
    assert "没有" in run("2026-10-12")  # cron twice: nothing new
    scheduling_round = SchedulingRound.objects.get()
    assert (scheduling_round.date, scheduling_round.planned_date, scheduling_round.opened_by) == (DAY, DAY, None)
    assert scheduling_round.reports.count() == 5


def test_open_rounds_command_follows_a_moved_day(county, users):
    services.plan_month(user=users["bureau"], year=2026, month=12)
    saturday = SchedulingRound.objects.get(planned_date=dt.date(2026, 12, 12))
    services.move_round(user=users["bureau"], scheduling_round=saturday, new_date=dt.date(2026, 12, 14), reason="周末")
    assert "没有" in run("2026-12-12")
    assert "2026-12-14" in run("2026-12-14")
    saturday.refresh_from_db()
    assert saturday.status == "open" and saturday.reports.count() == 5
    assert SchedulingRound.objects.count() == 2  # the 14th (from the 12th) and the planned 27th


def test_open_rounds_command_rejects_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        run("12/10/2026")


def test_rounds_over_several_months(county):
    for day in ("2026-09-12", "2026-09-27", "2026-10-12", "2026-10-27"):
        run(day)
    statuses = list(SchedulingRound.objects.order_by("date").values_list("status", flat=True))
    assert statuses == ["closed", "closed", "closed", "open"]
    assert ProgressReport.objects.count() == 20
