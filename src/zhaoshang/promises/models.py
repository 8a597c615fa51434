"""Promises to investors (对客商承诺) and investors' complaints (客商投诉), issue 19.

Both belong to the department responsible for them (``department``): its reporters see and change theirs, the
bureau everything, leaders and supervisors read. A promise is delivered (兑现) only with a proof file and a date;
a complaint is closed (办结) only with the investor's answer, and an unsatisfied answer sends it back to the
department (一查到底). The rules are written once in ``rules``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from zhaoshang.core import clock, limits
from zhaoshang.core.fields import ClockDateTimeField
from zhaoshang.core.permissions import RestrictedModel
from zhaoshang.organization.models import Unit

from . import rules
from .choices import ComplaintChannel, ComplaintStatus, Escalation, InvestorAnswer, PromiseKind, PromiseStatus

MONEY = {"max_digits": 16, "decimal_places": 2}


def proof_path(instance: Promise, filename: str) -> str:
    """A proof is stored under its checksum (like the ledger's evidence): never under the name the user gave."""
    return f"promises/{instance.proof_sha256[:2]}/{instance.proof_sha256}"


class Promise(RestrictedModel):
    investor = models.ForeignKey(
        "projects.Investor", verbose_name=_("investor"), on_delete=models.PROTECT, related_name="promises"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="promises",
    )
    kind = models.CharField(
        _("kind of promise"), max_length=10, choices=PromiseKind.choices, default=PromiseKind.POLICY
    )
    content = models.TextField(_("what was promised"), max_length=2000)
    amount = models.DecimalField(
        _("amount (10k yuan)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(limits.MAX_AMOUNT)],
        **MONEY,
    )
    department = models.ForeignKey(
        Unit, verbose_name=_("responsible department"), on_delete=models.PROTECT, related_name="promises"
    )
    promised_on = models.DateField(_("promised on"), default=clock.today)
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=PromiseStatus.choices, default=PromiseStatus.PENDING)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    proof = models.FileField(_("proof of delivery"), upload_to=proof_path, max_length=200, blank=True)
    proof_name = models.CharField(_("file name"), max_length=255, blank=True)
    proof_type = models.CharField(_("content type"), max_length=100, blank=True)
    proof_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    delivery_note = models.TextField(_("delivery note"), max_length=2000, blank=True)
    escalation = models.PositiveSmallIntegerField(
        _("escalation"), choices=Escalation.choices, default=Escalation.NONE, editable=False
    )
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = ClockDateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "-id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="promise_status_due_idx"),
            models.Index(fields=["department", "status"], name="promise_dept_status_idx"),
        ]
        verbose_name = _("promise to an investor")
        verbose_name_plural = _("promises to investors")

    def __str__(self) -> str:
        return f"{self.investor} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("promises:detail", args=[self.pk])

    @classmethod
    def unit_scope_q(cls, unit_ids):
        return models.Q(department_id__in=unit_ids)

    def clean(self):
        super().clean()
        errors = rules.delivery_errors(self)
        if errors:
            raise ValidationError({"status": errors})


class Complaint(RestrictedModel):
    investor = models.ForeignKey(
        "projects.Investor", verbose_name=_("investor"), on_delete=models.PROTECT, related_name="complaints"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    received_on = models.DateField(_("received on"), default=clock.today)
    channel = models.CharField(
        _("received by"), max_length=10, choices=ComplaintChannel.choices, default=ComplaintChannel.PHONE
    )
    content = models.TextField(_("what the investor complains of"), max_length=2000)
    department = models.ForeignKey(
        Unit, verbose_name=_("handling department"), on_delete=models.PROTECT, related_name="complaints"
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    outcome = models.TextField(pgettext_lazy("complaint", "outcome"), max_length=2000, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    investor_answer = models.CharField(
        _("investor's answer"), max_length=20, choices=InvestorAnswer.choices, blank=True
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(
        _("escalation"), choices=Escalation.choices, default=Escalation.NONE, editable=False
    )
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = ClockDateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="complaint_status_due_idx"),
            models.Index(fields=["department", "status"], name="complaint_dept_status_idx"),
        ]
        verbose_name = _("investor complaint")
        verbose_name_plural = _("investor complaints")

    def __str__(self) -> str:
        return f"{self.investor} · {self.received_on}"

    def get_absolute_url(self) -> str:
        return reverse("promises:complaint_detail", args=[self.pk])

    @classmethod
    def unit_scope_q(cls, unit_ids):
        return models.Q(department_id__in=unit_ids)

    def clean(self):
        super().clean()
        errors = rules.closing_errors(self)
        if errors:
            raise ValidationError({"status": errors})
