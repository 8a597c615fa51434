"""Writes to the project ledger. Every function takes the acting user, checks the permission rule,
validates, and writes atomically; history records who did it."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DecimalField, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from zhaoshang.core import clock, filetypes, limits, optimistic, revision
from zhaoshang.core.history import as_user
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit

from . import credit_code as credit_codes
from . import rules
from .choices import STAGE_ORDER, Currency, DatePrecision, Stage, Status
from .models import (
    MONEY,
    STAGE_COLUMNS,
    STAGE_DATE_FIELDS,
    Attachment,
    FundsReceipt,
    Investor,
    InvestorSpelling,
    Project,
    ProjectCredit,
    ProjectIntroducer,
    StageEvent,
    StewardRule,
    attachment_path,
)
from .names import company_key

HUNDRED = Decimal("100")
BATCH = 500  # projects per statement in set-based writes

PROJECT_FIELDS = (
    "code",
    "name",
    "contact_person",
    "contact_phone",
    "capital_type",
    "currency",
    "exchange_rate",
    "foreign_investment",
    "industry",
    "industry_division",
    "industry_chain",
    "kind",
    "high_tech",
    "government_funded",
    "local_relocation",
    "second_phase",
    "ownership",
    "company_registered_on",
    "land_paid_on",
    "event",
    "signing_event",
    "signing_event_level",
    "planned_investment",
    "contract_amount",
    "registered_capital",
    "land_area",
    "location",
    "latitude",
    "longitude",
    "introducer",
    "county_leader",
    "responsible_unit",
    "stewards",
    "work_team",
    "remarks",
    "progress_note",
    "progress_note_on",
)


# --- versions for optimistic concurrency (core.optimistic, decision 15) ---------------------------------

STATUS_FIELDS = ("status", "status_reason", "status_date")
RECEIPT_FIELDS = ("date", "amount", "currency", "original_amount", "exchange_rate", "source", "voucher_no", "note")
# What a receipt in another currency records beside its 10k-yuan amount (``rules.receipt_amount``).
RECEIPT_CURRENCY_FIELDS = ("currency", "original_amount", "exchange_rate")


def _credits_text(pairs) -> str:
    return (
        "、".join(f"{unit.code} {optimistic.display(ProjectCredit, 'share', share)}%" for unit, share in pairs) or "—"
    )


def project_state(project: Project) -> dict[str, str]:
    """What a project edit form shows, as shown: its fields, investor and credits."""
    values = optimistic.state(project, (*PROJECT_FIELDS, "investor"))
    credits = ProjectCredit.objects.filter(project=project).select_related("unit").order_by("unit__code")
    values["credits"] = _credits_text([(c.unit, c.share) for c in credits])
    return values


def project_version(project: Project) -> str:
    return optimistic.sign(project_state(project))


def status_version(project: Project) -> str:
    return optimistic.sign(optimistic.state(project, STATUS_FIELDS))


def receipt_version(receipt: FundsReceipt) -> str:
    return optimistic.sign(optimistic.state(receipt, RECEIPT_FIELDS))


def _shown(model, data: dict) -> dict[str, str]:
    return {name: optimistic.display(model, name, value) for name, value in data.items()}


# --- validation shared by forms, services and the importer -------------------------------------


def stage_date_errors(dates: dict[str, dt.date]) -> list[str]:
    """Dates must not run backwards along the pipeline; stages may be skipped."""
    errors = []
    ordered = sorted(dates.items(), key=lambda item: STAGE_ORDER[item[0]])
    for (earlier, earlier_date), (later, later_date) in itertools.pairwise(ordered):
        if later_date < earlier_date:
            errors.append(
                _(
                    "The %(later)s date %(later_date)s is before the %(earlier)s date %(earlier_date)s: "
                    "stage dates cannot run backwards."
                )
                % {
                    "later": Stage(later).label,
                    "later_date": later_date,
                    "earlier": Stage(earlier).label,
                    "earlier_date": earlier_date,
                }
            )
    return errors


def credit_errors(credits: list[tuple[Unit, Decimal]]) -> list[str]:
    errors = []
    if not credits:
        return [_("A project must be credited to at least one unit.")]
    seen = set()
    for unit, share in credits:
        if unit.pk in seen:
            errors.append(_("Unit %(unit)s is credited twice.") % {"unit": unit.code})
        seen.add(unit.pk)
        if share <= 0 or share > HUNDRED:
            errors.append(_("The share of %(unit)s must be above 0 and at most 100.") % {"unit": unit.code})
    total = sum((share for _unit, share in credits), Decimal("0"))
    if total != HUNDRED:
        errors.append(_("Credit shares add up to %(total)s%%, not 100%%.") % {"total": f"{total.normalize():f}"})
    return errors


def amount_errors(values: dict[str, Decimal | None]) -> list[str]:
    errors = []
    for name, value in values.items():
        if value is not None and value < 0:
            label = Project._meta.get_field(name).verbose_name
            errors.append(_("%(field)s cannot be negative.") % {"field": label})
    return errors


def may_add_projects(user) -> bool:
    """Bureau staff and admins add projects for any unit, reporters for their own; readers add none."""
    return access.is_active(user) and (
        access.edits_everything(user) or (access.is_reporter(user) and bool(user.unit_id))
    )


def _check_can_change(user, project: Project, *, reported: bool = False) -> None:
    """The user may change the project (``Project.unit_write_q``). ``reported``: the write comes from a
    progress report the caller (scheduling) already let this user fill, which may be a co-credited unit's
    (the largest share reports, decision 15): the report's stage and evidence then need only that the user
    sees the project."""
    action = "view" if reported else "change"
    if not Project.objects.restrict(user, action).filter(pk=project.pk).exists():
        raise PermissionDenied


def _check_reporter_keeps_access(user, credits, responsible_unit) -> None:
    """A reporter may not create or edit a project into one their own unit has no part in."""
    if access.edits_everything(user):
        return
    own = access.unit_ids(user)
    if not any(unit.pk in own for unit, _share in credits) and (
        responsible_unit is None or responsible_unit.pk not in own
    ):
        raise ValidationError(_("Your unit must be credited on the project or responsible for it."))


def _check_may_change_credits(user, project: Project, credits, responsible_unit) -> None:
    """Only bureau staff, or a reporter of the project's responsible unit, change its credits or its
    responsible unit (decision 15). Without a responsible unit a reporter whose units hold every credit may."""
    if access.edits_everything(user):
        return
    own = access.unit_ids(user)
    if project.responsible_unit_id is not None:
        if project.responsible_unit_id in own:
            return
    elif all(credit.unit_id in own for credit in project.credits.all()):
        return
    existing = {c.unit_id: c.share for c in project.credits.all()}
    wanted = {unit.pk: share for unit, share in credits} if credits is not None else existing
    responsible_id = getattr(responsible_unit, "pk", None)
    if wanted != existing or responsible_id != project.responsible_unit_id:
        raise ValidationError(
            _("Only the responsible unit or the bureau may change the credited units, shares or the responsible unit.")
        )


# --- projects -----------------------------------------------------------------------------------


def record_spelling(investor: Investor, typed: str) -> None:
    """Remember that ``investor`` was typed as ``typed`` when that differs from the register's name."""
    typed = typed.strip()
    if typed and typed != investor.name:
        InvestorSpelling.objects.get_or_create(investor=investor, name=typed, defaults={"key": company_key(typed)})


