"""The demo county's map, checked on the county that demo/tests/test_demo.py builds anyway: every township has
its region (matched to its unit), every resource and enterprise and every signed project lies inside the region of
the township it belongs to, and the positions are in the records' histories as well."""

import itertools
import json

from zhaoshang.liaison.models import Enterprise
from zhaoshang.maps.models import Boundary
from zhaoshang.organization.choices import Category
from zhaoshang.organization.models import Unit
from zhaoshang.projects.models import Project
from zhaoshang.resources.models import LandParcel


def _inside(ring, lng, lat) -> bool:
    """Ray casting: whether (lng, lat) lies inside the polygon ``ring``."""
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lng < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def assert_demo_map():
    boundary = Boundary.current()
    townships = {u.pk: u.name for u in Unit.objects.filter(category=Category.TOWNSHIP, parent__parent__isnull=True)}
    regions = {f["properties"]["unit"]: f for f in json.loads(boundary.geojson)["features"]}
    assert boundary.matched == boundary.regions == len(townships) and set(regions) == set(townships)
    rings = {unit: feature["geometry"]["coordinates"][0][0] for unit, feature in regions.items()}
    checked = 0
    for model in (LandParcel, Enterprise):
        for row in model.objects.filter(unit_id__in=rings):
            assert row.latitude is not None and _inside(rings[row.unit_id], float(row.longitude), float(row.latitude))
            assert row.history.first().latitude == row.latitude
            checked += 1
    signed = Project.objects.filter(latitude__isnull=False)
    assert signed.count() > 50 and Project.objects.filter(latitude__isnull=True).exists()
    for project in signed.filter(location__startswith="城关镇"):
        assert _inside(rings[Unit.objects.get(name="城关镇").pk], float(project.longitude), float(project.latitude))
        checked += 1
    assert checked > 20
