"""Reading indicators and their values, always for one user (the permission rule): the list with each indicator's
latest value, met or not and its trend, and one indicator's series for its chart."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from . import periods, rules
from .choices import Direction, Scope
from .models import Indicator, IndicatorValue

SPARK_WIDTH, SPARK_HEIGHT, SPARK_PERIODS = 120, 28, 12


def indicator_list(*, user, include_inactive: bool = False) -> QuerySet:
    rows = Indicator.objects.restrict(user).select_related("department")
    if not include_inactive:
        rows = rows.filter(active=True)
    return rows.order_by("position", "name")


def value_list(*, user, indicator: Indicator | None = None, met: bool | None = None) -> QuerySet:
    """The values the user may see (their unit's, or every unit's for the county roles), newest period first;
    ``met`` narrows to the values that reach (True) or miss (False) their target."""
    rows = IndicatorValue.objects.restrict(user).select_related("indicator", "department", "entered_by")
    if indicator is not None:
        rows = rows.filter(indicator=indicator)
    if met is True:
        rows = rows.filter(rules.is_met_q())
    elif met is False:
        rows = rows.exclude(rules.is_met_q())
    return rows.order_by("indicator__position", "indicator__name", "-period", "department__code")


@dataclass
class Summary:
    """One indicator on the list: its latest period and, when the user sees one value for it (a county-wide value,
    or a reporter's own unit), that value, met or not, and its trend; else how many of the units met the target."""

    indicator: Indicator
    period: str = ""
    value: Decimal | None = None
    met: bool | None = None
    trend: str | None = None
    met_count: int = 0
    row_count: int = 0
    spark: str = ""  # SVG polyline points
    spark_target: float | None = None  # the target line's y in the sparkline
    values: int = 0


def _spark(series: list[Decimal], target: Decimal) -> tuple[str, float | None]:
    if len(series) < 2:
        return "", None
    low, high = min([*series, target]), max([*series, target])
    span = (high - low) or Decimal(1)

    def y(number: Decimal) -> float:
        return round(float((high - number) / span) * (SPARK_HEIGHT - 4) + 2, 1)

    step = SPARK_WIDTH / (len(series) - 1)
    points = " ".join(f"{round(i * step, 1)},{y(number)}" for i, number in enumerate(series))
    return points, y(target)


def overview(*, user, include_inactive: bool = False) -> list[Summary]:
    indicators = list(indicator_list(user=user, include_inactive=include_inactive))
    by_indicator: dict[int, dict] = defaultdict(lambda: defaultdict(dict))  # indicator → period → unit → value
    visible = IndicatorValue.objects.restrict(user).filter(indicator__in=indicators)
    for indicator_id, department_id, period, value in visible.values_list(
        "indicator_id", "department_id", "period", "value"
    ):
        by_indicator[indicator_id][period][department_id] = value
    summaries = []
    for indicator in indicators:
        table = by_indicator.get(indicator.pk, {})
        summary = Summary(indicator, values=sum(len(units) for units in table.values()))
        if table:
            latest = max(table)
            summary.period = indicator.period_label(latest)
            units = table[latest]
            summary.row_count = len(units)
            summary.met_count = sum(1 for v in units.values() if rules.is_met(indicator.direction, v, indicator.target))
            recent = sorted(table)[-SPARK_PERIODS:]
            if len(units) == 1:
                ((unit_id, value),) = units.items()
                summary.value = value
                summary.met = rules.is_met(indicator.direction, value, indicator.target)
                before = table.get(periods.previous(latest, indicator.frequency), {}).get(unit_id)
                summary.trend = rules.trend(indicator.direction, before, value)
                series = [table[p][unit_id] for p in recent if unit_id in table[p]]
            else:  # several units: the average of those entered in each period
                series = [sum(table[p].values()) / len(table[p]) for p in recent]
            summary.spark, summary.spark_target = _spark(series, indicator.target)
        summaries.append(summary)
    return summaries


def chart(*, user, indicator: Indicator) -> dict:
    """The indicator's values over its periods for ECharts: one line for the county-wide values, one per unit for a
    per-department indicator (the units the user sees), and the target. Numbers are strings of decimals."""
    rows = list(
        IndicatorValue.objects.restrict(user)
        .filter(indicator=indicator)
        .select_related("department")
        .order_by("period", "department__code")
    )
    starts = sorted({row.period for row in rows})
    if starts:  # every period from the first to the last, so a missing one shows as a gap
        filled, current = [], starts[0]
        while current <= starts[-1]:
            filled.append(current)
            current = periods.shift(current, indicator.frequency, 1)
        starts = filled
    index = {start: i for i, start in enumerate(starts)}
    lines: dict = {}
    for row in rows:
        key = row.department_id
        name = row.department.name if row.department_id else str(Scope.COUNTY.label)
        line = lines.setdefault(key, {"name": name, "values": [None] * len(starts)})
        line["values"][index[row.period]] = str(row.value)
    ordered = sorted(lines.items(), key=lambda item: (item[0] is not None, item[1]["name"]))
    return {
        "periods": [indicator.period_label(start) for start in starts],
        "lines": [line for _key, line in ordered],
        "target": str(indicator.target),
        "unit": indicator.unit,
        "lower_is_better": indicator.direction == Direction.LOWER,
    }
