from django.db import models
from django.utils.translation import gettext_lazy as _


class LandUse(models.TextChoices):
    INDUSTRIAL = "industrial", _("Industrial land")
    COMMERCIAL = "commercial", _("Commercial land")
    WAREHOUSING = "warehousing", _("Warehousing and logistics land")
    MIXED = "mixed", _("Mixed-use land")
    OTHER = "other", _("Other land")


class ParcelStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    RESERVED = "reserved", _("Reserved")
    SUPPLIED = "supplied", _("Supplied")


class FactoryStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    RESERVED = "reserved", _("Reserved")
    LET_OR_SOLD = "let_or_sold", _("Let or sold")


class IdleKind(models.TextChoices):
    UNFINISHED_BUILDING = "unfinished", _("Unfinished building")
    IDLE_FACTORY = "idle_factory", _("Idle factory")
    CLOSED_ENTERPRISE = "closed", _("Closed enterprise")
    STOCK_LAND = "stock_land", _("Unused stock land")
    HALTED_PROJECT = "halted", _("Half-finished project")
    OTHER = "other", _("Other asset")


class IdleStatus(models.TextChoices):
    TO_DISPOSE = "to_dispose", _("To be disposed of")
    IN_DISPOSAL = "in_disposal", _("In disposal")
    DISPOSED = "disposed", _("Disposed of")


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Document")


# The statuses that tie a resource to the project that took it (the status change requires the project).
TAKEN_STATUSES = frozenset({ParcelStatus.SUPPLIED, FactoryStatus.LET_OR_SOLD})
AVAILABLE = "available"
