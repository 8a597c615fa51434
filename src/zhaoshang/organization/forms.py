from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.forms import BootstrapForm

from .models import Unit, User


class UnitForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "parent", "category", "tier", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Unit.objects.order_by("code")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents


class UserForm(BootstrapForm, forms.ModelForm):
    password = forms.CharField(
        label=_("new password"),
        widget=forms.PasswordInput,
        required=False,
        help_text=_("Leave empty to keep the current password."),
    )

    class Meta:
        model = User
        fields = ["username", "display_name", "email", "phone", "unit", "role", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(active=True).order_by("code")
        if self.instance.pk is None:
            # A new account needs a password: a blank one would create an account nobody chose a password for.
            self.fields["password"].required = True
            self.fields["password"].help_text = ""

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if password:
            validate_password(password, self.instance)
        return password
