from django.utils.translation import gettext_lazy as _

FLAG_LABELS = {
    "criticised": _("Criticised"),
    "accountability": _("Accountability"),
    "yellow_card": _("Yellow card"),
    "half_time_warning": _("Half-time warning"),
    "zero_achievement": _("Zero achievement"),
    "vetoed": _("Vetoed"),
    "commended": _("Commended"),
}
FLAG_COLOURS = {
    "criticised": "danger",
    "accountability": "dark",
    "yellow_card": "warning",
    "half_time_warning": "info",
    "zero_achievement": "secondary",
    "vetoed": "dark",
    "commended": "success",
}
