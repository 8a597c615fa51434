from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.core import geo

KINDS = ("parcel", "factory", "idle", "project", "enterprise")


class BoundaryForm(forms.Form):
    county = forms.CharField(label=_("county"), max_length=100)
    file = forms.FileField(
        label=_("township boundaries (GeoJSON)"),
        help_text=_(
            "A FeatureCollection of Polygons or MultiPolygons in degrees, each region named (name, NAME, "
            "XZQMC or 乡镇名称); at most 20 MB."
        ),
    )


class PlaceForm(forms.Form):
    # "kind:id", the value of the map's list of records without a position (``selectors.unplaced``).
    record = forms.CharField(label=_("record"), max_length=40)
    latitude = forms.DecimalField(
        label=_("latitude"),
        max_digits=9,
        decimal_places=6,
        min_value=geo.LATITUDE[0],
        max_value=geo.LATITUDE[1],
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "0.000001"}),
    )
    longitude = forms.DecimalField(
        label=_("longitude"),
        max_digits=9,
        decimal_places=6,
        min_value=geo.LONGITUDE[0],
        max_value=geo.LONGITUDE[1],
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "0.000001"}),
    )

    def clean_record(self):
        kind, _sep, pk = self.cleaned_data["record"].partition(":")
        if kind not in KINDS or not pk.isdigit() or not 0 < int(pk) < 2**31:
            raise forms.ValidationError(_("Choose a record from the list."))
        return kind, int(pk)
