from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PromiseKind(models.TextChoices):
    POLICY = "policy", _("Policy")
    LAND = "land", _("Land")
    SUBSIDY = "subsidy", _("Subsidy")
    SERVICE = "service", _("Service")
    OTHER = "other", _("Other")


class PromiseStatus(models.TextChoices):
    PENDING = "pending", _("Pending delivery")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class ComplaintChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit in person")
    ONLINE = "online", _("Online")
    OTHER = "other", _("Other")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Received")
    HANDLING = "handling", _("Being handled")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", pgettext_lazy("complaint", "Closed")


class InvestorAnswer(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


# The answers with which a complaint may be closed; "unsatisfied" sends it back to the department (一查到底).
CLOSING_ANSWERS = (InvestorAnswer.SATISFIED, InvestorAnswer.BASICALLY_SATISFIED)


class Escalation(models.IntegerChoices):
    """How far an overdue promise or complaint has been escalated: its department's reporters the day after its
    due date, the bureau ``settings.PROMISE_ESCALATION_DAYS`` days after it."""

    NONE = 0, _("Not escalated")
    DEPARTMENT = 1, _("Department alerted")
    BUREAU = 2, _("Bureau alerted")
