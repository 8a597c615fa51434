"""``zhaoshang restore DIR [--force]``: load a backup made by ``zhaoshang backup`` after checking its checksums."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhaoshang.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by 'zhaoshang backup': checksums are verified first; a database that already "
        "holds data is replaced only with --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="the backup directory (with manifest.json)")
        parser.add_argument("--force", action="store_true", help="replace a database that already holds data")

    def handle(self, *args, directory, force, **options):
        try:
            result = restore(directory, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "Restored from %(path)s: %(tables)s tables, %(rows)s rows, %(files)s files; "
                "every row count matches the manifest."
            )
            % {"path": result.directory, "tables": result.tables, "rows": result.rows, "files": result.files}
        )
