"""Writes to the scheduling calendar and its rounds. Bureau staff and admins run the calendar; ``user=None``
is the system (the ``open_rounds`` command run by cron).

Progress reports are in ``reports.py`` and coordination items in ``coordination.py``."""

from __future__ import annotations

import calendar
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from zhaoshang.core import clock
from zhaoshang.core.history import as_user
from zhaoshang.organization import access
from zhaoshang.projects.choices import Stage, Status
from zhaoshang.projects.models import Project
from zhaoshang.projects.selectors import with_credits

from .choices import RoundStatus
from .models import ProgressReport, SchedulingConfig, SchedulingRound

MAX_OFFSET_DAYS = 31


def check_runs_calendar(user) -> None:
    """Only bureau staff and admins (or the system, ``user=None``) run the scheduling calendar."""
    if user is not None and not access.edits_everything(user):
        raise PermissionDenied


def _user_or_none(user):
    return user if getattr(user, "pk", None) else None


# --- configuration ------------------------------------------------------------------------------


def config_errors(
    *, days_of_month: list[int], stages: list[str], stalled_after_days: int, reminder_offsets: list[int]
) -> list[str]:
    errors = []
    if not days_of_month:
        errors.append(_("Give at least one scheduling day of the month."))
    if any(not 1 <= day <= 31 for day in days_of_month):
        errors.append(_("Scheduling days must be between 1 and 31."))
    if not stages:
        errors.append(_("Choose at least one stage to report on."))
    unknown = [stage for stage in stages if stage not in Stage.values]
    if unknown:
        errors.append(_("Unknown stage %(stage)s.") % {"stage": ", ".join(unknown)})
    if stalled_after_days is None or stalled_after_days < 1:
        errors.append(_("The number of days before a project counts as stalled must be at least 1."))
    if any(not 0 <= offset <= MAX_OFFSET_DAYS for offset in reminder_offsets):
        errors.append(_("Reminders can be sent from 0 to 31 days before a scheduling day."))
    return errors


@transaction.atomic
def save_config(
    *,
    user,
    days_of_month: list[int],
    stages: list[str],
    stalled_after_days: int,
    reminder_offsets: list[int],
    item_deadline_days: int,
) -> SchedulingConfig:
    check_runs_calendar(user)
    errors = config_errors(
        days_of_month=days_of_month,
        stages=stages,
        stalled_after_days=stalled_after_days,
        reminder_offsets=reminder_offsets,
    )
    if item_deadline_days is None or item_deadline_days < 1:
        errors.append(_("The coordination deadline must be at least 1 day."))
    if errors:
        raise ValidationError(errors)
    config = SchedulingConfig.load()
    config.days_of_month = sorted(set(days_of_month))
    config.stages = [stage for stage in Stage.values if stage in stages]
    config.stalled_after_days = stalled_after_days
    config.reminder_offsets = sorted(set(reminder_offsets), reverse=True)
    config.item_deadline_days = item_deadline_days
    as_user(config, user).save()
    return config


# --- the calendar ---------------------------------------------------------------------------------


def plan_days(year: int, month: int, *, config: SchedulingConfig | None = None) -> list[dt.date]:
    """The month's scheduling days from the calendar; a day past the month's end falls on its last day
    (the 31st in February is the 28th or 29th)."""
    config = config or SchedulingConfig.load()
    last = calendar.monthrange(year, month)[1]
    return sorted({dt.date(year, month, min(day, last)) for day in config.days_of_month})


def reportable_projects(stages: list[str]):
    """Active projects in the given stages: those that owe a report in a round."""
    return Project.objects.filter(status=Status.ACTIVE, stage__in=stages)


def reporting_unit_id(project: Project) -> int | None:
    """The unit that reports for a project: the one credited with the largest share (ties: lowest code),
    else the responsible unit. Uses prefetched ``credits__unit`` when present."""
    credits = sorted(project.credits.all(), key=lambda credit: (-credit.share, credit.unit.code))
    if credits:
        return credits[0].unit_id
    return project.responsible_unit_id


def reporting_units(projects) -> dict[int, int]:
    """Project id → reporting unit id, for the projects that have one."""
    found = {}
    for project in with_credits(projects):
        unit_id = reporting_unit_id(project)
        if unit_id is not None:
            found[project.pk] = unit_id
    return found


@transaction.atomic
def plan_month(*, user, year: int, month: int) -> list[SchedulingRound]:
    """Put the month's calendar days on the calendar as planned rounds, so the bureau can move a day that
    falls on a weekend or holiday before it comes. Days already planned or opened are left alone."""
    check_runs_calendar(user)
    config = SchedulingConfig.load()
    created = []
    for day in plan_days(year, month, config=config):
        if SchedulingRound.objects.filter(planned_date=day).exists():
            continue
        if SchedulingRound.objects.filter(date=day).exists():
            continue  # another round was moved onto this day: it stands for it
        scheduling_round = SchedulingRound(date=day, planned_date=day, stages=list(config.stages))
        as_user(scheduling_round, user).save()
        created.append(scheduling_round)
    return created


