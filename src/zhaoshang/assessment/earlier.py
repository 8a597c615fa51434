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
