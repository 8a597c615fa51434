from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """The ranking group of a unit: units are ranked only against units of the same category."""

    TOWNSHIP = "township", _("Township")
    DEPARTMENT = "department", _("County department")
    VERTICAL = "vertical", _("Vertical department")
    PARK = "park", _("Park")
    OFFICE = "office", _("Resident office")
    JURISDICTION = "jurisdiction", _("Jurisdiction")
    # A section (科室, 内设机构) of the unit above it: its credits roll up to that unit, and it is ranked only among
    # the sections of the same unit (``assessment.engine.ranking_key``).
    SECTION = "section", _("Section")


class Tier(models.IntegerChoices):
    ONE = 1, _("Tier 1")
    TWO = 2, _("Tier 2")
    THREE = 3, _("Tier 3")
    FOUR = 4, _("Tier 4")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    BUREAU = "bureau", _("Bureau staff")
    LEADER = "leader", _("County leader")
    SUPERVISOR = "supervisor", _("Supervisor")
    REPORTER = "reporter", _("Unit reporter")


# Chinese labels used in Excel files; these are a file format, so they are not translated.
CATEGORY_XLSX = {
    "乡镇": Category.TOWNSHIP,
    "县直部门": Category.DEPARTMENT,
    "垂直部门": Category.VERTICAL,
    "园区": Category.PARK,
    "驻外招商站": Category.OFFICE,
    "辖区": Category.JURISDICTION,
    "科室": Category.SECTION,
}
TIER_XLSX = {"一档": Tier.ONE, "二档": Tier.TWO, "三档": Tier.THREE, "四档": Tier.FOUR}
