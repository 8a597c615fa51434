"""领导联点 and the heads of units: which county leader answers for which township or sector, and who heads a unit.

A leader link ties a county leader (a person of level 县级 with a user account) to a unit they answer for: a
township, or a sector — a department (an industry chain's lead department). A unit head is the person the
项目保姆 rule makes a steward of the projects of that unit (the township head, the department head). Both are
kept by the bureau on the leaders page; their history is kept."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.organization.models import Unit


class LeaderLink(models.Model):
    person = models.ForeignKey(
        "persons.Person", verbose_name=_("county leader"), on_delete=models.CASCADE, related_name="leader_links"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="leader_links")
    history = HistoricalRecords()

    class Meta:
        ordering = ["person__name", "unit__code", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "unit"], name="one_leader_link_per_unit")]
        verbose_name = _("leader link")
        verbose_name_plural = _("leader links")

    def __str__(self) -> str:
        return f"{self.person.name} · {self.unit.name}"


class UnitHead(models.Model):
    unit = models.OneToOneField(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="head")
    person = models.ForeignKey(
        "persons.Person", verbose_name=_("Head"), on_delete=models.CASCADE, related_name="headed_units"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit__code"]
        verbose_name = _("unit head")
        verbose_name_plural = _("unit heads")

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.person.name}"
