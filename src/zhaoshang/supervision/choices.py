from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Method(models.TextChoices):
    """How a batch's projects are chosen."""

    THRESHOLD = "threshold", _("All projects with planned investment at or above an amount")
    UNITS = "units", _("All projects of chosen units")
    SAMPLE = "sample", _("A random sample")


class BatchStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Result(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
    ADJUSTED = "adjusted", _("Adjusted")


# The results under which a stage event or receipt counts on the verified basis.
COUNTING = (Result.CONFIRMED, Result.ADJUSTED)


class RectificationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("rectification", "Open")
    SUBMITTED = "submitted", _("Submitted")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", pgettext_lazy("rectification", "Closed")


# Statuses in which the unit still has to act.
AWAITING_UNIT = (RectificationStatus.OPEN, RectificationStatus.REOPENED)