def credit_code_refusal(investor: Investor, code: str) -> ValidationError:
    return ValidationError(
        _("The investor %(name)s is registered with credit code %(registered)s, not %(typed)s; ask the bureau.")
        % {"name": investor.name, "registered": investor.credit_code, "typed": code}
    )


@transaction.atomic
def get_or_create_investor(*, name: str, origin: str = "", credit_code: str = "", user=None) -> Investor | None:
    """The register's investor for this credit code, else of this name, created (with this origin and code) when
    new: one investor per code (issue 17). An investor found by its code is used whatever the typed name (the
    typed name is kept as one of its spellings); a name registered with a different code is refused. An existing
    investor is never changed here, except that a code is written on one that has none: a reporter naming
    another unit's investor reuses it as registered; the bureau alone corrects the register (``update_investor``,
    decision 15)."""
    name = name.strip()
    code = credit_codes.normalise(credit_code)
    if code:
        reasons = credit_codes.errors(code)
        if reasons:
            raise ValidationError(
                [_("Unified social credit code %(code)s: %(reason)s") % {"code": code, "reason": r} for r in reasons]
            )
        investor = Investor.objects.filter(credit_code=code).first()
        if investor is not None:
            record_spelling(investor, name)
            return investor
    if not name:
        if code:
            raise ValidationError(_("A credit code is given without the investor's name."))
        return None
    investor, created = Investor.objects.get_or_create(
        name=name, defaults={"origin": origin.strip(), "credit_code": code or None}
    )
    if code and not created:
        if investor.credit_code and investor.credit_code != code:
            raise credit_code_refusal(investor, code)
        if not investor.credit_code:
            investor = Investor.objects.select_for_update().get(pk=investor.pk)
            investor.credit_code = code
            as_user(investor, user).save(update_fields=["credit_code"])
    return investor


INVESTOR_FIELDS = ("name", "kind", "origin", "credit_code")


