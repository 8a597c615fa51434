"""Industry chains (产业链招商): chains with their up-, mid- and downstream links, the local enterprises on each link,
the gaps (links without a local enterprise) and the target enterprises approached for them (延链、补链、强链).

A chain's name is the one the ledger's projects record (``Project.industry_chain`` is "chain" or "chain·link",
``projects.rules.on_chain``), so a chain page lists its projects without a second record of them. The chains, links
and local enterprises are the bureau's plan, read by everyone; a target enterprise may be given to a unit to
approach, whose reporters update its contact status and turn it into a lead."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.core.fields import ClockDateTimeField
from zhaoshang.core.permissions import RestrictedModel
from zhaoshang.organization.models import Unit

from .choices import ContactStatus, Position


class IndustryChain(models.Model):
    name = models.CharField(
        _("chain"), max_length=50, unique=True, help_text=_("As the ledger's projects name it (产业链 column).")
    )
    description = models.TextField(_("description"), max_length=4000, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit in charge"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("industry chain")
        verbose_name_plural = _("industry chains")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("chains:detail", args=[self.pk])


class ChainLink(models.Model):
    chain = models.ForeignKey(IndustryChain, verbose_name=_("chain"), on_delete=models.CASCADE, related_name="links")
    name = models.CharField(_("chain link"), max_length=50)
    position = models.CharField(_("link position"), max_length=4, choices=Position.choices, default=Position.MIDSTREAM)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["chain_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["chain", "name"], name="unique_link_per_chain")]
        verbose_name = _("chain link")
        verbose_name_plural = _("chain links")

    def __str__(self) -> str:
        return f"{self.chain}·{self.name}"


class LocalEnterprise(models.Model):
    """An enterprise of the county on a link (强链: what the county already has)."""

    link = models.ForeignKey(
        ChainLink, verbose_name=_("chain link"), on_delete=models.CASCADE, related_name="local_enterprises"
    )
    name = models.CharField(_("enterprise"), max_length=200)
    investor = models.ForeignKey(
        "projects.Investor",
        verbose_name=_("investor in the register"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chain_links",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["link_id", "name"]
        constraints = [models.UniqueConstraint(fields=["link", "name"], name="unique_local_enterprise_per_link")]
        verbose_name = _("local enterprise")
        verbose_name_plural = _("local enterprises")

    def __str__(self) -> str:
        return self.name


class TargetEnterprise(RestrictedModel):
    """An enterprise approached for a link (补链、延链), and how far the contact has gone."""

    link = models.ForeignKey(ChainLink, verbose_name=_("chain link"), on_delete=models.CASCADE, related_name="targets")
    name = models.CharField(_("enterprise"), max_length=200)
    location = models.CharField(_("where it is"), max_length=100, blank=True)
    reason = models.CharField(_("why it fits"), max_length=500, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit approaching it"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chain_targets",
    )
    status = models.CharField(
        _("contact status"), max_length=10, choices=ContactStatus.choices, default=ContactStatus.NOT_CONTACTED
    )
    contact_note = models.CharField(_("latest contact"), max_length=500, blank=True)
    lead = models.ForeignKey(
        "leads.Lead",
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chain_targets",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    updated_at = ClockDateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["link_id", "name"]
        verbose_name = _("target enterprise")
        verbose_name_plural = _("target enterprises")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def unit_scope_q(cls, unit_ids):
        # The chain plan is the county's: everybody reads every target.
        return models.Q()

    @classmethod
    def unit_write_q(cls, unit_ids):
        return models.Q(unit_id__in=unit_ids)
