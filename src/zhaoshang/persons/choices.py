from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """级别: a cadre's rank; person targets are set per level."""

    COUNTY = "county", _("County level")
    SECTION = "section", _("Section level")
    STOCK = "stock", _("Stock level")
    STAFF = "staff", _("General cadre")


# Chinese labels used in Excel files (a file format, not translated).
LEVEL_XLSX = {"县级": Level.COUNTY, "科级": Level.SECTION, "股级": Level.STOCK, "一般干部": Level.STAFF}
