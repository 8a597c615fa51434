from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo county: ``zhaoshang demo`` fills the database with a plausible county to try the system on."""

    name = "zhaoshang.demo"
    label = "demo"
    verbose_name = _("Demo county")
