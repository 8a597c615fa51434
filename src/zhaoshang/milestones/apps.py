from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MilestonesConfig(AppConfig):
    name = "zhaoshang.milestones"
    label = "milestones"
    verbose_name = _("Milestones")
