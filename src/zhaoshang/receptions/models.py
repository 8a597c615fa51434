"""Receptions of visiting investors and outbound promotion trips (接待/外出招商), counted in batches and persons.

A reception belongs to its unit (reporters see and record their unit's). One row is one visit or one trip:
``batches`` is how many batches of investors it counts (usually 1; a trip meeting several companies counts
each), ``persons`` how many investors' people were met."""

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

from .choices import ReceptionKind


class Reception(RestrictedModel):
    kind = models.CharField(_("kind"), max_length=10, choices=ReceptionKind.choices, default=ReceptionKind.RECEPTION)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="receptions")
    date = models.DateField(_("date"))
    end_date = models.DateField(_("last day"), null=True, blank=True)
    place = models.CharField(_("place or destination"), max_length=200, blank=True)
    companies = models.CharField(_("investors met"), max_length=500)
    our_people = models.CharField(_("our people"), max_length=200, blank=True)
    our_persons = models.ManyToManyField(
        "persons.Person", verbose_name=_("our people in the register"), blank=True, related_name="receptions"
    )
    investors = models.ManyToManyField(
        "projects.Investor", verbose_name=_("investors in the register"), blank=True, related_name="receptions"
    )
    leads = models.ManyToManyField("leads.Lead", verbose_name=_("leads"), blank=True, related_name="receptions")
    batches = models.PositiveSmallIntegerField(
        _("batches"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    persons = models.PositiveSmallIntegerField(
        _("persons"), default=1, validators=[MinValueValidator(0), MaxValueValidator(1000)]
    )
    purpose = models.CharField(_("purpose"), max_length=500, blank=True)
    outcome = models.TextField(_("outcome"), max_length=2000, blank=True)
    follow_up = models.CharField(_("follow-up"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = ClockDateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["unit", "date"], name="reception_unit_date_idx")]
        verbose_name = _("reception or trip")
        verbose_name_plural = _("receptions and trips")

    def __str__(self) -> str:
        return f"{self.date} · {self.companies}"

    def get_absolute_url(self) -> str:
        return reverse("receptions:detail", args=[self.pk])

    @classmethod
    def unit_scope_q(cls, unit_ids):
        return models.Q(unit_id__in=unit_ids)
