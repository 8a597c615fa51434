"""Forms of the bureau's review of double claims."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.organization.models import Unit

from .choices import PairStatus

DECIDED_CHOICES = [("", _("All decisions"))] + [(c.value, c.label) for c in PairStatus if c != PairStatus.OPEN]


class PairFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("decision"), choices=DECIDED_CHOICES, required=False)
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.order_by("code"), required=False)
    min_score = forms.DecimalField(
        label=_("score at least"), min_value=Decimal("0"), max_value=Decimal("1"), decimal_places=3, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")
        self.fields["min_score"].widget.attrs.update({"class": "form-control form-control-sm", "step": "0.05"})


def _project_choices(projects):
    return [(str(p.pk), f"{p.code} {p.name}") for p in projects]


NOTE_WIDGET = {"class": "form-control form-control-sm"}


class DifferentForm(forms.Form):
    note = forms.CharField(label=_("note"), max_length=500, required=False, widget=forms.TextInput(attrs=NOTE_WIDGET))


class PhaseForm(forms.Form):
    earlier = forms.ChoiceField(label=_("earlier phase"), widget=forms.RadioSelect)
    note = forms.CharField(label=_("note"), max_length=500, required=False, widget=forms.TextInput(attrs=NOTE_WIDGET))

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["earlier"].choices = _project_choices(projects)


class MergeForm(forms.Form):
    """The project kept and a share for every unit credited to either project (0 removes the unit)."""

    kept = forms.ChoiceField(label=_("project kept"), widget=forms.RadioSelect)
    note = forms.CharField(label=_("note"), max_length=500, required=False, widget=forms.TextInput(attrs=NOTE_WIDGET))
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, projects, share_rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kept"].choices = _project_choices(projects)
        self.units = [unit for unit, _share in share_rows]
        for unit, share in share_rows:
            self.fields[f"share_{unit.pk}"] = forms.DecimalField(
                label=f"{unit.code} {unit.name}",
                initial=share,
                min_value=Decimal("0"),
                max_value=Decimal("100"),
                decimal_places=2,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "0.01"}),
            )

    def share_fields(self):
        return [self[f"share_{unit.pk}"] for unit in self.units]

    def shares(self) -> list[tuple[Unit, Decimal]]:
        return [(unit, self.cleaned_data[f"share_{unit.pk}"]) for unit in self.units]
