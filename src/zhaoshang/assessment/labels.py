from django.utils.translation import gettext_lazy as _

FLAG_LABELS = {
    "criticised": _("Criticised"),
    "accountability_candidate": _("Accountability candidate"),
    "referred": _("Referred to superior"),
    "yellow_card": _("Yellow card"),
    "half_time_warning": _("Half-time warning"),
    "zero_achievement": _("Zero achievement"),
    "vetoed": _("Vetoed"),
    "barred": _("Barred from honours"),
    "commended": _("Commended"),
    "promoted": _("Promoted a grade"),
}
FLAG_COLOURS = {
    "criticised": "danger",
    "accountability_candidate": "dark",
    "referred": "dark",
    "yellow_card": "warning",
    "half_time_warning": "info",
    "zero_achievement": "secondary",
    "vetoed": "dark",
    "barred": "secondary",
    "commended": "success",
    "promoted": "primary",
}
