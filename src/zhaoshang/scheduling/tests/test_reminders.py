"""What scheduling asks ``zhaoshang remind`` to send, day by day: keys, recipients and content."""

from __future__ import annotations

import datetime as dt

import pytest

from zhaoshang.core import reminders as core_reminders
from zhaoshang.scheduling import coordination, reminders, reports, services

from .conftest import DAY, FILLED, report_of

pytestmark = pytest.mark.django_db


def by_key(today):
    return {reminder.key: reminder for reminder in reminders.due(today)}


def test_before_a_calendar_day_with_no_round_yet(county, units):
    # 2026-11-27 is a calendar day, no round exists: every unit reporting on a project in the stages.
    found = by_key(dt.date(2026, 11, 24))
    assert sorted(found) == [
        f"scheduling:2026-11-27:before:3d:unit:{units['a'].pk}",
        f"scheduling:2026-11-27:before:3d:unit:{units['b'].pk}",
    ]
    a = found[f"scheduling:2026-11-27:before:3d:unit:{units['a'].pk}"]
    assert a.unit_id == units["a"].pk and "3" in a.body and "2026-11-27" in a.body
    assert a.url == "/scheduling/"
    assert sorted(by_key(dt.date(2026, 11, 26))) == [
        f"scheduling:2026-11-27:before:1d:unit:{units['a'].pk}",
        f"scheduling:2026-11-27:before:1d:unit:{units['b'].pk}",
    ]
    assert by_key(dt.date(2026, 11, 25)) == {}  # 2 days before: no offset
    assert reminders.due(dt.date(2026, 11, 24)) == reminders.due(dt.date(2026, 11, 24))  # stable


def test_before_an_open_round_counts_the_reports_still_owed(county, users, units):
    scheduling_round = services.open_round(user=users["bureau"], date=dt.date(2026, 11, 27))
    report = report_of(scheduling_round, "B1")
    reports.save_report(user=users["reporter_b"], report=report, data=FILLED)
    reports.submit_report(user=users["reporter_b"], report=report)
    found = by_key(dt.date(2026, 11, 26))
    a = found[f"scheduling:2026-11-27:before:1d:unit:{units['a'].pk}"]
    b = found[f"scheduling:2026-11-27:before:1d:unit:{units['b'].pk}"]
    assert "3" in a.body and "1" in b.body  # A owes A1, A2, TIE; B owes AB only
    assert a.url == f"/scheduling/rounds/{scheduling_round.pk}/"


def test_on_the_day_the_units_still_missing(open_day, users, units):
    for code in ("A1", "A2", "TIE"):
        reports.save_report(user=users["reporter_a"], report=report_of(open_day, code), data=FILLED)
        reports.submit_report(user=users["reporter_a"], report=report_of(open_day, code))
    found = by_key(DAY)
    assert sorted(found) == [f"scheduling:2026-10-12:due:unit:{units['b'].pk}"]
    assert "2" in found[f"scheduling:2026-10-12:due:unit:{units['b'].pk}"].body
    assert by_key(DAY + dt.timedelta(days=1)) == {}


def test_a_moved_day_is_reminded_on_its_new_date_only(county, users, units):
    services.plan_month(user=users["bureau"], year=2026, month=12)
    saturday = services.plan_days(2026, 12)[0]
    planned = services.SchedulingRound.objects.get(planned_date=saturday)
    services.move_round(user=users["bureau"], scheduling_round=planned, new_date=dt.date(2026, 12, 14), reason="周末")
    assert by_key(dt.date(2026, 12, 9)) == {}
    keys = sorted(by_key(dt.date(2026, 12, 11)))
    assert keys == [
        f"scheduling:2026-12-14:before:3d:unit:{units['a'].pk}",
        f"scheduling:2026-12-14:before:3d:unit:{units['b'].pk}",
    ]


def test_overdue_items_go_to_the_department_and_the_county_leader_weekly(open_day, users, units):
    report = report_of(open_day, "A1")
    reports.save_report(user=users["reporter_a"], report=report, data={**FILLED, "problems": "电力增容"})
    reports.submit_report(user=users["reporter_a"], report=report, today=DAY)
    item = report.coordination_item
    coordination.update_item(user=users["bureau"], item=item, data={"department": units["dept"]})
    deadline = item.deadline  # 2026-10-27, a Tuesday
    assert not [r for r in reminders.due(deadline) if r.key.startswith("coordination:")]
    first = [r for r in reminders.due(deadline + dt.timedelta(days=1)) if r.key.startswith("coordination:")]
    assert len(first) == 1
    reminder = first[0]
    assert reminder.key == f"coordination:{item.pk}:overdue:2026-10-27:week:2026-44"
    # The project's county leader is only typed (王副县长): no account is guessed from the name, the bureau is told.
    assert reminder.unit_id == units["dept"].pk and reminder.user_ids == () and reminder.leader_names == ()
    assert reminder.to_bureau
    assert "电力增容" in reminder.body and reminder.url == f"/scheduling/items/{item.pk}/"
    same_week = [r.key for r in reminders.due(deadline + dt.timedelta(days=4)) if r.key.startswith("coordination:")]
    assert same_week == [reminder.key]  # the same key: delivered once
    next_week = [r.key for r in reminders.due(deadline + dt.timedelta(days=6)) if r.key.startswith("coordination:")]
    assert next_week == [f"coordination:{item.pk}:overdue:2026-10-27:week:2026-45"]
    coordination.update_item(user=users["bureau"], item=item, data={"status": "solved"})
    assert not [r for r in reminders.due(deadline + dt.timedelta(days=6)) if r.key.startswith("coordination:")]


def test_the_provider_is_collected(county):
    keys = [reminder.key for reminder in core_reminders.collect(dt.date(2026, 11, 24))]
    assert any(key.startswith("scheduling:2026-11-27:before:3d:") for key in keys)


def test_an_overdue_item_goes_to_the_account_of_the_projects_linked_leader(open_day, users, units):
    """Issue 14: escalation reaches Project.leader's account, and the bureau only when there is none."""
    from zhaoshang.persons.models import Person

    report = report_of(open_day, "A1")
    reports.save_report(user=users["reporter_a"], report=report, data={**FILLED, "problems": "电力增容"})
    reports.submit_report(user=users["reporter_a"], report=report, today=DAY)
    item = report.coordination_item
    coordination.update_item(user=users["bureau"], item=item, data={"department": units["dept"]})
    leader = Person.objects.create(name="张县长", unit=units["county"], level="county", user=users["leader"])
    project = item.project
    project.leader = leader
    project.save()
    day = item.deadline + dt.timedelta(days=1)
    (reminder,) = [r for r in reminders.due(day) if r.key.startswith("coordination:")]
    assert reminder.user_ids == (users["leader"].pk,) and not reminder.to_bureau
    assert reminder.unit_id == units["dept"].pk
    # A leader whose account is switched off: the bureau, never another leader.
    users["leader"].is_active = False
    users["leader"].save()
    (reminder,) = [r for r in reminders.due(day) if r.key.startswith("coordination:")]
    assert reminder.user_ids == () and reminder.to_bureau
