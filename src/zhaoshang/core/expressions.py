"""Database expressions shared by the apps (and, for hand-written SQL, their text)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import DateField, Func
from django.db.models.functions import TruncDate
from django.utils import timezone


@cache
def _fixed_offset_seconds(zone_key: str) -> int | None:
    """The zone's UTC offset in seconds when it keeps one offset from 2000 to 2100 (no daylight saving, as in
    China), else None."""
    zone = ZoneInfo(zone_key)
    offsets = {
        zone.utcoffset(dt.datetime(year, month, 1))
        for year in range(2000, 2101)
        for month in (1, 4, 7, 10)  # the zone's offset in each season
    }
    return int(offsets.pop().total_seconds()) if len(offsets) == 1 else None


class LocalDate(Func):
    """The calendar date of a datetime column in the current time zone — ``TruncDate``, except that on SQLite, for
    a zone with a fixed offset, it is SQLite's own ``date(column, '+N seconds')`` instead of a Python call per row
    (several times faster over a large table; the dates are the same)."""

    output_field = DateField()
    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(TruncDate(*self.get_source_expressions()))

    def as_sqlite(self, compiler, connection, **extra_context):
        offset = _fixed_offset_seconds(timezone.get_current_timezone_name())
        if offset is None:
            return self.as_sql(compiler, connection, **extra_context)
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"date({sql}, %s)", (*params, f"{offset:+d} seconds")


FAR_DATE = "9999-12-31"


def earliest_sql(columns: Sequence[str]) -> str:
    """SQL for the earliest of some date expressions, ignoring NULLs (NULL when all are)."""
    if len(columns) == 1:
        return columns[0]
    if connection.vendor == "postgresql":
        return f"LEAST({', '.join(columns)})"  # LEAST ignores NULLs there
    # SQLite's min() of several values is NULL as soon as one is: compare with a date no event has instead.
    return f"NULLIF(min({', '.join(f'COALESCE({c}, {FAR_DATE!r})' for c in columns)}), {FAR_DATE!r})"
