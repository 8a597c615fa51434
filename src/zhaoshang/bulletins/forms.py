from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.forms import BootstrapForm, date_input
from zhaoshang.targets.models import Period

from .models import Bulletin, DocumentSettings


class MonthField(forms.CharField):
    """A month as YYYY-MM (the browser's month picker), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return dt.datetime.strptime(value.strip(), "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from None


class CreateForm(BootstrapForm, forms.Form):
    period = forms.ModelChoiceField(label=_("assessment period"), queryset=Period.objects.all())
    month = MonthField(label=_("month"))


class DraftForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = Bulletin
        fields = ["number", "title", "date", "as_of", "big_project_amount", "introducer_rewards", "requirements"]
        widgets = {
            "date": date_input(),
            "as_of": date_input(),
            "requirements": forms.Textarea(attrs={"rows": 8}),
        }


class DocumentSettingsForm(BootstrapForm, forms.ModelForm):
    """The masthead, signature and imprint; an empty field shows (and takes) its default as placeholder."""

    class Meta:
        model = DocumentSettings
        fields = ["masthead", "issuer", "printer"]

    def __init__(self, *args, defaults: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["placeholder"] = defaults[name]
