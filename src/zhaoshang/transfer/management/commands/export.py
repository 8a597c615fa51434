"""``zhaoshang export --out FILE.xlsx``: the whole project ledger and its funds in place."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from zhaoshang.projects.models import Project
from zhaoshang.transfer.exporter import export_ledger


class Command(BaseCommand):
    help = "Export the whole project ledger (项目 and 到位资金 sheets) to an .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="the .xlsx file to write")

    def handle(self, *args, out, **options):
        path = Path(out)
        path.write_bytes(export_ledger(Project.objects.all()))
        self.stdout.write(f"{path} ({Project.objects.count()})")
