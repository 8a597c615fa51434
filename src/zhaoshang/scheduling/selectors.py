"""Reads of scheduling for a requesting user: rounds, the round board, reports, coordination items, and the
stalled projects. Everything that serves a user goes through ``restrict``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from zhaoshang.core import clock
from zhaoshang.core.history import entries_for
from zhaoshang.organization.models import Unit
from zhaoshang.projects import rules
from zhaoshang.projects.models import Project

from .choices import FINISHED, ReportStatus, RoundStatus
from .models import CoordinationItem, ProgressReport, SchedulingConfig, SchedulingRound


def rounds(*, user):
    return SchedulingRound.objects.restrict(user, "view")


def reports(*, user, action: str = "view"):
    return ProgressReport.objects.restrict(user, action).select_related(
        "project", "unit", "scheduling_round", "evidence"
    )


def project_reports(*, user, project: Project) -> list[ProgressReport]:
    """A project's reports in order, oldest round first (for the project page)."""
    return list(reports(user=user).filter(project=project).order_by("scheduling_round__date", "pk"))


# --- the round board ------------------------------------------------------------------------------


@dataclass
class UnitRow:
    unit: Unit
    due: int = 0  # reports the unit owes in the round
    submitted: int = 0
    returned: int = 0
    accepted: int = 0
    missing: int = 0  # due and never submitted
    late: int = 0  # not submitted by the end of the due day
    report_ids: list[int] = field(default_factory=list)

    @property
    def outstanding(self) -> int:
        return self.missing + self.returned

    @property
    def is_late(self) -> bool:
        return self.late > 0


@dataclass
class Board:
    scheduling_round: SchedulingRound
    rows: list[UnitRow]
    totals: UnitRow
    today: dt.date

    @property
    def past_due(self) -> bool:
        return self.today > self.scheduling_round.date

    @property
    def late_unit_ids(self) -> list[int]:
        return [row.unit.pk for row in self.rows if row.outstanding and self.past_due]

    @property
    def outstanding_unit_ids(self) -> list[int]:
        return [row.unit.pk for row in self.rows if row.outstanding]


def board(*, user, scheduling_round: SchedulingRound, today: dt.date | None = None) -> Board:
    """Per unit: reports due, submitted, returned, accepted, missing and late — counted over the reports the
    user may see (a reporter sees their own unit's rows)."""
    today = today or clock.today()
    by_unit: dict[int, UnitRow] = {}
    totals = UnitRow(unit=None)
    for report in reports(user=user).filter(scheduling_round=scheduling_round):
        row = by_unit.get(report.unit_id)
        if row is None:
            row = by_unit[report.unit_id] = UnitRow(unit=report.unit)
        for target in (row, totals):
            target.due += 1
            if report.status == ReportStatus.DUE:
                target.missing += 1
            elif report.status == ReportStatus.SUBMITTED:
                target.submitted += 1
            elif report.status == ReportStatus.RETURNED:
                target.returned += 1
            elif report.status == ReportStatus.ACCEPTED:
                target.accepted += 1
            if report.is_late(today):
                target.late += 1
        row.report_ids.append(report.pk)
    rows = sorted(by_unit.values(), key=lambda row: row.unit.code)
    return Board(scheduling_round=scheduling_round, rows=rows, totals=totals, today=today)


def round_counts(round_ids) -> dict[int, dict[str, int]]:
    """Round id → report counts: total, submitted (accepted included), returned, missing."""
    counts = {pk: {"total": 0, "submitted": 0, "returned": 0, "missing": 0} for pk in round_ids}
    rows = (
        ProgressReport.objects.filter(scheduling_round_id__in=round_ids)
        .values_list("scheduling_round_id", "status")
        .order_by()
    )
    key = {
        ReportStatus.DUE: "missing",
        ReportStatus.SUBMITTED: "submitted",
        ReportStatus.ACCEPTED: "submitted",
        ReportStatus.RETURNED: "returned",
    }
    for round_id, status in rows:
        counts[round_id]["total"] += 1
        counts[round_id][key[status]] += 1
    return counts


def round_history(scheduling_round: SchedulingRound) -> list:
    return entries_for(list(SchedulingRound.history.filter(id=scheduling_round.pk).select_related("history_user")))


def report_history(report: ProgressReport) -> list:
    return entries_for(list(ProgressReport.history.filter(id=report.pk).select_related("history_user")))


# --- coordination items ---------------------------------------------------------------------------


def items(*, user):
    return CoordinationItem.objects.restrict(user, "view").select_related("project", "department", "report")


def missing_reports(*, user, today: dt.date):
    """Reports of open rounds still not submitted after their due day (``ProgressReport.is_late`` for the ones
    never submitted): what a unit still owes past a scheduling day. A closed round takes no more reports."""
    return reports(user=user).filter(
        first_submitted_at__isnull=True, scheduling_round__date__lt=today, scheduling_round__status=RoundStatus.OPEN
    )


def overdue_q(today: dt.date) -> Q:
    return Q(deadline__lt=today) & ~Q(status__in=FINISHED)


