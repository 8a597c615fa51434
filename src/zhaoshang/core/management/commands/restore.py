"""``zhaoshang restore DIR [--force]``: load a backup made by ``zhaoshang backup`` after checking its checksums."""

from django.core.management.base import BaseCommand, CommandError

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
            f"Restored from {result.directory}: {result.tables} tables, {result.rows} rows, {result.files} files; "
            "every row count matches the manifest."
        )
