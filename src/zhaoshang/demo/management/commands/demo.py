"""``zhaoshang demo``: (re)create the demo county in the configured database, ready to log in to."""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zhaoshang.demo import data
from zhaoshang.demo.builder import build_demo
from zhaoshang.organization.models import Unit, User


def _holds_real_data() -> bool:
    """True when the database holds units or users that a previous demo run did not create."""
    root_code, root_name = data.COUNTY
    if Unit.objects.filter(code=root_code, name=root_name, parent=None).exists():
        return False
    return Unit.objects.exists() or User.objects.exists()


class Command(BaseCommand):
    help = (
        "Replace the units, users and project ledger in the configured database with a demo county "
        "(about 400 projects) and print the demo logins. Applies migrations first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask before replacing a database that holds data of its own.",
        )

    def handle(self, *args, interactive: bool = True, **options):
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        if interactive and _holds_real_data():
            answer = input(
                _(
                    "This database holds units or users that are not the demo's. They, all projects and their "
                    "history will be deleted. Type 'yes' to continue: "
                )
            )
            if answer.strip().lower() != "yes":
                raise CommandError(_("Cancelled; nothing was changed."))
        summary = build_demo()
        counts = pgettext("list separator", ", ").join(f"{name} {count}" for name, count in summary.counts.items())
        seconds = f"{time.monotonic() - started:.1f}"
        self.stdout.write(
            _("Demo county created in %(seconds)s s: %(counts)s.") % {"seconds": seconds, "counts": counts}
        )
        self.stdout.write("")
        self.stdout.write(_("Demo logins (all with the same password):"))
        width = max(len(login.username) for login in summary.logins)
        for login in summary.logins:
            self.stdout.write(f"  {login.username:<{width}}  {login.password}  {login.role} · {login.unit}")
        self.stdout.write("")
        self.stdout.write(_("Start the server with `zhaoshang serve` and open %(url)s") % {"url": summary.url})
