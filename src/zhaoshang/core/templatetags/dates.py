"""Dates shown as precisely as they are known: a stage date known to its month (a county's sheet wrote 2025年3月)
is shown as that month, never as its 1st."""

from django import template
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language

register = template.Library()


@register.filter
def precise_date(value, precision: str = "day") -> str:
    """``{{ event.date|precise_date:event.date_precision }}``: 2025年3月 (zh) / 2025-03 (en) for a month,
    Y-m-d for a day; empty stays empty."""
    if not value:
        return ""
    if precision == "month":
        if (get_language() or "").startswith("zh"):
            return f"{value.year}年{value.month}月"
        return f"{value.year:04d}-{value.month:02d}"
    return date_format(value, "Y-m-d")