@transaction.atomic
def update_investor(*, user, investor: Investor, data: dict) -> Investor:
    """Correct an investor in the county-wide register: bureau staff and admins only; history names the user."""
    if not (access.is_active(user) and access.edits_everything(user)):
        raise PermissionDenied
    investor = Investor.objects.select_for_update().get(pk=investor.pk)
    for name in INVESTOR_FIELDS:
        if name in data:
            setattr(investor, name, data[name].strip() if isinstance(data[name], str) else data[name])
    investor.credit_code = credit_codes.normalise(investor.credit_code) or None
    investor.full_clean()
    as_user(investor, user).save()
    return investor


@transaction.atomic
def merge_investors(*, user, keep: Investor, drop: Investor) -> Investor:
    """One company under two investor records made one (issue 17): ``drop``'s projects and spellings move to
    ``keep``, ``drop``'s name becomes one of ``keep``'s spellings, its credit code is kept when ``keep`` has none,
    and ``drop`` is deleted. Bureau staff and admins only; refused when both have different credit codes. Every
    moved project, the kept and the deleted investor get a history row naming the user."""
    if not (access.is_active(user) and access.edits_everything(user)):
        raise PermissionDenied
    if keep.pk == drop.pk:
        raise ValidationError(_("An investor cannot be merged into itself."))
    keep, drop = (
        Investor.objects.select_for_update().get(pk=keep.pk),
        Investor.objects.select_for_update().get(pk=drop.pk),
    )
    if keep.credit_code and drop.credit_code and keep.credit_code != drop.credit_code:
        raise ValidationError(
            _("%(keep)s (%(keep_code)s) and %(drop)s (%(drop_code)s) have different credit codes: two companies.")
            % {"keep": keep.name, "keep_code": keep.credit_code, "drop": drop.name, "drop_code": drop.credit_code}
        )
    for project in Project.objects.select_for_update().filter(investor=drop).order_by("pk"):
        project.investor = keep
        as_user(project, user).save(update_fields=["investor"])
    kept_names = set(keep.spellings.values_list("name", flat=True))
    for spelling in drop.spellings.all():
        if spelling.name not in kept_names and spelling.name != keep.name:
            InvestorSpelling.objects.create(investor=keep, name=spelling.name, key=spelling.key)
            kept_names.add(spelling.name)
    code = drop.credit_code
    drop_name = drop.name
    as_user(drop, user).delete()
    record_spelling(keep, drop_name)
    if code and not keep.credit_code:
        keep.credit_code = code
    if not keep.origin and drop.origin:
        keep.origin = drop.origin
    as_user(keep, user).save()
    revision.touch("projects")
    return keep


def _replace_credits(*, user, project: Project, credits: list[tuple[Unit, Decimal]]) -> None:
    existing = {c.unit_id: c for c in project.credits.all()}
    wanted = {unit.pk: share for unit, share in credits}
    for unit_id, credit in existing.items():
        if unit_id not in wanted:
            as_user(credit, user).delete()
        elif credit.share != wanted[unit_id]:
            credit.share = wanted[unit_id]
            as_user(credit, user).save()
    for unit, share in credits:
        if unit.pk not in existing:
            as_user(ProjectCredit(project=project, unit=unit, share=share), user).save()


# --- persons of the register (introducers, leader, stewards, work team) -------------------------------------


def introducer_errors(introducers) -> list[str]:
    """``introducers``: (person, share) pairs. None is fine; when any, each share is above 0 and at most 100
    and the shares sum to 100 (like the units' credits)."""
    errors = []
    seen = set()
    for person, share in introducers:
        if person.pk in seen:
            errors.append(_("Introducer %(name)s is listed twice.") % {"name": person.name})
        seen.add(person.pk)
        if share is None or share <= 0 or share > HUNDRED:
            errors.append(
                _("The share of introducer %(name)s must be above 0 and at most 100.") % {"name": person.name}
            )
    total = sum((share or Decimal("0") for _person, share in introducers), Decimal("0"))
    if introducers and total != HUNDRED:
        errors.append(_("Introducer shares add up to %(total)s%%, not 100%%.") % {"total": f"{total.normalize():f}"})
    return errors


