"""``zhaoshang backup --out DIR``: the database and the evidence files, with a manifest of checksums."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhaoshang.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump) and the evidence files into a new directory."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="a new or empty directory to write the backup into")

    def handle(self, *args, out, **options):
        try:
            result = backup(out)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Backup written to %(path)s: %(tables)s tables, %(rows)s rows, %(files)s files.")
            % {"path": result.directory, "tables": result.tables, "rows": result.rows, "files": result.files}
        )
