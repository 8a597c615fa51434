"""The bureau's decisions on a pair of projects that may be one claimed twice (重复申报): the same project (merged
into one), different projects, or a second phase of the earlier one. A decided pair is never asked again.

A merge moves every row that points at the project merged away (the absorbed one) onto the project kept. The
relations of ``Project`` (and of its stage events, for the events both projects had) are read from the models, so
a relation added later is moved by the generic rule instead of being lost with the absorbed project;
``RELATIONS`` names how each known one is handled and a test asserts it lists every relation there is.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from zhaoshang.core import clock, revision
from zhaoshang.core.history import as_user
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit
from zhaoshang.projects import services as project_services
from zhaoshang.projects.choices import Stage
from zhaoshang.projects.models import Project, StageEvent

from .choices import PairStatus
from .models import ClaimPair

HUNDRED = Decimal("100")

# How a merge handles each relation of Project: "moved" (the rows now point at the kept project), "replaced"
# (the credits: by the bureau's shares), "kept" (the kept project's rows stay, the absorbed project's are written
# into merged_record), "events" (stage events: see ``_merge_events``), "reports" (progress reports: moved unless the
# kept project has one for the round), "union" (a many-to-many: the kept project gets both sets), "history" (a
# history table: its rows stay as they are, with the absorbed project's id), "pairs" (the double-claim pairs),
# "milestones" (a milestone the kept project plans stays; the absorbed project's others move).
RELATIONS = {
    "projects.Project.earlier_phase": "moved",
    "projects.ProjectCredit.project": "replaced",
    "projects.ProjectIntroducer.project": "kept",
    "projects.StageEvent.project": "events",
    "projects.FundsReceipt.project": "moved",
    "projects.Attachment.project": "moved",
    "projects.Project_steward_persons.project": "union",
    "projects.Project_team_persons.project": "union",
    "supervision.SupervisionBatch_projects.project": "union",
    "supervision.Verification.project": "moved",
    "supervision.Rectification.project": "moved",
    "scheduling.ProgressReport.project": "reports",
    "scheduling.CoordinationItem.project": "moved",
    "claims.ClaimPair.project_a": "pairs",
    "claims.ClaimPair.project_b": "pairs",
    "claims.ClaimPair.kept": "pairs",
    "leads.Lead.project": "moved",
    "library.Opportunity.project": "moved",
    "milestones.Milestone.project": "milestones",
    "resources.LandParcel.project": "moved",
    "resources.Factory.project": "moved",
    "resources.IdleAsset.project": "moved",
    "promises.Promise.project": "moved",
    "promises.Complaint.project": "moved",
}


def relation_key(relation) -> str:
    return f"{relation.related_model._meta.label}.{relation.field.name}"


def is_history(model) -> bool:
    return hasattr(model, "instance_type")


def project_relations() -> list:
    """Every relation pointing at Project (hidden ones too), history tables left out."""
    return [
        relation
        for relation in Project._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete and relation.one_to_many
        if not is_history(relation.related_model)
    ]


def event_relations() -> list:
    """Every relation pointing at a stage event (history tables left out): moved onto the kept project's event."""
    return [
        relation
        for relation in StageEvent._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete and relation.one_to_many
        if not is_history(relation.related_model)
    ]


def may_decide(user) -> bool:
    """Bureau staff and admins decide pairs; every county role reads them."""
    return access.is_active(user) and access.edits_everything(user)


def may_review(user) -> bool:
    return access.is_active(user) and access.reads_everything(user)


def _check_may_decide(user) -> None:
    if not may_decide(user):
        raise PermissionDenied


