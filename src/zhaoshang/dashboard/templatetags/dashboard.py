"""Filters of the dashboard's page: signed differences, changes in percent, amounts in 万元 or 亿元."""

from __future__ import annotations

from decimal import Decimal

from django import template

from zhaoshang.core.templatetags.money import yi

register = template.Library()


@register.filter
def delta(value) -> str:
    """3 → '+3', -2 → '−2', Decimal('-1234.5') → '−1,234.50'."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        text = f"{abs(value):,.2f}"
    else:
        text = f"{abs(value):,}"
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"−{text}"
    return text


@register.filter
def pct_change(value) -> str:
    """A relative change: Decimal('0.125') → '+12.5%'; None (no base to compare with) → '—'."""
    if value is None or value == "":
        return "—"
    percent = Decimal(value) * 100
    sign = "+" if percent > 0 else ("−" if percent < 0 else "")
    return f"{sign}{abs(percent):.1f}%"


@register.filter
def trend_class(value) -> str:
    if value is None or value == "" or value == 0:
        return "text-muted"
    return "text-success" if value > 0 else "text-danger"


# 万元 shown as 亿元 from 1亿 up, with the unit: the project's own ``yi`` filter.
register.filter("amount", yi)


@register.filter
def delta_amount(value) -> str:
    """A change of an amount in 万元, with its sign and unit: '+6.48亿元', '−120.00万元'."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    text = yi(abs(value))
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else text)


@register.filter
def count(value) -> str:
    return f"{int(value or 0):,}"


@register.filter
def days(value) -> str:
    if value is None:
        return "—"
    value = Decimal(value)
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.1f}"


@register.filter
def probability(value) -> str:
    """0.834 → '83%'."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.0f}%"


@register.filter
def percent_value(value) -> str:
    """A ratio as a number of percent for a bar's width or an aria value: 0.8567 → '85.7' (0 when unknown)."""
    if value is None or value == "":
        return "0"
    return f"{min(max(Decimal(value), Decimal(0)), Decimal(1)) * 100:.1f}"


GLANCE = 3  # units shown at each end of a category


def _split(count: int) -> tuple[int, int]:
    """How many units of a category to show at its top and at its bottom: up to GLANCE each, never one twice
    (a category of two shows one at each end)."""
    bottom = min(GLANCE, count // 2)
    return min(GLANCE, count - bottom), bottom


@register.filter
def top_rows(rows) -> list:
    """The first units of a category's ranking (in its order: rank, then the stated tie order)."""
    rows = list(rows)
    return rows[: _split(len(rows))[0]]


@register.filter
def bottom_rows(rows) -> list:
    """The last units of a category's ranking, the last one last."""
    rows = list(rows)
    bottom = _split(len(rows))[1]
    return rows[len(rows) - bottom :] if bottom else []
