"""Small helpers shared by the supervision tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

D = Decimal
Q3_START, Q3_END = dt.date(2026, 7, 1), dt.date(2026, 9, 30)


def d(text: str) -> dt.date:
    """'07-10' → 2026-07-10."""
    month, day = text.split("-")
    return dt.date(2026, int(month), int(day))


def event(project, stage):
    return project.stage_events.get(stage=stage)


def receipt(project, amount):
    return project.receipts.get(amount=D(amount))
