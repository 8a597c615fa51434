from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadersConfig(AppConfig):
    name = "zhaoshang.leaders"
    label = "leaders"
    verbose_name = _("Leaders")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (new projects get their default stewards)
