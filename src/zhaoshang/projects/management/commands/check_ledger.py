"""``zhaoshang check_ledger [--repair] [--user NAME]``: check the projects' derived columns against their rows.

A project's stage, stage date, per-stage dates, last progress report, last activity and funds in place are kept
by the services as stage events, progress reports and funds receipts are written
(``projects.models.DERIVED_COLUMNS``). This lists every project whose stored columns differ from what its rows give
and exits 1 if there is any, 0 otherwise; with ``--repair`` it recomputes them through the services in one
transaction, lists what it fixed and exits 0. Safe to run at any time, e.g. from cron after a backup:

    30 2 * * 0  cd /srv/zhaoshang && .venv/bin/zhaoshang check_ledger >> var/cron.log 2>&1
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from zhaoshang.projects.choices import Stage
from zhaoshang.projects.models import Project
from zhaoshang.projects.selectors import OutOfStep, derived_columns_out_of_step
from zhaoshang.projects.services import repair_derived_columns


def _shown(column: str, value) -> str:
    if value is None:
        return _("(empty)")
    if column == "stage":
        return str(dict(Stage.choices).get(value, value))  # a stage no longer known is shown as stored
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


class Command(BaseCommand):
    help = (
        "List the projects whose derived columns (stage, stage dates, last report, last activity, funds in place) "
        "disagree with their stage events, progress reports and funds receipts; exit 1 if there is any. "
        "--repair recomputes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="recompute the columns out of step (one transaction)")
        parser.add_argument("--user", help="username the repair's history rows name (default: none)")

    def handle(self, *args, repair=False, user=None, **options):
        translation.activate(settings.LANGUAGE_CODE)
        account = None
        if user:
            account = get_user_model().objects.filter(username=user, is_active=True).first()
            if account is None:
                raise CommandError(_("No active user named %(name)s.") % {"name": user})
        total = Project.objects.count()
        found = derived_columns_out_of_step()
        if not found:
            self.stdout.write(
                _(
                    "All %(total)s projects' derived columns agree with their stage events, progress reports "
                    "and funds receipts."
                )
                % {"total": total}
            )
            return
        self._list(found)
        projects = len({entry.project_id for entry in found})
        counts = {"projects": projects, "columns": len(found), "total": total}
        if not repair:
            self.stdout.write(
                _("%(projects)s of %(total)s projects have %(columns)s derived columns out of step.") % counts
            )
            self.stdout.write(_("Run `zhaoshang check_ledger --repair` to recompute them."))
            raise SystemExit(1)
        repair_derived_columns(user=account, project_ids={entry.project_id for entry in found})
        left = derived_columns_out_of_step(Project.objects.filter(pk__in={entry.project_id for entry in found}))
        if left:  # never, while the services derive what the check expects
            self.stdout.write(_("Still out of step after the repair:"))
            self._list(left)
            raise SystemExit(1)
        self.stdout.write(_("Repaired %(columns)s derived columns of %(projects)s projects.") % counts)

    def _list(self, found: list[OutOfStep]) -> None:
        for entry in found:
            label = Project._meta.get_field(entry.column).verbose_name
            self.stdout.write(
                _("%(code)s %(name)s: %(column)s is %(stored)s, should be %(expected)s")
                % {
                    "code": entry.code,
                    "name": entry.name,
                    "column": label,
                    "stored": _shown(entry.column, entry.stored),
                    "expected": _shown(entry.column, entry.expected),
                }
            )
