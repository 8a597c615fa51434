"""The county map (issue 19): the township boundaries the bureau uploads. The points drawn on them (resources,
projects, enterprises) keep their coordinates on their own records (``core.geo``'s fields).

Every upload is kept, with who uploaded it and when; the newest is drawn. The stored GeoJSON is the upload read
and rebuilt by ``boundaries.read`` (a name and the unit it matched, the polygons rounded to six decimals): nothing
else a file carried is ever served back."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.fields import ClockDateTimeField


class Boundary(models.Model):
    county = models.CharField(_("county"), max_length=100)
    filename = models.CharField(_("file name"), max_length=200)
    geojson = models.TextField(_("boundaries (GeoJSON)"))
    sha256 = models.CharField(max_length=64, editable=False)
    regions = models.PositiveIntegerField(_("regions"))
    matched = models.PositiveIntegerField(_("regions matched to units"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    uploaded_at = ClockDateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        get_latest_by = ["uploaded_at", "id"]
        verbose_name = _("township boundaries")
        verbose_name_plural = _("township boundaries")

    def __str__(self) -> str:
        return f"{self.county} ({self.filename})"

    @classmethod
    def current(cls) -> Boundary | None:
        return cls.objects.order_by("-uploaded_at", "-id").first()
