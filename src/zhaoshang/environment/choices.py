from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    """Which way an indicator gets better: fewer days to open a company, a higher rate of parallel approval."""

    LOWER = "lower", _("Lower is better")
    HIGHER = "higher", _("Higher is better")


class Scope(models.TextChoices):
    """Whose figure an indicator is: one for the whole county, or one per department (or other unit)."""

    COUNTY = "county", _("County-wide")
    DEPARTMENT = "department", _("Per department")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class Trend(models.TextChoices):
    """A value against the one of the period before, read by the indicator's direction."""

    IMPROVED = "improved", _("Improved")
    WORSENED = "worsened", _("Worsened")
    SAME = "same", _("Unchanged")
