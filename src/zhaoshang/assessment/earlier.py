"""What the assessment reads of earlier consequences, passed in by the apps that record them.

Accountability (责任追究) looks at the units criticised in the last issued bulletin. The bulletins app owns
those records and depends on the assessment, so the assessment never imports it: the bulletins app registers
its reader here when Django starts (``BulletinsConfig.ready``). With no reader registered nobody was
criticised before; that is a configuration of the product, never the result of a failed import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

CriticisedReader = Callable[[object, dt.date], frozenset[int]]

_readers: list[CriticisedReader] = []


def register_criticised_reader(reader: CriticisedReader) -> None:
    """Add a reader of the units criticised in a period before a date (idempotent)."""
    if reader not in _readers:
        _readers.append(reader)


def criticised_before(period, before: dt.date) -> frozenset[int]:
    """The units an earlier issued consequence of ``period`` criticised, as of a day before ``before``."""
    found: frozenset[int] = frozenset()
    for reader in _readers:
        found |= reader(period, before)
    return found


# Criticisms (通报批评) received in a period's issued bulletins, for a points scheme's deductions: a reader of
# unit id → the ids of the issued bulletins of ``period`` with figures as of a day from ``start`` to ``until`` that
# criticised the unit, registered by the bulletins app like the one above.
CriticismsReader = Callable[[object, dt.date, dt.date], dict[int, list[int]]]

_criticisms: list[CriticismsReader] = []


def register_criticisms_reader(reader: CriticismsReader) -> None:
    if reader not in _criticisms:
        _criticisms.append(reader)


def criticisms_in(period, start: dt.date, until: dt.date) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for reader in _criticisms:
        for unit_id, ids in reader(period, start, until).items():
            found.setdefault(unit_id, []).extend(ids)
    return found


# The units criticised in each of the last ``depth`` issued bulletins of ``period`` as of a day before ``before``,
# the most recent first (a consequence rule on consecutive criticisms), registered by the bulletins app too.
HistoryReader = Callable[[object, dt.date, int], tuple[frozenset[int], ...]]

_histories: list[HistoryReader] = []


def register_history_reader(reader: HistoryReader) -> None:
    if reader not in _histories:
        _histories.append(reader)


def criticised_history(period, before: dt.date, depth: int) -> tuple[frozenset[int], ...]:
    found: list[frozenset[int]] = []
    for reader in _histories:
        for index, units in enumerate(reader(period, before, depth)):
            if index < len(found):
                found[index] |= units
            else:
                found.append(units)
    return tuple(found)
