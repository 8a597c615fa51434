"""Assessment periods, their recognition rules and rule parameters, and the targets set per tier or unit."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.core.fields import ClockDateTimeField
from zhaoshang.organization.choices import Category, Tier
from zhaoshang.organization.models import Unit
from zhaoshang.projects.choices import Industry, Kind, Stage

from . import scoring
from .choices import (
    AmountField,
    Basis,
    IndicatorKind,
    RankingGroups,
    ScheduleBasis,
    SchemeKind,
    ScoringFunction,
    Section,
    VetoEffect,
)

MONEY = {"max_digits": 16, "decimal_places": 2}
RATIO = {"max_digits": 6, "decimal_places": 4}


class Period(models.Model):
    """A year or a campaign (e.g. a 100-day competition): dates, schedule basis, rules, targets."""

    # The codes inside its JSON fields, shown by their labels in the change history (``core.history``).
    HISTORY_CHOICES = {
        "excluded_kinds": Kind.choices,
        "excluded_industries": Industry.choices,
        "criticise_bottom": Category.choices,
        "commend_top": Category.choices,
    }

    code = models.CharField(_("period code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    start = models.DateField(_("start date"))
    end = models.DateField(_("end date"))
    schedule_basis = models.CharField(
        _("schedule progress"), max_length=8, choices=ScheduleBasis.choices, default=ScheduleBasis.DAY
    )
    basis = models.CharField(_("default basis"), max_length=10, choices=Basis.choices, default=Basis.REPORTED)

    # Recognition rules (认定规则): what counts towards a target.
    excluded_kinds = models.JSONField(_("excluded project kinds"), default=list, blank=True)
    excluded_industries = models.JSONField(_("excluded industries"), default=list, blank=True)
    exclude_government_funded = models.BooleanField(_("exclude government-funded projects"), default=True)
    exclude_local_relocation = models.BooleanField(_("exclude local relocations"), default=True)
    exclude_second_phase = models.BooleanField(_("exclude second phases"), default=False)
    evidence_gate = models.BooleanField(
        _("count only evidenced figures"),
        default=False,
        help_text=_(
            "A stage or a receipt counts only with its evidence attached (contract, permit or photo, licence or "
            "photo, bank receipt); the rest is shown as reported, no evidence."
        ),
    )
    floor_amount = models.DecimalField(
        _("floor amount (10k yuan)"),
        null=True,
        blank=True,
        help_text=_("Projects below this planned investment do not count."),
        **MONEY,
    )
    usd_rate = models.DecimalField(
        _("yuan per US dollar"),
        max_digits=10,
        decimal_places=4,
        default=Decimal("7.1000"),
        help_text=_("Converts foreign capital recorded in other currencies to US dollars."),
    )

    # Rule parameters (奖惩规则), defaulting to the seeds.
    score_cap = models.DecimalField(_("cap on a group's completion"), default=Decimal("1.0000"), **RATIO)
    criticise_bottom = models.JSONField(
        _("criticised per category"),
        default=dict,
        blank=True,
        help_text=_("How many units at the bottom of each category are criticised; 3 where not set."),
    )
    criticise_beyond_third = models.BooleanField(
        _("criticise more than a third of a category"),
        default=False,
        help_text=_("Unless set, never more than a third of a category's units are criticised."),
    )
    commend_top = models.JSONField(
        _("commended per category"),
        default=dict,
        blank=True,
        help_text=_("How many units at the top of each category are commended; 3 where not set."),
    )
    yellow_card_ratio = models.DecimalField(
        _("yellow card below this share of schedule progress"), default=Decimal("0.7000"), **RATIO
    )
    half_time_check = models.BooleanField(_("half-time check"), default=True)
    # A unit's figures include its sections' (``projects.rules.rolled_up``); off: each unit counts its own credits.
    roll_up = models.BooleanField(_("roll sections up into their unit"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start", "code"]
        verbose_name = _("assessment period")
        verbose_name_plural = _("assessment periods")
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="period_end_after_start")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("targets:period_detail", args=[self.pk])

    def criticised_count(self, category: str) -> int:
        return int(self.criticise_bottom.get(category, 3))

    def commended_count(self, category: str) -> int:
        return int(self.commend_top.get(category, 3))


class TargetGroup(models.Model):
    """One line of a target table: a group of alternatives, met when any of its indicators is met.

    Set for a tier, or for one unit; a unit's own group replaces the tier's group of the same name.
    """

    period = models.ForeignKey(
        Period, verbose_name=_("assessment period"), on_delete=models.CASCADE, related_name="groups"
    )
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices, null=True, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE, related_name="target_groups"
    )
    name = models.CharField(_("indicator group"), max_length=50)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal("1"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "tier", "unit__code", "order", "id"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(tier__isnull=False, unit__isnull=True) | models.Q(tier__isnull=True, unit__isnull=False)
                ),
                name="target_for_tier_or_unit",
            ),
            models.UniqueConstraint(fields=["period", "tier", "name"], name="one_group_name_per_tier"),
            models.UniqueConstraint(fields=["period", "unit", "name"], name="one_group_name_per_unit"),
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """One alternative within a group: e.g. "3 projects signed at ≥1000万" or "their contract total 6000万"."""

    group = models.ForeignKey(
        TargetGroup, verbose_name=_("indicator group"), on_delete=models.CASCADE, related_name="indicators"
    )
    kind = models.CharField(_("indicator kind"), max_length=10, choices=IndicatorKind.choices)
    stage = models.CharField(
        _("stage"),
        max_length=16,
        choices=Stage.choices,
        blank=True,
        help_text=_("The stage a project must reach inside the period."),
    )
    amount_field = models.CharField(
        _("amount"), max_length=20, choices=AmountField.choices, default=AmountField.CONTRACT
    )
    min_amount = models.DecimalField(_("minimum amount (10k yuan)"), default=Decimal("0"), **MONEY)
    target = models.DecimalField(_("target"), **MONEY)
    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.group.name} · {self.get_kind_display()}"


class Veto(models.Model):
    """一票否决: the bureau disqualifies a unit from commendation in a period, with the reason."""

    period = models.ForeignKey(
        Period, verbose_name=_("assessment period"), on_delete=models.CASCADE, related_name="vetoes"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="vetoes")
    reason = models.CharField(_("reason"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("veto")
        verbose_name_plural = _("vetoes")
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="one_veto_per_unit_and_period")]

    def __str__(self) -> str:
        return f"{self.unit} {self.reason}"


class Scheme(models.Model):
    """A period's scoring scheme (考核办法 as data). Without one a period scores by weighted completion."""

    period = models.OneToOneField(
        Period, verbose_name=_("assessment period"), on_delete=models.CASCADE, related_name="scheme"
    )
    kind = models.CharField(_("scoring"), max_length=12, choices=SchemeKind.choices, default=SchemeKind.POINTS)
    full_score = models.DecimalField(_("full score"), max_digits=8, decimal_places=2, default=Decimal("100"))
    cap_total = models.BooleanField(
        _("cap the total at the full score"),
        default=False,
        help_text=_("Unless set, bonus points may take a unit above the full score."),
    )
    ranking = models.CharField(
        _("ranking groups"), max_length=10, choices=RankingGroups.choices, default=RankingGroups.CATEGORY
    )
    # Group name → unit codes, when ``ranking`` is custom (e.g. townships in three groups by economic size).
    custom_groups = models.JSONField(_("custom ranking groups"), default=dict, blank=True)
    veto_effect = models.CharField(
        _("effect of a veto"), max_length=12, choices=VetoEffect.choices, default=VetoEffect.BAR_HONOURS
    )
    # The consequences (奖惩规则) as ``targets.consequences`` JSON; empty: the default set.
    consequences = models.JSONField(_("consequences"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scoring scheme")
        verbose_name_plural = _("scoring schemes")

    def __str__(self) -> str:
        return f"{self.period} · {self.get_kind_display()}"


class SchemeItem(models.Model):
    """One line of the scheme's 评分细则: what it measures, how that becomes points, its 分值 and cap."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scoring scheme"), on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("item code"), max_length=20)
    name = models.CharField(_("item"), max_length=100)
    section = models.CharField(_("section"), max_length=10, choices=Section.choices, default=Section.BASE)
    function = models.CharField(_("scoring function"), max_length=16, choices=ScoringFunction.choices)
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2, default=Decimal("0"))
    cap = models.DecimalField(_("cap"), max_digits=8, decimal_places=2, null=True, blank=True)
    places = models.PositiveSmallIntegerField(_("decimal places"), default=2)
    # Function parameters (``targets.scoring.item_points``): base, per_step, step, up, down, per_above,
    # per_below, each, bands.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # ``targets.scoring.Measure`` as JSON.
    measure = models.JSONField(_("measure"), default=dict)
    # The target group whose target (of the unit, by its tier or its own) is the item's task; blank: no task.
    task_group = models.CharField(_("task from target group"), max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "order", "id"]
        verbose_name = _("scheme item")
        verbose_name_plural = _("scheme items")
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="one_item_code_per_scheme")]

    def __str__(self) -> str:
        return self.name


def scheme_spec(scheme: Scheme) -> scoring.Scheme:
    """The pure form of a stored scheme, checked (``scoring.SchemeError`` naming the item)."""
    items = tuple(
        scoring.item_spec(
            code=item.code,
            name=item.name,
            function=item.function,
            points=item.points,
            section=item.section,
            cap=item.cap,
            places=item.places,
            params=item.params,
        )
        for item in scheme.items.all()
    )
    spec = scoring.Scheme(items=items, full_score=scheme.full_score, cap_total=scheme.cap_total)
    scoring.check(spec)
    return spec


class CountyTarget(models.Model):
    """The county's own target for one indicator, handed down from above (e.g. the prefecture's 8亿元 of
    招商引资), with the document that set it. Keyed like a target group's indicator (kind, stage, amount field,
    minimum): the target page sets it against the sum of the units' targets of the same key."""

    period = models.ForeignKey(
        Period, verbose_name=_("assessment period"), on_delete=models.CASCADE, related_name="county_targets"
    )
    kind = models.CharField(_("indicator kind"), max_length=10, choices=IndicatorKind.choices)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, blank=True)
    amount_field = models.CharField(
        _("amount"), max_length=20, choices=AmountField.choices, default=AmountField.CONTRACT
    )
    min_amount = models.DecimalField(_("minimum amount (10k yuan)"), default=Decimal("0"), **MONEY)
    target = models.DecimalField(_("target from above"), **MONEY)
    document = models.CharField(_("source document"), max_length=200, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    issued_by = models.CharField(_("handed down by"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "id"]
        verbose_name = _("county target from above")
        verbose_name_plural = _("county targets from above")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "kind", "stage", "amount_field", "min_amount"], name="one_county_target_per_key"
            ),
            models.CheckConstraint(condition=models.Q(target__gte=0), name="county_target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.get_kind_display()}"

    @property
    def key(self) -> tuple:
        return indicator_key(self)


def indicator_key(indicator) -> tuple:
    """What makes a unit's indicator and the county's target the same measure: kind, stage (blank: signed, for
    the stage kinds), amount field (only the amount kinds and funds floors read it) and minimum."""
    stage = "" if indicator.kind == IndicatorKind.FUNDS else (indicator.stage or "signed")
    minimum = Decimal(indicator.min_amount or 0)
    field = indicator.amount_field if indicator.kind == IndicatorKind.AMOUNT or minimum else ""
    return (indicator.kind, stage, field, minimum.normalize() if minimum else Decimal("0"))
