"""``zhaoshang export --out FILE.xlsx``: the whole project ledger and its funds in place.

``zhaoshang export --targets PERIOD_CODE --out FILE.xlsx``: that period and its targets instead (the
考核期 and 目标 sheets), ready to be edited and imported back.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from zhaoshang.projects.models import Project
from zhaoshang.targets.models import Period
from zhaoshang.transfer.exporter import export_ledger, export_targets


class Command(BaseCommand):
    help = "Export the whole project ledger (项目 and 到位资金 sheets), or one period's targets, to an .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="the .xlsx file to write")
        parser.add_argument("--targets", metavar="PERIOD_CODE", help="export this period and its targets instead")

    def handle(self, *args, out, targets=None, **options):
        path = Path(out)
        if targets:
            translation.activate(settings.LANGUAGE_CODE)
            period = Period.objects.filter(code=targets).first()
            if period is None:
                raise CommandError(_("No period with the code %(code)s.") % {"code": targets})
            path.write_bytes(export_targets(period))
            self.stdout.write(f"{path} ({period.groups.count()})")
            return
        path.write_bytes(export_ledger(Project.objects.all()))
        self.stdout.write(f"{path} ({Project.objects.count()})")
