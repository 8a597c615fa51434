from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.forms import BootstrapForm, date_input
from zhaoshang.projects.choices import AttachmentKind, Stage

from .choices import DEPARTMENT_STATUSES, ItemStatus
from .selectors import department_choices


class IntegerListField(forms.CharField):
    """ "12, 27" ↔ [12, 27] (commas, Chinese commas or spaces between the numbers)."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(number) for number in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        parts = [part for part in re.split(r"[\s,，、;；]+", text or "") if part]
        try:
            return [int(part) for part in parts]
        except ValueError:
            raise forms.ValidationError(_("Enter whole numbers separated by commas.")) from None


def stage_field(label, **kwargs):
    return forms.MultipleChoiceField(label=label, choices=Stage.choices, widget=forms.CheckboxSelectMultiple, **kwargs)


class StagesMixin:
    """Bootstrap's checkbox class on the stage boxes (``bootstrap()`` gives other widgets "form-control")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stages"].widget.attrs["class"] = "form-check-input"


class ConfigForm(StagesMixin, BootstrapForm, forms.Form):
    days_of_month = IntegerListField(label=_("scheduling days of the month"), help_text=_("For example: 12, 27"))
    stages = stage_field(_("stages reported on"))
    stalled_after_days = forms.IntegerField(label=_("stalled after (days)"), min_value=1, max_value=3650)
    reminder_offsets = IntegerListField(
        label=_("reminders (days before)"), required=False, help_text=_("For example: 3, 1")
    )
    item_deadline_days = forms.IntegerField(label=_("coordination deadline (days)"), min_value=1, max_value=365)


class PlanMonthForm(BootstrapForm, forms.Form):
    month = forms.CharField(label=_("month"), widget=forms.TextInput(attrs={"type": "month"}), help_text=_("YYYY-MM"))

    def clean_month(self):
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", self.cleaned_data["month"].strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."))
        return int(match[1]), int(match[2])


class OpenRoundForm(StagesMixin, BootstrapForm, forms.Form):
    date = forms.DateField(label=_("due date"), widget=date_input())
    stages = stage_field(_("stages reported on"))


class MoveRoundForm(BootstrapForm, forms.Form):
    new_date = forms.DateField(label=_("new date"), widget=date_input())
    reason = forms.CharField(label=_("reason"), max_length=300)


class ReportForm(BootstrapForm, forms.Form):
    version = forms.CharField(widget=forms.HiddenInput, required=False)  # core.optimistic
    progress = forms.CharField(
        label=_("progress since the last round"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    stage_reached = forms.ChoiceField(
        label=_("stage reached"), choices=[("", _("(no change)")), *Stage.choices], required=False
    )
    stage_date = forms.DateField(
        label=_("date stage reached"), widget=date_input(), required=False, help_text=_("Today when left empty.")
    )
    contract_amount = forms.DecimalField(
        label=_("contract amount (10k yuan)"),
        max_digits=16,
        decimal_places=2,
        required=False,
        min_value=Decimal("0"),
        help_text=_("Required when the project is signed."),
    )
    investment_completed = forms.DecimalField(
        label=_("investment completed this period (10k yuan)"),
        max_digits=16,
        decimal_places=2,
        required=False,
        min_value=Decimal("0"),
    )
    export_earnings = forms.DecimalField(
        label=_("export earnings this period (10k USD)"),
        max_digits=16,
        decimal_places=2,
        required=False,
        min_value=Decimal("0"),
    )
    percent_done = forms.IntegerField(label=_("construction done (%)"), min_value=0, max_value=100, required=False)
    next_steps = forms.CharField(label=_("next steps"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    problems = forms.CharField(
        label=_("problems to coordinate"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Each report's problems become a coordination item for a responsible department."),
    )
    evidence = forms.FileField(label=_("evidence file"), required=False)
    evidence_kind = forms.ChoiceField(
        label=_("kind of evidence"), choices=AttachmentKind.choices, initial=AttachmentKind.OTHER, required=False
    )

    DATA_FIELDS = (
        "progress",
        "stage_reached",
        "stage_date",
        "contract_amount",
        "investment_completed",
        "export_earnings",
        "percent_done",
        "next_steps",
        "problems",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("contract_amount", "investment_completed", "export_earnings"):
            self.fields[name].widget.attrs.update(min="0", step="0.01")

    def report_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.DATA_FIELDS}


class ReturnForm(BootstrapForm, forms.Form):
    comment = forms.CharField(label=_("what needs correcting"), widget=forms.Textarea(attrs={"rows": 2}))


class ItemForm(BootstrapForm, forms.Form):
    description = forms.CharField(label=_("problem"), widget=forms.Textarea(attrs={"rows": 3}))
    department = forms.ModelChoiceField(label=_("responsible department"), queryset=None, required=False)
    deadline = forms.DateField(label=_("deadline"), widget=date_input())
    status = forms.ChoiceField(label=_("status"), choices=ItemStatus.choices)
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = department_choices()


class ItemStatusForm(BootstrapForm, forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=[(s.value, s.label) for s in DEPARTMENT_STATUSES])
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}))


class StalledForm(BootstrapForm, forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500)
