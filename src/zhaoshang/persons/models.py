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


class LevelTarget(models.Model):
    """A period's target for every active person of a level: at least ``projects`` introduced projects signed
    (e.g. every cadre at 科级 and above: 1). A ``PersonTarget`` overrides it for one person."""

    period = models.ForeignKey(
        "targets.Period", verbose_name=_("period"), on_delete=models.CASCADE, related_name="level_targets"
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    projects = models.DecimalField(_("projects"), max_digits=6, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "level"]
        constraints = [models.UniqueConstraint(fields=["period", "level"], name="unique_level_target")]
        verbose_name = _("target per level")
        verbose_name_plural = _("targets per level")

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.projects}"


class PersonTarget(models.Model):
    """One person's own target for a period, overriding their level's."""

    period = models.ForeignKey(
        "targets.Period", verbose_name=_("period"), on_delete=models.CASCADE, related_name="person_targets"
    )
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="targets")
    projects = models.DecimalField(_("projects"), max_digits=6, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "person"]
        constraints = [models.UniqueConstraint(fields=["period", "person"], name="unique_person_target")]
        verbose_name = _("person target")
        verbose_name_plural = _("person targets")

    def __str__(self) -> str:
        return f"{self.person} {self.projects}"


class PersonAlias(models.Model):
    """A name a county's sheet writes for a person (a county leader, an introducer), confirmed once by the bureau
    (``persons.aliases``). ``alias`` is stored normalised (``organization.aliases.normalise_name``)."""

    alias = models.CharField(_("alias"), max_length=50, unique=True)
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="aliases")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["alias"]
        verbose_name = _("person alias")
        verbose_name_plural = _("person aliases")

    def __str__(self) -> str:
        return f"{self.alias} → {self.person.name}"
