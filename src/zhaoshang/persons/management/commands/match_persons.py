"""``zhaoshang match_persons [--create] [--user NAME]``: link the projects' free-text names to the register.

Reads every project's 引进人 (introducer), 县领导 (county_leader), 项目保姆 (stewards) and 工作专班 (work_team),
splits them on 、，, ; and matches each name to a person (by the project's units when several share it). Links
what it finds, lists what it could not match and exits 1 when anything is left; with ``--create`` makes the
unknown names persons of the project's responsible (or first credited) unit. The text is never changed or
deleted; a second run links nothing new. All in one transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from zhaoshang.persons.services import match_persons

FIELD_LABELS = {"introducer": "引进人", "county_leader": "县领导", "stewards": "项目保姆", "work_team": "工作专班"}


class Command(BaseCommand):
    help = "Link the projects' free-text introducers, leaders, stewards and work teams to the register of persons."

    def add_arguments(self, parser):
        parser.add_argument("--create", action="store_true", help="Create the names not found as persons.")
        parser.add_argument("--user", help="The user recorded in the history (default: none).")

    def handle(self, *args, create=False, user=None, **options):
        translation.activate(settings.LANGUAGE_CODE)
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(_("No user named %(name)s.") % {"name": user})
        report = match_persons(user=account, create=create)
        self.stdout.write(_("Links made: %(count)d") % {"count": report.linked})
        for name in report.created:
            self.stdout.write(_("Created: %(name)s") % {"name": name})
        for code, field, name in report.ambiguous:
            self.stdout.write(
                _("%(code)s %(field)s: %(name)s is the name of several persons of other units")
                % {"code": code, "field": FIELD_LABELS[field], "name": name}
            )
        for code, field, name in report.unmatched:
            self.stdout.write(
                _("%(code)s %(field)s: no person named %(name)s")
                % {"code": code, "field": FIELD_LABELS[field], "name": name}
            )
        if report.unmatched or report.ambiguous:
            raise SystemExit(1)
