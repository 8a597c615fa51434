"""Periods of an indicator's values: a value is stored under the first day of its period (a month, a quarter or a
year, by the indicator's frequency), and shown and exported by its label (2026年11月, 2026年第4季度, 2026年).

``parse`` reads what people write for a period — 2026-11, 2026/11, 2026年11月, 2026Q4, 2026-Q4, 2026年第4季度,
2026年第四季度, 2026, 2026年 — and dates (an Excel cell holding 2026-11-01 is the period that day falls in), and
refuses a period of another frequency than the indicator's (a month for a quarterly indicator) rather than guess."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.utils.translation import gettext as _

from zhaoshang.core import limits

from .choices import Frequency

MONTHS_IN = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}
CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(月份|月)?$")
_QUARTER = re.compile(r"^(\d{4})\s*(?:年度|年)?\s*[-/ ]?\s*(?:[Qq]\s*([1-4])|第?\s*([1-4一二三四])\s*季度?)$")
_YEAR = re.compile(r"^(?:year\s*)?(\d{4})\s*(?:年度|年)?$", re.IGNORECASE)


class PeriodError(ValueError):
    """The reason a text is not a period of the indicator (in the user's language)."""


def start_of(day: dt.date, frequency: str) -> dt.date:
    """The first day of the period ``day`` falls in."""
    months = MONTHS_IN[frequency]
    return dt.date(day.year, (day.month - 1) // months * months + 1, 1)


def is_start(day: dt.date, frequency: str) -> bool:
    return start_of(day, frequency) == day


def shift(start: dt.date, frequency: str, count: int) -> dt.date:
    """The period ``count`` periods after (or before, when negative) the one starting on ``start``."""
    index = start.year * 12 + start.month - 1 + count * MONTHS_IN[frequency]
    return dt.date(index // 12, index % 12 + 1, 1)


def previous(start: dt.date, frequency: str) -> dt.date:
    return shift(start, frequency, -1)


def label(start: dt.date, frequency: str) -> str:
    """2026年11月 · 2026年第4季度 · 2026年 (in Chinese; 2026/11 · 2026 Q4 · year 2026 in English)."""
    if frequency == Frequency.MONTHLY:
        return _("%(year)s/%(month)s") % {"year": start.year, "month": start.month}
    if frequency == Frequency.QUARTERLY:
        return _("%(year)s Q%(quarter)s") % {"year": start.year, "quarter": (start.month - 1) // 3 + 1}
    return _("year %(year)s") % {"year": start.year}


def examples(frequency: str) -> str:
    """How to write a period of this frequency, for error messages and help texts."""
    return {
        Frequency.MONTHLY: "2026-11、2026年11月",
        Frequency.QUARTERLY: "2026Q4、2026年第4季度",
        Frequency.YEARLY: "2026、2026年",
    }[frequency]


def _wrong(frequency: str) -> PeriodError:
    return PeriodError(
        _("The indicator is reported %(frequency)s: write the period like %(examples)s.")
        % {"frequency": Frequency(frequency).label, "examples": examples(frequency)}
    )


def _checked(year: int, month: int) -> dt.date:
    if not 1 <= month <= 12:
        raise PeriodError(_("There is no month %(month)s.") % {"month": month})
    start = dt.date(year, month, 1)
    if not limits.MIN_DATE <= start <= limits.MAX_DATE:
        raise PeriodError(
            _("The period must lie between %(min)s and %(max)s.")
            % {"min": limits.MIN_DATE.year, "max": limits.MAX_DATE.year}
        )
    return start


def parse(value, frequency: str) -> dt.date:
    """The first day of the period ``value`` names, for an indicator of ``frequency``; PeriodError if it names
    none, or a period of another frequency."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return start_of(_checked(value.year, value.month), frequency)
    if isinstance(value, bool) or value is None:
        raise _wrong(frequency)
    if isinstance(value, float):
        if not value.is_integer():  # 2026.1 as a number: January or October? Written as text it is read.
            raise _wrong(frequency)
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if match := _DATETIME.match(text):
        text = match.group(1)
    if match := _DATE.match(text):
        year, month, day = (int(part) for part in match.groups())
        start = _checked(year, month)
        try:
            start.replace(day=day)
        except ValueError:
            raise _wrong(frequency) from None
        return start_of(start, frequency)
    if match := _MONTH.match(text):
        start = _checked(int(match.group(1)), int(match.group(2)))
        if frequency != Frequency.MONTHLY:
            raise _wrong(frequency)
        return start
    if match := _QUARTER.match(text):
        digit = match.group(2) or match.group(3)
        quarter = CHINESE_DIGITS.get(digit) or int(digit)
        start = _checked(int(match.group(1)), (quarter - 1) * 3 + 1)
        if frequency != Frequency.QUARTERLY:
            raise _wrong(frequency)
        return start
    if match := _YEAR.match(text):
        start = _checked(int(match.group(1)), 1)
        if frequency != Frequency.YEARLY:
            raise _wrong(frequency)
        return start
    raise _wrong(frequency)


def looks_like_period(value) -> bool:
    """Whether a header cell names a period of some frequency (the columns of a county's wide sheet)."""
    for frequency in Frequency.values:
        try:
            parse(value, frequency)
            return True
        except PeriodError:
            continue
    return False
