"""The small forms of the name tables page (名称对照): an alias for a unit or a person, a status word."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.forms import BootstrapForm
from zhaoshang.organization.models import Unit
from zhaoshang.persons.models import Person
from zhaoshang.projects.choices import STAGE_WORD_TARGETS


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.unit.name}）"


class UnitAliasForm(BootstrapForm, forms.Form):
    alias = forms.CharField(label=_("Name as written"), max_length=100)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="unit", **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(active=True).order_by("code")


class PersonAliasForm(BootstrapForm, forms.Form):
    alias = forms.CharField(label=_("Name as written"), max_length=50)
    person = PersonChoiceField(label=_("Person"), queryset=Person.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="person", **kwargs)
        self.fields["person"].queryset = Person.objects.filter(active=True).select_related("unit").order_by("name")


class StageWordForm(BootstrapForm, forms.Form):
    word = forms.CharField(label=_("Status word"), max_length=30)
    target = forms.ChoiceField(label=_("Means"), choices=STAGE_WORD_TARGETS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="word", **kwargs)
