from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.forms import BootstrapForm
from zhaoshang.organization.choices import Category
from zhaoshang.organization.models import Unit
from zhaoshang.persons.models import Person
from zhaoshang.projects.models import StewardRule

# What a county leader answers for: townships and sectors (departments, parks).
LINKABLE = (Category.TOWNSHIP, Category.DEPARTMENT, Category.VERTICAL, Category.PARK, Category.JURISDICTION)


class LinksForm(BootstrapForm, forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("linked townships and sectors"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(active=True, category__in=LINKABLE).order_by("code")


class HeadForm(BootstrapForm, forms.Form):
    person = forms.ModelChoiceField(label=_("Head"), queryset=Person.objects.none(), required=False)

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(unit=unit, active=True).order_by("name")


class RuleForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = StewardRule
        fields = ["threshold", "default_stewards", "leader_required"]
