"""Writing milestones: the bureau's list of kinds and a project's plan. A kind linked to a pipeline stage never
stores an actual date: one entered on the plan is recorded as the stage (``projects.services.record_stage``, with
its checks), so 开工 and 投产 are entered once (decision 45)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core.history import as_user
from zhaoshang.organization import access
from zhaoshang.projects import services as project_services
from zhaoshang.projects.models import STAGE_DATE_FIELDS, Project

from .models import Milestone, MilestoneKind
from .rules import LINKABLE_STAGES

KIND_FIELDS = ("name", "order", "stage", "active")


def _check_bureau(user) -> None:
    if not access.edits_everything(user):
        raise PermissionDenied


@transaction.atomic
def save_kind(*, user, kind: MilestoneKind | None = None, data: dict) -> MilestoneKind:
    """Add or change a kind (bureau). Its stage is started, producing or none, each on one kind at most; a kind
    whose milestones hold actual dates of their own cannot become a stage's (they would be entered twice)."""
    _check_bureau(user)
    kind = kind or MilestoneKind()
    stage = data.get("stage") or None
    if stage is not None and stage not in LINKABLE_STAGES:
        raise ValidationError(_("A milestone can only be linked to the stages started and producing."))
    if stage and stage != kind.stage and kind.pk:
        if Milestone.objects.filter(kind=kind, actual_on__isnull=False).exists():
            raise ValidationError(
                _("Milestones of this kind have actual dates of their own: it cannot be linked to a stage.")
            )
    for name in KIND_FIELDS:
        if name in data:
            value = data[name]
            setattr(kind, name, value.strip() if isinstance(value, str) and name == "name" else value)
    kind.stage = stage
    kind.full_clean()
    as_user(kind, user).save()
    return kind


@transaction.atomic
def move_kind(*, user, kind: MilestoneKind, up: bool) -> None:
    """Swap the kind with its neighbour in the list (and number the list 10, 20, … again)."""
    _check_bureau(user)
    kinds = list(MilestoneKind.objects.order_by("order", "pk"))
    index = next(i for i, k in enumerate(kinds) if k.pk == kind.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(kinds):
        kinds[index], kinds[other] = kinds[other], kinds[index]
    for position, item in enumerate(kinds, start=1):
        if item.order != position * 10:
            item.order = position * 10
            as_user(item, user).save()


def may_change_plan(user, project: Project) -> bool:
    return Project.objects.restrict(user, "change").filter(pk=project.pk).exists()


def _save_row(*, user, project: Project, kind: MilestoneKind, values: dict, milestone: Milestone | None) -> None:
    """One row of the plan; raises ValidationError with the row's messages."""
    evidence = values.get("evidence")
    if evidence is not None and evidence.project_id != project.pk:
        raise ValidationError(_("The evidence must be one of the project's attachments."))
    actual = values.get("actual_on")
    if kind.stage:
        current = getattr(project, STAGE_DATE_FIELDS[kind.stage])
        if actual is None and current is not None:
            raise ValidationError(
                _("The stage date is the project's: correct or remove it on the project's stage events.")
            )
        if actual is not None and actual != current:
            event = project.stage_events.filter(stage=kind.stage).first()
            project_services.record_stage(
                user=user, project=project, stage=kind.stage, date=actual, note=event.note if event else ""
            )
        actual = None  # never stored for a stage's kind: it is the project's stage date
    milestone = milestone or Milestone(project=project, kind=kind)
    changed = milestone.pk is None or (
        milestone.planned_on,
        milestone.actual_on,
        milestone.evidence_id,
        milestone.note,
    ) != (values.get("planned_on"), actual, evidence.pk if evidence else None, values.get("note", ""))
    if not changed:
        return
    if milestone.pk is None and not any((values.get("planned_on"), actual, evidence, values.get("note"))):
        return  # nothing entered for a kind not planned yet: no empty row
    milestone.planned_on = values.get("planned_on")
    milestone.actual_on = actual
    milestone.evidence = evidence
    milestone.note = (values.get("note") or "").strip()
    milestone.updated_by = user if getattr(user, "pk", None) else None
    milestone.full_clean()
    as_user(milestone, user).save()


@transaction.atomic
def save_plan(*, user, project: Project, rows: dict[MilestoneKind, dict]) -> None:
    """Save every row of a project's plan at once: all or nothing. ``rows`` maps a kind to planned_on, actual_on,
    evidence and note. A refused row raises ValidationError({str(kind.pk): messages}) for every such row."""
    if not may_change_plan(user, project):
        raise PermissionDenied
    existing = {m.kind_id: m for m in Milestone.objects.filter(project=project).select_for_update()}
    errors: dict[str, list[str]] = {}
    # Stage kinds first in the pipeline's order: 开工 before 投产, so a project entered at once passes the check.
    for kind, values in sorted(rows.items(), key=lambda item: (item[0].order, item[0].pk)):
        try:
            with transaction.atomic():
                _save_row(user=user, project=project, kind=kind, values=values, milestone=existing.get(kind.pk))
        except ValidationError as error:
            errors[str(kind.pk)] = [str(message) for message in error.messages]
    if errors:
        raise ValidationError(errors)


def save_one(*, user, project: Project, kind: MilestoneKind, planned_on: dt.date | None, actual_on: dt.date | None):
    """One milestone's dates (the .xlsx import): the plan's rules, keeping its evidence and note."""
    milestone = Milestone.objects.filter(project=project, kind=kind).first()
    if kind.stage and actual_on is None:
        actual_on = getattr(project, STAGE_DATE_FIELDS[kind.stage])  # a blank cell leaves the stage as it is
    values = {
        "planned_on": planned_on,
        "actual_on": actual_on,
        "evidence": milestone.evidence if milestone else None,
        "note": milestone.note if milestone else "",
    }
    _save_row(user=user, project=project, kind=kind, values=values, milestone=milestone)