def overdue_items(*, today: dt.date, user=None):
    """Items past their deadline and not solved or closed. Without a user: all of them (for reminders and
    the bulletin data)."""
    queryset = (
        items(user=user)
        if user is not None
        else CoordinationItem.objects.select_related("project", "department", "report")
    )
    return queryset.filter(overdue_q(today)).order_by("deadline", "pk")


def department_choices():
    return Unit.objects.filter(active=True, category__in=("department", "vertical")).order_by("code")


def item_history(item: CoordinationItem) -> list:
    return entries_for(list(CoordinationItem.history.filter(id=item.pk).select_related("history_user")))


# --- stalled projects -----------------------------------------------------------------------------


@dataclass
class StalledProject:
    project: Project
    reason: str
    days: int | None  # days since the last stage change or report, when that is the reason
    last_activity: dt.date | None = None
    missed_rounds: list[dt.date] = field(default_factory=list)


def stalled_queryset(*, user, today: dt.date | None = None, config: SchedulingConfig | None = None):
    """The active projects not yet producing that the stalled rule finds, as one query: no stage change and no
    submitted report for N days (N from the settings; entering the project counts as activity), or missing from
    their last two closed rounds. Ordered longest idle first (``last_activity_on``), then by code.
    The last stage change is the project's ``stage_date``: the services keep it at the date of its furthest
    stage, and stage dates never run backwards, so no stage event is later. The last report is the project's
    ``last_report_on``, which submitting a report keeps (``projects.services.mark_reported``): no report is read,
    and the longest idle are the first entries of an index."""
    today = today or clock.today()
    config = config or SchedulingConfig.load()
    # Idle (``projects.rules.idle``: ``active_q`` and ``quiet_q``, the active condition applied once around both
    # reasons): the last activity, the latest of the day the project was entered, its stage date and its last
    # report, kept on the project by the services (``projects.services.last_activity``) in one indexed column.
    # Producing projects have reached the last stage: nothing is left to stall.
    return (
        Project.objects.restrict(user, "view")
        .filter(rules.active_q() & (rules.quiet_q(today, config.stalled_after_days) | Q(pk__in=_missed_two_ids())))
        .select_related("responsible_unit")
        .order_by("last_activity_on", "code")
    )


def stalled_projects(
    *, user, today: dt.date | None = None, config: SchedulingConfig | None = None, queryset=None
) -> list[StalledProject]:
    """The stalled projects with their reasons, longest idle first. ``queryset`` is a slice or a narrowing of
    ``stalled_queryset`` (a page, a unit's projects); by default every project the rule finds."""
    today = today or clock.today()
    config = config or SchedulingConfig.load()
    projects = list(queryset if queryset is not None else stalled_queryset(user=user, today=today, config=config))
    missed = _missed_last_two(project_ids=[project.pk for project in projects])
    found = []
    for project in projects:
        last = project.last_activity_on
        days = (today - last).days
        reasons = []
        row = {"status": project.status, "stage": project.stage, "last_activity_on": last}
        if rules.idle(row, today, config.stalled_after_days):
            reasons.append(_("No stage change and no report for %(days)d days.") % {"days": days})
        rounds_missed = missed.get(project.pk, [])
        if rounds_missed:
            reasons.append(
                _("Reports missing in two rounds in a row (%(first)s, %(second)s).")
                % {"first": rounds_missed[1].isoformat(), "second": rounds_missed[0].isoformat()}
            )
        found.append(
            StalledProject(
                project=project,
                reason=" ".join(reasons),
                days=days,
                last_activity=last,
                missed_rounds=rounds_missed,
            )
        )
    return found


def _missed_two_ids():
    """The ids of the projects whose reports in their last two closed rounds were both missing: at least two
    missing reports in closed rounds later than the last closed round they reported in."""
    closed = ProgressReport.objects.filter(scheduling_round__status=RoundStatus.CLOSED)
    last_reported = (
        closed.filter(project=OuterRef("project"))
        .exclude(status=ReportStatus.DUE)
        .order_by()
        .values("project")
        .annotate(m=Max("scheduling_round__date"))
        .values("m")[:1]
    )
    return (
        closed.filter(status=ReportStatus.DUE)
        .annotate(last_reported=Subquery(last_reported))
        .filter(Q(last_reported__isnull=True) | Q(scheduling_round__date__gt=F("last_reported")))
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .values("project")
    )


def _missed_last_two(*, project_ids) -> dict[int, list[dt.date]]:
    """Project id → the dates of its last two closed rounds (latest first) when both reports are missing."""
    latest: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    rows = (
        ProgressReport.objects.filter(project_id__in=project_ids, scheduling_round__status=RoundStatus.CLOSED)
        .order_by("project_id", "-scheduling_round__date")
        .values_list("project_id", "scheduling_round__date", "status")
    )
    for project_id, date, status in rows.iterator():
        if len(latest[project_id]) < 2:
            latest[project_id].append((date, status))
    return {
        project_id: [date for date, _status in pair]
        for project_id, pair in latest.items()
        if len(pair) == 2 and all(status == ReportStatus.DUE for _date, status in pair)
    }
