"""``zhaoshang milestone_reminders [--date YYYY-MM-DD] [--dry-run]``: remind each unit's reporters of the
milestones overdue and due within ZHAOSHANG_MILESTONE_UPCOMING_DAYS, through the notifications app, once a day
(a second run the same day sends nothing new; ``zhaoshang remind`` sends the same messages under the same keys)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from zhaoshang.core import clock
from zhaoshang.notifications import services

from ...reminders import due


class Command(BaseCommand):
    help = "Remind the units of their overdue and upcoming milestones, once a day."

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
        reminders = list(due(today))
        total = services.Outcome()
        for reminder in reminders:
            total.add(services.deliver(reminder, dry_run=dry_run))
        sent = sum(total.sent.values())
        self.stdout.write(
            _("%(date)s: %(count)s milestone reminders; %(sent)s messages sent, %(skipped)s already sent before.")
            % {"date": today.isoformat(), "count": len(reminders), "sent": sent, "skipped": total.skipped}
        )
