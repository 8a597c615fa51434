from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhaoshang.core import limits
from zhaoshang.core.forms import BootstrapForm
from zhaoshang.organization.models import Unit

from . import periods, rules, services
from .models import Indicator


def _bounded(field: forms.DecimalField, percentage: bool) -> None:
    maximum = rules.MAX_PERCENT if percentage else limits.MAX_AMOUNT
    field.min_value, field.max_value = 0, maximum
    field.validators += [MinValueValidator(0), MaxValueValidator(maximum)]
    field.widget.attrs.update(min=0, max=str(maximum), step="0.01")


class IndicatorForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "name",
            "unit",
            "direction",
            "target",
            "scope",
            "department",
            "frequency",
            "source",
            "description",
            "active",
            "position",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Unit.objects.filter(active=True).order_by("code")
        _bounded(self.fields["target"], percentage=False)

    def clean(self):
        data = super().clean()
        reason = rules.value_error(data.get("target"), data.get("unit") or "")
        if reason:
            self.add_error("target", reason)
        return data


class ValueForm(BootstrapForm, forms.Form):
    """A value of one indicator: the unit (per-department indicators), the period, the number, a note."""

    department = forms.ModelChoiceField(label=_("department"), queryset=Unit.objects.none())
    period = forms.CharField(label=pgettext_lazy("environment", "period"), max_length=20)
    value = forms.DecimalField(label=pgettext_lazy("environment", "value"), max_digits=16, decimal_places=2)
    note = forms.CharField(label=_("note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, indicator: Indicator, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        if indicator.per_department:
            units = services.departments_for(user, indicator)
            self.fields["department"].queryset = units
            if units.count() == 1:
                self.fields["department"].initial = units.first().pk
        else:
            del self.fields["department"]
        self.fields["period"].help_text = _("e.g. %(examples)s") % {"examples": periods.examples(indicator.frequency)}
        self.fields["value"].label = f"{self.fields['value'].label}（{indicator.unit}）"
        _bounded(self.fields["value"], percentage=indicator.is_percentage)

    def clean_period(self):
        try:
            return periods.parse(self.cleaned_data["period"], self.indicator.frequency)
        except periods.PeriodError as error:
            raise forms.ValidationError(str(error)) from None


class ValueEditForm(BootstrapForm, forms.Form):
    value = forms.DecimalField(label=pgettext_lazy("environment", "value"), max_digits=16, decimal_places=2)
    note = forms.CharField(label=_("note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].label = f"{self.fields['value'].label}（{indicator.unit}）"
        _bounded(self.fields["value"], percentage=indicator.is_percentage)


class ImportForm(BootstrapForm, forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))
