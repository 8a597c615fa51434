from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhaoshang.projects.choices import Stage

DEFAULT_DAYS = [12, 27]  # 000: "每月的12日和27日为调度日"
DEFAULT_STAGES = [Stage.NEGOTIATING.value, Stage.INTENTION.value, Stage.SIGNED.value, Stage.STARTED.value]
DEFAULT_STALLED_AFTER_DAYS = 60
DEFAULT_REMINDER_OFFSETS = [3, 1]
DEFAULT_ITEM_DEADLINE_DAYS = 15


class RoundStatus(models.TextChoices):
    """A round is planned (a calendar day, maybe moved), open (reports due) or closed (no more reports)."""

    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ReportStatus(models.TextChoices):
    DUE = "due", _("Due")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    ACCEPTED = "accepted", _("Accepted")


# Reports a unit still owes: never submitted, or returned for correction.
OUTSTANDING = (ReportStatus.DUE, ReportStatus.RETURNED)


class ItemStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("coordination item", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", pgettext_lazy("coordination item", "Closed")


# An item is finished once solved or closed; only these may not be overdue.
FINISHED = (ItemStatus.SOLVED, ItemStatus.CLOSED)
# What the responsible department's reporter may set (closing is the bureau's).
DEPARTMENT_STATUSES = (ItemStatus.IN_PROGRESS, ItemStatus.SOLVED)
# Units that may be made responsible for a coordination item.
DEPARTMENT_CATEGORIES = ("department", "vertical")
