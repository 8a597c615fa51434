from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "zhaoshang.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        from zhaoshang.jobs import stored

        from . import lists

        # The forecast is computed by a background job and read from its stored result (jobs.stored).
        stored.register(lists.FORECAST_RESULT, lists.compute_forecast, app_labels=lists.REVISION_APPS)
