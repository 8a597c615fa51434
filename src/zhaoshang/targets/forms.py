from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.forms import BootstrapForm, date_input
from zhaoshang.organization.choices import Category, Tier
from zhaoshang.organization.models import Unit
from zhaoshang.projects.choices import EventLevel, Industry, Kind, Stage

from . import scheme_text, scoring
from .choices import AmountField, IndicatorKind, MeasureKind, RankingGroups, ScoringFunction, Section, VetoEffect
from .models import Period
from .scheme_text import bands_lines, parse_band_lines, plain
from .services import SchemeItemData

RANKED_CATEGORIES = [c for c in Category if c != Category.JURISDICTION]


class PeriodForm(BootstrapForm, forms.ModelForm):
    excluded_kinds = forms.MultipleChoiceField(
        label=_("excluded project kinds"), choices=Kind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    excluded_industries = forms.MultipleChoiceField(
        label=_("excluded industries"),
        choices=Industry.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Period
        fields = [
            "code",
            "name",
            "start",
            "end",
            "schedule_basis",
            "basis",
            "excluded_kinds",
            "excluded_industries",
            "exclude_government_funded",
            "exclude_local_relocation",
            "exclude_second_phase",
            "evidence_gate",
            "floor_amount",
            "usd_rate",
            "score_cap",
            "criticise_beyond_third",
            "yellow_card_ratio",
            "half_time_check",
            "roll_up",
        ]
        widgets = {"start": date_input(), "end": date_input()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One number per ranking group for "bottom N criticised" and "top N commended".
        for category in RANKED_CATEGORIES:
            for prefix, label, source in (
                ("criticise", _("criticised: %(category)s"), self.instance.criticise_bottom),
                ("commend", _("commended: %(category)s"), self.instance.commend_top),
            ):
                name = f"{prefix}_{category.value}"
                self.fields[name] = forms.IntegerField(
                    label=label % {"category": category.label},
                    min_value=0,
                    max_value=50,
                    initial=(source or {}).get(category.value, 3),
                    widget=forms.NumberInput(attrs={"class": "form-control"}),
                )
        for name in ("excluded_kinds",):
            self.fields[name].widget.attrs["class"] = ""

    def rule_counts(self) -> dict:
        return {
            "criticise_bottom": {c.value: self.cleaned_data[f"criticise_{c.value}"] for c in RANKED_CATEGORIES},
            "commend_top": {c.value: self.cleaned_data[f"commend_{c.value}"] for c in RANKED_CATEGORIES},
        }


class GroupForm(BootstrapForm, forms.Form):
    name = forms.CharField(label=_("indicator group"), max_length=50)
    tier = forms.TypedChoiceField(
        label=_("tier"), choices=[("", "—"), *Tier.choices], coerce=int, empty_value=None, required=False
    )
    unit = forms.ModelChoiceField(label=_("or one unit"), queryset=Unit.objects.none(), required=False)
    weight = forms.DecimalField(
        label=_("weight"), max_digits=6, decimal_places=2, initial=Decimal("1"), min_value=Decimal("0.01")
    )
    order = forms.IntegerField(label=_("order"), initial=0, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(active=True).exclude(category="jurisdiction")

    def clean(self):
        data = super().clean()
        if (data.get("tier") is None) == (data.get("unit") is None):
            raise forms.ValidationError(_("Set the target either for a tier or for one unit."))
        return data


class IndicatorForm(BootstrapForm, forms.Form):
    kind = forms.ChoiceField(label=_("indicator kind"), choices=IndicatorKind.choices)
    stage = forms.ChoiceField(label=_("stage"), choices=[("", "—"), *Stage.choices], required=False)
    amount_field = forms.ChoiceField(label=_("amount"), choices=AmountField.choices)
    min_amount = forms.DecimalField(
        label=_("minimum amount (10k yuan)"), max_digits=16, decimal_places=2, min_value=Decimal("0"), required=False
    )
    target = forms.DecimalField(label=_("target"), max_digits=16, decimal_places=2, min_value=Decimal("0.01"))


IndicatorFormSet = formset_factory(IndicatorForm, extra=0, min_num=1, max_num=4, validate_min=True)


class PresetForm(BootstrapForm, forms.Form):
    tier_one_funds = forms.DecimalField(
        label=_("tier 1 funds in place target (10k yuan)"),
        max_digits=16,
        decimal_places=2,
        required=False,
        min_value=Decimal("0.01"),
        help_text=_("The seed leaves this figure to be set per year; it can be added later."),
    )


class VetoForm(BootstrapForm, forms.Form):
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none())
    reason = forms.CharField(label=_("reason"), max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(active=True).exclude(category="jurisdiction")


class AssessForm(BootstrapForm, forms.Form):
    as_of = forms.DateField(label=_("as of"), widget=date_input())
    basis = forms.ChoiceField(
        label=_("basis"), choices=[("reported", _("Reported figures")), ("verified", _("Verified figures"))]
    )


# --- scoring schemes (评分细则) -----------------------------------------------------------------------

# The two measures a ratio item divides, as small choices (the row's amount range and filters apply to both).
RATIO_PARTS = {
    "signed_count": ({"what": "count", "stage": "signed"}, _("Projects signed")),
    "started_count": ({"what": "count", "stage": "started"}, _("Projects started")),
    "producing_count": ({"what": "count", "stage": "producing"}, _("Projects producing")),
    "signed_amount": ({"what": "amount", "stage": "signed"}, _("Contract amount signed")),
    "funds": ({"what": "funds"}, _("Funds in place")),
}
RATIO_CHOICES = [("", "—"), *((key, label) for key, (_measure, label) in RATIO_PARTS.items())]
HIGH_TECH_CHOICES = [("", _("Any")), ("yes", _("High-tech only")), ("no", _("Not high-tech"))]
FILTER_KEYS = ("low", "high", "kinds", "industries", "high_tech")


def ratio_part_key(measure: dict | None) -> str:
    for key, (part, _label) in RATIO_PARTS.items():
        if measure and all(measure.get(name) == value for name, value in part.items()):
            if measure.get("what") != "amount" or measure.get("amount_field", "contract_amount") == "contract_amount":
                return key
    return ""


class SchemeForm(BootstrapForm, forms.Form):
    full_score = forms.DecimalField(
        label=_("full score"), max_digits=8, decimal_places=2, min_value=Decimal("0.01"), initial=Decimal("100")
    )
    cap_total = forms.BooleanField(label=_("cap the total at the full score"), required=False)
    ranking = forms.ChoiceField(label=_("ranking groups"), choices=RankingGroups.choices)
    veto_effect = forms.ChoiceField(label=_("effect of a veto"), choices=VetoEffect.choices)
    custom_groups = forms.CharField(
        label=_("custom ranking groups"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One group a line: the name, a colon, the unit codes, e.g. 一类乡镇: T01, T02"),
    )

    def clean_custom_groups(self):
        groups: dict[str, list[str]] = {}
        for line in self.cleaned_data["custom_groups"].splitlines():
            if not line.strip():
                continue
            name, sep, codes = line.replace("：", ":").partition(":")
            if not sep or not name.strip():
                raise forms.ValidationError(_("Write each group as 名称: 单位编码, 单位编码."))
            groups[name.strip()] = [code.strip() for code in re.split(r"[,，、\s]+", codes) if code.strip()]
        return groups

    @staticmethod
    def initial_of(scheme) -> dict:
        if scheme is None:
            return {
                "full_score": Decimal("100"),
                "ranking": RankingGroups.CATEGORY,
                "veto_effect": VetoEffect.BAR_HONOURS,
            }
        return {
            "full_score": scheme.full_score,
            "cap_total": scheme.cap_total,
            "ranking": scheme.ranking,
            "veto_effect": scheme.veto_effect,
            "custom_groups": "\n".join(f"{name}: {', '.join(codes)}" for name, codes in scheme.custom_groups.items()),
        }


def _decimal(label, help_text="", **kwargs):
    return forms.DecimalField(
        label=label, max_digits=16, decimal_places=4, required=False, help_text=help_text, **kwargs
    )


# The recognition conditions (认定条件) of a measure on the page: one line of fields under the measure's filters.
CONDITION_FIELDS = (
    "event_level",
    "private",
    "registered_land_paid",
    "within_years",
    "exclude_divisions",
    "low_by_category",
)


class SchemeItemForm(BootstrapForm, forms.Form):
    code = forms.CharField(label=_("item code"), max_length=20)
    name = forms.CharField(label=_("item"), max_length=100)
    section = forms.ChoiceField(label=_("section"), choices=Section.choices)
    function = forms.ChoiceField(label=_("scoring function"), choices=ScoringFunction.choices)
    points = forms.DecimalField(label=_("points"), max_digits=8, decimal_places=2, initial=Decimal("0"))
    cap = forms.DecimalField(
        label=_("cap"),
        max_digits=8,
        decimal_places=2,
        required=False,
        help_text=_("At most this many points (a deduction: at most this many taken off)."),
    )
    places = forms.IntegerField(label=_("decimal places"), min_value=0, max_value=4, initial=2)
    task_group = forms.ChoiceField(label=_("task from target group"), required=False)
    # The measure.
    what = forms.ChoiceField(label=_("measure"), choices=MeasureKind.choices)
    stage = forms.ChoiceField(label=_("stage"), choices=Stage.choices, initial=Stage.SIGNED)
    amount_field = forms.ChoiceField(label=_("amount"), choices=AmountField.choices, initial=AmountField.CONTRACT)
    low = _decimal(_("amount from (10k yuan)"), _("Projects at or above this amount (以上 includes it)."))
    high = _decimal(_("amount below (10k yuan)"), _("Empty: no upper limit."))
    kinds = forms.MultipleChoiceField(
        label=_("project kinds"), choices=Kind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    industries = forms.MultipleChoiceField(
        label=_("industries"), choices=Industry.choices, required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    high_tech = forms.ChoiceField(label=_("high-tech"), choices=HIGH_TECH_CHOICES, required=False)
    numerator = forms.ChoiceField(label=_("numerator"), choices=RATIO_CHOICES, required=False)
    denominator = forms.ChoiceField(label=_("denominator"), choices=RATIO_CHOICES, required=False)
    # The function's parameters.
    base = _decimal(_("base points"), _("For meeting the task (step, per project)."))
    per_step = _decimal(_("points per step"))
    step = _decimal(_("step (percentage points)"), _("10 means every full 10 percentage points of completion."))
    up = _decimal(_("most added"))
    down = _decimal(_("most taken off"))
    per_above = _decimal(_("points per project above the task"))
    per_below = _decimal(_("points per project below the task"))
    each = _decimal(_("points per occurrence"))
    # Recognition conditions (认定条件) of a ledger measure, and floors by unit category (``condition_measure``).
    event_level = forms.ChoiceField(
        label=_("signed at an event of level"),
        choices=[("", "—"), *EventLevel.choices],
        required=False,
        help_text=_("That level or higher."),
    )
    private = forms.BooleanField(label=_("private-owned only"), required=False)
    registered_land_paid = forms.BooleanField(
        label=_("registered and land premium paid in the period"),
        required=False,
        help_text=_("Both from the period's start to the as-of date."),
    )
    within_years = forms.IntegerField(
        label=_("signed within years"),
        min_value=1,
        max_value=50,
        required=False,
        help_text=_("Signed on or after the same day that many years before the period's start."),
    )
    exclude_divisions = forms.CharField(
        label=_("excluded industry divisions"),
        required=False,
        max_length=200,
        help_text=_("GB/T 4754 division codes, e.g. 70, 62"),
    )
    low_by_category = forms.CharField(
        label=_("amount from by unit category"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "县直部门: 5000"}),
        help_text=_("One a line: the unit category, a colon, the amount (10k yuan); other units: amount from."),
    )
    bands = forms.CharField(
        label=_("amount bands"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "100000,500000,4"}),
        help_text=_("One band a line: 下限,上限,分值 in 10k yuan; an empty 上限 means no upper limit."),
    )

    # 任务 and 力争 (``stretch``): the target group of the 力争 and the share of 分值 for the task, in percent.
    stretch_group = forms.ChoiceField(label=_("stretch target (力争) from target group"), required=False)
    stretch_base = _decimal(
        _("share of the points for meeting the task (%)"), _("80 when left empty."), min_value=Decimal("0.01")
    )

    PARAM_FIELDS = ("base", "per_step", "up", "down", "per_above", "per_below", "each")
    GROUPS = (
        ("item", ("code", "name", "section", "function", "points", "cap", "places", "task_group")),
        ("measure", ("what", "stage", "amount_field", "low", "high", "high_tech", "numerator", "denominator")),
        ("filters", ("kinds", "industries")),
        ("conditions", CONDITION_FIELDS),
        ("params", ("base", "per_step", "step", "up", "down", "per_above", "per_below", "each", "bands")),
        ("stretch", ("stretch_group", "stretch_base")),
    )

    def field_groups(self):
        """The fields by line on the page: the item, its measure, the measure's filters, the parameters."""
        return [(name, [self[field] for field in fields]) for name, fields in self.GROUPS]

    def __init__(self, *args, group_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task_group"].choices = [("", _("No task")), *((name, name) for name in group_names)]
        self.fields["stretch_group"].choices = [("", "—"), *((name, name) for name in group_names)]
        for name in ("kinds",):
            self.fields[name].widget.attrs["class"] = ""

    def clean_exclude_divisions(self):
        return parse_divisions(self.cleaned_data["exclude_divisions"])

    def clean_low_by_category(self):
        return parse_category_floors(self.cleaned_data["low_by_category"])

    def clean_bands(self):
        try:
            return parse_band_lines(self.cleaned_data["bands"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        data = super().clean()
        if data.get("what") == MeasureKind.RATIO and not (data.get("numerator") and data.get("denominator")):
            self.add_error("denominator", _("A ratio needs its numerator and its denominator."))
        return data

    def measure(self) -> dict:
        data = self.cleaned_data
        filters: dict = {}
        if data.get("low"):
            filters["low"] = plain(data["low"])
        if data.get("high") is not None:
            filters["high"] = plain(data["high"])
        if data.get("kinds"):
            filters["kinds"] = list(data["kinds"])
        if data.get("industries"):
            filters["industries"] = list(data["industries"])
        if data.get("high_tech"):
            filters["high_tech"] = data["high_tech"] == "yes"
        filters.update(condition_measure(data))
        what = data["what"]
        if what == MeasureKind.RATIO:
            parts = {}
            for side in ("numerator", "denominator"):
                if data.get(side):
                    parts[side] = {**RATIO_PARTS[data[side]][0], **filters}
            return {"what": what, **parts}
        if what in scoring.LEDGER_MEASURES:
            return {"what": what, "stage": data["stage"], "amount_field": data["amount_field"], **filters}
        return {"what": what}

    def item_data(self) -> SchemeItemData:
        data = self.cleaned_data
        params = {name: plain(data[name]) for name in self.PARAM_FIELDS if data.get(name) is not None}
        if data.get("step") is not None:
            params["step"] = plain(data["step"] / 100)
        if data.get("bands"):
            params["bands"] = data["bands"]
        if data.get("function") == ScoringFunction.STRETCH:
            params.pop("base", None)  # the base points field: a stretch item's share is its own field
            params.update(self.stretch_params())
        return SchemeItemData(
            code=data["code"].strip(),
            name=data["name"].strip(),
            function=data["function"],
            measure=self.measure(),
            section=data["section"],
            points=data["points"],
            cap=data.get("cap"),
            places=data["places"],
            params=params,
            task_group=data.get("task_group") or "",
        )

    def stretch_params(self) -> dict:
        """A ``stretch`` item's parameters: its 力争 group and its task's share (a fraction; "base" replaces the
        base points field, which the function does not use)."""
        data = self.cleaned_data
        if data.get("function") != ScoringFunction.STRETCH:
            return {}
        params = {"stretch_group": data.get("stretch_group") or ""}
        if data.get("stretch_base") is not None:
            params["base"] = plain(data["stretch_base"] / 100)
        return params

    @staticmethod
    def stretch_initial(item) -> dict:
        params = item.params or {}
        if item.function != ScoringFunction.STRETCH:
            return {}
        base = params.get("base")
        return {
            "stretch_group": params.get("stretch_group") or "",
            "stretch_base": None if base in (None, "") else Decimal(str(base)) * 100,
            "base": None,
        }

    @classmethod
    def initial_of(cls, item) -> dict:
        """A stored ``SchemeItem`` as the form's initial values."""
        measure = dict(item.measure or {})
        filters = measure
        if measure.get("what") == MeasureKind.RATIO:
            filters = measure.get("numerator") or {}
        params = item.params or {}
        initial = {
            "code": item.code,
            "name": item.name,
            "section": item.section,
            "function": item.function,
            "points": item.points,
            "cap": item.cap,
            "places": item.places,
            "task_group": item.task_group,
            "what": measure.get("what"),
            "stage": measure.get("stage") or Stage.SIGNED,
            "amount_field": measure.get("amount_field") or AmountField.CONTRACT,
            "low": filters["low"] if filters.get("low") and Decimal(str(filters["low"])) else None,
            "high": filters.get("high"),
            "kinds": filters.get("kinds") or [],
            "industries": filters.get("industries") or [],
            "high_tech": {True: "yes", False: "no"}.get(filters.get("high_tech"), ""),
            "numerator": ratio_part_key(measure.get("numerator")),
            "denominator": ratio_part_key(measure.get("denominator")),
            "bands": bands_lines(params.get("bands") or []),
            **condition_initial(filters),
        }
        for name in cls.PARAM_FIELDS:
            initial[name] = params.get(name)
        if params.get("step") is not None:
            initial["step"] = Decimal(str(params["step"])) * 100
        initial.update(cls.stretch_initial(item))
        return initial


# --- recognition conditions of a measure (认定条件) ------------------------------------------------------


def parse_divisions(text: str) -> list[str]:
    """The divisions written on the page (``scheme_text.parse_divisions``), refused at the field."""
    try:
        return scheme_text.parse_divisions(text)
    except ValueError as error:
        raise forms.ValidationError(str(error)) from None


def parse_category_floors(text: str) -> dict[str, str]:
    """The floors by unit category written on the page (``scheme_text.parse_category_floors``)."""
    try:
        return scheme_text.parse_category_floors(text)
    except ValueError as error:
        raise forms.ValidationError(str(error)) from None


def condition_measure(data: dict) -> dict:
    """The conditions and floors by category set on a form, as a measure's JSON keys."""
    found: dict = {}
    if data.get("event_level"):
        found["event_level"] = data["event_level"]
    if data.get("private"):
        found["private"] = True
    if data.get("registered_land_paid"):
        found["registered_land_paid"] = True
    if data.get("within_years"):
        found["within_years"] = data["within_years"]
    if data.get("exclude_divisions"):
        found["exclude_divisions"] = list(data["exclude_divisions"])
    if data.get("low_by_category"):
        found["low_by_category"] = dict(data["low_by_category"])
    return found


def condition_initial(measure: dict) -> dict:
    """A stored measure's conditions as the form's initial values."""
    floors = measure.get("low_by_category") or {}
    return {
        "event_level": measure.get("event_level") or "",
        "private": bool(measure.get("private")),
        "registered_land_paid": bool(measure.get("registered_land_paid")),
        "within_years": measure.get("within_years"),
        "exclude_divisions": ", ".join(measure.get("exclude_divisions") or ()),
        "low_by_category": scheme_text.category_floors_text(floors, "\n"),
    }


class BaseSchemeItemFormSet(forms.BaseFormSet):
    def __init__(self, *args, group_names=(), **kwargs):
        self.group_names = group_names
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "group_names": self.group_names}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            group_names=self.group_names,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form


SchemeItemFormSet = formset_factory(
    SchemeItemForm, formset=BaseSchemeItemFormSet, extra=1, can_delete=True, max_num=60, validate_max=True
)


# --- consequences (奖惩规则) ----------------------------------------------------------------------------------

CONDITION_CHOICES = [
    ("rank_bottom", _("Bottom of the ranking group")),
    ("rank_top", _("Top of the ranking group")),
    ("behind_schedule", _("Behind the schedule progress")),
    ("on_schedule", _("On the schedule progress")),
    ("completion_below", _("Completion below a share of the schedule progress")),
    ("completion_at_least", _("Completion of the task at least")),
    ("points_below", _("Points below")),
    ("points_at_least", _("Points at least")),
    ("consecutive_criticisms", _("Criticised in consecutive bulletins")),
    ("vetoed", _("Vetoed")),
    ("zero_achievement", _("Zero achievement")),
]
ACTION_CHOICES = [
    ("criticise", _("Criticise")),
    ("accountability_candidate", _("Accountability candidate")),
    ("referral", _("Referred to superior")),
    ("yellow_card", _("Yellow card")),
    ("barred", _("Barred from honours")),
    ("commend", _("Commend")),
    ("promotion", _("Promoted a grade")),
]


class ConsequenceRowForm(BootstrapForm, forms.Form):
    """One condition of a rule (``targets.consequence_rows.RuleRow``); the rows with one number are one rule."""

    rule = forms.IntegerField(label=_("Rule"), min_value=1, max_value=99)
    # A blank first choice, so a blank row left as it is stays unchanged (and is skipped).
    condition = forms.ChoiceField(label=_("Condition"), choices=[("", "—"), *CONDITION_CHOICES])
    parameter = forms.CharField(label=_("Parameter"), max_length=200, required=False)
    action = forms.ChoiceField(label=_("Action"), choices=[("", "—"), *ACTION_CHOICES], required=False)


ConsequenceFormSet = formset_factory(ConsequenceRowForm, extra=2, can_delete=True, max_num=60, validate_max=True)
