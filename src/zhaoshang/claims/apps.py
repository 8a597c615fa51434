from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    """重复申报: projects claimed twice, found, reviewed by the bureau and merged or told apart (issue 17)."""

    name = "zhaoshang.claims"
    label = "claims"
    verbose_name = _("Double claims")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from zhaoshang.projects import selectors
        from zhaoshang.projects.models import Project

        from . import signals
        from .history import merged_into

        selectors.register_merged_reader(merged_into)
        # The projects app does not import claims: a project saved is checked from here, once its transaction
        # commits (see ``signals``).
        post_save.connect(signals.project_saved, sender=Project, dispatch_uid="claims.project_saved")
