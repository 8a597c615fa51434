"""Resources on offer (招商资源, issue 19): land parcels, standard factories and idle or unfinished assets a township
or park offers investors, with photos and documents as evidence.

Every resource belongs to the unit that offers it. Everyone logged in reads every resource (they are the county's
offer); a reporter changes only their own unit's (``unit_write_q``), the bureau any. A resource taken by a project
points at it (``project``, a lazy reference: the ledger never imports this app)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.core import geo, limits
from zhaoshang.core.fields import ClockDateTimeField
from zhaoshang.core.permissions import RestrictedModel
from zhaoshang.organization.models import Unit

from .choices import AttachmentKind, FactoryStatus, IdleKind, IdleStatus, LandUse, ParcelStatus

MAX_FLOOR_AREA = Decimal("99999999.99")  # ㎡
MAX_PRICE = limits.MAX_AMOUNT
MAX_RENT = Decimal("9999.99")  # 元/㎡/月
MAX_LOAD = Decimal("999.99")  # kN/㎡
MU_IN_M2 = Decimal("666.67")  # 1 亩 in ㎡


def _between(low, high):
    return [MinValueValidator(low), MaxValueValidator(high)]


class Resource(RestrictedModel):
    """What the three kinds share: a name, the unit that offers it, where it is, the project that took it."""

    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="resource_%(class)ss")
    location = models.CharField(_("situated at"), max_length=200, blank=True)
    # Coordinates are bounded to China's extent (``core.geo``): a swapped latitude and longitude is refused.
    latitude = geo.latitude_field()
    longitude = geo.longitude_field()
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resource_%(class)ss",
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    created_at = ClockDateTimeField(auto_now_add=True)

    KIND = ""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("resources:detail", args=[self.KIND, self.pk])

    @classmethod
    def unit_scope_q(cls, unit_ids):
        return models.Q()  # the county's offer: everyone logged in reads every resource

    @classmethod
    def unit_write_q(cls, unit_ids):
        return models.Q(unit_id__in=unit_ids)


class LandParcel(Resource):
    number = models.CharField(_("parcel number"), max_length=50, blank=True)
    area_mu = models.DecimalField(
        _("area (mu)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(limits.MAX_LAND_AREA)],
    )
    land_use = models.CharField(_("land use"), max_length=12, choices=LandUse.choices, default=LandUse.INDUSTRIAL)
    planning_conditions = models.TextField(
        _("planning conditions"),
        max_length=2000,
        blank=True,
        help_text=_("Plot ratio, building density, height limit, green ratio…"),
    )
    price = models.DecimalField(
        _("price (10k yuan per mu)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_between(0, MAX_PRICE),
    )
    status = models.CharField(_("status"), max_length=12, choices=ParcelStatus.choices, default=ParcelStatus.AVAILABLE)
    history = HistoricalRecords()

    KIND = "parcel"

    class Meta:
        ordering = ["unit__code", "number", "id"]
        indexes = [models.Index(fields=["status", "land_use", "area_mu"], name="parcel_status_use_area_idx")]
        verbose_name = _("land parcel")
        verbose_name_plural = _("land parcels")

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()


class Factory(Resource):
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_FLOOR_AREA)],
    )
    floors = models.PositiveSmallIntegerField(_("floors"), default=1, validators=_between(1, 100))
    floor_load = models.DecimalField(
        _("floor load (kN/m²)"), max_digits=6, decimal_places=2, null=True, blank=True, validators=_between(0, MAX_LOAD)
    )
    rent = models.DecimalField(
        _("rent (yuan per m² per month)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_between(0, MAX_RENT),
    )
    sale_price = models.DecimalField(
        _("sale price (10k yuan)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_between(0, MAX_PRICE),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=FactoryStatus.choices, default=FactoryStatus.AVAILABLE
    )
    history = HistoricalRecords()

    KIND = "factory"

    class Meta:
        ordering = ["unit__code", "name", "id"]
        verbose_name = _("standard factory")
        verbose_name_plural = _("standard factories")


class IdleAsset(Resource):
    kind = models.CharField(_("asset kind"), max_length=14, choices=IdleKind.choices, default=IdleKind.IDLE_FACTORY)
    owner = models.CharField(_("property owner"), max_length=200, blank=True)
    land_area_mu = models.DecimalField(
        _("land (mu)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_between(0, limits.MAX_LAND_AREA),
    )
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_between(0, MAX_FLOOR_AREA),
    )
    problem = models.TextField(_("problem"), max_length=2000, blank=True)
    disposal_plan = models.TextField(_("disposal plan"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=IdleStatus.choices, default=IdleStatus.TO_DISPOSE)
    history = HistoricalRecords()

    KIND = "idle"

    class Meta:
        ordering = ["unit__code", "name", "id"]
        verbose_name = _("idle asset")
        verbose_name_plural = _("idle assets")


def attachment_path(instance: Attachment, filename: str) -> str:
    # Stored under its checksum, like the ledger's evidence: a name never collides and never needs escaping.
    return f"resources/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(RestrictedModel):
    """A photo or document of one resource (exactly one of the three links is set)."""

    parcel = models.ForeignKey(LandParcel, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    factory = models.ForeignKey(Factory, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    idle_asset = models.ForeignKey(
        IdleAsset, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices, default=AttachmentKind.PHOTO)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = ClockDateTimeField(_("uploaded"), auto_now_add=True)
    history = HistoricalRecords()

    LINKS = ("parcel", "factory", "idle_asset")

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(parcel__isnull=False, factory__isnull=True, idle_asset__isnull=True)
                    | models.Q(parcel__isnull=True, factory__isnull=False, idle_asset__isnull=True)
                    | models.Q(parcel__isnull=True, factory__isnull=True, idle_asset__isnull=False)
                ),
                name="resource_attachment_one_resource",
            )
        ]
        verbose_name = _("resource attachment")
        verbose_name_plural = _("resource attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def resource(self):
        return self.parcel or self.factory or self.idle_asset

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES

    def get_absolute_url(self) -> str:
        return reverse("resources:attachment", args=[self.pk])

    @classmethod
    def unit_scope_q(cls, unit_ids):
        return models.Q()

    @classmethod
    def unit_write_q(cls, unit_ids):
        return (
            models.Q(parcel__unit_id__in=unit_ids)
            | models.Q(factory__unit_id__in=unit_ids)
            | models.Q(idle_asset__unit_id__in=unit_ids)
        )


IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
KINDS = {"parcel": LandParcel, "factory": Factory, "idle": IdleAsset}
LINK_OF = {"parcel": "parcel", "factory": "factory", "idle": "idle_asset"}
