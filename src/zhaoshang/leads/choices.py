from django.db import models
from django.utils.translation import gettext_lazy as _


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")  # not yet triaged by the bureau
    FOLLOWING = "following", _("Being followed")  # assigned to a unit and an owner
    CONVERTED = "converted", _("Converted to a project")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged into another lead")


OPEN_STATUSES = (LeadStatus.NEW, LeadStatus.FOLLOWING)


class LeadSource(models.TextChoices):
    STAFF = "staff", _("Entered by staff")
    PUBLIC = "public", _("Public intake page")
    IMPORT = "import", _("Imported")


class Escalation(models.IntegerChoices):
    """How far an overdue follow-up has been escalated (``settings.LEAD_ESCALATION_DAYS``: 7, 15, 30)."""

    NONE = 0, _("Not escalated")
    OWNER = 1, _("Owner reminded")
    UNIT_HEAD = 2, _("Unit head alerted")
    BUREAU = 3, _("Bureau alerted")
