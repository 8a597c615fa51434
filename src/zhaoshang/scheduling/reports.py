"""Writes to progress reports: the reporting unit fills and submits (one, or all its reports at once); the
bureau returns a report with a comment, or accepts it. A stage reached goes to the ledger through
``projects.services.record_stage`` with the ledger's own rules, its evidence through ``add_attachment``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core import clock, optimistic
from zhaoshang.core.history import as_user
from zhaoshang.notifications.services import notify_on_commit
from zhaoshang.organization import access
from zhaoshang.projects import services as project_services
from zhaoshang.projects.choices import Stage

from . import coordination
from .choices import OUTSTANDING, ReportStatus, RoundStatus
from .models import ProgressReport, SchedulingRound

REPORT_FIELDS = (
    "progress",
    "stage_reached",
    "stage_date",
    "contract_amount",
    "investment_completed",
    "export_earnings",
    "percent_done",
    "next_steps",
    "problems",
)
TEXT_FIELDS = ("progress", "next_steps", "problems")


def _user_or_none(user):
    return user if getattr(user, "pk", None) else None


def _check_may_fill(user, report: ProgressReport) -> None:
    if not ProgressReport.objects.restrict(user, "change").filter(pk=report.pk).exists():
        raise PermissionDenied
    if report.scheduling_round.status != RoundStatus.OPEN:
        raise ValidationError(_("The round of %(date)s is closed.") % {"date": report.due_date.isoformat()})
    if report.status not in OUTSTANDING:
        raise ValidationError(_("This report has been submitted already."))


def _check_reviews(user) -> None:
    if not access.edits_everything(user):
        raise PermissionDenied


def field_errors(data: dict) -> list[str]:
    """Checks of the values themselves, for a draft as for a submission."""
    errors = []
    percent = data.get("percent_done")
    if percent is not None and not 0 <= percent <= 100:
        errors.append(_("The share of construction done must be between 0 and 100."))
    for name in ("investment_completed", "contract_amount", "export_earnings"):
        value = data.get(name)
        if value is not None and value < 0:
            label = ProgressReport._meta.get_field(name).verbose_name
            errors.append(_("%(field)s cannot be negative.") % {"field": label})
    stage = data.get("stage_reached") or ""
    if stage and stage not in Stage.values:
        errors.append(_("Unknown stage %(stage)s.") % {"stage": stage})
    if data.get("stage_date") and not stage:
        errors.append(_("Say which stage was reached on %(date)s.") % {"date": data["stage_date"].isoformat()})
    return errors


def submission_errors(report: ProgressReport) -> list[str]:
    """What a report needs before it can be submitted (the ledger checks the stage itself)."""
    errors = field_errors({name: getattr(report, name) for name in REPORT_FIELDS})
    if not report.progress.strip():
        errors.append(_("Describe the progress since the last round."))
    return errors


VERSION_FIELDS = (*REPORT_FIELDS, "status")


def report_version(report: ProgressReport) -> str:
    """The report as a form shows it, signed (``core.optimistic``)."""
    return optimistic.sign(optimistic.state(report, VERSION_FIELDS))


@transaction.atomic
def save_report(
    *,
    user,
    report: ProgressReport,
    data: dict,
    evidence=None,
    evidence_kind: str = "other",
    version: str | None = None,
) -> ProgressReport:
    """Save what the reporter filled, without submitting. An evidence file is attached to the project now
    and to the stage event when the report is submitted. ``version``: the form's snapshot
    (``report_version``); a save over someone else's later save or a status change is refused."""
    _check_may_fill(user, report)
    if version is not None:
        locked = ProgressReport.objects.select_for_update().get(pk=report.pk)
        yours = {
            name: optimistic.display(ProgressReport, name, (value or "").strip() if name in TEXT_FIELDS else value)
            for name, value in data.items()
            if name in REPORT_FIELDS
        }
        optimistic.check(version, optimistic.state(locked, VERSION_FIELDS), yours, model=ProgressReport)
    errors = field_errors(data)
    if errors:
        raise ValidationError(errors)
    for name in REPORT_FIELDS:
        if name in data:
            value = data[name]
            if name in TEXT_FIELDS or name == "stage_reached":
                value = (value or "").strip()
            setattr(report, name, value)
    if evidence is not None:
        report.evidence = project_services.add_attachment(
            user=user, project=report.project, uploaded=evidence, kind=evidence_kind or "other", reported=True
        )
    as_user(report, user).save()
    return report


