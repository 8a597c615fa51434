"""The rules of promises and complaints, each written once: a Python predicate and its ORM form side by side
(parity-tested in tests/test_promises.py).

- An overdue promise: pending (neither delivered nor cancelled) with a due date before the day.
- An overdue complaint: not closed, with a deadline before the day.
- Escalation due on a day: the day after the due date (overdue), the department's reporters are told; from
  ``settings.PROMISE_ESCALATION_DAYS`` (7 by default) days after it, the bureau. Each item is told once per step
  (``escalation`` and the notification key); a new due date starts it again from none.
- A delivered promise has a proof file and a delivery date.
- A complaint is closed only with the investor's answer, satisfied or basically satisfied; an unsatisfied answer
  sends it back to the department (一查到底).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from .choices import CLOSING_ANSWERS, ComplaintStatus, Escalation, PromiseStatus

PROMISE = "promise"
COMPLAINT = "complaint"
LEVELS = (Escalation.DEPARTMENT, Escalation.BUREAU)
# The date each kind of item is due on.
DUE_FIELD = {PROMISE: "due_on", COMPLAINT: "deadline"}


# --- overdue ------------------------------------------------------------------------------------------------------


def promise_overdue(promise, today: dt.date) -> bool:
    return promise.status == PromiseStatus.PENDING and promise.due_on is not None and promise.due_on < today


def promise_overdue_q(today: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": PromiseStatus.PENDING, f"{prefix}due_on__lt": today})


def complaint_overdue(complaint, today: dt.date) -> bool:
    return complaint.status != ComplaintStatus.CLOSED and complaint.deadline is not None and complaint.deadline < today


def complaint_overdue_q(today: dt.date, prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}status": ComplaintStatus.CLOSED}) & Q(**{f"{prefix}deadline__lt": today})


def overdue(kind: str, item, today: dt.date) -> bool:
    return promise_overdue(item, today) if kind == PROMISE else complaint_overdue(item, today)


def overdue_q(kind: str, today: dt.date) -> Q:
    return promise_overdue_q(today) if kind == PROMISE else complaint_overdue_q(today)


# --- escalation -----------------------------------------------------------------------------------------------------


def escalation_days() -> int:
    days = int(settings.PROMISE_ESCALATION_DAYS)
    if days < 1:
        raise ValueError(f"PROMISE_ESCALATION_DAYS must be a number of days from 1, not {days}")
    return days


def escalation_due(kind: str, item, today: dt.date) -> int:
    """The step an overdue item has reached on ``today``: its department, then the bureau (0: not overdue)."""
    if not overdue(kind, item, today):
        return Escalation.NONE
    late = (today - getattr(item, DUE_FIELD[kind])).days
    return Escalation.BUREAU if late >= escalation_days() else Escalation.DEPARTMENT


def escalation_due_q(kind: str, level: int, today: dt.date) -> Q:
    """ORM form: the items that reached ``level`` on ``today`` (or beyond it)."""
    q = overdue_q(kind, today)
    if level == Escalation.BUREAU:
        q &= Q(**{f"{DUE_FIELD[kind]}__lte": today - dt.timedelta(days=escalation_days())})
    return q


def to_escalate(kind: str, item, today: dt.date) -> int:
    """The step to escalate the item to now, or 0 when it was escalated that far already."""
    due = escalation_due(kind, item, today)
    return due if due > item.escalation else Escalation.NONE


def to_escalate_q(kind: str, level: int, today: dt.date) -> Q:
    """ORM form of ``to_escalate(kind, item, today) == level``: reached ``level`` but not the next, not yet told."""
    q = escalation_due_q(kind, level, today) & Q(escalation__lt=level)
    if level == Escalation.DEPARTMENT:
        q &= ~escalation_due_q(kind, Escalation.BUREAU, today)
    return q


# --- delivery and closing -------------------------------------------------------------------------------------------


def delivery_errors(promise) -> list[str]:
    """Why a promise marked delivered may not be (nothing for any other status)."""
    if promise.status != PromiseStatus.DELIVERED:
        return []
    errors = []
    if not promise.proof:
        errors.append(_("A promise is delivered only with a proof file."))
    if promise.delivered_on is None:
        errors.append(_("Give the date the promise was delivered."))
    return errors


def delivered_without_proof_q() -> Q:
    """ORM form of ``bool(delivery_errors(promise))``: delivered rows lacking the file or the date."""
    return Q(status=PromiseStatus.DELIVERED) & (Q(proof="") | Q(proof__isnull=True) | Q(delivered_on__isnull=True))


def closing_errors(complaint) -> list[str]:
    """Why a complaint marked closed may not be (nothing for any other status)."""
    if complaint.status == ComplaintStatus.CLOSED and complaint.investor_answer not in CLOSING_ANSWERS:
        return [_("A complaint is closed only when the investor answers satisfied or basically satisfied.")]
    return []


def closed_without_answer_q() -> Q:
    """ORM form of ``bool(closing_errors(complaint))``."""
    return Q(status=ComplaintStatus.CLOSED) & ~Q(investor_answer__in=CLOSING_ANSWERS)
