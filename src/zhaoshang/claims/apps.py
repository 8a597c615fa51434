from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    """重复申报: projects claimed twice, found, reviewed by the bureau and merged or told apart (issue 17)."""

    name = "zhaoshang.claims"
    label = "claims"
    verbose_name = _("Double claims")

    def ready(self) -> None:
        from zhaoshang.projects import selectors

        from .history import merged_into

        selectors.register_merged_reader(merged_into)