def _locked_open_pair(pair: ClaimPair) -> tuple[ClaimPair, Project, Project]:
    """The pair and both its projects, locked and read afresh; refused when decided or a project is gone."""
    pair = ClaimPair.objects.select_for_update().get(pk=pair.pk)
    if pair.status != PairStatus.OPEN:
        raise ValidationError(
            _("The pair %(pair)s was decided already (%(status)s).")
            % {"pair": pair, "status": pair.get_status_display()}
        )
    ids = [pair.project_a_id, pair.project_b_id]
    projects = {p.pk: p for p in Project.objects.select_for_update().filter(pk__in=[i for i in ids if i])}
    if len(projects) != 2:
        raise ValidationError(
            _("A project of the pair %(pair)s no longer exists: it cannot be decided.") % {"pair": pair}
        )
    return pair, projects[pair.project_a_id], projects[pair.project_b_id]


def _record_decision(*, user, pair: ClaimPair, status: str, note: str) -> ClaimPair:
    pair.status = status
    pair.decided_by = user
    pair.decided_at = clock.now()
    pair.note = (note or "").strip()[:500]
    as_user(pair, user).save()
    revision.touch("claims")
    return pair


@transaction.atomic
def decide_different(*, user, pair: ClaimPair, note: str = "") -> ClaimPair:
    """The two projects are different projects: recorded, never asked again."""
    _check_may_decide(user)
    pair, _a, _b = _locked_open_pair(pair)
    return _record_decision(user=user, pair=pair, status=PairStatus.DIFFERENT, note=note)


@transaction.atomic
def decide_phase(*, user, pair: ClaimPair, earlier: Project, note: str = "") -> ClaimPair:
    """One project is the second phase of the other: the later gets ``earlier_phase`` and ``second_phase``
    through the projects service (its history records the change); never asked again."""
    _check_may_decide(user)
    pair, a, b = _locked_open_pair(pair)
    if earlier.pk not in (a.pk, b.pk):
        raise ValidationError(_("The earlier phase must be one of the two projects."))
    earlier, later = (a, b) if earlier.pk == a.pk else (b, a)
    project_services.set_earlier_phase(user=user, project=later, earlier=earlier)
    return _record_decision(user=user, pair=pair, status=PairStatus.PHASE, note=note)


def share_rows(project_a: Project, project_b: Project) -> list[tuple[Unit, Decimal]]:
    """The prefilled shares of a merge: every unit credited to either project, with half of each project's share
    (the two projects weigh the same until the bureau says otherwise)."""
    totals: dict[int, Decimal] = {}
    units: dict[int, Unit] = {}
    for project in (project_a, project_b):
        for credit in project.credits.select_related("unit"):
            units[credit.unit_id] = credit.unit
            totals[credit.unit_id] = totals.get(credit.unit_id, Decimal("0")) + credit.share / 2
    return [(units[pk], totals[pk].quantize(Decimal("0.01"))) for pk in sorted(units, key=lambda k: units[k].code)]


def merge_share_errors(shares: list[tuple[Unit, Decimal]], allowed_unit_ids: set[int]) -> list[str]:
    errors = []
    for unit, share in shares:
        if unit.pk not in allowed_unit_ids:
            errors.append(_("Unit %(unit)s is credited to neither project.") % {"unit": unit.code})
        if share is None or share < 0:
            errors.append(_("The share of %(unit)s cannot be negative.") % {"unit": unit.code})
    kept = [(unit, share) for unit, share in shares if share]
    total = sum((share for _unit, share in kept), Decimal("0"))
    if total != HUNDRED:
        errors.append(
            _("The shares add up to %(total)s%%, not 100%%: the merge is refused.")
            % {"total": f"{total.normalize():f}"}
        )
    elif not errors:
        errors += project_services.credit_errors(kept)
    return errors


def merged_stage_errors(kept: Project, absorbed: Project) -> list[str]:
    """The kept project's stage dates with those of the stages only the absorbed project reached must still run
    forward along the pipeline (``projects.services.stage_date_errors``, the rule every stage recorded obeys):
    otherwise the bureau corrects a date on either project first."""
    dates = dict(kept.stage_events.values_list("stage", "date"))
    for stage, date in absorbed.stage_events.values_list("stage", "date"):
        dates.setdefault(stage, date)
    errors = project_services.stage_date_errors(dates)
    if errors:
        errors.insert(0, _("Merged, the stage dates would run backwards; correct a date on either project first."))
    return errors


