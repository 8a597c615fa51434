from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "zhaoshang.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self):
        # The 评分细则 page (targets) shows a live preview once the assessment computes points from a scheme.
        from zhaoshang.jobs import stored as stored_results
        from zhaoshang.targets import previews

        from . import county, selectors, stored

        if hasattr(selectors, "points_preview"):
            previews.register(selectors.points_preview)
        # The target page (targets) sets the county's targets from above against the units' and its completion.
        previews.register_county(
            split=county.unit_target_split, completion=county.county_completion, show_verified=selectors.show_verified
        )
        # The period's assessment, read by its page and the dashboard's ranking, is computed by a background job.
        stored_results.register(stored.PERIOD_RESULT, stored.compute_period, app_labels=stored.REVISION_APPS)
