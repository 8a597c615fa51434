"""The date spans the dashboard compares: the period up to the as-of date, the same span as it stood a month
earlier and a year earlier, and the period's months (and last year's)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    start: dt.date
    end: dt.date  # inclusive; an empty span has end < start

    @property
    def empty(self) -> bool:
        return self.end < self.start


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months_earlier(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier, clipped to the end of a shorter month (31 March → 28 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def year_earlier(day: dt.date) -> dt.date:
    return months_earlier(day, 12)


def spans(start: dt.date, end: dt.date, as_of: dt.date) -> dict[str, Span]:
    """``current``: the period from its start to the as-of date; ``month_ago``: the same from the period's start
    to one month before the as-of date (what had been reached a month ago); ``year_ago``: the same dates one
    year earlier."""
    until = min(end, as_of)
    return {
        "current": Span(start, until),
        "month_ago": Span(start, months_earlier(until, 1)),
        "year_ago": Span(year_earlier(start), year_earlier(until)),
    }


def months(start: dt.date, end: dt.date, as_of: dt.date) -> list[dict]:
    """The period's calendar months. Each has the part of the month inside the period and up to the as-of date
    (``span``, empty for months still to come) and the same month a year earlier inside last year's period
    (``last_year``, not cut at the as-of date: last year's whole month is known)."""
    result = []
    first = start.replace(day=1)
    while first <= end:
        last = month_end(first)
        inside = Span(max(first, start), min(last, end))
        ly_start, ly_end = year_earlier(inside.start), year_earlier(inside.end)
        result.append(
            {
                "month": first,
                "label": first.strftime("%Y-%m"),
                "span": Span(inside.start, min(inside.end, as_of)),
                "last_year": Span(ly_start, min(ly_end, as_of)),
            }
        )
        first = last + dt.timedelta(days=1)
    return result