def _value(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def _fields_of(instance) -> dict:
    return {f.attname: _value(getattr(instance, f.attname)) for f in instance._meta.concrete_fields}


def _event_text(event: StageEvent) -> str:
    amount = f"，{event.amount.normalize():f} 万元" if event.amount is not None else ""
    return f"{Stage(event.stage).label} {event.date.isoformat()}{amount}"


def _move(rows, field_name: str, target, user) -> int:
    count = 0
    for row in rows:
        setattr(row, field_name, target)
        as_user(row, user).save()
        count += 1
    return count


@transaction.atomic
def merge(*, user, pair: ClaimPair, kept: Project, shares: list[tuple[Unit, Decimal]], note: str = "") -> Project:
    """The pair is one project: merge the other (absorbed) into ``kept``. ``shares``: (unit, percent) for the
    units credited to either project; a unit given 0 is removed; the others must sum to 100. Every receipt,
    attachment, stage event, verification, report and link of the absorbed project moves to the kept one (a stage
    both had keeps the kept project's event, with the other's evidence and verifications); the absorbed project is
    then deleted, its history rows kept, and what it was recorded in the pair's ``merged_record``."""
    _check_may_decide(user)
    pair, a, b = _locked_open_pair(pair)
    if kept.pk not in (a.pk, b.pk):
        raise ValidationError(_("The project kept must be one of the two projects."))
    kept, absorbed = (a, b) if kept.pk == a.pk else (b, a)
    credits_before = {
        "kept": [
            {"unit": c.unit_id, "code": c.unit.code, "share": str(c.share)} for c in kept.credits.select_related("unit")
        ],
        "absorbed": [
            {"unit": c.unit_id, "code": c.unit.code, "share": str(c.share)}
            for c in absorbed.credits.select_related("unit")
        ],
    }
    allowed = {c["unit"] for c in credits_before["kept"] + credits_before["absorbed"]}
    errors = merge_share_errors(shares, allowed) + merged_stage_errors(kept, absorbed)
    if errors:
        raise ValidationError(errors)
    record = {
        "project": _fields_of(absorbed),
        "credits": credits_before,
        "introducers": [
            {"person": link.person_id, "name": link.person.name, "share": str(link.share)}
            for link in absorbed.introducer_links.select_related("person")
        ],
        "events": [],
        "reports": [],
        "moved": {},
        "merged_at": clock.now().isoformat(),
    }
    moved = record["moved"]

    def count(key: str, n: int) -> None:
        if n:
            moved[key] = moved.get(key, 0) + n

    # Stage events first: a stage both had keeps the kept project's event, with the other's evidence on it.
    kept_events = {event.stage: event for event in kept.stage_events.all()}
    for event in list(absorbed.stage_events.all()):
        target = kept_events.get(event.stage)
        if target is None:
            count("projects.StageEvent.project", _move([event], "project", kept, user))
            continue
        for relation in event_relations():
            rows = relation.related_model._base_manager.filter(**{relation.field.name: event})
            count(
                f"{relation.related_model._meta.label}.{relation.field.name}",
                _move(rows, relation.field.name, target, user),
            )
        record["events"].append(_fields_of(event))
        line = _("Merged from %(code)s: %(event)s") % {"code": absorbed.code, "event": _event_text(event)}
        target.note = "；".join(part for part in (target.note, line) if part)[:500]
        as_user(target, user).save()
        as_user(event, user).delete()

    for relation in project_relations():
        key = relation_key(relation)
        how = RELATIONS.get(key, "moved")
        model, name = relation.related_model, relation.field.name
        rows = model._base_manager.filter(**{name: absorbed})
        if how in ("events", "replaced", "pairs"):
            continue  # above, below, and after the deletion
        if how == "kept":
            if kept.introducer_links.exists():
                for row in rows:
                    as_user(row, user).delete()  # recorded in merged_record
            else:
                count(key, _move(rows, name, kept, user))
            continue
        if how == "union":
            other = next(f for f in model._meta.concrete_fields if f.is_relation and f.name != name)
            have = set(model._base_manager.filter(**{name: kept}).values_list(other.attname, flat=True))
            new = [row for row in rows if getattr(row, other.attname) not in have]
            model._base_manager.bulk_create(
                [model(**{name: kept, other.attname: getattr(row, other.attname)}) for row in new]
            )
            count(key, len(new))
            continue
        if how == "milestones":
            have = set(model._base_manager.filter(project=kept).values_list("kind_id", flat=True))
            for milestone in rows:
                if milestone.kind_id in have:
                    record.setdefault("milestones", []).append(_fields_of(milestone))
                    as_user(milestone, user).delete()
                else:
                    count(key, _move([milestone], name, kept, user))
            continue
        if how == "reports":
            rounds = set(model._base_manager.filter(project=kept).values_list("scheduling_round_id", flat=True))
            for report in rows:
                if report.scheduling_round_id in rounds:
                    record["reports"].append(_fields_of(report))
                    as_user(report, user).delete()
                else:
                    count(key, _move([report], name, kept, user))
            continue
        if model is Project and name == "earlier_phase":
            rows = rows.exclude(pk=kept.pk)
            if kept.earlier_phase_id == absorbed.pk:
                kept.earlier_phase = None
            if kept.earlier_phase_id is None and absorbed.earlier_phase_id not in (None, kept.pk):
                kept.earlier_phase_id = absorbed.earlier_phase_id
        count(key, _move(rows, name, kept, user))

    # Open pairs of the absorbed project with a third one become pairs of the kept project (unless it has one).
    absorbed_pairs = ClaimPair.objects.select_for_update().filter(
        Q(project_a_id=absorbed.pk) | Q(project_b_id=absorbed.pk), status=PairStatus.OPEN
    )
    for other in absorbed_pairs.exclude(pk=pair.pk):
        ids = {other.project_a_id, other.project_b_id}
        third = next((i for i in ids if i != absorbed.pk), None)
        if third is None or third == kept.pk:
            continue
        new_key = ClaimPair.key_of(kept.pk, third)
        if ClaimPair.objects.filter(key=new_key).exists():
            continue
        low, high = sorted((kept.pk, third))
        other.key = new_key
        other.project_a_id, other.project_b_id = low, high
        codes = dict(Project.objects.filter(pk__in=[low, high]).values_list("pk", "code"))
        other.code_a, other.code_b = codes[low], codes[high]
        as_user(other, user).save()

    # The bureau's shares replace both projects' credits (written through the projects service: history kept).
    for credit in list(absorbed.credits.all()):
        as_user(credit, user).delete()
    kept._change_reason = _("Merged from %(code)s (double claim)") % {"code": absorbed.code}
    project_services.update_project(user=user, project=kept, data={}, credits=[(u, s) for u, s in shares if s])

    absorbed_code, absorbed_pk = absorbed.code, absorbed.pk
    as_user(absorbed, user).delete()
    # The deletion set the pair's link to the absorbed project to NULL: this copy must not write it back.
    if pair.project_a_id == absorbed_pk:
        pair.project_a = None
    if pair.project_b_id == absorbed_pk:
        pair.project_b = None

    # The kept project's derived columns, as the writers keep them.
    project_services.refresh_last_reports(Project.objects.filter(pk=kept.pk))
    project_services.refresh_funds_total(kept)
    kept = Project.objects.select_for_update().get(pk=kept.pk)
    project_services.refresh_stage(kept)
    kept._change_reason = _("Merged from %(code)s (double claim)") % {"code": absorbed_code}
    as_user(kept, user).save()

    pair.kept = kept
    pair.merged_record = record
    _record_decision(user=user, pair=pair, status=PairStatus.SAME, note=note)
    revision.touch("projects", "claims", "supervision", "scheduling")
    return kept
