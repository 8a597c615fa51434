"""Writing promises and complaints: entry (form and .xlsx), delivery with its proof, cancelling, the complaint's
flow (taken up, answered, the investor's answer: closed or back to the department) and the escalation of overdue
items.

Every write checks the one permission rule (``restrict``), runs in one transaction and names its author in the
history (``as_user``). A reporter records and changes only the items of their own department; the bureau any."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core import clock, filetypes
from zhaoshang.core.history import as_user
from zhaoshang.notifications import services as notifications
from zhaoshang.organization import access
from zhaoshang.projects.services import attachment_errors

from . import rules, xlsx
from .choices import CLOSING_ANSWERS, ComplaintStatus, Escalation, InvestorAnswer, PromiseStatus
from .models import Complaint, Promise, proof_path

PROMISE_FIELDS = ("investor", "project", "kind", "content", "amount", "department", "promised_on", "due_on")
COMPLAINT_FIELDS = ("investor", "project", "received_on", "channel", "content", "department", "deadline")


# --- who may do what ---------------------------------------------------------------------------------------------


def may_record(user) -> bool:
    return access.edits_everything(user) or (access.is_reporter(user) and bool(access.unit_ids(user)))


def may_change(user, item) -> bool:
    return type(item).objects.restrict(user, "change").filter(pk=item.pk).exists()


def _check_change(user, item) -> None:
    if not may_change(user, item):
        raise PermissionDenied


def _check_department(user, department) -> None:
    if access.edits_everything(user):
        return
    if not access.is_reporter(user):
        raise PermissionDenied
    if department is None or department.pk not in access.unit_ids(user):
        raise ValidationError(_("You may only record the promises and complaints of your own department."))


def _entry_errors(item, data: dict) -> list[str]:
    errors = []
    project = data.get("project", item.project if item.project_id else None)
    investor = data.get("investor", item.investor if item.investor_id else None)
    if project is not None and investor is not None and project.investor_id not in (None, investor.pk):
        errors.append(_("The project belongs to another investor."))
    return errors


def _set(item, names, data: dict) -> None:
    for name in names:
        if name in data:
            value = data[name]
            setattr(item, name, value.strip() if isinstance(value, str) else value)


def _reset_escalation(item, old_due: dt.date | None, new_due: dt.date | None) -> None:
    if old_due != new_due:
        item.escalation, item.escalated_on = Escalation.NONE, None


# --- promises ------------------------------------------------------------------------------------------------------


@transaction.atomic
def save_promise(*, user, promise: Promise | None = None, data: dict) -> Promise:
    """Create or change a promise (a pending one: a delivered or cancelled promise stays as it was)."""
    if promise is None and not may_record(user):
        raise PermissionDenied
    if promise is not None:
        _check_change(user, promise)
        if promise.status != PromiseStatus.PENDING:
            raise ValidationError(_("Only a pending promise can be changed."))
    item = promise or Promise(recorded_by=user)
    _check_department(user, data.get("department", item.department if item.department_id else None))
    errors = _entry_errors(item, data)
    if errors:
        raise ValidationError(errors)
    old_due = item.due_on
    _set(item, PROMISE_FIELDS, data)
    _reset_escalation(item, old_due, item.due_on)
    item.full_clean()
    as_user(item, user).save()
    return item


def store_proof(promise: Promise, uploaded) -> None:
    """Check an uploaded proof as the ledger checks its evidence (type by extension and content, size) and put it
    on the promise, stored under its checksum; raises ValidationError naming what is wrong."""
    errors = attachment_errors(name=uploaded.name, size=uploaded.size)
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
    promise.proof_sha256 = digest.hexdigest()
    promise.proof_name = PurePath(uploaded.name).name[:255]
    promise.proof_type = checked.content_type  # the checked kind's, never what the browser claimed
    stored = proof_path(promise, uploaded.name)
    if promise.proof.storage.exists(stored):
        promise.proof.name = stored  # the same content is stored already (the name is its checksum)
    else:
        promise.proof.save(promise.proof_sha256, uploaded, save=False)


@transaction.atomic
def deliver(*, user, promise: Promise, delivered_on: dt.date, uploaded, note: str = "") -> Promise:
    """The promise is kept (兑现): with the proof file and the date it was delivered."""
    _check_change(user, promise)
    if promise.status != PromiseStatus.PENDING:
        raise ValidationError(_("Only a pending promise can be delivered."))
    errors = []
    if uploaded is None:
        errors.append(_("A promise is delivered only with a proof file."))
    if delivered_on is None:
        errors.append(_("Give the date the promise was delivered."))
    elif delivered_on > clock.today():
        errors.append(_("The delivery date is in the future."))
    if errors:
        raise ValidationError(errors)
    store_proof(promise, uploaded)
    promise.status, promise.delivered_on = PromiseStatus.DELIVERED, delivered_on
    promise.delivery_note = (note or "").strip()
    promise.full_clean()
    as_user(promise, user).save()
    return promise


@transaction.atomic
def cancel(*, user, promise: Promise, note: str) -> Promise:
    """Only the bureau cancels a promise (一诺千金: a department does not drop its own), with the reason."""
    if not access.edits_everything(user):
        raise PermissionDenied
    if promise.status != PromiseStatus.PENDING:
        raise ValidationError(_("Only a pending promise can be cancelled."))
    if not (note or "").strip():
        raise ValidationError(_("Give the reason the promise is cancelled."))
    promise.status, promise.delivery_note = PromiseStatus.CANCELLED, note.strip()
    as_user(promise, user).save()
    return promise


def import_promises(*, user, data: bytes) -> tuple[list[Promise], list[xlsx.RowError]]:
    """Read the workbook and, when no row has an error, record every row in one transaction (pending promises);
    otherwise record nothing and return the errors (each naming its row and column)."""
    if not may_record(user):
        raise PermissionDenied
    allowed = None if access.edits_everything(user) else access.unit_ids(user)
    parsed = xlsx.read_promises(data, user=user, unit_ids=allowed)
    if parsed.errors:
        return [], parsed.errors
    created, errors = [], []
    with transaction.atomic():
        for number, row in parsed.rows:
            promise = Promise(recorded_by=user, **row)
            try:
                promise.full_clean()
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    column = dict(xlsx.PROMISE_COLUMNS).get(name, name)
                    errors.extend(xlsx.RowError(number, str(column), message) for message in messages)
                continue
            as_user(promise, user).save()
            created.append(promise)
        if errors:
            transaction.set_rollback(True)
            return [], errors
    return created, []


# --- complaints ----------------------------------------------------------------------------------------------------


@transaction.atomic
def save_complaint(*, user, complaint: Complaint | None = None, data: dict) -> Complaint:
    if complaint is None and not may_record(user):
        raise PermissionDenied
    if complaint is not None:
        _check_change(user, complaint)
        if complaint.status == ComplaintStatus.CLOSED:
            raise ValidationError(_("A closed complaint can no longer be changed."))
    item = complaint or Complaint(recorded_by=user)
    _check_department(user, data.get("department", item.department if item.department_id else None))
    errors = _entry_errors(item, data)
    received, deadline = data.get("received_on", item.received_on), data.get("deadline", item.deadline)
    if received and received > clock.today():
        errors.append(_("The date received is in the future."))
    if received and deadline and deadline < received:
        errors.append(_("The deadline is before the day the complaint was received."))
    if errors:
        raise ValidationError(errors)
    old_due = item.deadline
    _set(item, COMPLAINT_FIELDS, data)
    _reset_escalation(item, old_due, item.deadline)
    item.full_clean()
    as_user(item, user).save()
    return item


@transaction.atomic
def take_up(*, user, complaint: Complaint) -> Complaint:
    _check_change(user, complaint)
    if complaint.status != ComplaintStatus.OPEN:
        raise ValidationError(_("Only a complaint just received can be taken up."))
    complaint.status = ComplaintStatus.HANDLING
    as_user(complaint, user).save()
    return complaint


@transaction.atomic
def answer(*, user, complaint: Complaint, outcome: str) -> Complaint:
    """The department says what it did: the complaint is answered and the investor is to be asked (their answer is
    empty until then)."""
    _check_change(user, complaint)
    if complaint.status not in (ComplaintStatus.OPEN, ComplaintStatus.HANDLING):
        raise ValidationError(_("Only a complaint being handled can be answered."))
    if not (outcome or "").strip():
        raise ValidationError(_("Say what was done about the complaint."))
    complaint.status, complaint.outcome = ComplaintStatus.ANSWERED, outcome.strip()
    complaint.answered_on, complaint.investor_answer = clock.today(), ""
    as_user(complaint, user).save()
    return complaint


@transaction.atomic
def record_investor_answer(
    *, user, complaint: Complaint, investor_answer: str, deadline: dt.date | None = None
) -> Complaint:
    """The investor's answer to the outcome: satisfied or basically satisfied closes the complaint; unsatisfied
    sends it back to the department (一查到底), with a new deadline when one is given."""
    _check_change(user, complaint)
    if complaint.status != ComplaintStatus.ANSWERED:
        raise ValidationError(_("Ask the investor once the complaint is answered."))
    if investor_answer not in InvestorAnswer.values:
        raise ValidationError(_("Give the investor's answer."))
    complaint.investor_answer = investor_answer
    if investor_answer in CLOSING_ANSWERS:
        complaint.status, complaint.closed_on = ComplaintStatus.CLOSED, clock.today()
    else:
        complaint.status = ComplaintStatus.HANDLING
        if deadline is not None:
            if deadline < clock.today():
                raise ValidationError(_("The new deadline is in the past."))
            _reset_escalation(complaint, complaint.deadline, deadline)
            complaint.deadline = deadline
    complaint.full_clean()
    as_user(complaint, user).save()
    return complaint


# --- escalation ----------------------------------------------------------------------------------------------------


@dataclass
class EscalationRun:
    escalated: dict[tuple[str, int], list] = field(default_factory=dict)  # (kind, level) → items


def escalate(*, today: dt.date | None = None, dry_run: bool = False) -> EscalationRun:
    """Alert about overdue promises and complaints (``rules.to_escalate``): the department's reporters the day
    after the due date, the bureau (and the department again) ``PROMISE_ESCALATION_DAYS`` after it. Each item is
    told once per step and due date (the notification key), so a second run the same day sends nothing."""
    today = today or clock.today()
    run = EscalationRun()
    for kind, model in ((rules.PROMISE, Promise), (rules.COMPLAINT, Complaint)):
        for level in reversed(rules.LEVELS):
            items = list(
                model.objects.filter(rules.to_escalate_q(kind, level, today)).select_related("investor", "department")
            )
            run.escalated[(kind, level)] = items
            if dry_run:
                continue
            for item in items:
                _escalate_one(kind, item, level, today)
    return run


def _escalate_one(kind: str, item, level: int, today: dt.date) -> None:
    due = getattr(item, rules.DUE_FIELD[kind])
    late = (today - due).days
    values = {"days": late, "investor": item.investor.name, "department": item.department.name, "date": due}
    if kind == rules.PROMISE:
        title = _("Promise to %(investor)s %(days)s days overdue") % values
        body = _("%(department)s was to deliver it by %(date)s.") % values
    else:
        title = _("Complaint of %(investor)s %(days)s days past its deadline") % values
        body = _("%(department)s was to answer it by %(date)s.") % values
    notifications.notify_units(
        unit_ids=[item.department_id],
        to_bureau=level == Escalation.BUREAU,
        title=title,
        body=body,
        url=item.get_absolute_url(),
        key=f"{kind}:{item.pk}:escalation:{level}:{due}",
    )
    with transaction.atomic():
        type(item).objects.filter(pk=item.pk).update(escalation=level, escalated_on=today)
