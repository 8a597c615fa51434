"""``zhaoshang refresh_results [--all]``: keep the stored results (jobs/stored.py) warm, for the daily cron.

Recomputes the stored results read within RESULTS_KEEP_WARM_DAYS days whose data changed since (every one of
them with ``--all``), so that the first look of the morning finds them fresh, and deletes the results nobody has
read for longer (their parameters, an old date or unit, are unlikely to be asked for again; a read recreates one).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand

from zhaoshang.core import clock
from zhaoshang.jobs import stored


class Command(BaseCommand):
    help = "Recompute the stale stored results read lately (--all: every one read lately); delete the unread ones."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", dest="everything", help="recompute the fresh ones too")

    def handle(self, *args, everything=False, **options):
        cutoff = clock.now() - dt.timedelta(days=settings.RESULTS_KEEP_WARM_DAYS)
        deleted = stored.delete_unread(read_before=cutoff)
        refreshed = stored.refresh_stale(read_since=cutoff, everything=everything)
        self.stdout.write(f"stored results recomputed: {refreshed}, unread ones deleted: {deleted}")