@transaction.atomic
def set_project_persons(*, user, project: Project, introducers=None, leader=..., stewards=None, team=None) -> None:
    """Link a project to persons of the register. Each argument left out (``None``; ``...`` for the leader)
    keeps what is linked. ``introducers``: (person, share) pairs, replaced as a whole. The free-text fields are
    never touched. The caller has checked the user may change the project."""
    if introducers is not None:
        errors = introducer_errors(introducers)
        if errors:
            raise ValidationError(errors)
        existing = {link.person_id: link for link in project.introducer_links.all()}
        wanted = {person.pk: share for person, share in introducers}
        for person_id, link in existing.items():
            if person_id not in wanted:
                as_user(link, user).delete()
            elif link.share != wanted[person_id]:
                link.share = wanted[person_id]
                as_user(link, user).save()
        for person, share in introducers:
            if person.pk not in existing:
                as_user(ProjectIntroducer(project=project, person=person, share=share), user).save()
    if leader is not ... and project.leader_id != (leader.pk if leader else None):
        project.leader = leader
        as_user(project, user).save(update_fields=["leader"])
    if stewards is not None:
        project.steward_persons.set(stewards)
    if team is not None:
        project.team_persons.set(team)


@transaction.atomic
def next_code(today: dt.date | None = None) -> str:
    """The next free project code by the pattern ``settings.PROJECT_CODE_PATTERN`` (``ZS{year}-{seq:04d}`` unless
    set): the highest sequence number used this year plus one. A suggestion the user may change."""
    pattern = settings.PROJECT_CODE_PATTERN
    year = (today or clock.today()).year
    prefix = pattern.partition("{seq")[0].format(year=year)
    sequence = re.compile(re.escape(prefix) + r"(\d+)")
    codes = Project.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(match[1]) for code in codes if (match := sequence.match(code))]
    seq = max(numbers, default=0) + 1
    code = pattern.format(year=year, seq=seq)
    while Project.objects.filter(code=code).exists():
        seq += 1
        code = pattern.format(year=year, seq=seq)
    return code


def next_codes(count: int, *, today: dt.date | None = None) -> list[str]:
    """``count`` free project codes by the same pattern, in sequence from ``next_code``."""
    sequence = code_sequence(today=today)
    return [next(sequence) for _ in range(max(count, 0))]


