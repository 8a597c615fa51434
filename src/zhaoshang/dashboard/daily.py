"""Whether the county-wide daily figures (``models.DailyFigure``, built by ``daily_build``) may be read, and asking
for a build when they may not. See ``daily_build`` for how they are kept.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection, transaction

from zhaoshang.core.revision import data_revision

from .models import DailyFiguresBuilt

logger = logging.getLogger(__name__)

APPS = ("projects",)  # every table the figures read belongs to the projects app
JOB_KIND = "dashboard.daily_figures"


def fresh() -> bool:
    """Were the daily figures built from the current data? (An index look-up and the revision's query.)"""
    built = DailyFiguresBuilt.objects.order_by("-pk").values_list("revision", flat=True).first()
    return built is not None and built == data_revision(APPS)


def request_build() -> None:
    """Ask for a build unless one is already queued or running (a look at a stale dashboard asks; many looks
    between two builds ask once). Never fails the page that asks.

    On PostgreSQL only: SQLite has one writer, and a build holding the write lock would stall the ledger's writers
    (and the readers of a shared in-memory database), while a county small enough for SQLite reads its dashboard
    row by row quickly enough. There ``zhaoshang refresh_aggregates`` builds them on demand (e.g. from cron)."""
    if connection.vendor != "postgresql":
        return
    from zhaoshang.jobs.services import submit_debounced

    try:
        with transaction.atomic():  # a failure leaves the caller's transaction usable
            # Debounced like the stored results: a burst of writes (a reporting round) costs one build.
            submit_debounced(kind=JOB_KIND, key=JOB_KIND, payload={})
    except DatabaseError:  # e.g. a read-only database: the page is read row by row as before
        logger.warning("could not ask for a build of the daily figures", exc_info=True)
