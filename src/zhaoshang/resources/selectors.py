"""Reading resources: the lists with their filters, counts by status, and matching a demand to what is on offer.

"Which parcels over 50 亩 are available for an industrial project" is the parcel list filtered by status
available, land use industrial and area from 50."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Q, QuerySet

from .choices import AVAILABLE, LandUse
from .models import KINDS, MU_IN_M2, Factory, LandParcel

# The column each kind's "area from/to" and "price from/to" filters read.
AREA_FIELD = {"parcel": "area_mu", "factory": "floor_area_m2", "idle": "land_area_mu"}
PRICE_FIELD = {"parcel": "price", "factory": "rent", "idle": None}


def resource_list(user, kind: str, filters: dict | None = None) -> QuerySet:
    """The resources of ``kind`` ``user`` may see, narrowed by the list's filters: q, unit, status, land_use
    (parcels), idle_kind (idle assets), area_min/area_max (亩 for parcels and idle assets, ㎡ for factories),
    price_min/price_max (万元/亩 for parcels, 元/㎡/月 for factories)."""
    filters = filters or {}
    model = KINDS[kind]
    rows = model.objects.restrict(user).select_related("unit", "project")
    if filters.get("unit"):
        rows = rows.filter(unit=filters["unit"])
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if kind == "parcel" and filters.get("land_use"):
        rows = rows.filter(land_use=filters["land_use"])
    if kind == "idle" and filters.get("idle_kind"):
        rows = rows.filter(kind=filters["idle_kind"])
    area = AREA_FIELD[kind]
    if filters.get("area_min") is not None:
        rows = rows.filter(**{f"{area}__gte": filters["area_min"]})
    if filters.get("area_max") is not None:
        rows = rows.filter(**{f"{area}__lte": filters["area_max"]})
    price = PRICE_FIELD[kind]
    if price and filters.get("price_min") is not None:
        rows = rows.filter(**{f"{price}__gte": filters["price_min"]})
    if price and filters.get("price_max") is not None:
        rows = rows.filter(**{f"{price}__lte": filters["price_max"]})
    q = (filters.get("q") or "").strip()
    if q:
        text = Q(name__icontains=q) | Q(location__icontains=q) | Q(note__icontains=q)
        if kind == "parcel":
            text |= Q(number__icontains=q)
        if kind == "idle":
            text |= Q(owner__icontains=q) | Q(problem__icontains=q)
        rows = rows.filter(text)
    return rows.order_by(*model._meta.ordering)


def status_counts(user, kind: str, filters: dict) -> list[tuple[str, str, int]]:
    """(status, label, count) of the list as filtered but for its status: each count is the rows its link shows."""
    rows = resource_list(user, kind, {**filters, "status": ""})
    counts = dict(rows.order_by().values_list("status").annotate(n=Count("id")))
    choices = KINDS[kind]._meta.get_field("status").choices
    return [(value, label, counts.get(value, 0)) for value, label in choices]


# --- matching -------------------------------------------------------------------------------------------------

# Land uses a demand of each use can take: a mixed-use parcel takes any of the three.
FITTING_USES = {
    LandUse.INDUSTRIAL: (LandUse.INDUSTRIAL, LandUse.MIXED),
    LandUse.COMMERCIAL: (LandUse.COMMERCIAL, LandUse.MIXED),
    LandUse.WAREHOUSING: (LandUse.WAREHOUSING, LandUse.INDUSTRIAL, LandUse.MIXED),
    LandUse.MIXED: (LandUse.MIXED,),
    LandUse.OTHER: (LandUse.OTHER, LandUse.MIXED),
}
# Factories serve industrial and warehousing demands.
FACTORY_USES = (LandUse.INDUSTRIAL, LandUse.WAREHOUSING, "")
# GB/T 4754 sections → the land use they need.
USE_OF_INDUSTRY = {"B": LandUse.INDUSTRIAL, "C": LandUse.INDUSTRIAL, "D": LandUse.INDUSTRIAL,
                   "G": LandUse.WAREHOUSING, "F": LandUse.COMMERCIAL, "H": LandUse.COMMERCIAL,
                   "K": LandUse.COMMERCIAL, "L": LandUse.COMMERCIAL, "R": LandUse.COMMERCIAL}  # fmt: skip
# A lead names no land: its estimated investment over this intensity (万元 per 亩, a county industrial parcel's usual
# 投资强度) gives the land it needs, give or take half.
INVESTMENT_PER_MU = Decimal("200")
AREA_IN_TEXT = re.compile(r"(\d+(?:\.\d+)?)\s*亩")


@dataclass
class Match:
    resource: object
    kind: str
    area_mu: Decimal  # a factory's floor area in 亩 (1 亩 = 666.67 ㎡), to rank both kinds together
    deviation: Decimal  # how far the area is from the demand's, as a share of it
    same_unit: bool


def match(area_min, area_max, land_use, unit=None, *, user, prefer_unit=None, limit: int = 50) -> list[Match]:
    """The available parcels and factories that fit a demand of ``area_min`` … ``area_max`` 亩 (either may be
    None) for ``land_use`` ("" any), in ``unit`` if given; best first: the closest in area to the middle of the
    range (or its bound), then those of ``prefer_unit`` (the demand's own unit), then the cheaper."""
    area_min = Decimal(area_min) if area_min is not None else None
    area_max = Decimal(area_max) if area_max is not None else None
    uses = FITTING_USES.get(land_use) if land_use else None
    parcels = LandParcel.objects.restrict(user).filter(status=AVAILABLE).select_related("unit")
    factories = Factory.objects.restrict(user).filter(status=AVAILABLE).select_related("unit")
    if uses:
        parcels = parcels.filter(land_use__in=uses)
    if land_use and land_use not in FACTORY_USES:
        factories = factories.none()
    if unit is not None:
        parcels, factories = parcels.filter(unit=unit), factories.filter(unit=unit)
    if area_min is not None:
        parcels = parcels.filter(area_mu__gte=area_min)
        factories = factories.filter(floor_area_m2__gte=area_min * MU_IN_M2)
    if area_max is not None:
        parcels = parcels.filter(area_mu__lte=area_max)
        factories = factories.filter(floor_area_m2__lte=area_max * MU_IN_M2)
    if area_min is not None and area_max is not None:
        target = (area_min + area_max) / 2
    else:
        target = area_min if area_min is not None else area_max
    preferred = getattr(prefer_unit, "pk", None)
    found = []
    for kind, rows in (("parcel", parcels), ("factory", factories)):
        for resource in rows[:500]:
            area = (
                resource.area_mu if kind == "parcel" else (resource.floor_area_m2 / MU_IN_M2).quantize(Decimal("0.01"))
            )
            deviation = abs(area - target) / target if target else Decimal(0)
            found.append(Match(resource, kind, area, deviation, resource.unit_id == preferred))
    price = {"parcel": lambda r: r.price, "factory": lambda r: r.rent}
    found.sort(
        key=lambda m: (
            m.deviation,
            not m.same_unit,
            price[m.kind](m.resource) is None,
            price[m.kind](m.resource) or 0,
            m.kind,
            m.resource.pk,
        )
    )
    return found[:limit]


def demand_of_lead(lead) -> dict:
    """What a lead asks for: the area its description names (“50亩”), else its estimated investment over
    ``INVESTMENT_PER_MU`` give or take half; the land use of its industry."""
    area_min = area_max = None
    found = AREA_IN_TEXT.search(lead.description or "")
    if found:
        try:
            area = Decimal(found.group(1))
            area_min, area_max = (
                (area * Decimal("0.8")).quantize(Decimal("0.01")),
                (area * Decimal("1.5")).quantize(Decimal("0.01")),
            )
        except InvalidOperation:
            pass
    elif lead.estimated_amount:
        area = lead.estimated_amount / INVESTMENT_PER_MU
        area_min, area_max = (area / 2).quantize(Decimal("0.01")), (area * Decimal("1.5")).quantize(Decimal("0.01"))
    return {"area_min": area_min, "area_max": area_max, "land_use": USE_OF_INDUSTRY.get(lead.industry, ""),
            "prefer_unit": lead.unit}  # fmt: skip


def demand_of_opportunity(opportunity) -> dict:
    """What a library opportunity asks for: its land area (from 80 % to 150 %), the land use of its industry, and
    its unit preferred."""
    area_min = area_max = None
    if opportunity.land_area:
        area_min = (opportunity.land_area * Decimal("0.8")).quantize(Decimal("0.01"))
        area_max = (opportunity.land_area * Decimal("1.5")).quantize(Decimal("0.01"))
    return {"area_min": area_min, "area_max": area_max, "land_use": USE_OF_INDUSTRY.get(opportunity.industry, ""),
            "prefer_unit": opportunity.unit}  # fmt: skip
