"""``zhaoshang serve``: run the product for a trial with gunicorn (migrations and static files first)."""

import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Run Zhaoshang with gunicorn for a trial (applies migrations and collects static files first)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))

    def handle(self, *args, bind, workers, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(_("Listening on http://%(bind)s") % {"bind": bind})
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            # timeout 120 s (a bulletin or a large import can take longer than the default 30 s), and a
            # worker killed for overrunning it cancels its running PostgreSQL query (worker_abort).
            "--config",
            "python:zhaoshang.gunicorn_config",
            "zhaoshang.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
        ]
        os.execvp(argv[0], argv)
