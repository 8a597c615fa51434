"""Reading a county's township boundaries (GeoJSON) as counties keep them.

What counties export from their GIS (or from 天地图 / the natural-resources bureau's files) is a FeatureCollection
of Polygons or MultiPolygons in degrees (WGS-84 or CGCS2000, which differ by centimetres), each region named in a
property whose key varies: ``name``, ``NAME``, ``XZQMC`` (行政区名称), ``乡镇名称``… ``read`` accepts those, refuses
anything else with a message in Chinese naming the region, matches every region to a unit by name, and rebuilds a
clean FeatureCollection: only the name, the unit and the polygons rounded to six decimals are kept."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zhaoshang.core import geo

MAX_BYTES = 20 * 1024 * 1024
MAX_VERTICES = 400_000  # beyond this a phone cannot draw it: the bureau simplifies the file first (mapshaper)
NAME_KEYS = ("name", "NAME", "Name", "名称", "乡镇名称", "乡镇", "街道名称", "XZQMC", "xzqmc", "XZMC", "xzmc",
             "XZQHMC", "NAME_CN", "name_zh", "fullname")  # fmt: skip
# What an administrative name may end with and still be the same region as a unit named without it.
SUFFIXES = ("人民政府", "办事处", "管委会", "管理委员会")


@dataclass
class Reading:
    geojson: dict
    regions: int
    matched: dict[str, int] = field(default_factory=dict)  # region name → unit id
    unmatched: list[str] = field(default_factory=list)
    vertices: int = 0


def _name(properties: dict) -> str:
    for key in NAME_KEYS:
        value = properties.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:100]
    return ""


def _key(name: str) -> str:
    name = "".join(name.split())
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return name


def match_units(names: list[str], units) -> dict[str, int]:
    """Region name → unit id: the same name, or the same once spaces and 人民政府/办事处/管委会 are left out."""
    by_key: dict[str, int] = {}
    for unit in units:
        by_key.setdefault(_key(unit.name), unit.pk)
    return {name: by_key[_key(name)] for name in names if _key(name) in by_key}


def _ring(ring, where: str) -> tuple[list[list[float]], int]:
    if not isinstance(ring, list) or len(ring) < 4:
        raise ValidationError(_("%(where)s: a ring needs at least four points.") % {"where": where})
    points = []
    for position in ring:
        if not isinstance(position, list | tuple) or len(position) < 2:
            raise ValidationError(_("%(where)s: a point is not a pair of numbers.") % {"where": where})
        lng, lat = position[0], position[1]
        if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in (lng, lat)):
            raise ValidationError(_("%(where)s: a point is not a pair of numbers.") % {"where": where})
        if geo.point(lat, lng) is None:
            if geo.point(lng, lat) is not None:
                hint = _("longitude and latitude seem swapped: GeoJSON writes the longitude first")
            else:
                hint = _("the file must be in degrees (WGS-84 or CGCS2000), not in projected metres")
            raise ValidationError(
                _("%(where)s: the point (%(x)s, %(y)s) lies outside China; %(hint)s.")
                % {"where": where, "x": lng, "y": lat, "hint": hint}
            )
        points.append([round(float(lng), 6), round(float(lat), 6)])
    return points, len(points)


def _geometry(geometry, where: str) -> tuple[dict, int]:
    if not isinstance(geometry, dict):
        raise ValidationError(_("%(where)s has no geometry.") % {"where": where})
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon":
        polygons = coordinates
    else:
        raise ValidationError(
            _("%(where)s is a %(kind)s: only Polygon and MultiPolygon regions can be drawn.")
            % {"where": where, "kind": str(kind)[:30]}
        )
    if not isinstance(polygons, list) or not polygons:
        raise ValidationError(_("%(where)s has no coordinates.") % {"where": where})
    rebuilt, count = [], 0
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise ValidationError(_("%(where)s has no coordinates.") % {"where": where})
        rings = []
        for ring in polygon:
            points, n = _ring(ring, where)
            rings.append(points)
            count += n
        rebuilt.append(rings)
    return {"type": "MultiPolygon", "coordinates": rebuilt}, count


def read(raw: bytes, units) -> Reading:
    """The clean FeatureCollection of an uploaded file, or ``ValidationError`` naming what is wrong and where."""
    if len(raw) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 20 MB: simplify the boundaries first (mapshaper)."))
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValidationError(_("The file is not GeoJSON (UTF-8 JSON text).")) from None
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise ValidationError(_("The file is not a GeoJSON FeatureCollection."))
    if not data["features"]:
        raise ValidationError(_("The file holds no region."))
    features, names, vertices = [], [], 0
    for number, feature in enumerate(data["features"], start=1):
        if not isinstance(feature, dict):
            raise ValidationError(_("Region %(number)s is not a GeoJSON feature.") % {"number": number})
        properties = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        name = _name(properties)
        where = _("Region %(number)s (%(name)s)") % {"number": number, "name": name or _("no name")}
        if not name:
            raise ValidationError(
                _("%(where)s has no name: give every region a “name” (or NAME, XZQMC, 乡镇名称) property.")
                % {"where": where}
            )
        if name in names:
            raise ValidationError(_("%(where)s: the name is given to two regions.") % {"where": where})
        geometry, count = _geometry(feature.get("geometry"), where)
        vertices += count
        if vertices > MAX_VERTICES:
            raise ValidationError(
                _("The boundaries have more than %(max)s points: simplify them first (mapshaper).")
                % {"max": MAX_VERTICES}
            )
        names.append(name)
        features.append({"type": "Feature", "properties": {"name": name}, "geometry": geometry})
    matched = match_units(names, units)
    for feature in features:
        feature["properties"]["unit"] = matched.get(feature["properties"]["name"])
    return Reading(
        geojson={"type": "FeatureCollection", "features": features},
        regions=len(features),
        matched=matched,
        unmatched=[name for name in names if name not in matched],
        vertices=vertices,
    )
