"""Issue 19: the county map in real Chromium. The bureau uploads the townships' GeoJSON through the form and the
map draws them without any tile from the internet; every point's tooltip escapes what users typed; the kind and
status filters agree with the list under the map; a reporter places their project by a click, and it is in the
project's history under their name; the phone view fits the screen."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from zhaoshang.core.history import as_user
from zhaoshang.liaison.models import Enterprise
from zhaoshang.resources.models import Factory, LandParcel

from .helpers import PHONE, flash_messages, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOAD = "<img src=x onerror=window.__xss=1>"


def township(name, x, y):
    ring = [[x, y], [x + 0.1, y], [x + 0.1, y + 0.08], [x, y + 0.08], [x, y]]
    return {"type": "Feature", "properties": {"XZQMC": name}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def test_the_map_draws_filters_and_places(new_page, page_log, users, units, make_project, tmp_path):
    bureau = users["bureau"]
    for number, name, status, lat, lng in (("A-01", "城关东地块", "available", "34.53", "113.84"),
                                          ("A-02", PAYLOAD, "reserved", "34.55", "113.86"),
                                          ("B-01", "河口西地块", "available", "34.52", "113.93")):  # fmt: skip
        parcel = LandParcel(unit=units["a" if number < "B" else "b"], number=number, name=name, area_mu=Decimal("60"),
                            status=status, latitude=Decimal(lat), longitude=Decimal(lng))  # fmt: skip
        as_user(parcel, bureau).save()
    factory = Factory(unit=units["b"], name="河口标准厂房", floor_area_m2=Decimal("8000"), latitude=Decimal("34.51"),
                      longitude=Decimal("113.95"))  # fmt: skip
    as_user(factory, bureau).save()
    Enterprise.objects.create(
        name="恒泰新材料", unit=units["a"], latitude=Decimal("34.54"), longitude=Decimal("113.82")
    )
    make_project(units["a"], name="甲镇已定位项目", latitude=Decimal("34.56"), longitude=Decimal("113.83"))
    unplaced = make_project(units["a"], name="甲镇待定位项目")
    geojson = tmp_path / "乡镇界.geojson"
    features = [township("城关镇", 113.8, 34.5), township("河口乡", 113.9, 34.5), township("林场", 113.8, 34.58)]
    geojson.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))

    page = new_page(log=page_log)
    login(page, "bureau")
    page.goto("/map/boundaries/")
    page.fill("#id_county", "示范县")
    page.set_input_files("#id_file", str(geojson))
    page.locator("#boundary-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "3 个区域，2 个对应到单位" in page.inner_text("#boundary-result")
    assert "林场" in page.inner_text("#boundary-unmatched")

    page.goto("/map/")
    page.wait_for_function("window.zsMap !== undefined && window.echarts.getMap('county') !== undefined")
    regions = page.evaluate("window.echarts.getMap('county').geoJSON.features.map(f => f.properties.name)")
    assert regions == ["城关镇", "河口乡", "林场"]
    # Every point's tooltip is drawn; the payload among the parcels' names must not run.
    shown = page.evaluate(
        """() => { const chart = window.zsMap; let shown = 0;
          chart.getOption().series.forEach((s, i) => s.data.forEach((d, j) => {
            chart.dispatchAction({type: 'showTip', seriesIndex: i, dataIndex: j}); shown += 1; }));
          return shown; }"""
    )
    assert shown == 6 and page.evaluate("window.__xss") is None
    assert page.locator("#map-points tbody tr:not(.d-none)").count() == 6
    # Filters: projects off; then only available parcels. The count equals the rows the list shows.
    page.locator("label[for=kind-project]").click()
    assert page.inner_text("#map-shown") == "5" and page.locator("#map-points tbody tr:not(.d-none)").count() == 5
    page.select_option("#map-status", "parcel:available")
    assert page.inner_text("#map-shown") == "2"
    assert sorted(page.locator("#map-points tbody tr:not(.d-none) td:nth-child(2)").all_inner_texts()) == [
        "城关东地块", "河口西地块"
    ]  # fmt: skip
    assert "status=parcel%3Aavailable" in page.url
    screenshot(page, "county_map")

    # Reporter A places their unplaced project by a click in the middle of the map.
    page = new_page(log=page_log)
    login(page, "reporter_a")
    page.goto(f"/map/?place=project:{unplaced.pk}")
    page.wait_for_function("window.zsMap !== undefined && window.echarts.getMap('county') !== undefined")
    assert page.locator("#place-record").input_value() == f"project:{unplaced.pk}"
    assert "河口标准厂房" in page.inner_text("#map-points") and "恒泰新材料" in page.inner_text("#map-points")
    box = page.locator("#county-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    latitude = page.input_value("#id_latitude")
    assert latitude and 34.5 <= float(latitude) <= 34.66
    page.locator("#place-save").click()
    page.wait_for_load_state()
    assert flash_messages(page) == []
    unplaced.refresh_from_db()
    assert unplaced.latitude == Decimal(latitude) and unplaced.history.first().history_user == users["reporter_a"]
    page.wait_for_function("window.zsMap !== undefined")
    assert "甲镇待定位项目" in page.inner_text("#map-info")

    # The phone view: the map and its filters fit a 390-pixel screen.
    phone = new_page(viewport=PHONE, log=page_log)
    login(phone, "reporter_b")
    phone.goto("/map/")
    phone.wait_for_function("window.zsMap !== undefined && window.echarts.getMap('county') !== undefined")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert "甲镇已定位项目" not in phone.inner_text("#map-points")  # reporter B sees no project of A
    screenshot(phone, "county_map_phone")
    assert page_log.page_errors == [] and page_log.console_errors == []
