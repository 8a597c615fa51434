from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Background jobs: work too long for a request (a large import), run by a thread of the web process or by
    ``zhaoshang worker``, with progress the page polls."""

    name = "zhaoshang.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        from simple_history.signals import post_create_historical_record

        from . import stored  # registers the stored results' refresh jobs

        post_create_historical_record.connect(stored.data_written, dispatch_uid="jobs.stored.data_written")
