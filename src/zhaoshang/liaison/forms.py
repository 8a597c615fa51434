from __future__ import annotations

from django import forms
from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.forms import BootstrapForm, date_input
from zhaoshang.organization import access
from zhaoshang.organization.choices import Category
from zhaoshang.organization.models import Unit
from zhaoshang.projects.choices import Industry
from zhaoshang.projects.forms import clean_credit_code

from . import selectors
from .choices import DemandCategory, DemandStatus, EnterpriseSize, Satisfaction
from .models import Demand, Enterprise, Visit

DEPARTMENT_CATEGORIES = (Category.DEPARTMENT, Category.VERTICAL)


def departments():
    """The units a demand may be assigned to: the county's departments (and vertical ones)."""
    return Unit.objects.filter(active=True, category__in=DEPARTMENT_CATEGORIES).order_by("code")


def _own_units(user, queryset):
    """A reporter chooses only among their units; the bureau among all."""
    if user is not None and not access.edits_everything(user):
        queryset = queryset.filter(pk__in=access.unit_ids(user))
    return queryset


def _persons(user):
    person = apps.get_model("persons", "Person")
    return person.objects.restrict(user).filter(active=True).select_related("unit").order_by("unit__code", "name")


class EnterpriseForm(BootstrapForm, forms.ModelForm):
    # Longer than a code: a code typed with spaces or in full width is normalised before it is checked.
    credit_code = forms.CharField(label=_("unified social credit code"), max_length=40, required=False)

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "credit_code",
            "unit",
            "industry",
            "size",
            "address",
            "latitude",
            "longitude",
            "contact_name",
            "contact_phone",
            "investor",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(active=True).exclude(category=Category.JURISDICTION).order_by("code")
        self.fields["unit"].queryset = _own_units(user, units)
        if not self.instance.pk and user is not None and access.is_reporter(user) and user.unit_id:
            self.fields["unit"].initial = user.unit_id
        investor = apps.get_model("projects", "Investor")
        self.fields["investor"].queryset = investor.objects.order_by("name")

    def clean_credit_code(self):
        return clean_credit_code(self.cleaned_data.get("credit_code")) or None


class LiaisonForm(BootstrapForm, forms.Form):
    cadre = forms.ModelChoiceField(label=_("liaison cadre"), queryset=None)
    since = forms.DateField(label=_("since"), widget=date_input())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = _persons(user)


class VisitForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = Visit
        fields = ["date", "visitors", "cadre", "raised"]
        widgets = {"date": date_input(), "raised": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = _persons(user)


class DemandForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = Demand
        fields = ["category", "description", "department", "visit", "raised_on", "deadline"]
        widgets = {
            "raised_on": date_input(),
            "deadline": date_input(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments()
        enterprise = enterprise or (self.instance.enterprise if self.instance.pk else None)
        visits = Visit.objects.filter(enterprise=enterprise) if enterprise else Visit.objects.none()
        self.fields["visit"].queryset = visits.order_by("-date", "-id")

    def clean(self):
        data = super().clean()
        raised, deadline = data.get("raised_on"), data.get("deadline")
        if raised and deadline and deadline < raised:
            self.add_error("deadline", _("The deadline cannot be before the day the demand was raised."))
        return data


class UpdateForm(BootstrapForm, forms.Form):
    date = forms.DateField(label=_("date"), widget=date_input())
    note = forms.CharField(label=_("progress"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(BootstrapForm, forms.Form):
    """The enterprise's answer when asked: satisfied or basically satisfied closes the demand out (销号),
    unsatisfied sends it back to in progress."""

    satisfaction = forms.ChoiceField(label=_("enterprise's satisfaction"), choices=Satisfaction.choices)
    satisfaction_note = forms.CharField(label=_("satisfaction note"), max_length=500, required=False)
    date = forms.DateField(label=_("date"), widget=date_input())


class EnterpriseFilterForm(BootstrapForm, forms.Form):
    unit = forms.ModelChoiceField(label=_("township or park"), queryset=Unit.objects.none(), required=False)
    industry = forms.ChoiceField(label=_("industry"), choices=[("", "—"), *Industry.choices], required=False)
    size = forms.ChoiceField(label=_("size"), choices=[("", "—"), *EnterpriseSize.choices], required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.exclude(category=Category.JURISDICTION).order_by("code")
        if user is not None and not access.reads_everything(user):
            units = units.filter(pk__in=access.unit_ids(user))
        self.fields["unit"].queryset = units


STATUS_CHOICES = [("", "—"), (selectors.PENDING, _("Open or in progress")), *DemandStatus.choices]
SATISFACTION_CHOICES = [
    ("", "—"),
    (selectors.ANSWERED, _("Answered")),
    (selectors.CONTENT, _("Satisfied or basically satisfied")),
    *Satisfaction.choices,
]


class DemandFilterForm(BootstrapForm, forms.Form):
    department = forms.ModelChoiceField(label=_("department handling it"), queryset=Unit.objects.none(), required=False)
    unit = forms.ModelChoiceField(label=_("township or park"), queryset=Unit.objects.none(), required=False)
    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("status"), choices=STATUS_CHOICES, required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    category = forms.ChoiceField(label=_("category"), choices=[("", "—"), *DemandCategory.choices], required=False)
    satisfaction = forms.ChoiceField(label=_("enterprise's satisfaction"), choices=SATISFACTION_CHOICES, required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        used = Q(liaison_demands__isnull=False) | Q(active=True, category__in=DEPARTMENT_CATEGORIES)
        self.fields["department"].queryset = Unit.objects.filter(used).distinct().order_by("code")
        self.fields["unit"].queryset = Unit.objects.exclude(category=Category.JURISDICTION).order_by("code")
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(user)


class ImportForm(BootstrapForm, forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))
