"""Django's createsuperuser, refusing a blank password: non-interactive runs need DJANGO_SUPERUSER_PASSWORD."""

import os

from django.contrib.auth.management.commands.createsuperuser import Command as BaseCommand
from django.core.management.base import CommandError


class Command(BaseCommand):
    def handle(self, *args, **options):
        if not options.get("interactive"):
            password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
            if not password.strip():
                raise CommandError(
                    "DJANGO_SUPERUSER_PASSWORD must be set (not blank) to create a superuser with --noinput."
                )
        return super().handle(*args, **options)
