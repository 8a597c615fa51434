"""The register of persons (人员): introducers, county leaders, stewards and work-team members.

A person belongs to a unit and is read and changed like that unit's other rows (reporters: their own unit's
persons). Projects link to persons by lazy references ("persons.Person") so that the ledger does not import this
app, which reads the ledger for its rankings and reward lists."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.core.permissions import RestrictedModel
from zhaoshang.organization.models import Unit

from .choices import Level


class Person(RestrictedModel):
    name = models.CharField(_("name"), max_length=50)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="persons")
    post = models.CharField(_("post"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.STAFF)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit__code", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="unique_person_name_per_unit")]
        indexes = [models.Index(fields=["name"], name="person_name_idx")]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return f"{self.name}（{self.unit.name}）" if self.unit_id else self.name

    def get_absolute_url(self) -> str:
        return reverse("persons:detail", args=[self.pk])

    @classmethod
    def unit_scope_q(cls, unit_ids):
        return models.Q(unit_id__in=unit_ids)
