from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadersConfig(AppConfig):
    name = "zhaoshang.leaders"
    label = "leaders"
    verbose_name = _("Leaders")

    def ready(self) -> None:
        from zhaoshang.projects.services import register_on_created

        from .services import default_stewards_for_new

        register_on_created(default_stewards_for_new)  # new projects get their default stewards
