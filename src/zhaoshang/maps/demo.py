"""The demo county's map: township boundaries drawn as a tiling of the county (a jittered 5 × 4 grid, the county
seat and its 街道 in the middle), uploaded through the bureau's own path, and a position for every resource,
enterprise and signed project inside the township (or the park's host township) it belongs to.

The positions are written on the records and on their latest history row, as if typed when they were created:
the demo's histories stay what a user would have left. Unsigned projects keep no position, so that the map's
"position a record" list has records to place."""

from __future__ import annotations

import json
import random

from django.db.models import Max

from zhaoshang.core import geo
from zhaoshang.liaison.models import Enterprise
from zhaoshang.organization.choices import Category
from zhaoshang.organization.models import Unit
from zhaoshang.projects.choices import Stage, Status
from zhaoshang.projects.models import Project
from zhaoshang.resources.models import KINDS as RESOURCE_KINDS

from . import services

WEST, EAST, SOUTH, NORTH = 113.60, 114.12, 34.30, 34.74
COLUMNS, ROWS = 5, 4
# Cells (column, row) of the county seat and its 街道, in the middle; the other townships fill the rest in order.
MIDDLE = {"城关镇": (2, 1), "东关街道": (3, 1), "西关街道": (1, 1), "南湖街道": (2, 0), "北关街道": (2, 2)}
# The host township of each park (县经济开发区 east of the seat, 县高新区 west of it).
PARK_HOSTS = {"P01": "东关街道", "P02": "西关街道"}
SIGNED = (Stage.SIGNED, Stage.STARTED, Stage.PRODUCING)


class Tiling:
    """A grid whose shared corners and edge midpoints are jittered once, so that neighbours share their border."""

    def __init__(self, rng: random.Random):
        dx, dy = (EAST - WEST) / COLUMNS, (NORTH - SOUTH) / ROWS
        self.corner = {}
        for c in range(COLUMNS + 1):
            for r in range(ROWS + 1):
                inner = 0 < c < COLUMNS and 0 < r < ROWS
                jitter = (rng.uniform(-0.2, 0.2) * dx, rng.uniform(-0.2, 0.2) * dy) if inner else (0, 0)
                self.corner[c, r] = (WEST + c * dx + jitter[0], SOUTH + r * dy + jitter[1])
        self.middle = {}
        for (c, r), (x, y) in self.corner.items():
            for dc, dr in ((1, 0), (0, 1)):
                if (c + dc, r + dr) in self.corner:
                    x2, y2 = self.corner[c + dc, r + dr]
                    # The outer border gets its bends too: the county is not a rectangle.
                    push = rng.uniform(-0.12, 0.12)
                    self.middle[(c, r), (c + dc, r + dr)] = (
                        (x + x2) / 2 + push * dy * dr,
                        (y + y2) / 2 + push * dx * dc,
                    )

    def ring(self, c: int, r: int) -> list[list[float]]:
        corners = [(c, r), (c + 1, r), (c + 1, r + 1), (c, r + 1)]
        points = []
        for a, b in zip(corners, corners[1:] + corners[:1], strict=True):
            points.append(self.corner[a])
            points.append(self.middle.get((a, b)) or self.middle[b, a])
        points.append(points[0])
        return [[round(x, 6), round(y, 6)] for x, y in points]

    def inside(self, c: int, r: int, rng: random.Random) -> tuple:
        """A point well inside the cell (bilinear between its corners, away from the borders)."""
        u, v = rng.uniform(0.22, 0.78), rng.uniform(0.22, 0.78)
        (x0, y0), (x1, y1) = self.corner[c, r], self.corner[c + 1, r]
        (x2, y2), (x3, y3) = self.corner[c + 1, r + 1], self.corner[c, r + 1]
        x = (1 - u) * (1 - v) * x0 + u * (1 - v) * x1 + u * v * x2 + (1 - u) * v * x3
        y = (1 - u) * (1 - v) * y0 + u * (1 - v) * y1 + u * v * y2 + (1 - u) * v * y3
        return geo.point(y, x)


def _cells(townships: list[Unit]) -> dict[int, tuple[int, int]]:
    free = [(c, r) for r in range(ROWS) for c in range(COLUMNS) if (c, r) not in MIDDLE.values()]
    cells = {}
    for township in townships:
        cells[township.pk] = MIDDLE.get(township.name) or free.pop(0)
    return cells


def _save_positions(model, positions: dict[int, tuple]) -> None:
    """Write the positions on the records and on each one's latest history row."""
    rows = list(model.objects.filter(pk__in=positions))
    for row in rows:
        row.latitude, row.longitude = positions[row.pk]
    model.objects.bulk_update(rows, ["latitude", "longitude"], batch_size=500)
    historical = model.history.model
    latest = historical.objects.filter(id__in=positions).values("id").annotate(last=Max("history_id"))
    records = list(historical.objects.filter(history_id__in=[row["last"] for row in latest]))
    for record in records:
        record.latitude, record.longitude = positions[record.id]
    historical.objects.bulk_update(records, ["latitude", "longitude"], batch_size=500)


def build_demo(*, rng: random.Random, users: dict) -> int:
    """Upload the demo county's boundaries and place its records; returns how many records were placed."""
    county = Unit.objects.filter(parent__isnull=True).order_by("code").first()
    townships = list(Unit.objects.filter(category=Category.TOWNSHIP, parent=county).order_by("code"))
    tiling = Tiling(rng)
    cells = _cells(townships)
    features = []
    for township in townships:
        ring = tiling.ring(*cells[township.pk])
        geometry = {"type": "Polygon", "coordinates": [ring]}
        features.append({"type": "Feature", "properties": {"name": township.name}, "geometry": geometry})
    raw = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()
    services.upload_boundary(user=users["bureau"], county=county.name, filename=f"{county.name}乡镇界.geojson", raw=raw)

    by_name = {t.name: cells[t.pk] for t in townships}
    host = {}  # unit id → cell: a township's own, a section's township's, a park's host township's
    for unit in Unit.objects.all():
        if unit.pk in cells:
            host[unit.pk] = cells[unit.pk]
        elif unit.parent_id in cells:
            host[unit.pk] = cells[unit.parent_id]
        elif unit.code in PARK_HOSTS:
            host[unit.pk] = by_name.get(PARK_HOSTS[unit.code])
    placed = 0

    def place_by_unit(model) -> int:
        rows = model.objects.values_list("pk", "unit_id").order_by("pk")
        positions = {pk: tiling.inside(*host[unit], rng) for pk, unit in rows if host.get(unit)}
        _save_positions(model, positions)
        return len(positions)

    for model in (*RESOURCE_KINDS.values(), Enterprise):
        placed += place_by_unit(model)
    # A signed project is built where its location says: a township's name, or a park's (its host township).
    projects = Project.objects.filter(stage__in=SIGNED).exclude(status=Status.DROPPED).order_by("pk")
    positions = {}
    for pk, location in projects.values_list("pk", "location"):
        cell = next((by_name[name] for name in by_name if location.startswith(name)), None)
        if cell is None and location.startswith("县"):
            cell = by_name.get(PARK_HOSTS["P01" if location.startswith("县经济开发区") else "P02"])
        if cell is not None:
            positions[pk] = tiling.inside(*cell, rng)
    _save_positions(Project, positions)
    return placed + len(positions)
