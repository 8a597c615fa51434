"""The county map: boundaries read as counties keep them (their property names, MultiPolygons, a BOM) and refused
with the region named when they cannot be drawn; the points each user may see; a position set by a click goes
through the owning app's rule and into its history; a reporter never places another unit's record."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.core.history import as_user
from zhaoshang.liaison.models import Demand, Enterprise
from zhaoshang.maps import boundaries, selectors
from zhaoshang.maps.models import Boundary
from zhaoshang.resources.models import LandParcel

pytestmark = pytest.mark.django_db


def square(x, y, size=0.1):
    return [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]


def county_file(**overrides) -> bytes:
    """Shaped like a natural-resources bureau's export: XZQMC names (one with 人民政府), MultiPolygon, extra
    attributes, a UTF-8 BOM."""
    features = [
        {"type": "Feature", "properties": {"XZQMC": "城关镇人民政府", "XZQDM": "411526100", "MJ": 123.4},
         "geometry": {"type": "MultiPolygon", "coordinates": [square(113.8, 34.5), square(114.0, 34.5)]}},
        {"type": "Feature", "properties": {"XZQMC": "河口乡", "XZQDM": "411526200"},
         "geometry": {"type": "Polygon", "coordinates": square(113.9, 34.5)}},
        {"type": "Feature", "properties": {"XZQMC": "林场"},
         "geometry": {"type": "Polygon", "coordinates": square(113.9, 34.6)}},
    ]  # fmt: skip
    data = {"type": "FeatureCollection", "name": "乡镇界", "crs": {"type": "name"}, "features": features}
    data.update(overrides)
    return "\ufeff".encode() + json.dumps(data, ensure_ascii=False).encode()


def upload(client, raw, name="乡镇界.geojson"):
    return client.post(
        reverse("maps:boundaries"), {"county": "示范县", "file": SimpleUploadedFile(name, raw)}, follow=True
    )


def test_boundaries_are_read_as_counties_keep_them_and_refused_with_the_region_named(client, users, units):
    client.force_login(users["reporter_a"])
    assert client.get(reverse("maps:boundaries")).status_code == 403
    assert upload(client, county_file()).status_code == 403 and not Boundary.objects.exists()

    client.force_login(users["bureau"])
    page = upload(client, county_file()).content.decode()
    assert "3 个区域，2 个对应到单位" in page and "林场" in page
    boundary = Boundary.current()
    assert (boundary.regions, boundary.matched, boundary.uploaded_by) == (3, 2, users["bureau"])
    served = client.get(reverse("maps:boundary_json"))
    geojson = json.loads(served.content)
    # Only the name, the unit matched and the polygons are kept: nothing else the file carried is served back.
    assert [f["properties"] for f in geojson["features"]] == [
        {"name": "城关镇人民政府", "unit": units["a"].pk},
        {"name": "河口乡", "unit": units["b"].pk},
        {"name": "林场", "unit": None},
    ]
    assert geojson["features"][0]["geometry"]["type"] == "MultiPolygon" and "XZQDM" not in served.content.decode()
    assert client.get(reverse("maps:boundary_json"), headers={"If-None-Match": served["ETag"]}).status_code == 304

    def refused(raw):
        with pytest.raises(ValidationError) as error:
            boundaries.read(raw, [units["a"]])
        return " ".join(error.value.messages)

    ring = [[34.5, 113.8], [34.6, 113.8], [34.6, 113.9], [34.5, 113.8]]
    swapped = county_file(
        features=[
            {
                "type": "Feature",
                "properties": {"name": "城关镇"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ]
    )
    assert "第 1 个区域（城关镇）" in refused(swapped) and "经纬度颠倒" in refused(swapped)
    metres = county_file(features=[{"type": "Feature", "properties": {"name": "城关镇"}, "geometry": {
        "type": "Polygon", "coordinates": [[[38500000, 3820000], [38510000, 3820000], [38510000, 3830000],
                                            [38500000, 3820000]]]}}])  # fmt: skip
    assert "经纬度" in refused(metres) and "米" in refused(metres)
    nameless = county_file(features=[{"type": "Feature", "properties": {"MJ": 1}, "geometry": {
        "type": "Polygon", "coordinates": square(113.8, 34.5)}}])  # fmt: skip
    assert "第 1 个区域" in refused(nameless) and "名称" in refused(nameless)
    point = county_file(features=[{"type": "Feature", "properties": {"name": "城关镇"}, "geometry": {
        "type": "Point", "coordinates": [113.8, 34.5]}}])  # fmt: skip
    assert "Point" in refused(point)
    assert "GeoJSON" in refused(b"<html>not json</html>") and "GeoJSON" in refused(b"[" * 100_000)
    # A refused upload writes nothing: the bureau's earlier boundaries stay the map's.
    page = upload(client, swapped).content.decode()
    assert "经纬度颠倒" in page and Boundary.objects.count() == 1


@pytest.fixture
def placed(users, units, make_project, today):
    project_a = make_project(units["a"], name="甲镇新材料项目", latitude=Decimal("34.55"), longitude=Decimal("113.85"))
    project_b = make_project(units["b"], name="乙乡<script>alert(1)</script>项目")
    parcel_b = LandParcel(unit=units["b"], number="B-01", name="乙乡地块", area_mu=Decimal("300"),
                          latitude=Decimal("34.52"), longitude=Decimal("113.91"))  # fmt: skip
    as_user(parcel_b, users["bureau"]).save()
    ent_a = Enterprise.objects.create(name="恒泰新材料", unit=units["a"], latitude=Decimal("34.56"),
                                      longitude=Decimal("113.86"))  # fmt: skip
    Demand.objects.create(enterprise=ent_a, department=units["dept"], category="land", description="用地",
                          raised_on=today - dt.timedelta(days=40), deadline=today - dt.timedelta(days=1))  # fmt: skip
    return {"project_a": project_a, "project_b": project_b, "parcel_b": parcel_b, "ent_a": ent_a}


def test_each_user_sees_their_points_and_places_only_their_own_records(client, users, units, placed, today):
    def seen(user):
        return {(p["kind"], p["name"], p["status"]) for p in selectors.points(user, today)}

    # The county's resources for everyone; projects and enterprises under their own rule.
    assert seen(users["reporter_a"]) == {
        ("parcel", "乙乡地块", "available"),
        ("project", "甲镇新材料项目", "negotiating"),
        ("enterprise", "恒泰新材料", "overdue"),
    }
    assert seen(users["reporter_b"]) == {("parcel", "乙乡地块", "available")}
    assert seen(users["leader"]) == seen(users["reporter_a"])
    # What reporter B may place: their own project, not A's (nor A's enterprise).
    offered = {value for group in selectors.unplaced(users["reporter_b"]) for value, _name in group["rows"]}
    assert offered == {f"project:{placed['project_b'].pk}", f"parcel:{placed['parcel_b'].pk}"} - {
        f"parcel:{placed['parcel_b'].pk}"}  # fmt: skip

    client.force_login(users["reporter_b"])
    page = client.get(reverse("maps:map")).content.decode()
    assert "甲镇新材料项目" not in page and "恒泰新材料" not in page and "乙乡地块" in page
    assert "<script>alert(1)" not in page  # the unplaced project's name, escaped in the list to place
    for record in (f"project:{placed['project_a'].pk}", f"enterprise:{placed['ent_a'].pk}"):
        response = client.post(reverse("maps:place"), {"record": record, "latitude": "34.5", "longitude": "113.9"})
        assert response.status_code == 403, record
    placed["project_a"].refresh_from_db()
    assert placed["project_a"].latitude == Decimal("34.55")
    # Their own, by a click: the project's history names them, with the position before and after.
    response = client.post(
        reverse("maps:place"),
        {"record": f"project:{placed['project_b'].pk}", "latitude": "34.512345", "longitude": "113.923456"},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"?focus=project:{placed['project_b'].pk}")
    project = placed["project_b"]
    project.refresh_from_db()
    assert (project.latitude, project.longitude) == (Decimal("34.512345"), Decimal("113.923456"))
    last, before = project.history.all()[:2]
    assert last.history_user == users["reporter_b"] and before.latitude is None
    # A swapped pair is refused, naming the bounds; nothing changes.
    response = client.post(
        reverse("maps:place"),
        {"record": f"project:{project.pk}", "latitude": "113.9", "longitude": "34.5"},
        follow=True,
    )
    assert "纬度" in response.content.decode()
    project.refresh_from_db()
    assert project.latitude == Decimal("34.512345")
    # The parcel of B is the county's offer but changed only by B's reporters and the bureau: A may not move it.
    client.force_login(users["reporter_a"])
    response = client.post(
        reverse("maps:place"), {"record": f"parcel:{placed['parcel_b'].pk}", "latitude": "34.5", "longitude": "113.9"}
    )
    assert response.status_code == 403


def test_the_map_page_lists_what_it_draws(client, users, placed):
    client.force_login(users["bureau"])
    page = client.get(reverse("maps:map") + "?focus=project:1").content.decode()
    data = json.loads(page.split('<script id="map-data" type="application/json">')[1].split("</script>")[0])
    listed = page.split('id="map-points"')[1].count("<tr data-kind=")
    assert listed == len(data["points"]) == 3
    assert {k: v["label"] for k, v in data["kinds"].items()}["project"] == "项目"
    assert "尚未上传乡镇边界" in page and 'id="upload-boundaries"' in page
