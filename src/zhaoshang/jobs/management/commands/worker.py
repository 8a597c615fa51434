"""``zhaoshang worker [--once] [--poll SECONDS]``: run queued background jobs (imports…).

For a deployment that sets ZHAOSHANG_JOBS_IN_THREAD=0 and runs this as a systemd service; with ``--once`` it
runs what is queued and exits (e.g. from a timer). Each round it also marks failed the jobs whose process died
(no heartbeat for JOBS_STALE_SECONDS) and removes the files of jobs older than JOBS_KEEP_DAYS days.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from zhaoshang.jobs import runner, services


class Command(BaseCommand):
    help = "Run queued background jobs (imports…); --once to run what is queued and exit."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run the queued jobs, then exit")
        parser.add_argument("--poll", type=float, default=2.0, help="seconds between two looks for jobs")

    def handle(self, *args, once=False, poll=2.0, **options):
        while True:
            if not connection.in_atomic_block:  # (a test's transaction) a connection gone stale is replaced
                close_old_connections()
            stale = services.fail_stale()
            ran = runner.run_pending()
            pruned = services.prune()
            if once:
                self.stdout.write(f"jobs run: {ran}, stale jobs failed: {stale}, old jobs removed: {pruned}")
                return
            if not ran:
                wait = runner.seconds_to_next()  # a delayed job due sooner than the next look
                time.sleep(poll if wait is None else min(poll, wait + 0.05))
