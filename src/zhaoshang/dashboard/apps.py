from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "zhaoshang.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        from zhaoshang.jobs import registry, stored

        from . import daily, daily_build, lists

        # The forecast is computed by a background job and read from its stored result (jobs.stored).
        stored.register(lists.FORECAST_RESULT, lists.compute_forecast, app_labels=lists.REVISION_APPS)
        # The county-wide daily figures are rebuilt by a job when the data revision moves (decision 36).
        registry.register(daily.JOB_KIND, daily_build.run_job)
