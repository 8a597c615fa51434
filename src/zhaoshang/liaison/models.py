"""Enterprise liaison (市场主体包联走访, issue 19): the enterprises of the county, the cadres assigned to each
(包联干部), their visits, and the demands (诉求) raised, each handled by a department with a deadline and closed
out (销号) only with the enterprise's satisfaction answer (``rules``).

An enterprise belongs to the unit (township, park) it is in: that unit's reporters see and change it, its
liaisons, visits and demands. A demand is also seen and changed by the reporters of the department handling it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.core import clock, geo
from zhaoshang.core.fields import ClockDateTimeField
from zhaoshang.core.permissions import RestrictedModel
from zhaoshang.organization.models import Unit
from zhaoshang.projects import credit_code
from zhaoshang.projects.choices import Industry

from .choices import DemandCategory, DemandEscalation, DemandStatus, EnterpriseSize, Satisfaction


class Enterprise(RestrictedModel):
    name = models.CharField(_("enterprise"), max_length=200)
    # 统一社会信用代码 (GB 32100-2015), normalised on save; one enterprise per code.
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[credit_code.validate_credit_code],
    )
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices, blank=True)
    size = models.CharField(_("size"), max_length=10, choices=EnterpriseSize.choices, default=EnterpriseSize.SMALL)
    unit = models.ForeignKey(
        Unit, verbose_name=_("township or park"), on_delete=models.PROTECT, related_name="liaison_enterprises"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = geo.latitude_field()
    longitude = geo.longitude_field()
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    investor = models.ForeignKey(
        "projects.Investor",
        verbose_name=_("investor in the register"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="liaison_enterprises",
    )
    created_at = ClockDateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit__code", "name", "id"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.credit_code = credit_code.normalise(self.credit_code) or None
        super().save(*args, **kwargs)

    def clean(self):
        self.credit_code = credit_code.normalise(self.credit_code) or None

    def get_absolute_url(self) -> str:
        return reverse("liaison:enterprise", args=[self.pk])

    @classmethod
    def unit_scope_q(cls, unit_ids):
        return models.Q(unit_id__in=unit_ids)


class Liaison(RestrictedModel):
    """A cadre assigned to an enterprise (包联干部)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="liaisons"
    )
    cadre = models.ForeignKey(
        "persons.Person", verbose_name=_("liaison cadre"), on_delete=models.PROTECT, related_name="enterprise_liaisons"
    )
    since = models.DateField(_("since"), default=clock.today)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-active", "since", "id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "cadre"], name="liaison_enterprise_cadre")]
        verbose_name = _("liaison cadre")
        verbose_name_plural = _("liaison cadres")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.cadre}"

    @classmethod
    def unit_scope_q(cls, unit_ids):
        return models.Q(enterprise__unit_id__in=unit_ids)


class Visit(RestrictedModel):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="visits"
    )
    date = models.DateField(_("date"), default=clock.today)
    visitors = models.CharField(_("who visited"), max_length=200)
    cadre = models.ForeignKey(
        "persons.Person",
        verbose_name=_("cadre in the register"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enterprise_visits",
    )
    raised = models.TextField(_("what was raised"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = ClockDateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self) -> str:
        return f"{self.date} · {self.enterprise}"

    @classmethod
    def unit_scope_q(cls, unit_ids):
        return models.Q(enterprise__unit_id__in=unit_ids)


class Demand(RestrictedModel):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="demands"
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("raised at visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="demands",
    )
    category = models.CharField(_("category"), max_length=20, choices=DemandCategory.choices)
    description = models.TextField(_("demand"), max_length=2000)
    department = models.ForeignKey(
        Unit, verbose_name=_("department handling it"), on_delete=models.PROTECT, related_name="liaison_demands"
    )
    raised_on = models.DateField(_("raised on"), default=clock.today)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=DemandStatus.choices, default=DemandStatus.OPEN)
    closed_on = models.DateField(_("closed out on"), null=True, blank=True, editable=False)
    satisfaction = models.CharField(
        _("enterprise's satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True, editable=False
    )
    satisfaction_note = models.CharField(_("satisfaction note"), max_length=500, blank=True, editable=False)
    escalation = models.PositiveSmallIntegerField(
        _("escalation"), choices=DemandEscalation.choices, default=DemandEscalation.NONE, editable=False
    )
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = ClockDateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["department", "status"], name="demand_department_status_idx"),
            models.Index(fields=["status", "deadline"], name="demand_status_deadline_idx"),
        ]
        verbose_name = _("enterprise demand")
        verbose_name_plural = _("enterprise demands")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_category_display()}"

    def get_absolute_url(self) -> str:
        return reverse("liaison:demand", args=[self.pk])

    @classmethod
    def unit_scope_q(cls, unit_ids):
        return models.Q(enterprise__unit_id__in=unit_ids) | models.Q(department_id__in=unit_ids)


class DemandUpdate(RestrictedModel):
    """A progress note on a demand (and the enterprise's answers when asked)."""

    demand = models.ForeignKey(
        Demand, verbose_name=_("enterprise demand"), on_delete=models.CASCADE, related_name="updates"
    )
    date = models.DateField(_("date"), default=clock.today)
    note = models.TextField(_("progress"), max_length=2000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = ClockDateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("demand progress note")
        verbose_name_plural = _("demand progress notes")

    def __str__(self) -> str:
        return f"{self.demand} · {self.date}"

    @classmethod
    def unit_scope_q(cls, unit_ids):
        return models.Q(demand__enterprise__unit_id__in=unit_ids) | models.Q(demand__department_id__in=unit_ids)
