from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.core import clock
from zhaoshang.core.forms import BootstrapForm, bound, date_input
from zhaoshang.organization.models import Unit

from .choices import Method, RectificationStatus, Result
from .services import default_batch_name, quarter_of


class BatchForm(BootstrapForm, forms.Form):
    name = forms.CharField(label=_("name"), max_length=200, required=False)
    start = forms.DateField(label=_("start date"), widget=date_input())
    end = forms.DateField(label=_("end date"), widget=date_input())
    method = forms.ChoiceField(label=_("selection method"), choices=Method.choices, widget=forms.RadioSelect)
    min_amount = forms.DecimalField(
        label=_("minimum planned investment (10k yuan)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=16,
        decimal_places=2,
    )
    units = forms.ModelMultipleChoiceField(
        label=_("chosen units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Their sub-units' projects are included."),
    )
    sample_size = forms.IntegerField(label=_("sample size"), required=False, min_value=1)
    seed = forms.IntegerField(
        label=_("random seed"),
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text=_(
            "Leave empty for a new random seed; the seed is recorded, and the same seed gives the same sample."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(active=True).exclude(category="jurisdiction")
        self.fields["method"].widget.attrs["class"] = "form-check-input"
        if not self.is_bound:
            start, end = quarter_of(clock.today())
            self.initial.setdefault("start", start)
            self.initial.setdefault("end", end)
            self.initial.setdefault("name", default_batch_name(start))
            self.initial.setdefault("method", Method.THRESHOLD)

    def clean(self):
        data = super().clean()
        method = data.get("method")
        if method == Method.THRESHOLD and data.get("min_amount") is None:
            self.add_error("min_amount", _("Give the minimum planned investment (0 or more)."))
        if method == Method.UNITS and not data.get("units"):
            self.add_error("units", _("Choose at least one unit."))
        if method == Method.SAMPLE and not data.get("sample_size"):
            self.add_error("sample_size", _("The sample size must be at least 1."))
        return data


class VerifyForm(forms.Form):
    """The compact form on each row of a batch: the result, corrected figures and the comment."""

    kind = forms.ChoiceField(choices=[("event", "event"), ("receipt", "receipt")], widget=forms.HiddenInput)
    object_id = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("result"), choices=Result.choices)
    amount = forms.DecimalField(label=_("corrected amount (10k yuan)"), required=False, max_digits=16, decimal_places=2)
    date = forms.DateField(label=_("corrected date"), required=False, widget=date_input())
    comment = forms.CharField(label=_("comment"), required=False, max_length=2000)
    deadline = forms.DateField(label=_("deadline"), required=False, widget=date_input())
    version = forms.CharField(widget=forms.HiddenInput, required=False)  # core.optimistic

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound(self)


class ExplanationForm(BootstrapForm, forms.Form):
    explanation = forms.CharField(
        label=_("what was corrected"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class ReviewForm(BootstrapForm, forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"), choices=[("close", _("Close: corrected")), ("reopen", _("Reopen: not corrected"))]
    )
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DeadlineForm(BootstrapForm, forms.Form):
    deadline = forms.DateField(label=_("deadline"), widget=date_input())


class RectificationFilterForm(BootstrapForm, forms.Form):
    status = forms.ChoiceField(
        label=_("status"), choices=[("", _("All")), *RectificationStatus.choices], required=False
    )
    overdue = forms.BooleanField(label=_("overdue only"), required=False)
