"""The one clock: what time it is, and what day it is in the county.

Production code asks ``now()`` (an aware datetime) and ``today()`` (the date in the project's zone, settings
``TIME_ZONE`` = Asia/Shanghai), never the standard library's ``date.today``/``datetime.now`` or Django's
``timezone.now``/``timezone.localdate`` (a ruff banned-api rule keeps them out of src/). Those disagree with
one another between 00:00 and 08:00 Beijing time on a server whose clock runs in UTC; this module does not:
``today()`` is always the Beijing date of ``now()``.

``frozen(moment)`` makes ``now()`` return ``moment`` (and ``today()`` its date in the county) until the block
ends; blocks nest. The demo builds its county's past with it, and tests may use it. Model fields stamp the same
clock: ``core.fields.ClockDateTimeField`` for ``auto_now``/``auto_now_add``, ``default=clock.now`` /
``default=clock.today`` for defaults, and the history rows' ``history_date`` (``core.apps``). The frozen moment is
process-wide (all threads see it), as a build or a test wants; request handling never freezes the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

_frozen: list[dt.datetime] = []


def _system_now() -> dt.datetime:
    """The machine's clock, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def zone() -> dt.tzinfo:
    """The project's zone (settings ``TIME_ZONE``): the county's calendar."""
    return timezone.get_default_timezone()


def now() -> dt.datetime:
    """The current moment, aware (the frozen one inside ``frozen``)."""
    return _frozen[-1] if _frozen else _system_now()


def today() -> dt.date:
    """The county's date now: the date of ``now()`` in the project's zone, whatever the server's zone."""
    return date_of(now())


def date_of(moment: dt.datetime) -> dt.date:
    """The county's date at an aware ``moment``."""
    return moment.astimezone(zone()).date()


def local_now() -> dt.datetime:
    """``now()`` in the project's zone (for showing "computed at")."""
    return now().astimezone(zone())


@contextmanager
def frozen(moment: dt.datetime) -> Iterator[dt.datetime]:
    """Run the block as if it were ``moment`` (an aware datetime): ``now()`` returns it, ``today()`` its date in
    the county, and so do the model fields and history rows stamped from this clock. Blocks nest; the clock
    runs again when the outermost one ends."""
    if not isinstance(moment, dt.datetime) or timezone.is_naive(moment):
        raise ValueError(f"frozen() needs an aware datetime, not {moment!r}")
    _frozen.append(moment)
    try:
        yield moment
    finally:
        _frozen.pop()
