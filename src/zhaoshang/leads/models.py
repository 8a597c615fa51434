"""Leads (线索): investment leads from anyone, triaged, assigned, followed up and converted into projects.

A lead belongs to the unit it is assigned to (reporters see their unit's leads; an unassigned lead only the
bureau). A converted lead points at the project it became (``project``); the project keeps the lead's introducer.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.core import clock
from zhaoshang.core.fields import ClockDateTimeField
from zhaoshang.core.permissions import RestrictedModel
from zhaoshang.organization.models import Unit
from zhaoshang.projects.choices import Industry
from zhaoshang.projects.models import MONEY

from .choices import Escalation, LeadSource, LeadStatus


class Channel(models.Model):
    """Where leads come from (亲情招商, 以商招商, 驻外机构, 中介, 展会…): a list the bureau edits."""

    name = models.CharField(_("channel"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("lead channel")
        verbose_name_plural = _("lead channels")

    def __str__(self) -> str:
        return self.name


class IntakeLink(models.Model):
    """A link (and its QR code) to the public intake page: leads sent through it go to ``unit`` (none: the
    bureau triages them). The token is the only thing in the address; the bureau can switch a link off."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE, related_name="intake_links"
    )
    token = models.CharField(max_length=43, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = ClockDateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit__code", "id"]
        verbose_name = _("intake link")
        verbose_name_plural = _("intake links")

    def __str__(self) -> str:
        return str(self.unit) if self.unit_id else str(_("County-wide"))


class Lead(RestrictedModel):
    company = models.CharField(_("company"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices, blank=True)
    estimated_amount = models.DecimalField(
        _("estimated investment (10k yuan)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10**13)],
        **MONEY,
    )
    description = models.TextField(_("what the investor wants"), max_length=2000, blank=True)
    channel = models.ForeignKey(
        Channel, verbose_name=_("channel"), null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    introducer_name = models.CharField(_("brought by"), max_length=100, blank=True)
    introducer = models.ForeignKey(
        "persons.Person",
        verbose_name=_("introducer in the register"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("collected at event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    source = models.CharField(_("source"), max_length=10, choices=LeadSource.choices, default=LeadSource.STAFF)
    received_on = models.DateField(_("received on"), default=clock.today)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # The address a lead from the public intake page came from: what its hourly limit counts.
    submitted_from = models.GenericIPAddressField(_("sent from address"), null=True, blank=True, editable=False)
    intake_link = models.ForeignKey(
        IntakeLink,
        verbose_name=_("intake link"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
        editable=False,
    )
    # Triage: the unit and owner following the lead, and when it is next to be followed up.
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_leads",
    )
    follow_up_on = models.DateField(_("next follow-up due"), null=True, blank=True)
    last_follow_up_on = models.DateField(_("last followed up"), null=True, blank=True, editable=False)
    escalation = models.PositiveSmallIntegerField(
        _("escalation"), choices=Escalation.choices, default=Escalation.NONE, editable=False
    )
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=LeadStatus.choices, default=LeadStatus.NEW)
    closed_reason = models.CharField(_("reason closed"), max_length=500, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    converted_on = models.DateField(_("converted on"), null=True, blank=True)
    created_at = ClockDateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["status", "follow_up_on"], name="lead_status_due_idx"),
            models.Index(fields=["unit", "status"], name="lead_unit_status_idx"),
            models.Index(fields=["submitted_from", "created_at"], name="lead_intake_rate_idx"),
        ]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")

    def __str__(self) -> str:
        return self.company

    def get_absolute_url(self) -> str:
        return reverse("leads:detail", args=[self.pk])

    @classmethod
    def unit_scope_q(cls, unit_ids):
        return models.Q(unit_id__in=unit_ids)


class FollowUp(RestrictedModel):
    lead = models.ForeignKey(Lead, verbose_name=_("lead"), on_delete=models.CASCADE, related_name="follow_ups")
    date = models.DateField(_("date"), default=clock.today)
    note = models.TextField(_("what happened"), max_length=2000)
    next_follow_up_on = models.DateField(_("next follow-up due"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = ClockDateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.lead} · {self.date}"

    @classmethod
    def unit_scope_q(cls, unit_ids):
        return models.Q(lead__unit_id__in=unit_ids)
