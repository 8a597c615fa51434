"""Coordinates, in one place (issue 19): the bounds a latitude and a longitude must keep, and the two model fields
that hold them, shared by resources, projects and enterprises so that the county map reads them all alike.

Coordinates are WGS-84 degrees with six decimals (about 0.1 m). The bounds are China's extent, so that a swapped
latitude and longitude is refused wherever a position is typed, imported or clicked."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

LATITUDE = (Decimal("3"), Decimal("54"))
LONGITUDE = (Decimal("73"), Decimal("136"))
PLACES = Decimal("0.000001")


def latitude_field() -> models.DecimalField:
    return models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(LATITUDE[0]), MaxValueValidator(LATITUDE[1])],
    )


def longitude_field() -> models.DecimalField:
    return models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(LONGITUDE[0]), MaxValueValidator(LONGITUDE[1])],
    )


def point(latitude, longitude) -> tuple[Decimal, Decimal] | None:
    """The position as two Decimals rounded to the columns' six places, or None when either is not a number
    within China's extent (a swapped pair included)."""
    try:
        lat = Decimal(str(latitude)).quantize(PLACES)
        lng = Decimal(str(longitude)).quantize(PLACES)
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not (LATITUDE[0] <= lat <= LATITUDE[1] and LONGITUDE[0] <= lng <= LONGITUDE[1]):
        return None
    return lat, lng
