from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.forms import BootstrapForm
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit
from zhaoshang.projects.choices import Industry

from .choices import OpportunityStatus
from .models import Opportunity


def _units_for(user):
    units = Unit.objects.filter(active=True).order_by("code")
    if user is not None and not access.edits_everything(user):
        units = units.filter(pk__in=access.unit_ids(user))
    return units


class OpportunityForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = Opportunity
        fields = [
            "title",
            "unit",
            "industry",
            "industry_chain",
            "investment",
            "land_area",
            "site",
            "description",
            "conditions",
            "contact_name",
            "contact_phone",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "conditions": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = _units_for(user)
        self.fields["unit"].queryset = units
        if self.instance.pk is None and user is not None and access.is_reporter(user):
            self.fields["unit"].initial = user.unit_id
        for name in ("investment", "land_area"):
            self.fields[name].min_value = 0


class OpportunityFilterForm(BootstrapForm, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("status"), choices=[("", "—"), *OpportunityStatus.choices], required=False)
    industry = forms.ChoiceField(label=_("industry"), choices=[("", "—"), *Industry.choices], required=False)
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)
    min_investment = forms.DecimalField(
        label=_("investment from (10k yuan)"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    max_investment = forms.DecimalField(
        label=_("investment to (10k yuan)"), required=False, min_value=0, max_digits=16, decimal_places=2
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(active=True).order_by("code")
        self.fields["unit"].empty_label = "—"


class LandedForm(BootstrapForm, forms.Form):
    project = forms.ModelChoiceField(label=_("project it became"), queryset=None)

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class ImportForm(BootstrapForm, forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))
