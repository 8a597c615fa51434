"""The milestone rules, each written once: a Python predicate and its ORM form side by side (parity-tested).

- A milestone's actual date: for a kind linked to a pipeline stage, the project's date of that stage
  (``projects.models.STAGE_DATE_FIELDS``: the stage events own it); otherwise its own ``actual_on``.
- Done: it has an actual date.
- Overdue on a day: not done, and its planned date is before that day.
- Upcoming on a day: not done, and planned within the next ``days`` days (that day included).
"""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Q

from zhaoshang.projects.models import STAGE_DATE_FIELDS

# The pipeline stages a milestone kind may be linked to (开工, 投产): only those after signing.
LINKABLE_STAGES = ("started", "producing")


def actual_date(milestone) -> dt.date | None:
    """The date the milestone was reached (``milestone.kind`` and, for a stage kind, ``milestone.project``)."""
    stage = milestone.kind.stage
    if stage:
        return getattr(milestone.project, STAGE_DATE_FIELDS[stage])
    return milestone.actual_on


def done(milestone) -> bool:
    return actual_date(milestone) is not None


def done_q(prefix: str = "") -> Q:
    """ORM form of ``done`` (``prefix`` like "milestones__" from a project)."""
    own = Q(**{f"{prefix}kind__stage__isnull": True, f"{prefix}actual_on__isnull": False})
    staged = [
        Q(**{f"{prefix}kind__stage": stage, f"{prefix}project__{STAGE_DATE_FIELDS[stage]}__isnull": False})
        for stage in LINKABLE_STAGES
    ]
    return reduce(or_, staged, own)


def overdue(milestone, today: dt.date) -> bool:
    return milestone.planned_on is not None and milestone.planned_on < today and not done(milestone)


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    """ORM form of ``overdue``."""
    return Q(**{f"{prefix}planned_on__lt": today}) & ~done_q(prefix)


def upcoming(milestone, today: dt.date, days: int) -> bool:
    planned = milestone.planned_on
    return planned is not None and today <= planned <= today + dt.timedelta(days=days) and not done(milestone)


def upcoming_q(today: dt.date, days: int, prefix: str = "") -> Q:
    """ORM form of ``upcoming``."""
    until = today + dt.timedelta(days=days)
    return Q(**{f"{prefix}planned_on__gte": today, f"{prefix}planned_on__lte": until}) & ~done_q(prefix)
