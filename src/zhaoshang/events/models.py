"""Promotion events and fairs (招商活动/节会): where projects are signed and leads collected.

A project records the event it was signed at (``projects.Project.event``, a lazy reference: the ledger does not
import this app); its ``signing_event`` and ``signing_event_level`` follow the event, so the scoring schemes'
condition "signed at an event of level X" (``projects.rules.signed_at_event``) reads one fact."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.core.fields import ClockDateTimeField
from zhaoshang.organization.models import Unit
from zhaoshang.projects.choices import EventLevel


class Event(models.Model):
    name = models.CharField(_("event name"), max_length=200)
    level = models.CharField(_("organiser level"), max_length=10, choices=EventLevel.choices)
    organiser = models.CharField(_("organised by"), max_length=200, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = ClockDateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["name", "starts_on"], name="unique_event_name_day")]
        verbose_name = _("promotion event")
        verbose_name_plural = _("promotion events")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.pk])
