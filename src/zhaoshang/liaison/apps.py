from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "zhaoshang.liaison"
    label = "liaison"
    verbose_name = _("Enterprise liaison")
