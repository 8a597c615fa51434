from django import forms

from zhaoshang.core.forms import BootstrapForm
from zhaoshang.organization.models import Unit

from .models import ChainLink, IndustryChain, LocalEnterprise, TargetEnterprise


class ChainForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = IndustryChain
        fields = ["name", "unit", "order", "active", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class LinkForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = ChainLink
        fields = ["name", "position", "order", "note"]


class LocalForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = LocalEnterprise
        fields = ["link", "name", "note"]

    def __init__(self, *args, chain=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["link"].queryset = chain.links.all() if chain else ChainLink.objects.none()


class TargetForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = TargetEnterprise
        fields = ["link", "name", "location", "unit", "reason"]

    def __init__(self, *args, chain=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["link"].queryset = chain.links.all() if chain else ChainLink.objects.none()
        self.fields["unit"].queryset = Unit.objects.filter(active=True).order_by("code")


class ContactForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = TargetEnterprise
        fields = ["status", "contact_note"]