def code_sequence(*, today: dt.date | None = None) -> Iterator[str]:
    """Free project codes by the pattern, in sequence from ``next_code``, as many as asked for (an import creating
    many projects at once takes them one by one); the codes taken are read once."""
    pattern = settings.PROJECT_CODE_PATTERN
    year = (today or clock.today()).year
    first = next_code(today)
    yield first
    prefix = pattern.partition("{seq")[0].format(year=year)
    match = re.match(re.escape(prefix) + r"(\d+)", first)
    seq = int(match[1]) if match else 1
    # Read once: an empty set (no code of this year yet) must not send the query again for every code.
    taken = set(Project.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    while True:
        seq += 1
        code = pattern.format(year=year, seq=seq)
        if code not in taken:
            yield code


# Called with a new project's id once the transaction that created it commits (its credits and the persons the
# user chose are written by then). Apps the ledger may not import register here: the leaders app gives a new
# project its default stewards (项目保姆).
_ON_CREATED: list = []


def register_on_created(hook) -> None:
    if hook not in _ON_CREATED:
        _ON_CREATED.append(hook)


def create_project(
    *, user, data: dict, credits: list[tuple[Unit, Decimal]], investor: Investor | None = None
) -> Project:
    if not may_add_projects(user):
        raise PermissionDenied
    errors = credit_errors(credits) + amount_errors(
        {k: data.get(k) for k in ("planned_investment", "contract_amount", "registered_capital")}
    )
    if errors:
        raise ValidationError(errors)
    _check_reporter_keeps_access(user, credits, data.get("responsible_unit"))
    project = Project(investor=investor, created_by=user if getattr(user, "pk", None) else None)
    for name in PROJECT_FIELDS:
        if name in data:
            setattr(project, name, data[name])
    project.full_clean(exclude=["stage", "stage_date"])
    as_user(project, user).save()
    _replace_credits(user=user, project=project, credits=credits)
    for hook in _ON_CREATED:
        transaction.on_commit(lambda hook=hook, pk=project.pk: hook(pk))
    return project


@transaction.atomic
def update_project(
    *,
    user,
    project: Project,
    data: dict,
    credits: list[tuple[Unit, Decimal]] | None = None,
    investor: Investor | None = None,
    version: str | None = None,
) -> Project:
    """``version``: the edit form's snapshot (``project_version``); a stale one refuses the save."""
    _check_can_change(user, project)
    if version is not None:
        locked = Project.objects.select_for_update().get(pk=project.pk)
        yours = _shown(Project, {k: v for k, v in data.items() if k in PROJECT_FIELDS})
        yours["investor"] = optimistic.display(Project, "investor", investor or locked.investor)
        if credits is not None:
            yours["credits"] = _credits_text(sorted(credits, key=lambda pair: pair[0].code))
        optimistic.check(
            version, project_state(locked), yours, model=Project, labels={"credits": str(_("credited units"))}
        )
    _check_may_change_credits(user, project, credits, data.get("responsible_unit", project.responsible_unit))
    if credits is not None:
        errors = credit_errors(credits)
        if errors:
            raise ValidationError(errors)
        _check_reporter_keeps_access(user, credits, data.get("responsible_unit", project.responsible_unit))
    errors = amount_errors(
        {k: data[k] for k in ("planned_investment", "contract_amount", "registered_capital") if k in data}
    )
    if errors:
        raise ValidationError(errors)
    project.investor = investor if investor is not None else project.investor
    for name in PROJECT_FIELDS:
        if name in data:
            setattr(project, name, data[name])
    project.full_clean(exclude=["stage", "stage_date"])
    as_user(project, user).save()
    if credits is not None:
        _replace_credits(user=user, project=project, credits=credits)
    return project


@transaction.atomic
def set_earlier_phase(*, user, project: Project, earlier: Project | None) -> Project:
    """Link ``project`` as a later phase of ``earlier`` (marking it a second phase), or unlink it (None): bureau
    staff and admins only (the double-claims review decides it); history names the user."""
    if not (access.is_active(user) and access.edits_everything(user)):
        raise PermissionDenied
    if earlier is not None and earlier.pk == project.pk:
        raise ValidationError(_("A project cannot be its own earlier phase."))
    project = Project.objects.select_for_update().get(pk=project.pk)
    project.earlier_phase = earlier
    project.second_phase = earlier is not None or project.second_phase
    as_user(project, user).save()
    return project


@transaction.atomic
def may_delete_project(user, project: Project) -> bool:
    """May ``user`` delete ``project``? Whoever may delete it, except that a project with funds receipts is the
    bureau's to delete: funds in place are the county's figures (decision 15)."""
    if not Project.objects.restrict(user, "delete").filter(pk=project.pk).exists():
        return False
    return access.edits_everything(user) or not project.receipts.exists()


def delete_project(*, user, project: Project) -> None:
    if not Project.objects.restrict(user, "delete").filter(pk=project.pk).exists():
        raise PermissionDenied
    if not may_delete_project(user, project):
        raise PermissionDenied(_("Only the bureau may delete a project with funds receipts."))
    for child in [
        *project.attachments.all(),
        *project.receipts.all(),
        *project.stage_events.all(),
        *project.credits.all(),
    ]:
        as_user(child, user).delete()
    as_user(project, user).delete()


# --- stages ---------------------------------------------------------------------------------------


def stage_fields(dates: dict[str, dt.date]) -> dict:
    """The project's columns that follow its stage events (stage → date): the furthest stage and its date
    (negotiating without a date when there is none) and every stage's own date."""
    furthest = rules.furthest_stage(dates)
    if furthest is not None:
        fields = {"stage": furthest, "stage_date": dates[furthest]}
    else:
        fields = {"stage": Stage.NEGOTIATING, "stage_date": None}
    return fields | {column: dates.get(stage) for stage, column in STAGE_DATE_FIELDS.items()}


def last_activity(*, created_at: dt.datetime | None, stage_date: dt.date | None, last_report_on: dt.date | None):
    """The last day anything happened to a project: the latest of the day it was entered (local date; today
    for a project being entered), its stage date and its last report."""
    entered = clock.date_of(created_at) if created_at is not None else clock.today()
    return max(d for d in (entered, stage_date, last_report_on) if d is not None)


def refresh_last_activity(projects) -> None:
    """Recompute ``last_activity_on`` for a queryset of projects from their entry, stage date and last report
    (after their entry dates were corrected, say): one UPDATE per distinct day."""
    by_day: dict[dt.date, list[int]] = {}
    for pk, created_at, stage_date, last_report_on in projects.values_list(
        "pk", "created_at", "stage_date", "last_report_on"
    ):
        day = last_activity(created_at=created_at, stage_date=stage_date, last_report_on=last_report_on)
        by_day.setdefault(day, []).append(pk)
    for day, ids in by_day.items():
        Project.objects.filter(pk__in=ids).update(last_activity_on=day)
    revision.touch("projects")  # not in the history


def refresh_stage(project: Project) -> None:
    """Set the project's stage, stage date, stage dates and last activity from its stage events."""
    dates = {event.stage: event.date for event in project.stage_events.all()}
    for name, value in stage_fields(dates).items():
        setattr(project, name, value)
    project.last_activity_on = last_activity(
        created_at=project.created_at, stage_date=project.stage_date, last_report_on=project.last_report_on
    )


def signing_leader_error(project: Project, rule: StewardRule | None = None) -> str:
    """项目保姆: a project planned at or above the county's threshold needs its county leader before it is signed
    (the rule switched on); the message says why not, empty when it may be signed."""
    rule = rule or StewardRule.load()
    if not rule.leader_required or not rules.needs_leader(project.planned_investment, rule.threshold):
        return ""
    if project.leader_id is not None:
        return ""
    return _(
        "Project %(code)s is planned at %(planned)s (10k yuan), at or above %(threshold)s: link its county leader "
        "before it is marked signed."
    ) % {"code": project.code, "planned": project.planned_investment, "threshold": rule.threshold}


@transaction.atomic
def record_stage(
    *,
    user,
    project: Project,
    stage: str,
    date: dt.date,
    amount: Decimal | None = None,
    note: str = "",
    reported: bool = False,
) -> StageEvent:
    """Record (or correct) the date the project reached ``stage``. Signing carries the contract amount.
    ``reported``: from a progress report the caller let the user fill (``_check_can_change``)."""
    _check_can_change(user, project, reported=reported)
    caller_copy = project
    project = Project.objects.select_for_update().get(pk=project.pk)
    if stage not in STAGE_ORDER:
        raise ValidationError(_("Unknown stage %(stage)s.") % {"stage": stage})
    if date > clock.today():
        raise ValidationError(_("The date %(date)s is in the future.") % {"date": date})
    if amount is not None and amount < 0:
        raise ValidationError(_("The amount cannot be negative."))
    if stage == Stage.SIGNED and amount is None and not project.contract_amount:
        raise ValidationError(_("Signing needs the contract amount."))
    if stage == Stage.SIGNED:
        leader_error = signing_leader_error(project)
        if leader_error:
            raise ValidationError(leader_error)
    dates = {e.stage: e.date for e in project.stage_events.all()}
    dates[stage] = date
    errors = stage_date_errors(dates)
    if errors:
        raise ValidationError(errors)
    event = project.stage_events.filter(stage=stage).first() or StageEvent(project=project, stage=stage)
    if event.pk is None or event.date != date:
        # A date entered on the form is a day; correcting only the note or amount keeps a month-precision date
        # (brought in from a county's sheet as 2025年3月) known to its month.
        event.date_precision = DatePrecision.DAY
    event.date, event.note = date, note
    if amount is not None:
        event.amount = amount
    event.recorded_by = user if getattr(user, "pk", None) else None
    as_user(event, user).save()
    if stage == Stage.SIGNED and amount is not None:
        project.contract_amount = amount
    refresh_stage(project)
    as_user(project, user).save()
    # The caller's instance must not go stale: a later save of it would put the old stage back.
    for name in (*STAGE_COLUMNS, "last_activity_on", "contract_amount"):
        setattr(caller_copy, name, getattr(project, name))
    return event


def mark_reported(project: Project, day: dt.date) -> None:
    """A progress report on the project was submitted on ``day`` (local date): keep ``last_report_on``, the
    latest such day, and ``last_activity_on`` in the database and on this instance. Derived like stage_date, so
    not in the history."""
    for name in ("last_report_on", "last_activity_on"):
        later = Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__lt": day})
        Project.objects.filter(later, pk=project.pk).update(**{name: day})
        if getattr(project, name) is None or getattr(project, name) < day:
            setattr(project, name, day)
    revision.touch("projects")


def last_report_day(submitted_at: dt.datetime | None) -> dt.date | None:
    """A project's ``last_report_on`` given the latest submission of its progress reports: its local date."""
    return clock.date_of(submitted_at) if submitted_at is not None else None


def refresh_last_reports(projects) -> None:
    """Recompute ``last_report_on`` for a queryset of projects from their submitted progress reports (scheduling's,
    through their ``progress_reports``), what ``mark_reported`` keeps as each is submitted."""
    by_day: dict[dt.date | None, list[int]] = {}
    latest = projects.order_by().annotate(at=Max("progress_reports__submitted_at")).values_list("pk", "at")
    for pk, at in latest:
        by_day.setdefault(last_report_day(at), []).append(pk)
    for day, ids in by_day.items():
        for start in range(0, len(ids), BATCH):
            Project.objects.filter(pk__in=ids[start : start + BATCH]).update(last_report_on=day)
    revision.touch("projects")  # not in the history


@transaction.atomic
def repair_derived_columns(*, user, project_ids: Iterable[int]) -> None:
    """Recompute every derived column (``models.DERIVED_COLUMNS``) of these projects as the writers keep them:
    from their submitted progress reports, funds receipts, stage events and entry. A stage or stage date put right
    is saved with a history row naming ``user`` and the repair; the other columns are not in the history."""
    ids = sorted(set(project_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        refresh_last_reports(Project.objects.filter(pk__in=chunk))
        refresh_funds_totals(chunk)
        for project in Project.objects.select_for_update().filter(pk__in=chunk).prefetch_related("stage_events"):
            recorded = (project.stage, project.stage_date)
            refresh_stage(project)
            if (project.stage, project.stage_date) != recorded:
                project._change_reason = _("Derived columns repaired (check_ledger)")
                as_user(project, user).save()
            else:
                columns = (*STAGE_DATE_FIELDS.values(), "last_activity_on")
                Project.objects.filter(pk=project.pk).update(**{name: getattr(project, name) for name in columns})
    revision.touch("projects")


@transaction.atomic
def delete_stage_event(*, user, event: StageEvent) -> None:
    _check_can_change(user, event.project)
    project = event.project
    as_user(event, user).delete()
    refresh_stage(project)
    as_user(project, user).save()


@transaction.atomic
def set_status(
    *, user, project: Project, status: str, reason: str = "", date: dt.date | None = None, version: str | None = None
) -> Project:
    """Mark a project stalled or dropped (with a reason), or active again. ``version``: the status form's
    snapshot (``status_version``); a stale one refuses the change."""
    _check_can_change(user, project)
    if version is not None:
        locked = Project.objects.select_for_update().get(pk=project.pk)
        yours = _shown(Project, {"status": status, "status_reason": reason.strip(), "status_date": date})
        optimistic.check(version, optimistic.state(locked, STATUS_FIELDS), yours, model=Project)
    if status not in Status.values:
        raise ValidationError(_("Unknown status %(status)s.") % {"status": status})
    if status != Status.ACTIVE and not reason.strip():
        raise ValidationError(_("Give the reason the project is stalled or dropped."))
    project.status = status
    project.status_reason = reason.strip() if status != Status.ACTIVE else ""
    project.status_date = (date or clock.today()) if status != Status.ACTIVE else None
    as_user(project, user).save()
    return project


# --- funds in place -------------------------------------------------------------------------------


def refresh_funds_total(project: Project) -> None:
    """Set the project's funds_total (in the database and on this instance) to the sum of its receipts."""
    # Summed in 30 digits and kept inside the column: receipts are bounded on entry (core.limits), so only
    # values stored past the forms can exceed it, and they must not make the receipt impossible to delete.
    project.funds_total = limits.clamp(project.receipts.aggregate(total=limits.money_sum("amount"))["total"])
    Project.objects.filter(pk=project.pk).update(funds_total=project.funds_total)
    revision.touch("projects")  # not in the history


def refresh_funds_totals(project_ids: Iterable[int]) -> None:
    """``refresh_funds_total`` for many projects, set-based (the importer's new receipts)."""
    total = (
        FundsReceipt.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(**MONEY)
    ids = sorted(project_ids)
    for start in range(0, len(ids), BATCH):
        Project.objects.filter(pk__in=ids[start : start + BATCH]).update(
            funds_total=Coalesce(Subquery(total, output_field=money), Value(Decimal(0), output_field=money))
        )
    if ids:
        revision.touch("projects")


def _receipt_errors(date: dt.date, amount: Decimal) -> list[str]:
    errors = []
    if amount is None or amount <= 0:
        errors.append(_("The amount must be greater than zero."))
    elif amount > limits.MAX_AMOUNT:
        errors.append(_("The amount must not exceed %(max)s.") % {"max": f"{limits.MAX_AMOUNT:,}"})
    if date and date > clock.today():
        errors.append(_("The date %(date)s is in the future.") % {"date": date})
    return errors


def receipt_currency_errors(currency: str, original_amount: Decimal | None, exchange_rate: Decimal | None) -> list[str]:
    """A receipt in another currency with its original amount needs the rate used (forms, services, importer)."""
    if currency != Currency.CNY and original_amount is not None and not exchange_rate:
        return [_("A receipt in another currency needs the exchange rate used.")]
    return []


def _apply_currency(receipt: FundsReceipt) -> list[str]:
    """Work out the receipt's 10k-yuan amount from its original amount and rate (``rules.receipt_amount``); a
    receipt in yuan keeps neither."""
    if receipt.currency == Currency.CNY:
        receipt.original_amount = receipt.exchange_rate = None
    errors = receipt_currency_errors(receipt.currency, receipt.original_amount, receipt.exchange_rate)
    receipt.amount = rules.receipt_amount(
        receipt.currency, receipt.original_amount, receipt.exchange_rate, receipt.amount
    )
    return errors


@transaction.atomic
def add_receipt(
    *,
    user,
    project: Project,
    date: dt.date,
    amount: Decimal | None,
    source: str = "",
    voucher_no: str = "",
    note: str = "",
    currency: str = Currency.CNY,
    original_amount: Decimal | None = None,
    exchange_rate: Decimal | None = None,
) -> FundsReceipt:
    """Record a receipt. In another currency, ``amount`` (10k yuan) may be None when the original amount and the
    rate used are given: it is worked out from them."""
    _check_can_change(user, project)
    receipt = FundsReceipt(
        project=project,
        date=date,
        amount=amount,
        currency=currency or Currency.CNY,
        original_amount=original_amount,
        exchange_rate=exchange_rate,
        source=source,
        voucher_no=voucher_no,
        note=note,
        recorded_by=user if getattr(user, "pk", None) else None,
    )
    errors = _apply_currency(receipt)
    errors += _receipt_errors(date, receipt.amount)
    if errors:
        raise ValidationError(errors)
    as_user(receipt, user).save()
    refresh_funds_total(project)
    return receipt


@transaction.atomic
def update_receipt(*, user, receipt: FundsReceipt, version: str | None = None, **data) -> FundsReceipt:
    """Correct a receipt. ``version``: the edit form's snapshot (``receipt_version``); stale refuses."""
    _check_can_change(user, receipt.project)
    if version is not None:
        locked = FundsReceipt.objects.select_for_update().get(pk=receipt.pk)
        yours = _shown(FundsReceipt, {k: v for k, v in data.items() if k in RECEIPT_FIELDS})
        optimistic.check(version, optimistic.state(locked, RECEIPT_FIELDS), yours, model=FundsReceipt)
    for name in RECEIPT_FIELDS:
        if name in data:
            setattr(receipt, name, data[name])
    errors = _apply_currency(receipt)
    errors += _receipt_errors(receipt.date, receipt.amount)
    if errors:
        raise ValidationError(errors)
    as_user(receipt, user).save()
    refresh_funds_total(receipt.project)
    return receipt


@transaction.atomic
def delete_receipt(*, user, receipt: FundsReceipt) -> None:
    _check_can_change(user, receipt.project)
    project = receipt.project
    as_user(receipt, user).delete()
    refresh_funds_total(project)


# --- evidence -------------------------------------------------------------------------------------


def attachment_errors(*, name: str, size: int) -> list[str]:
    errors = []
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in settings.ATTACHMENT_EXTENSIONS:
        errors.append(
            _("Files of type .%(ext)s are not accepted; accepted types: %(types)s.")
            % {"ext": extension or "?", "types": ", ".join(settings.ATTACHMENT_EXTENSIONS)}
        )
    if size > settings.ATTACHMENT_MAX_BYTES:
        errors.append(
            _("The file is %(size).1f MB; the limit is %(limit).1f MB.")
            % {"size": size / 1048576, "limit": settings.ATTACHMENT_MAX_BYTES / 1048576}
        )
    if size == 0:
        errors.append(_("The file is empty."))
    return errors


@transaction.atomic
def add_attachment(
    *,
    user,
    project: Project,
    uploaded,
    kind: str = "other",
    stage_event: StageEvent | None = None,
    receipt: FundsReceipt | None = None,
    reported: bool = False,
) -> Attachment:
    _check_can_change(user, project, reported=reported)
    errors = attachment_errors(name=uploaded.name, size=uploaded.size)
    if stage_event is not None and stage_event.project_id != project.pk:
        errors.append(_("The stage event belongs to another project."))
    if receipt is not None and receipt.project_id != project.pk:
        errors.append(_("The receipt belongs to another project."))
    checked = None
    if not errors:
        try:
            checked = filetypes.check(uploaded.name, uploaded)
        except filetypes.FileTypeError as error:
            name = PurePath(uploaded.name).name
            if str(error) == "unknown":
                errors.append(
                    _("“%(name)s” is not a file of an accepted type (its content was checked).") % {"name": name}
                )
            else:
                errors.append(
                    _("The content of “%(name)s” does not match its extension .%(ext)s; the file is refused.")
                    % {"name": name, "ext": PurePath(name).suffix.lower().lstrip(".")}
                )
    if errors:
        raise ValidationError(errors)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    attachment = Attachment(
        project=project,
        stage_event=stage_event,
        receipt=receipt,
        kind=kind,
        original_name=PurePath(uploaded.name).name[:255],
        size=uploaded.size,
        content_type=checked.content_type,  # the checked kind's, never what the browser claimed
        sha256=digest.hexdigest(),
        uploaded_by=user if getattr(user, "pk", None) else None,
    )
    stored = attachment_path(attachment, uploaded.name)
    if attachment.file.storage.exists(stored):
        attachment.file.name = stored  # the same content is stored already (the name is its checksum)
    else:
        attachment.file.save(attachment.sha256, uploaded, save=False)
    as_user(attachment, user).save()
    return attachment


@transaction.atomic
def delete_attachment(*, user, attachment: Attachment) -> None:
    _check_can_change(user, attachment.project)
    # The stored file stays: history keeps the record, and another attachment may share the checksum.
    as_user(attachment, user).delete()
