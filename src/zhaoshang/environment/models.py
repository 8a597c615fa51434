"""Business-environment indicators (营商环境指标), issue 19 item 6.

The bureau defines the indicators (``Indicator``: name, unit of measure, direction, target, scope, frequency) —
企业开办时间 in 工作日, lower is better, target 1 — and the values are entered for each period (``IndicatorValue``),
for the county as a whole or for each department, by form or .xlsx.

Who sees what: everyone reads the indicators (the county's list of them is no secret); a value belongs to its unit
(``department``), and a county-wide value to the indicator's responsible department. A reporter reads and changes
only those; the bureau all; leaders and supervisors read. The rules (met, trend, bounds) are in ``rules``, the
periods in ``periods``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from zhaoshang.core.fields import ClockDateTimeField
from zhaoshang.core.permissions import RestrictedModel
from zhaoshang.organization.models import Unit

from . import periods, rules
from .choices import Direction, Frequency, Scope

# Values and targets: up to MAX_AMOUNT (9,999,999.99) with two decimals, like the ledger's amounts.
NUMBER = {"max_digits": 16, "decimal_places": 2}


class Indicator(RestrictedModel):
    name = models.CharField(_("indicator name"), max_length=100, unique=True)
    unit = models.CharField(_("unit of measure"), max_length=20, help_text=_("e.g. 工作日, %, 天, 分"))
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.LOWER)
    target = models.DecimalField(_("target"), validators=[MinValueValidator(0)], **NUMBER)
    scope = models.CharField(_("reported for"), max_length=12, choices=Scope.choices, default=Scope.COUNTY)
    department = models.ForeignKey(
        Unit,
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="environment_indicators",
        help_text=_("Its reporters enter the county-wide values."),
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    source = models.CharField(_("data source"), max_length=200, blank=True, help_text=_("e.g. 省营商环境评价"))
    description = models.TextField(pgettext_lazy("environment", "description"), max_length=2000, blank=True)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = ClockDateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("business-environment indicator")
        verbose_name_plural = _("business-environment indicators")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("environment:detail", args=[self.pk])

    # Everyone reads the indicators; only the bureau (and admins) define them.
    @classmethod
    def unit_scope_q(cls, unit_ids):
        return models.Q()

    @classmethod
    def reporter_may(cls, action) -> bool:
        return action == "view"

    @property
    def per_department(self) -> bool:
        return self.scope == Scope.DEPARTMENT

    @property
    def is_percentage(self) -> bool:
        return rules.is_percentage(self.unit)

    def period_label(self, start) -> str:
        return periods.label(start, self.frequency)

    def clean(self):
        super().clean()
        reason = rules.value_error(self.target, self.unit)
        if reason:
            raise ValidationError({"target": reason})


class IndicatorValue(RestrictedModel):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    department = models.ForeignKey(
        Unit,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="environment_values",
        help_text=_("Empty: the county-wide value."),
    )
    period = models.DateField(
        pgettext_lazy("environment", "period"), help_text=_("The first day of the month, quarter or year.")
    )
    value = models.DecimalField(pgettext_lazy("environment", "value"), validators=[MinValueValidator(0)], **NUMBER)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    entered_at = ClockDateTimeField(_("entered at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "-period", "department__code"]
        constraints = [
            # One value per indicator, unit and period; NULL (the county) is distinct in a plain unique
            # constraint, hence two partial ones.
            models.UniqueConstraint(
                fields=["indicator", "department", "period"],
                condition=models.Q(department__isnull=False),
                name="envvalue_one_per_unit_period",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period"],
                condition=models.Q(department__isnull=True),
                name="envvalue_one_county_per_period",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "period"], name="envvalue_indicator_period_idx")]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")

    def __str__(self) -> str:
        where = self.department.name if self.department_id else str(Scope.COUNTY.label)
        return f"{self.indicator.name} · {where} · {self.period_label}"

    def get_absolute_url(self) -> str:
        return reverse("environment:detail", args=[self.indicator_id])

    @property
    def period_label(self) -> str:
        return periods.label(self.period, self.indicator.frequency)

    @property
    def met(self) -> bool | None:
        return rules.is_met(self.indicator.direction, self.value, self.indicator.target)

    @classmethod
    def unit_scope_q(cls, unit_ids):
        """A unit's own values, and the county-wide values of the indicators it is responsible for."""
        return models.Q(department_id__in=unit_ids) | models.Q(
            department__isnull=True, indicator__department_id__in=unit_ids
        )

    def clean(self):
        super().clean()
        errors = {}
        indicator = self.indicator if self.indicator_id else None
        if indicator is not None:
            reason = rules.value_error(self.value, indicator.unit)
            if reason:
                errors["value"] = reason
            if self.period and not periods.is_start(self.period, indicator.frequency):
                errors["period"] = _("Store a value under the first day of its period.")
            if indicator.per_department and not self.department_id:
                errors["department"] = _("This indicator is reported per department: choose the department.")
            if not indicator.per_department and self.department_id:
                errors["department"] = _("This indicator is county-wide: leave the department empty.")
        if errors:
            raise ValidationError(errors)
