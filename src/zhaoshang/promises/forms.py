from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhaoshang.core import limits
from zhaoshang.core.forms import BootstrapForm, date_input
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit
from zhaoshang.projects.models import Investor, Project

from .choices import ComplaintChannel, ComplaintStatus, InvestorAnswer, PromiseKind, PromiseStatus
from .models import Complaint, Promise


def _departments(user):
    units = Unit.objects.filter(active=True).order_by("code")
    if user is not None and not access.edits_everything(user):
        # A reporter records only for their own unit (and its sub-units).
        units = units.filter(pk__in=access.unit_ids(user))
    return units


class _EntryForm(BootstrapForm, forms.ModelForm):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["investor"].queryset = Investor.objects.order_by("name")
        self.fields["project"].queryset = Project.objects.restrict(user).order_by("code")
        self.fields["department"].queryset = _departments(user)
        if not self.instance.pk and user is not None and access.is_reporter(user) and user.unit_id:
            self.fields["department"].initial = user.unit_id


class PromiseForm(_EntryForm):
    class Meta:
        model = Promise
        fields = ["investor", "project", "kind", "content", "amount", "department", "promised_on", "due_on"]
        widgets = {"promised_on": date_input(), "due_on": date_input(), "content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        amount = self.fields["amount"]
        amount.min_value, amount.max_value = 0, limits.MAX_AMOUNT
        amount.widget.attrs.update(min=0, max=str(limits.MAX_AMOUNT), step="0.01")

    def clean(self):
        data = super().clean()
        promised, due = data.get("promised_on"), data.get("due_on")
        if promised and due and due < promised:
            self.add_error("due_on", _("The due date is before the day the promise was made."))
        return data


class ComplaintForm(_EntryForm):
    class Meta:
        model = Complaint
        fields = ["investor", "project", "received_on", "channel", "content", "department", "deadline"]
        widgets = {"received_on": date_input(), "deadline": date_input(), "content": forms.Textarea(attrs={"rows": 3})}


class DeliverForm(BootstrapForm, forms.Form):
    delivered_on = forms.DateField(label=_("delivered on"), widget=date_input())
    proof = forms.FileField(label=_("proof of delivery"))
    delivery_note = forms.CharField(
        label=_("delivery note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CancelForm(BootstrapForm, forms.Form):
    note = forms.CharField(label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(BootstrapForm, forms.Form):
    outcome = forms.CharField(
        label=pgettext_lazy("complaint", "outcome"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class InvestorAnswerForm(BootstrapForm, forms.Form):
    investor_answer = forms.ChoiceField(label=_("investor's answer"), choices=InvestorAnswer.choices)
    deadline = forms.DateField(
        label=_("new deadline"),
        required=False,
        widget=date_input(),
        help_text=_("When the investor is unsatisfied: the complaint goes back to the department."),
    )


def _departments_filter(user):
    units = Unit.objects.order_by("code")
    if user is not None and not access.reads_everything(user):
        units = units.filter(pk__in=access.unit_ids(user))
    return units


class PromiseFilterForm(BootstrapForm, forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=[("", "—"), *PromiseStatus.choices], required=False)
    overdue = forms.BooleanField(label=_("overdue only"), required=False)
    department = forms.ModelChoiceField(label=_("department"), queryset=Unit.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("kind of promise"), choices=[("", "—"), *PromiseKind.choices], required=False)
    q = forms.CharField(label=_("investor"), required=False, max_length=100)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments_filter(user)


class ComplaintFilterForm(BootstrapForm, forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=[("", "—"), *ComplaintStatus.choices], required=False)
    overdue = forms.BooleanField(label=_("overdue only"), required=False)
    department = forms.ModelChoiceField(label=_("department"), queryset=Unit.objects.none(), required=False)
    channel = forms.ChoiceField(label=_("received by"), choices=[("", "—"), *ComplaintChannel.choices], required=False)
    q = forms.CharField(label=_("investor"), required=False, max_length=100)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments_filter(user)


class ImportForm(BootstrapForm, forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))
