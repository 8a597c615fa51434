from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.forms import BootstrapForm, date_input

from .models import ApiToken


class TokenForm(BootstrapForm, forms.Form):
    name = forms.CharField(label=_("name"), max_length=80, help_text=_("What the token is for, e.g. a report script."))
    days = forms.IntegerField(
        label=_("valid for (days)"), min_value=ApiToken.MIN_DAYS, max_value=ApiToken.MAX_DAYS, initial=90
    )


class OtpForm(BootstrapForm, forms.Form):
    code = forms.RegexField(
        label=_("6-digit code"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits shown by the authenticator app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class LoginLogFilter(BootstrapForm, forms.Form):
    username = forms.CharField(label=_("user name"), required=False)
    day = forms.DateField(label=_("date"), required=False, widget=date_input())
