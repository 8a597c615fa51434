from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationConfig(AppConfig):
    name = "zhaoshang.organization"
    label = "organization"
    verbose_name = _("Organisation")

    def ready(self):
        # The one permission rule: every RestrictedQuerySet.restrict() asks organization.access.
        from zhaoshang.core.permissions import install_rule

        from .access import scope

        install_rule(scope)
