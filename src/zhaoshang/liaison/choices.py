from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EnterpriseSize(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class DemandCategory(models.TextChoices):
    LAND = "land", pgettext_lazy("demand category", "Land")
    FINANCE = "finance", pgettext_lazy("demand category", "Finance")
    LABOUR = "labour", _("Labour")
    APPROVALS = "approvals", _("Approvals")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    OTHER = "other", _("Other")


class DemandStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("demand", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed out")  # 销号


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class DemandEscalation(models.IntegerChoices):
    """How far an overdue demand has been escalated (``settings.LIAISON_ESCALATION_DAYS``: 3, 10)."""

    NONE = 0, _("Not escalated")
    DEPARTMENT = 1, _("Department alerted")
    BUREAU = 2, _("Bureau alerted")
