"""The 水分 report's choice of subject: an assessment period or a supervision batch, as of a date."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.forms import BootstrapForm, date_input
from zhaoshang.supervision.models import SupervisionBatch
from zhaoshang.targets.models import Period


class WaterForm(BootstrapForm, forms.Form):
    period = forms.ModelChoiceField(label=_("assessment period"), queryset=Period.objects.all(), required=False)
    batch = forms.ModelChoiceField(
        label=_("supervision batch"), queryset=SupervisionBatch.objects.none(), required=False
    )
    as_of = forms.DateField(label=_("as of"), required=False, widget=date_input())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = SupervisionBatch.objects.restrict(user, "view")

    def clean(self):
        data = super().clean()
        if data.get("period") and data.get("batch"):
            raise forms.ValidationError(_("Choose a period or a batch, not both."))
        return data
