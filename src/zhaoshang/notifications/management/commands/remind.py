"""``zhaoshang remind [--date YYYY-MM-DD] [--dry-run]``: send the day's reminders, each once.

Collects what every app says is due (core.reminders.collect) and delivers it in the app, by mail and to
the group robots. Safe to run again the same day: what was sent is skipped, what failed is retried.
Run it from cron every morning, e.g. (as the user that owns the data directory)::

    0 8 * * * cd /srv/zhaoshang && .venv/bin/zhaoshang remind >> var/remind.log 2>&1

It exits 0 even when some channel failed (the failures are in the delivery log and are retried by the
next run); it exits non-zero only if it could not run at all.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from zhaoshang.core import clock, reminders
from zhaoshang.notifications import services
from zhaoshang.notifications.choices import Channel


class Command(BaseCommand):
    help = "Send the day's reminders (in-app, mail, group robots), each once; safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to remind for, YYYY-MM-DD (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="show what would be sent, send nothing")

    def handle(self, *args, date=None, dry_run=False, **options):
        translation.activate(settings.LANGUAGE_CODE)
        if date:
            try:
                today = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError(_("The date %(date)s is not of the form YYYY-MM-DD.") % {"date": date}) from None
        else:
            today = clock.today()
        due = reminders.collect(today)
        total = services.Outcome()
        for reminder in due:
            outcome = services.deliver(reminder, dry_run=dry_run)
            total.add(outcome)
            if dry_run:
                self._show_plan(reminder, outcome)
            for name in outcome.unmatched_leaders:
                self.stderr.write(
                    _("%(key)s: no leader account is named %(name)s; sent to the bureau instead.")
                    % {"key": reminder.key, "name": name}
                )
        self.stdout.write(self._summary(today, len(due), total, dry_run))

    def _show_plan(self, reminder, outcome) -> None:
        states = {
            "new": _("would send"),
            "retry": _("would retry"),
            "sent": _("already sent"),
            "pending": _("being sent"),
        }
        self.stdout.write(f"{reminder.key}: {reminder.title}")
        for target, state in outcome.planned:
            self.stdout.write(f"  {Channel(target.channel).label} → {target.label}: {states[state]}")

    def _summary(self, today: dt.date, count: int, total: services.Outcome, dry_run: bool) -> str:
        if dry_run:
            planned = len(total.planned) - total.skipped
            text = _("%(date)s: %(count)s reminders; dry run: %(planned)s messages to send, %(skipped)s sent before.")
            return text % {
                "date": today.isoformat(),
                "count": count,
                "planned": planned,
                "skipped": total.skipped,
            }
        parts = [
            _("%(channel)s %(sent)s sent, %(failed)s failed")
            % {"channel": label, "sent": total.sent[value], "failed": total.failed[value]}
            for value, label in Channel.choices
        ]
        return _("%(date)s: %(count)s reminders; %(channels)s; %(skipped)s already sent before.") % {
            "date": today.isoformat(),
            "count": count,
            "channels": "; ".join(str(part) for part in parts),
            "skipped": total.skipped,
        }