def _apply(user, report: ProgressReport, today: dt.date) -> None:
    """Submit one report: the stage to the ledger, the problem to a coordination item, the status."""
    errors = submission_errors(report)
    if errors:
        raise ValidationError(errors)
    if report.stage_reached:
        report.stage_date = report.stage_date or today
        amount: Decimal | None = report.contract_amount if report.stage_reached == Stage.SIGNED else None
        event = project_services.record_stage(
            user=user,
            project=report.project,
            stage=report.stage_reached,
            date=report.stage_date,
            amount=amount,
            note=_("Reported on scheduling day %(date)s") % {"date": report.due_date.isoformat()},
            reported=True,
        )
        if report.evidence is not None and report.evidence.stage_event_id is None:
            report.evidence.stage_event = event
            as_user(report.evidence, user).save()
    now = clock.now()
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = now
    report.first_submitted_at = report.first_submitted_at or now
    report.submitted_by = _user_or_none(user)
    as_user(report, user).save()
    project_services.mark_reported(report.project, clock.date_of(now))
    coordination.raise_from_report(user=user, report=report, today=today)


@transaction.atomic
def submit_report(*, user, report: ProgressReport, today: dt.date | None = None) -> ProgressReport:
    _check_may_fill(user, report)
    _apply(user, report, today or clock.today())
    return report


def _named(report: ProgressReport, message: str) -> str:
    return f"{report.project.code} {report.project.name}: {message}"


@transaction.atomic
def submit_all(
    *, user, scheduling_round: SchedulingRound, unit_ids=None, today: dt.date | None = None
) -> list[ProgressReport]:
    """Submit every outstanding report the user may fill in the round, all or none: one report in error
    means none is submitted, and the errors name each project."""
    if scheduling_round.status != RoundStatus.OPEN:
        raise ValidationError(_("The round of %(date)s is closed.") % {"date": scheduling_round.date.isoformat()})
    today = today or clock.today()
    reports = (
        ProgressReport.objects.restrict(user, "change")
        .filter(scheduling_round=scheduling_round, status__in=OUTSTANDING)
        .select_related("project", "scheduling_round", "evidence")
        .order_by("project__code")
    )
    if unit_ids is not None:
        reports = reports.filter(unit_id__in=unit_ids)
    reports = list(reports)
    if not reports:
        raise ValidationError(_("There is no report left to submit in this round."))
    errors = []
    for report in reports:
        try:
            # A savepoint per report keeps the transaction usable to check the others; any error rolls
            # back the whole batch at the end.
            with transaction.atomic():
                _apply(user, report, today)
        except ValidationError as error:
            errors += [_named(report, message) for message in error.messages]
    if errors:
        raise ValidationError(errors)
    return reports


@transaction.atomic
def return_report(*, user, report: ProgressReport, comment: str) -> ProgressReport:
    """The bureau sends a submitted report back to its unit for correction."""
    _check_reviews(user)
    if not comment.strip():
        raise ValidationError(_("Say what needs correcting."))
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be returned."))
    report.status = ReportStatus.RETURNED
    report.return_comment = comment.strip()
    report.returned_at = clock.now()
    report.returned_by = _user_or_none(user)
    report._change_reason = report.return_comment
    as_user(report, user).save()
    notify_on_commit(
        unit_ids=[report.unit_id],
        title=_("Progress report returned: %(project)s") % {"project": report.project.code},
        body=report.return_comment,
        url=report.get_absolute_url(),
        key=f"report:{report.pk}:returned:{report.returned_at.isoformat()}",
    )
    return report


@transaction.atomic
def accept_report(*, user, report: ProgressReport) -> ProgressReport:
    _check_reviews(user)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be accepted."))
    report.status = ReportStatus.ACCEPTED
    report.accepted_at = clock.now()
    report.accepted_by = _user_or_none(user)
    as_user(report, user).save()
    return report


@transaction.atomic
def review_many(*, user, report_ids, accept: bool, comment: str = "") -> int:
    """Accept, or return with one comment, several submitted reports at once (issue 12): all or none — if any is
    no longer submitted, nothing changes and the error names those projects."""
    _check_reviews(user)
    ids = sorted({int(pk) for pk in report_ids if str(pk).isdigit()})
    if not ids:
        raise ValidationError(_("Select the reports first."))
    if not accept and not comment.strip():
        raise ValidationError(_("Say what needs correcting."))
    reports = list(
        ProgressReport.objects.restrict(user, "change").select_for_update().filter(pk__in=ids).select_related("project")
    )
    if len(reports) != len(ids):
        raise ValidationError(_("Some of the selected reports cannot be found."))
    not_submitted = [r.project.code for r in reports if r.status != ReportStatus.SUBMITTED]
    if not_submitted:
        raise ValidationError(
            _("Only submitted reports can be reviewed; not submitted: %(codes)s.") % {"codes": "、".join(not_submitted)}
        )
    for report in reports:
        if accept:
            accept_report(user=user, report=report)
        else:
            return_report(user=user, report=report, comment=comment)
    return len(reports)
