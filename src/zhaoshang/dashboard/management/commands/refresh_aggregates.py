"""``zhaoshang refresh_aggregates [--if-stale]``: rebuild the county-wide daily figures the dashboard reads.

The dashboard asks for a build itself (a job) when it finds them stale; this is for cron after a night's import,
or after a deployment, so that the first look of the morning is quick:

    15 2 * * *  cd /srv/zhaoshang && .venv/bin/zhaoshang refresh_aggregates --if-stale >> var/cron.log 2>&1
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from zhaoshang.dashboard import daily, daily_build


class Command(BaseCommand):
    help = "Rebuild the county-wide daily figures of the dashboard."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--if-stale", action="store_true", help="Do nothing when they are fresh.")

    def handle(self, *args, if_stale: bool = False, **options) -> None:
        if if_stale and daily.fresh():
            self.stdout.write("fresh: nothing to do")
            return
        result = daily_build.build()
        self.stdout.write(f"built {result['rows']} rows in {result['seconds']} s (revision {result['revision']})")
