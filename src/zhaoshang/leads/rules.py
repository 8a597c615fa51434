"""The lead rules, each written once: a Python predicate and its ORM form side by side (parity-tested).

- Open: new (not yet triaged) or being followed.
- Overdue on a day: open, with a next follow-up date before that day.
- Escalation due on a day: the level (``Escalation``) an open lead's overdue follow-up has reached:
  ``settings.LEAD_ESCALATION_DAYS`` (7, 15, 30 by default) days after its follow-up date, the owner, then the
  unit head, then the bureau. A lead is escalated to a level once; logging a follow-up (a new follow-up date)
  starts it again from none.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q

from .choices import OPEN_STATUSES, Escalation

LEVELS = (Escalation.OWNER, Escalation.UNIT_HEAD, Escalation.BUREAU)


def is_open(lead) -> bool:
    return lead.status in OPEN_STATUSES


def open_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": OPEN_STATUSES})


def overdue(lead, today: dt.date) -> bool:
    return is_open(lead) and lead.follow_up_on is not None and lead.follow_up_on < today


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    return open_q(prefix) & Q(**{f"{prefix}follow_up_on__lt": today})


def escalation_days() -> tuple[int, int, int]:
    days = tuple(settings.LEAD_ESCALATION_DAYS)
    if len(days) != len(LEVELS) or list(days) != sorted(days) or days[0] < 1:
        raise ValueError(f"LEAD_ESCALATION_DAYS must be three rising numbers of days, not {days}")
    return days


def escalation_due(lead, today: dt.date) -> int:
    """The escalation level the lead's overdue follow-up has reached on ``today`` (0: none)."""
    if not is_open(lead) or lead.follow_up_on is None:
        return Escalation.NONE
    late = (today - lead.follow_up_on).days
    level = Escalation.NONE
    for candidate, days in zip(LEVELS, escalation_days(), strict=True):
        if late >= days:
            level = candidate
    return level


def escalation_due_q(level: int, today: dt.date) -> Q:
    """ORM form: the open leads whose follow-up reached ``level`` on ``today`` (or beyond it)."""
    days = escalation_days()[LEVELS.index(level)]
    return open_q() & Q(follow_up_on__lte=today - dt.timedelta(days=days))


def to_escalate(lead, today: dt.date) -> int:
    """The level to escalate the lead to now, or 0 when it was escalated that far already."""
    due = escalation_due(lead, today)
    return due if due > lead.escalation else Escalation.NONE


def to_escalate_q(level: int, today: dt.date) -> Q:
    """ORM form of ``to_escalate(lead, today) == level``: reached ``level`` but not the next, not yet told."""
    q = escalation_due_q(level, today) & Q(escalation__lt=level)
    index = LEVELS.index(level)
    if index + 1 < len(LEVELS):
        q &= ~escalation_due_q(LEVELS[index + 1], today)
    return q
