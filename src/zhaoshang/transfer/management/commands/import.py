"""``zhaoshang import FILE.xlsx [--user USERNAME] [--dry-run]``: import units, projects and funds in place.

``zhaoshang import 台账.xls --mapping 县重点项目调度表.json [--sheet NAME]``: a county's own sheet (.xlsx, .xls or
.csv) read through a mapping file (``transfer.mappings``' JSON shape); without ``--mapping``, a file that is not the
template is read through the saved mapping of the same headers, or the one proposed from its headers. The mapping
used is printed, and ``--write-mapping FILE`` keeps it as a file to edit and reuse.

Progress goes to the output as it reads and writes (one updating line on a terminal, plain lines in a log;
``-v 0`` for none); the counts, the errors and the exit codes are as before.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from zhaoshang.organization import access
from zhaoshang.transfer import columns as c
from zhaoshang.transfer import source_fields as sf
from zhaoshang.transfer.county_import import Mapping, import_county_file
from zhaoshang.transfer.importer import import_workbook
from zhaoshang.transfer.mappings import mapping_from_file
from zhaoshang.transfer.persons_import import PERSONS_MODES, PERSONS_TEXT
from zhaoshang.transfer.sources import SourceUnreadable, open_source


def default_user():
    """The first active administrator, or None when there is none (history then names no user)."""
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(access.admins_q()).order_by("pk").first()


COUNT_LABELS = {
    "created": "Created",
    "updated": "Updated",
    "unchanged": "Unchanged",
    "skipped": "Skipped (already recorded)",
}


class TerminalProgress:
    """The import's progress on the command's output: one line rewritten in place on a terminal (at most five
    times a second), plain lines elsewhere (a log): one when the phase changes, then at most one every
    ``LINE_INTERVAL`` seconds."""

    TTY_INTERVAL = 0.2
    LINE_INTERVAL = 5.0

    def __init__(self, out):
        self.out = out
        self.tty = out.isatty()
        self.last_time = 0.0
        self.last_message = None
        self.width = 0

    def __call__(self, done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        changed = message != self.last_message
        if not changed and now - self.last_time < (self.TTY_INTERVAL if self.tty else self.LINE_INTERVAL):
            return
        self.last_time, self.last_message = now, message
        percent = f" {done * 100 // total}%" if total else ""
        line = f"{message} {done}/{total}{percent}" if total else str(message)
        if self.tty:
            self.out.write(f"\r{line.ljust(self.width)}", ending="")
            self.out.flush()
            self.width = len(line)
        else:
            self.out.write(line)

    def end(self) -> None:
        if self.tty and self.width:
            self.out.write(f"\r{' ' * self.width}\r", ending="")
            self.out.flush()


class Command(BaseCommand):
    help = "Import units, projects and funds in place from an .xlsx file (the import template's layout)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument("--user", help="username recorded in the history (default: the first active admin)")
        parser.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
        parser.add_argument("--mapping", metavar="FILE.json", help="read a county's own sheet through this mapping")
        parser.add_argument("--sheet", help="the sheet of a county's workbook to read (default: the first ledger)")
        parser.add_argument("--write-mapping", metavar="FILE.json", help="write the mapping used to this file")
        parser.add_argument(
            "--persons",
            choices=PERSONS_MODES,
            default=PERSONS_TEXT,
            help="names of introducers, leaders, stewards and teams: keep as text (default), link to the register "
            "(unknown names are errors) or link and create the unknown",
        )

    def handle(self, *args, file, user=None, dry_run=False, persons=PERSONS_TEXT, **options):
        if options.get("mapping") or options.get("sheet") or options.get("write_mapping") or not is_template(file):
            return self.handle_county(file, user=user, dry_run=dry_run, persons=persons, **options)
        translation.activate(settings.LANGUAGE_CODE)
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": file})
        if user:
            account = get_user_model().objects.filter(username=user, is_active=True).first()
            if account is None:
                raise CommandError(_("No active user named %(name)s.") % {"name": user})
        else:
            account = default_user()
        progress = TerminalProgress(self.stdout) if options.get("verbosity", 1) > 0 else None
        try:
            result = import_workbook(path, user=account, dry_run=dry_run, persons=persons, progress=progress)
        finally:
            if progress is not None:
                progress.end()
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("%(count)s errors found; nothing was imported.") % {"count": len(result.errors)}, returncode=1
            )
        for sheet in result.sheets:
            counts = "  ".join(f"{_(COUNT_LABELS[name])} {value}" for name, value in result.counts[sheet].items())
            self.stdout.write(f"{sheet}: {counts}")
        if dry_run:
            self.stdout.write(_("No errors. Nothing was written (dry run)."))
        else:
            self.stdout.write(_("Imported."))

    def _account(self, user):
        if user:
            account = get_user_model().objects.filter(username=user, is_active=True).first()
            if account is None:
                raise CommandError(_("No active user named %(name)s.") % {"name": user})
            return account
        return default_user()

    def handle_county(self, file, *, user, dry_run, persons, **options):
        translation.activate(settings.LANGUAGE_CODE)
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": file})
        mapping = None
        if options.get("mapping"):
            try:
                saved = mapping_from_file(options["mapping"])
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            mapping = Mapping.from_json({"name": saved.name, "columns": saved.columns, "options": saved.options})
        account = self._account(user)
        progress = TerminalProgress(self.stdout) if options.get("verbosity", 1) > 0 else None
        try:
            result = import_county_file(
                path.read_bytes(),
                path.name,
                user=account,
                mapping=mapping,
                sheet=options.get("sheet"),
                dry_run=dry_run,
                persons=persons,
                progress=progress,
            )
        finally:
            if progress is not None:
                progress.end()
        if result.sheet is not None:
            self.print_mapping(result.sheet)
            if options.get("write_mapping"):
                Path(options["write_mapping"]).write_text(
                    json.dumps(result.sheet.mapping.as_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
                )
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("%(count)s errors found; nothing was imported.") % {"count": len(result.errors)}, returncode=1
            )
        for sheet, counts in result.counts.items():
            line = "  ".join(f"{_(COUNT_LABELS[name])} {value}" for name, value in counts.items())
            self.stdout.write(f"{sheet}: {line}")
        self.stdout.write(_("No errors. Nothing was written (dry run).") if dry_run else _("Imported."))

    def print_mapping(self, sheet) -> None:
        """The mapping used, a column a line: letter, header, the field it fills (and the unit of its figures)."""
        layout, mapping = sheet.layout, sheet.mapping
        title = _("Mapping used") + (f" “{mapping.name}”" if mapping.name else "")
        self.stdout.write(
            f"{title}: {layout.sheet} ({_('header rows')} {layout.header_rows[0]}–{layout.header_rows[1]})"
        )
        for column in layout.columns:
            key, scale = mapping.field_of(column.header)
            if column.row_number:
                target = _("row number (not imported)")
            elif key:
                target = str(sf.FIELDS[key].label) + (
                    f" [{scale or column.scale_text}]" if scale or column.scale_text else ""
                )
            else:
                target = _("— not imported —")
            self.stdout.write(f"  {column.letter} {column.header} → {target}")
        if sheet.skipped:
            self.stdout.write(
                _("%(count)s rows passed over (totals, notes, section titles).") % {"count": len(sheet.skipped)}
            )


def is_template(file) -> bool:
    """The product's own template (or its export): an .xlsx with one of its data sheets."""
    path = Path(file)
    if path.suffix.lower() not in (".xlsx", ".xlsm") or not path.is_file():
        return path.suffix.lower() in (".xlsx", ".xlsm")  # a missing file: the template's own error
    try:
        with open_source(path.read_bytes(), path.name) as book:
            return any(name.strip() in c.DATA_SHEETS for name in book.sheet_names)
    except SourceUnreadable:
        return True  # the template import says the file cannot be read
