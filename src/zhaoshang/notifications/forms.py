from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.forms import BootstrapForm
from zhaoshang.organization.models import Unit

from .models import Webhook


class WebhookForm(BootstrapForm, forms.ModelForm):
    url = forms.URLField(label=_("webhook URL"), max_length=500, assume_scheme="https")
    # The secret is never sent back to the browser: left empty, the current one is kept.
    secret = forms.CharField(
        label=_("signing secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("DingTalk: the SEC… secret of 加签; Feishu: the secret of 签名校验. WeCom has none."),
    )
    clear_secret = forms.BooleanField(label=_("remove the secret"), required=False)

    class Meta:
        model = Webhook
        fields = ["unit", "name", "platform", "url", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(active=True).order_by("code")
        self.fields["unit"].empty_label = _("Bureau")
        if self.instance.pk and self.instance.secret:
            self.fields["secret"].help_text = _("A secret is set; leave empty to keep it.")
        elif not self.instance.pk:
            del self.fields["clear_secret"]

    def secret_value(self) -> str | None:
        """The secret to save: None keeps the current one."""
        if self.cleaned_data.get("clear_secret"):
            return ""
        return self.cleaned_data.get("secret") or None
