from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "zhaoshang.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        from zhaoshang.jobs import registry

        from . import daily, daily_build

        registry.register(daily.JOB_KIND, daily_build.run_job)
