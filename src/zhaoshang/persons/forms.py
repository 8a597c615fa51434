from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.forms import BootstrapForm
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit, User

from .choices import Level
from .models import Person


class PersonForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "unit", "post", "level", "user", "active"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(active=True).order_by("code")
        if user is not None and access.is_reporter(user):
            units = units.filter(pk__in=access.unit_ids(user))
            # Accounts are the administrators' to link.
            del self.fields["user"]
        else:
            self.fields["user"].queryset = User.objects.filter(is_active=True).order_by("username")
        self.fields["unit"].queryset = units


class PersonFilterForm(BootstrapForm, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    level = forms.ChoiceField(label=_("level"), choices=[("", "—"), *Level.choices], required=False)


class TargetsForm(BootstrapForm, forms.Form):
    """A period's target per level (number of projects introduced and signed); blank: none."""

    def __init__(self, *args, per_level=None, **kwargs):
        super().__init__(*args, **kwargs)
        per_level = per_level or {}
        for value, label in Level.choices:
            self.fields[f"level_{value}"] = forms.DecimalField(
                label=label,
                required=False,
                min_value=0,
                max_digits=6,
                decimal_places=2,
                initial=per_level.get(value),
                # Added after BootstrapForm styled the declared fields: styled here.
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}),
            )

    def per_level(self):
        return {value: self.cleaned_data.get(f"level_{value}") for value in Level.values}
