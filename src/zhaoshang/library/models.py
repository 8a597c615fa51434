"""The project library (招商项目库): packaged opportunities the county promotes, published as a catalogue.

A unit proposes an opportunity; the bureau publishes it. Everybody reads the published catalogue; a reporter
changes only their unit's proposals. An opportunity that landed links to the project it became."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.core.fields import ClockDateTimeField
from zhaoshang.core.permissions import RestrictedModel
from zhaoshang.organization.models import Unit
from zhaoshang.projects.choices import Industry
from zhaoshang.projects.models import MONEY

from .choices import CATALOGUE_STATUSES, OpportunityStatus


class Opportunity(RestrictedModel):
    code = models.CharField(_("catalogue number"), max_length=20, unique=True, null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices, blank=True)
    industry_chain = models.CharField(_("industry chain link"), max_length=100, blank=True)
    investment = models.DecimalField(
        _("planned investment (10k yuan)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10**13)],
        **MONEY,
    )
    land_area = models.DecimalField(
        _("land (mu)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10**8)],
    )
    site = models.CharField(_("site"), max_length=200, blank=True)
    description = models.TextField(_("what is offered"), max_length=4000, blank=True)
    conditions = models.TextField(_("conditions on site"), max_length=4000, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="opportunities")
    status = models.CharField(
        _("status"), max_length=10, choices=OpportunityStatus.choices, default=OpportunityStatus.PROPOSED
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project it became"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    published_on = models.DateField(_("published on"), null=True, blank=True, editable=False)
    created_at = ClockDateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "id"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:detail", args=[self.pk])

    @classmethod
    def unit_scope_q(cls, unit_ids):
        # The published catalogue is read by everybody; a unit's proposals by that unit.
        return models.Q(unit_id__in=unit_ids) | models.Q(status__in=CATALOGUE_STATUSES)

    @classmethod
    def unit_write_q(cls, unit_ids):
        return models.Q(unit_id__in=unit_ids, status=OpportunityStatus.PROPOSED)
