"""The demand rules, each written once: a Python predicate and its ORM form side by side (parity-tested).

- Open: open or in progress (not closed out).
- Closed out (销号): only with the enterprise's satisfaction answer satisfied or basically satisfied. An
  unsatisfied answer sends the demand back to in progress (``outcome``); no answer, no closing.
- Overdue on a day: open or in progress, with a deadline before that day.
- As of a past day (the bulletin's date): raised by then, closed out by then (``closed_on`` on or before it),
  overdue then (raised, not closed out by then, deadline before it).
- Satisfied: the enterprise's last answer was satisfied or basically satisfied (of the demands answered).
- Escalation due on a day: ``settings.LIAISON_ESCALATION_DAYS`` (3, 10 by default) days after its deadline an
  open demand is told to the department's reporters, then to the bureau. Once per level; a new deadline starts
  it again from none.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from .choices import DemandEscalation, DemandStatus, Satisfaction

OPEN_STATUSES = (DemandStatus.OPEN, DemandStatus.IN_PROGRESS)
CONTENT = (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)
LEVELS = (DemandEscalation.DEPARTMENT, DemandEscalation.BUREAU)


def is_open(demand) -> bool:
    return demand.status in OPEN_STATUSES


def open_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": OPEN_STATUSES})


def may_close(satisfaction: str) -> bool:
    """THE RULE: a demand is closed out only with the answer satisfied or basically satisfied."""
    return satisfaction in CONTENT


def outcome(satisfaction: str) -> str:
    """The status a demand takes on the enterprise's answer: closed out, or back in progress."""
    if not satisfaction:
        raise ValidationError(_("A demand is closed out only with the enterprise's satisfaction answer."))
    if satisfaction not in Satisfaction.values:
        raise ValidationError(_("Unknown satisfaction answer."))
    return DemandStatus.CLOSED if may_close(satisfaction) else DemandStatus.IN_PROGRESS


def is_closed(demand) -> bool:
    """Closed out as the rule allows (a closed row without a content answer does not count)."""
    return demand.status == DemandStatus.CLOSED and may_close(demand.satisfaction)


def closed_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": DemandStatus.CLOSED, f"{prefix}satisfaction__in": CONTENT})


def is_answered(demand) -> bool:
    return bool(demand.satisfaction)


def answered_q(prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}satisfaction": ""})


def is_satisfied(demand) -> bool:
    return may_close(demand.satisfaction)


def satisfied_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}satisfaction__in": CONTENT})


def overdue(demand, today: dt.date) -> bool:
    return is_open(demand) and demand.deadline is not None and demand.deadline < today


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    return open_q(prefix) & Q(**{f"{prefix}deadline__lt": today})


def raised_by(demand, day: dt.date) -> bool:
    return demand.raised_on <= day


def raised_by_q(day: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}raised_on__lte": day})


def closed_by(demand, day: dt.date) -> bool:
    """Closed out (by the rule) on or before ``day``."""
    return is_closed(demand) and demand.closed_on is not None and demand.closed_on <= day


def closed_by_q(day: dt.date, prefix: str = "") -> Q:
    return closed_q(prefix) & Q(**{f"{prefix}closed_on__lte": day})


def overdue_on(demand, day: dt.date) -> bool:
    """Overdue as the day saw it: raised by then, not closed out by then, its deadline before it."""
    return raised_by(demand, day) and not closed_by(demand, day) and demand.deadline < day


def overdue_on_q(day: dt.date, prefix: str = "") -> Q:
    return raised_by_q(day, prefix) & ~closed_by_q(day, prefix) & Q(**{f"{prefix}deadline__lt": day})


def escalation_days() -> tuple[int, ...]:
    days = tuple(int(d) for d in settings.LIAISON_ESCALATION_DAYS)
    if len(days) != len(LEVELS) or list(days) != sorted(days) or days[0] < 1:
        raise ValueError(f"LIAISON_ESCALATION_DAYS must be two rising numbers of days, not {days}")
    return days


def escalation_due(demand, today: dt.date) -> int:
    """The escalation level the demand's overdue deadline has reached on ``today`` (0: none)."""
    if not is_open(demand) or demand.deadline is None:
        return DemandEscalation.NONE
    late = (today - demand.deadline).days
    level = DemandEscalation.NONE
    for candidate, days in zip(LEVELS, escalation_days(), strict=True):
        if late >= days:
            level = candidate
    return level


def escalation_due_q(level: int, today: dt.date) -> Q:
    days = escalation_days()[LEVELS.index(level)]
    return open_q() & Q(deadline__lte=today - dt.timedelta(days=days))


def to_escalate(demand, today: dt.date) -> int:
    """The level to escalate the demand to now, or 0 when it was escalated that far already."""
    due = escalation_due(demand, today)
    return due if due > demand.escalation else DemandEscalation.NONE


def to_escalate_q(level: int, today: dt.date) -> Q:
    """ORM form of ``to_escalate(demand, today) == level``."""
    q = escalation_due_q(level, today) & Q(escalation__lt=level)
    index = LEVELS.index(level)
    if index + 1 < len(LEVELS):
        q &= ~escalation_due_q(LEVELS[index + 1], today)
    return q