@transaction.atomic
def open_round(
    *, user, date: dt.date, stages: list[str] | None = None, planned_date: dt.date | None = None
) -> SchedulingRound:
    """Open the round due on ``date``: a report (due) for every active project in the stages, assigned to its
    reporting unit. Idempotent: a project gets one report per round; running it again only adds reports for
    projects that entered the stages since. Earlier open rounds are closed (a round takes late reports until
    the next one opens)."""
    check_runs_calendar(user)
    if stages is not None:
        errors = [] if stages else [_("Choose at least one stage to report on.")]
        errors += [_("Unknown stage %(stage)s.") % {"stage": s} for s in stages if s not in Stage.values]
        if errors:
            raise ValidationError(errors)
    scheduling_round = SchedulingRound.objects.select_for_update().filter(date=date).first()
    if scheduling_round is None:
        scheduling_round = SchedulingRound(
            date=date, planned_date=planned_date or date, stages=list(SchedulingConfig.load().stages)
        )
    if scheduling_round.status == RoundStatus.CLOSED:
        raise ValidationError(_("The round of %(date)s is closed.") % {"date": date.isoformat()})
    if stages is not None and scheduling_round.status == RoundStatus.PLANNED:
        scheduling_round.stages = [stage for stage in Stage.values if stage in stages]
    if scheduling_round.status != RoundStatus.OPEN:
        scheduling_round.status = RoundStatus.OPEN
        scheduling_round.opened_by = _user_or_none(user)
        scheduling_round.opened_at = clock.now()
        as_user(scheduling_round, user).save()
    _create_reports(user=user, scheduling_round=scheduling_round)
    for earlier in SchedulingRound.objects.filter(status=RoundStatus.OPEN, date__lt=date):
        _close(user=user, scheduling_round=earlier)
    return scheduling_round


def _create_reports(*, user, scheduling_round: SchedulingRound) -> int:
    already = set(scheduling_round.reports.values_list("project_id", flat=True))
    projects = reportable_projects(scheduling_round.stages).exclude(pk__in=already)
    reports = [
        ProgressReport(scheduling_round=scheduling_round, project_id=project_id, unit_id=unit_id)
        for project_id, unit_id in sorted(reporting_units(projects).items())
    ]
    if reports:
        bulk_create_with_history(
            reports, ProgressReport, batch_size=500, default_user=_user_or_none(user), default_date=clock.now()
        )
    return len(reports)


@transaction.atomic
def move_round(*, user, scheduling_round: SchedulingRound, new_date: dt.date, reason: str) -> SchedulingRound:
    """Move a day (off a weekend or holiday): its reports become due on the new date."""
    check_runs_calendar(user)
    errors = []
    if not reason.strip():
        errors.append(_("Give the reason the scheduling day is moved."))
    if scheduling_round.status == RoundStatus.CLOSED:
        errors.append(_("A closed round cannot be moved."))
    if new_date == scheduling_round.date:
        errors.append(_("The round is already on %(date)s.") % {"date": new_date.isoformat()})
    elif SchedulingRound.objects.filter(date=new_date).exclude(pk=scheduling_round.pk).exists():
        errors.append(_("Another round is already due on %(date)s.") % {"date": new_date.isoformat()})
    if errors:
        raise ValidationError(errors)
    scheduling_round.date = new_date
    scheduling_round.move_reason = reason.strip()
    scheduling_round._change_reason = reason.strip()
    as_user(scheduling_round, user).save()
    return scheduling_round


def _close(*, user, scheduling_round: SchedulingRound) -> None:
    scheduling_round.status = RoundStatus.CLOSED
    scheduling_round.closed_at = clock.now()
    as_user(scheduling_round, user).save()


@transaction.atomic
def close_round(*, user, scheduling_round: SchedulingRound) -> SchedulingRound:
    """No more reports in this round: those never submitted stay missing for good."""
    check_runs_calendar(user)
    if scheduling_round.status != RoundStatus.OPEN:
        raise ValidationError(_("Only an open round can be closed."))
    _close(user=user, scheduling_round=scheduling_round)
    return scheduling_round


@transaction.atomic
def open_due_rounds(*, today: dt.date, user=None) -> list[SchedulingRound]:
    """What cron runs each day: open the round of today's calendar day (unless that day was planned and moved)
    and any planned round moved onto today. Running it twice opens nothing new."""
    opened = []
    if today in plan_days(today.year, today.month):
        if not SchedulingRound.objects.filter(planned_date=today).exclude(date=today).exists():
            existing = SchedulingRound.objects.filter(date=today).first()
            if existing is None or existing.status == RoundStatus.PLANNED:
                opened.append(open_round(user=user, date=today, planned_date=today))
    for planned in SchedulingRound.objects.filter(status=RoundStatus.PLANNED, date=today):
        opened.append(open_round(user=user, date=planned.date))
    return opened
