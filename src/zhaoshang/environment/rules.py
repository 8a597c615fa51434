"""The rules of business-environment indicators, each written once; the ORM form beside its Python predicate
(parity-tested in tests/test_environment.py).

- Met (达标): a lower-is-better indicator is met when its value is at most the target (企业开办时间 ≤ 1 个工作日), a
  higher-is-better one when it is at least the target (并联审批率 ≥ 90 %). Thresholds are inclusive.
- Trend: a value against the same unit's value of the period before, improved or worsened by the direction.
- Bounds: values and targets are not negative and at most ``core.limits.MAX_AMOUNT``; a percentage (unit "%") is
  from 0 to 100.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, Q
from django.utils.translation import gettext as _

from zhaoshang.core import limits

from .choices import Direction, Trend

PERCENT_UNITS = frozenset({"%", "％", "百分比", "percent"})
MAX_PERCENT = Decimal("100")


def is_met(direction: str, value: Decimal | None, target: Decimal | None) -> bool | None:
    """Whether ``value`` reaches ``target`` in ``direction``; None when either is missing."""
    if value is None or target is None:
        return None
    return value <= target if direction == Direction.LOWER else value >= target


def is_met_q(prefix: str = "indicator__") -> Q:
    """ORM form of ``is_met(indicator.direction, value, indicator.target)`` on IndicatorValue rows (``prefix``
    leads from the row to its indicator)."""
    return Q(**{f"{prefix}direction": Direction.LOWER, "value__lte": F(f"{prefix}target")}) | Q(
        **{f"{prefix}direction": Direction.HIGHER, "value__gte": F(f"{prefix}target")}
    )


def trend(direction: str, previous: Decimal | None, current: Decimal | None) -> str | None:
    """``current`` against ``previous`` (the period before): improved, worsened or unchanged; None without both."""
    if previous is None or current is None:
        return None
    if current == previous:
        return Trend.SAME
    better = current < previous if direction == Direction.LOWER else current > previous
    return Trend.IMPROVED if better else Trend.WORSENED


def is_percentage(unit: str) -> bool:
    return (unit or "").strip().lower() in PERCENT_UNITS


def value_error(value: Decimal | None, unit: str) -> str | None:
    """Why a value (or a target) is out of bounds for an indicator measured in ``unit``, or None."""
    if value is None:
        return None
    if not value.is_finite():
        return _("must be a number")
    if is_percentage(unit):
        if not Decimal("0") <= value <= MAX_PERCENT:
            return _("A percentage is from 0 to 100.")
        return None
    return limits.amount_error(value)
