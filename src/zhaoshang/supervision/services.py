"""Writes of supervision: batches and their selection, verifications, rectification items.

Supervisors (and admins) create batches, verify and review rectifications; a unit's reporter submits the
unit's explanation. Every write records its author in the history.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zhaoshang.core import clock, optimistic
from zhaoshang.core.history import as_user
from zhaoshang.notifications.services import notify_on_commit
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit
from zhaoshang.organization.selectors import subtree_ids
from zhaoshang.projects.choices import Stage
from zhaoshang.projects.models import FundsReceipt, Project, StageEvent

from .choices import BatchStatus, Method, RectificationStatus, Result
from .models import Rectification, SupervisionBatch, Verification

DEFAULT_DEADLINE_DAYS = 30
SEED_LIMIT = 2**31


def _check_supervisor(user) -> None:
    if not access.can_verify(user):
        raise PermissionDenied


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar quarter containing ``day``: its first and last dates."""
    first_month = (day.month - 1) // 3 * 3 + 1
    start = dt.date(day.year, first_month, 1)
    following = dt.date(day.year + 1, 1, 1) if first_month == 10 else dt.date(day.year, first_month + 3, 1)
    return start, following - dt.timedelta(days=1)


def default_batch_name(start: dt.date) -> str:
    return _("Supervision of %(year)s Q%(quarter)s") % {"year": start.year, "quarter": (start.month - 1) // 3 + 1}


# --- selection ------------------------------------------------------------------------------------


def candidate_ids(
    *,
    end: dt.date,
    method: str,
    min_amount: Decimal | None = None,
    units: list[Unit] | tuple[Unit, ...] = (),
) -> list[int]:
    """The projects a batch may select, ids ascending: those matching the method that have something to
    verify (a stage event or a funds receipt dated up to the batch's end)."""
    # One IN over a UNION, not "IN (events) OR IN (receipts)": the OR form re-reads a list that outgrows work_mem
    # for every project (issue 16; assessment.selectors.facts had the same shape).
    events = StageEvent.objects.filter(date__lte=end).order_by().values("project_id")
    receipts = FundsReceipt.objects.filter(date__lte=end).order_by().values("project_id")
    projects = Project.objects.filter(pk__in=events.union(receipts))
    if method == Method.THRESHOLD:
        projects = projects.filter(planned_investment__gte=min_amount)
    elif method == Method.UNITS:
        unit_ids = frozenset(pk for unit in units for pk in subtree_ids(unit.pk))
        projects = projects.filter(Project.unit_scope_q(unit_ids))
    return sorted(projects.values_list("pk", flat=True).distinct())


def sample_ids(candidates: list[int], size: int, seed: int) -> list[int]:
    """A reproducible random sample: the same candidates and seed give the same projects."""
    chosen = random.Random(seed).sample(sorted(candidates), min(size, len(candidates)))
    return sorted(chosen)


def _selection_errors(method, min_amount, units, sample_size, seed) -> list[str]:
    errors = []
    if method not in Method.values:
        errors.append(_("Unknown selection method %(method)s.") % {"method": method})
    if method == Method.THRESHOLD and (min_amount is None or min_amount < 0):
        errors.append(_("Give the minimum planned investment (0 or more)."))
    if method == Method.UNITS and not units:
        errors.append(_("Choose at least one unit."))
    if method == Method.SAMPLE:
        if not sample_size or sample_size < 1:
            errors.append(_("The sample size must be at least 1."))
        if seed is not None and not (0 <= seed < SEED_LIMIT):
            errors.append(_("The seed must be between 0 and %(limit)s.") % {"limit": SEED_LIMIT - 1})
    return errors


@transaction.atomic
def create_batch(
    *,
    user,
    name: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    method: str,
    min_amount: Decimal | None = None,
    units: list[Unit] | tuple[Unit, ...] = (),
    sample_size: int | None = None,
    seed: int | None = None,
) -> SupervisionBatch:
    """Create a batch and select its projects now; the selection is stored and never recomputed."""
    _check_supervisor(user)
    if start is None or end is None:
        default_start, default_end = quarter_of(clock.today())
        start, end = start or default_start, end or default_end
    errors = _selection_errors(method, min_amount, units, sample_size, seed)
    if end < start:
        errors.append(_("The batch ends before it starts."))
    if errors:
        raise ValidationError(errors)
    if method == Method.SAMPLE and seed is None:
        seed = secrets.randbelow(SEED_LIMIT)
    candidates = candidate_ids(end=end, method=method, min_amount=min_amount, units=units)
    selected = sample_ids(candidates, sample_size, seed) if method == Method.SAMPLE else candidates
    batch = SupervisionBatch(
        name=name.strip() or default_batch_name(start),
        start=start,
        end=end,
        method=method,
        min_amount=min_amount if method == Method.THRESHOLD else None,
        sample_size=sample_size if method == Method.SAMPLE else None,
        seed=seed if method == Method.SAMPLE else None,
        candidate_count=len(candidates),
        created_by=user,
    )
    batch.full_clean()
    as_user(batch, user).save()
    if method == Method.UNITS:
        batch.chosen_units.set(units)
    batch.projects.set(selected)
    return batch


@transaction.atomic
def set_batch_status(*, user, batch: SupervisionBatch, status: str) -> SupervisionBatch:
    """Close a batch (no more verifications in it) or open it again."""
    _check_supervisor(user)
    if status not in BatchStatus.values:
        raise ValidationError(_("Unknown status %(status)s.") % {"status": status})
    batch.status = status
    as_user(batch, user).save()
    return batch


# --- verification ---------------------------------------------------------------------------------


def reporting_unit(project: Project) -> Unit | None:
    """The unit answerable for a project's figures: the credited unit with the largest share (ties: the
    lowest code), or else the responsible unit."""
    credits = sorted(project.credits.select_related("unit"), key=lambda c: (-c.share, c.unit.code))
    if credits:
        return credits[0].unit
    return project.responsible_unit


def _adjustment_errors(*, subject, result, amount, date, comment, reported_amount, reported_date) -> list[str]:
    errors = []
    if result not in Result.values:
        return [_("Unknown result %(result)s.") % {"result": result}]
    if result in (Result.REJECTED, Result.ADJUSTED) and not comment.strip():
        errors.append(_("Say why in the comment: it is required for a rejection or an adjustment."))
    if result != Result.ADJUSTED:
        if amount is not None or date is not None:
            errors.append(_("A corrected amount or date is given only with the result 'adjusted'."))
        return errors
    if amount is None and date is None:
        errors.append(_("An adjustment needs the corrected amount or the corrected date."))
    takes_amount = isinstance(subject, FundsReceipt) or subject.stage == Stage.SIGNED
    if amount is not None:
        if not takes_amount:
            errors.append(_("Only a signing or a funds receipt has an amount to correct."))
        elif amount < 0 or (isinstance(subject, FundsReceipt) and amount == 0):
            errors.append(_("The corrected amount must be greater than zero."))
    if date is not None and date > clock.today():
        errors.append(_("The date %(date)s is in the future.") % {"date": date})
    if not errors and (amount is None or amount == reported_amount) and (date is None or date == reported_date):
        errors.append(_("The corrected figures equal the reported ones: confirm instead."))
    return errors


def _describe(subject, verification: Verification) -> str:
    if isinstance(subject, FundsReceipt):
        what = _("Funds receipt of %(amount)s (10k yuan) dated %(date)s") % {
            "amount": f"{verification.reported_amount:,.2f}",
            "date": verification.reported_date.isoformat(),
        }
    else:
        what = _("%(stage)s dated %(date)s") % {
            "stage": subject.get_stage_display(),
            "date": verification.reported_date.isoformat(),
        }
    if verification.result == Result.REJECTED:
        outcome = _("rejected")
    else:
        parts = []
        if verification.adjusted_amount is not None:
            parts.append(_("amount %(amount)s") % {"amount": f"{verification.adjusted_amount:,.2f}"})
        if verification.adjusted_date is not None:
            parts.append(_("date %(date)s") % {"date": verification.adjusted_date.isoformat()})
        outcome = _("adjusted to %(figures)s") % {"figures": pgettext("list separator", ", ").join(parts)}
    # Chinese text takes full-width punctuation: the pattern is translated with the words.
    return _("%(what)s: %(outcome)s. %(comment)s") % {
        "what": what,
        "outcome": outcome,
        "comment": verification.comment.strip(),
    }


def _open_rectification(*, user, batch, subject, verification, deadline) -> Rectification:
    """Open an item for the unit; an item still unclosed for the same subject is reused and re-pointed."""
    subject_q = {"stage_event": subject} if isinstance(subject, StageEvent) else {"receipt": subject}
    item = Rectification.objects.filter(**subject_q).exclude(status=RectificationStatus.CLOSED).order_by("-id").first()
    description = _describe(subject, verification)
    if item is not None:
        item.verification, item.description, item.deadline = verification, description, deadline
        if item.status == RectificationStatus.SUBMITTED:
            item.status = RectificationStatus.REOPENED
        as_user(item, user).save()
        return item
    unit = reporting_unit(subject.project)
    if unit is None:
        raise ValidationError(_("The project has no credited or responsible unit to rectify."))
    item = Rectification(
        batch=batch,
        verification=verification,
        project=subject.project,
        unit=unit,
        description=description,
        deadline=deadline,
        created_by=user,
        **subject_q,
    )
    as_user(item, user).save()
    notify_on_commit(
        unit_ids=[unit.pk],
        title=_("Rectification opened: %(project)s") % {"project": subject.project.code},
        body=description,
        url=item.get_absolute_url(),
        key=f"rectification:{item.pk}:opened",
    )
    return item


def subject_state(subject, reported_amount: Decimal | None, latest: Verification | None) -> dict[str, str]:
    """What a supervisor saw of a stage event or receipt when the batch page was loaded: its date and amount
    in the ledger and its latest verification (``optimistic``: a verify after either changed is refused)."""
    shown = "—"
    if latest is not None:
        at = timezone.localtime(latest.verified_at)
        shown = f"{latest.get_result_display()} {latest.verified_by or ''} {at:%Y-%m-%d %H:%M:%S}"
    return {
        "date": optimistic.display(StageEvent, "date", subject.date),
        "amount": optimistic.display(FundsReceipt, "amount", reported_amount),
        "verification": shown,
    }


def subject_version(subject, reported_amount: Decimal | None, latest: Verification | None) -> str:
    return optimistic.sign(subject_state(subject, reported_amount, latest))


def _latest_verification(subject) -> Verification | None:
    field = "stage_event" if isinstance(subject, StageEvent) else "receipt"
    return (
        Verification.objects.filter(**{field: subject}).select_related("verified_by").order_by("-verified_at", "-id")
    ).first()


@transaction.atomic
def verify(
    *,
    user,
    batch: SupervisionBatch,
    stage_event: StageEvent | None = None,
    receipt: FundsReceipt | None = None,
    result: str,
    amount: Decimal | None = None,
    date: dt.date | None = None,
    comment: str = "",
    deadline: dt.date | None = None,
    version: str | None = None,
) -> Verification:
    """Record the result of checking one stage event or receipt against its evidence. ``version``: the batch
    page's snapshot of the record (``subject_version``); refused if it was changed or verified since.

    Rejections and adjustments open a rectification item for the project's reporting unit, due in 30
    days unless ``deadline`` says otherwise."""
    _check_supervisor(user)
    if (stage_event is None) == (receipt is None):
        raise ValidationError(_("Verify either a stage event or a funds receipt."))
    if version is not None:
        # Lock the record first (verifications of it queue here), then read it and compare with the page.
        type(stage_event or receipt).objects.select_for_update().filter(pk=(stage_event or receipt).pk).exists()
    # Read the record and its project afresh: the figures copied are the ones in the ledger now.
    subject = type(stage_event or receipt).objects.select_related("project").get(pk=(stage_event or receipt).pk)
    stage_event, receipt = (subject, None) if stage_event is not None else (None, subject)
    if version is not None:
        amount_now = (
            subject.amount
            if receipt is not None
            else (subject.project.contract_amount if subject.stage == Stage.SIGNED else None)
        )
        optimistic.check(
            version,
            subject_state(subject, amount_now, _latest_verification(subject)),
            model=Verification,
            labels={
                "date": str(_("date")),
                "amount": str(_("amount (10k yuan)")),
                "verification": str(_("verification")),
            },
        )
    errors = []
    if batch.status != BatchStatus.OPEN:
        errors.append(_("The batch is closed."))
    if not batch.projects.filter(pk=subject.project_id).exists():
        errors.append(_("The project is not in this batch."))
    if subject.date > batch.end:
        errors.append(_("Only records dated up to the batch's end (%(end)s) are verified.") % {"end": batch.end})
    project = subject.project
    if isinstance(subject, FundsReceipt):
        reported_amount = subject.amount
    else:
        reported_amount = project.contract_amount if subject.stage == Stage.SIGNED else None
    errors += _adjustment_errors(
        subject=subject,
        result=result,
        amount=amount,
        date=date,
        comment=comment,
        reported_amount=reported_amount,
        reported_date=subject.date,
    )
    today = clock.today()
    if deadline is not None and deadline < today:
        errors.append(_("The deadline cannot be in the past."))
    if errors:
        raise ValidationError(errors)
    verification = Verification(
        batch=batch,
        project=project,
        stage_event=stage_event,
        receipt=receipt,
        result=result,
        reported_date=subject.date,
        reported_amount=reported_amount,
        adjusted_date=date if result == Result.ADJUSTED else None,
        adjusted_amount=amount if result == Result.ADJUSTED else None,
        comment=comment.strip(),
        verified_by=user,
        verified_at=clock.now(),
    )
    as_user(verification, user).save()
    if result in (Result.REJECTED, Result.ADJUSTED):
        _open_rectification(
            user=user,
            batch=batch,
            subject=subject,
            verification=verification,
            deadline=deadline or today + dt.timedelta(days=DEFAULT_DEADLINE_DAYS),
        )
    return verification


# --- rectification --------------------------------------------------------------------------------


@transaction.atomic
def confirm_many(*, user, batch: SupervisionBatch, rows) -> int:
    """Confirm (属实) several records of a batch at once (issue 12); the exceptions are verified one by one with
    their own result. ``rows``: (kind "event"|"receipt", id, version) as the batch page showed them. All or
    none: if any row is stale or not allowed, nothing is recorded and the errors name the rows."""
    _check_supervisor(user)
    if not rows:
        raise ValidationError(_("Select the records first."))
    errors = []
    count = 0
    for kind, pk, version in rows:
        model = StageEvent if kind == "event" else FundsReceipt
        subject = model.objects.restrict(user, "view").select_related("project").filter(pk=pk).first()
        if subject is None:
            errors.append(_("Record %(id)s cannot be found.") % {"id": pk})
            continue
        try:
            verify(
                user=user,
                batch=batch,
                stage_event=subject if kind == "event" else None,
                receipt=subject if kind == "receipt" else None,
                result=Result.CONFIRMED,
                version=version,
            )
            count += 1
        except ValidationError as error:
            errors += [f"{subject.project.code} {subject.date:%Y-%m-%d}: {message}" for message in error.messages]
    if errors:
        raise ValidationError(errors)
    return count


def may_submit(user, item: Rectification) -> bool:
    """The unit's reporters (of the item's unit or a unit above it) and admins answer an item."""
    if access.is_admin(user):
        return True
    return access.is_reporter(user) and item.unit_id in access.unit_ids(user)


@transaction.atomic
def submit_rectification(*, user, item: Rectification, explanation: str) -> Rectification:
    """The unit says what it corrected; the supervisor then closes or reopens the item."""
    if not may_submit(user, item):
        raise PermissionDenied
    item = Rectification.objects.select_for_update().get(pk=item.pk)
    if item.status not in (RectificationStatus.OPEN, RectificationStatus.REOPENED):
        raise ValidationError(_("Only an open or reopened item can be submitted."))
    if not explanation.strip():
        raise ValidationError(_("Explain what was corrected."))
    item.status = RectificationStatus.SUBMITTED
    item.explanation = explanation.strip()
    item.submitted_by, item.submitted_at = user, clock.now()
    as_user(item, user).save()
    return item


@transaction.atomic
def review_rectification(*, user, item: Rectification, close: bool, comment: str = "") -> Rectification:
    """The supervisor accepts the unit's correction (closed) or sends it back (reopened, with a reason)."""
    _check_supervisor(user)
    item = Rectification.objects.select_for_update().get(pk=item.pk)
    if item.status != RectificationStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted item can be closed or reopened."))
    if not close and not comment.strip():
        raise ValidationError(_("Say why the item is reopened."))
    item.status = RectificationStatus.CLOSED if close else RectificationStatus.REOPENED
    item.review_comment = comment.strip()
    item.reviewed_by, item.reviewed_at = user, clock.now()
    as_user(item, user).save()
    return item


@transaction.atomic
def set_deadline(*, user, item: Rectification, deadline: dt.date) -> Rectification:
    _check_supervisor(user)
    if item.status == RectificationStatus.CLOSED:
        raise ValidationError(_("The item is closed."))
    item.deadline = deadline
    as_user(item, user).save()
    return item
