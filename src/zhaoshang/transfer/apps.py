from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    """Excel import and export: the templates units fill in, validation, the all-or-nothing write."""

    name = "zhaoshang.transfer"
    label = "transfer"
    verbose_name = _("Import and export")

    def ready(self):
        from . import county_jobs, import_jobs

        import_jobs.register()
        county_jobs.register()
