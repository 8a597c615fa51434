from __future__ import annotations

from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.forms import BootstrapForm, date_input
from zhaoshang.organization.choices import Category, Tier
from zhaoshang.organization.models import Unit
from zhaoshang.projects.choices import Industry, Kind, Stage

from .choices import AmountField, IndicatorKind
from .models import Period

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
            "floor_amount",
            "usd_rate",
            "score_cap",
            "criticise_beyond_third",
            "yellow_card_ratio",
            "half_time_check",
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
