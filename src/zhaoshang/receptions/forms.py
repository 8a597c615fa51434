from __future__ import annotations

import datetime as dt

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.forms import BootstrapForm, date_input
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit

from .choices import ReceptionKind
from .models import Reception

# The model's bounds (its validators), said again for the browser's number inputs.
BATCHES = (1, 100)
PERSONS = (0, 1000)


class ReceptionForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = Reception
        fields = [
            "kind",
            "unit",
            "date",
            "end_date",
            "place",
            "companies",
            "our_people",
            "our_persons",
            "investors",
            "leads",
            "batches",
            "persons",
            "purpose",
            "outcome",
            "follow_up",
        ]
        widgets = {
            "date": date_input(),
            "end_date": date_input(),
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "our_persons": forms.SelectMultiple(attrs={"size": 5}),
            "investors": forms.SelectMultiple(attrs={"size": 5}),
            "leads": forms.SelectMultiple(attrs={"size": 5}),
        }
        labels = {"kind": _("reception or trip"), "persons": _("number of persons")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(active=True).order_by("code")
        if user is not None and access.is_reporter(user):
            # A reporter records only for their unit (and its sub-units).
            units = units.filter(pk__in=access.unit_ids(user))
            if not self.instance.pk and user.unit_id:
                self.fields["unit"].initial = user.unit_id
        self.fields["unit"].queryset = units
        for name, (low, high) in (("batches", BATCHES), ("persons", PERSONS)):
            field = self.fields[name]
            field.min_value, field.max_value = low, high
            field.widget.attrs.update(min=low, max=high)
        person = apps.get_model("persons", "Person")
        lead = apps.get_model("leads", "Lead")
        investor = apps.get_model("projects", "Investor")
        self.fields["our_persons"].queryset = person.objects.restrict(user).filter(active=True).order_by("name")
        self.fields["investors"].queryset = investor.objects.order_by("name")
        self.fields["leads"].queryset = lead.objects.restrict(user).order_by("company", "pk")

    def clean_batches(self):
        return _within(self.cleaned_data.get("batches"), *BATCHES)

    def clean_persons(self):
        return _within(self.cleaned_data.get("persons"), *PERSONS)

    def clean(self):
        data = super().clean()
        start, end = data.get("date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day cannot be before the first."))
        return data


def _within(value, low: int, high: int):
    if value is not None and not low <= value <= high:
        raise forms.ValidationError(
            _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}, code="bounds"
        )
    return value


class ReceptionFilterForm(BootstrapForm, forms.Form):
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("reception or trip"), choices=[("", "—"), *ReceptionKind.choices], required=False)
    month = forms.CharField(
        label=_("month"), required=False, widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-01"})
    )
    date_from = forms.DateField(label=_("from"), required=False, widget=date_input())
    date_to = forms.DateField(label=_("to"), required=False, widget=date_input())
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.order_by("code")
        if user is not None and not access.reads_everything(user):
            units = units.filter(pk__in=access.unit_ids(user))
        self.fields["unit"].queryset = units

    def clean_month(self):
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        try:
            return dt.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."), code="invalid") from None


class ImportForm(BootstrapForm, forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))
