from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.forms import BootstrapForm
from zhaoshang.organization.models import Unit

from . import services
from .choices import AttachmentKind, IdleKind, LandUse
from .models import KINDS

TEXTAREA = forms.Textarea(attrs={"rows": 3})


def resource_form_class(kind: str):
    """The ModelForm of a kind: its editable fields (status and project change through the status form)."""
    model = KINDS[kind]
    fields = list(services.EDITABLE[kind])
    widgets = {name: TEXTAREA for name in ("note", "planning_conditions", "problem", "disposal_plan") if name in fields}

    class ResourceForm(BootstrapForm, forms.ModelForm):
        class Meta:
            pass

        Meta.model = model
        Meta.fields = fields
        Meta.widgets = widgets

        def __init__(self, *args, user=None, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["unit"].queryset = services.units_for(user)
            if (
                self.instance.pk is None
                and user is not None
                and user.unit_id
                and len(self.fields["unit"].queryset) == 1
            ):
                self.fields["unit"].initial = user.unit_id

    ResourceForm.__name__ = f"{model.__name__}Form"
    return ResourceForm


class StatusForm(BootstrapForm, forms.Form):
    status = forms.ChoiceField(label=_("status"))
    project = forms.ModelChoiceField(label=_("project"), queryset=None, required=False)
    reason = forms.CharField(label=_("reason"), max_length=100, required=False)

    def __init__(self, *args, resource=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = type(resource)._meta.get_field("status").choices
        self.fields["project"].queryset = services.projects_for(user)
        self.fields["project"].help_text = _("Required when the resource is supplied, let or sold.")


class AttachmentForm(BootstrapForm, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=AttachmentKind.choices)
    file = forms.FileField(label=_("file"))


class FilterForm(BootstrapForm, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)
    status = forms.ChoiceField(label=_("status"), required=False)
    land_use = forms.ChoiceField(label=_("land use"), choices=[("", "—"), *LandUse.choices], required=False)
    idle_kind = forms.ChoiceField(label=_("asset kind"), choices=[("", "—"), *IdleKind.choices], required=False)
    area_min = forms.DecimalField(label=_("area from"), required=False, min_value=0, max_digits=14, decimal_places=2)
    area_max = forms.DecimalField(label=_("area to"), required=False, min_value=0, max_digits=14, decimal_places=2)
    price_min = forms.DecimalField(label=_("price from"), required=False, min_value=0, max_digits=16, decimal_places=2)
    price_max = forms.DecimalField(label=_("price to"), required=False, min_value=0, max_digits=16, decimal_places=2)

    def __init__(self, *args, kind="parcel", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(active=True).order_by("code")
        self.fields["unit"].empty_label = "—"
        self.fields["status"].choices = [("", "—"), *KINDS[kind]._meta.get_field("status").choices]
        if kind != "parcel":
            del self.fields["land_use"]
        if kind != "idle":
            del self.fields["idle_kind"]
        if kind == "idle":
            del self.fields["price_min"], self.fields["price_max"]
        unit = {"parcel": _("mu"), "factory": _("m²"), "idle": _("mu")}[kind]
        self.fields["area_min"].label = f"{_('area from')}（{unit}）"
        self.fields["area_max"].label = f"{_('area to')}（{unit}）"
        if kind in ("parcel", "factory"):
            price_unit = _("10k yuan per mu") if kind == "parcel" else _("yuan per m² per month")
            self.fields["price_min"].label = f"{_('price from')}（{price_unit}）"
            self.fields["price_max"].label = f"{_('price to')}（{price_unit}）"


class MatchForm(BootstrapForm, forms.Form):
    area_min = forms.DecimalField(
        label=_("area from (mu)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    area_max = forms.DecimalField(label=_("area to (mu)"), required=False, min_value=0, max_digits=14, decimal_places=2)
    land_use = forms.ChoiceField(label=_("land use"), choices=[("", "—"), *LandUse.choices], required=False)
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(active=True).order_by("code")
        self.fields["unit"].empty_label = "—"


class ImportForm(BootstrapForm, forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))
