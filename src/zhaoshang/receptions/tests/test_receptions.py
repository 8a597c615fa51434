"""Receptions and trips: the permission rule on the pages and the API, the form's bounds, the monthly counts
equal to the lists they open, the .xlsx round trip and its errors, the unit page's panel and the dashboard tile."""

from __future__ import annotations

import datetime as dt
import io
import random

import openpyxl
import pytest
from django.urls import reverse

from zhaoshang.receptions import selectors
from zhaoshang.receptions.demo import build_demo
from zhaoshang.receptions.models import Reception

pytestmark = pytest.mark.django_db


def make(unit, day, kind="reception", batches=1, persons=2, companies="某某科技有限公司"):
    return Reception.objects.create(
        unit=unit, date=day, kind=kind, batches=batches, persons=persons, companies=companies
    )


def form_data(unit, **extra):
    data = {
        "kind": "reception",
        "unit": unit.pk,
        "date": "2026-03-05",
        "companies": "甲公司",
        "batches": 1,
        "persons": 3,
    }
    data.update(extra)
    return data


def test_reporter_sees_and_changes_only_their_unit(client, users, units):
    mine = make(units["a"], dt.date(2026, 3, 1), companies="城关镇客商")
    theirs = make(units["b"], dt.date(2026, 3, 2), companies="河口乡客商")
    client.force_login(users["reporter_b"])
    page = client.get(reverse("receptions:list")).content.decode()
    assert "河口乡客商" in page and "城关镇客商" not in page
    assert client.get(reverse("receptions:detail", args=[mine.pk])).status_code == 404
    assert client.get(reverse("receptions:edit", args=[mine.pk])).status_code == 404
    response = client.post(reverse("receptions:edit", args=[mine.pk]), form_data(units["b"]))
    assert response.status_code == 404
    # Recording for another unit is refused: the unit is not among the choices.
    response = client.post(reverse("receptions:create"), form_data(units["a"]))
    assert response.status_code == 200 and not Reception.objects.filter(companies="甲公司").exists()
    response = client.post(reverse("receptions:create"), form_data(units["b"]))
    assert response.status_code == 302
    created = Reception.objects.get(companies="甲公司")
    assert created.unit == units["b"] and created.recorded_by == users["reporter_b"]
    assert created.history.first().history_user == users["reporter_b"]
    # The API: the list holds only their unit's, another unit's is a 404.
    api = client.get("/api/receptions/")
    assert api.status_code == 200
    assert {row["id"] for row in api.json()["results"]} == {theirs.pk, created.pk}
    assert client.get(f"/api/receptions/{mine.pk}/").status_code == 404
    assert client.delete(f"/api/receptions/{theirs.pk}/").status_code in (403, 405)
    # The detail page shows the history; a leader reads but may not edit.
    client.force_login(users["leader"])
    page = client.get(reverse("receptions:detail", args=[created.pk])).content.decode()
    assert "甲公司" in page and "history-table" in page
    assert client.get(reverse("receptions:edit", args=[created.pk])).status_code == 403
    assert client.get(reverse("receptions:create")).status_code == 403


def test_form_bounds(client, users, units):
    client.force_login(users["bureau"])
    for name, value in (("batches", 0), ("batches", 101), ("persons", 1001), ("persons", -1)):
        response = client.post(reverse("receptions:create"), form_data(units["a"], **{name: value}))
        assert response.status_code == 200, (name, value)
        assert response.context["form"].errors.get(name), (name, value)
    response = client.post(reverse("receptions:create"), form_data(units["a"], end_date="2026-03-01"))
    assert response.context["form"].errors.get("end_date")
    assert not Reception.objects.exists()
    response = client.post(reverse("receptions:create"), form_data(units["a"], batches=100, persons=1000))
    assert response.status_code == 302 and Reception.objects.get().batches == 100


def test_counts_equal_their_drill_down(client, users, units):
    make(units["a"], dt.date(2026, 3, 1), batches=2, persons=5)
    make(units["a"], dt.date(2026, 3, 31), batches=1, persons=3)
    make(units["a"], dt.date(2026, 4, 1), kind="trip", batches=3, persons=2)
    make(units["b"], dt.date(2026, 3, 15), batches=4, persons=9)
    make(units["b"], dt.date(2025, 3, 15), batches=9, persons=9)  # another year
    rows = selectors.monthly_counts(users["bureau"], 2026)
    assert [row.unit.code if row.unit else None for row in rows] == ["T01", "T02", None]
    a, _b, total = rows
    assert (a.months[2].batches, a.months[2].persons, a.months[3].trips) == (3, 8, 1)
    assert (total.year.batches, total.year.persons, total.year.trips) == (7, 17, 1)
    client.force_login(users["bureau"])

    def listed(url):
        response = client.get(url)
        assert response.status_code == 200
        return response.context["totals"]

    for row in rows:
        for cell in [*row.months, row.year]:
            if cell.empty:
                continue
            shown = listed(cell.reception_url)
            assert (shown["batches"], shown["persons"]) == (cell.batches, cell.persons), cell.reception_url
            assert listed(cell.trip_url)["records"] == cell.trips, cell.trip_url
    page = client.get(reverse("receptions:counts") + "?year=2026").content.decode()
    assert a.months[2].reception_url.replace("&", "&amp;") in page and 'id="counts-total"' in page
    # A reporter counts only their unit's.
    assert [row.unit.code for row in selectors.monthly_counts(users["reporter_a"], 2026)] == ["T01"]
    # The unit page loads the panel by URL; the panel shows the unit's figures.
    unit_page = client.get(reverse("projects:unit", args=[units["a"].pk])).content.decode()
    panel_url = reverse("receptions:unit_panel", args=[units["a"].pk])
    assert panel_url in unit_page
    panel = client.get(panel_url + "?year=2026").content.decode()
    assert 'data-figure="8"' in panel and a.months[3].trip_url.replace("&", "&amp;") in panel
    client.force_login(users["reporter_b"])
    assert client.get(panel_url).status_code == 404
    # The dashboard's tile: this year's batches, county-wide, linking to the counts page.
    client.force_login(users["bureau"])
    tile = selectors.tile(users["bureau"], dt.date(2026, 4, 2))
    (_m, month), (_y, year) = tile["spans"]
    assert (month.trips, year.batches, year.persons) == (1, 7, 17)
    assert listed(year.reception_url)["batches"] == 7
    dashboard = client.get(reverse("dashboard:home")).content.decode()
    assert 'id="section-receptions"' in dashboard and reverse("receptions:counts") in dashboard


def test_investors_and_leads_linked(client, users, units):
    from zhaoshang.leads.models import Lead
    from zhaoshang.projects.models import Investor

    investor = Investor.objects.create(name="深圳光伏科技有限公司")
    ours = Lead.objects.create(company="城关镇线索公司", unit=units["a"])
    other = Lead.objects.create(company="河口乡线索公司", unit=units["b"])
    client.force_login(users["bureau"])
    data = form_data(units["a"], investors=[investor.pk], leads=[ours.pk, other.pk])
    assert client.post(reverse("receptions:create"), data).status_code == 302
    reception = Reception.objects.get()
    assert set(reception.leads.all()) == {ours, other} and list(reception.investors.all()) == [investor]
    client.force_login(users["reporter_a"])
    page = client.get(reception.get_absolute_url()).content.decode()
    assert "深圳光伏科技有限公司" in page and "城关镇线索公司" in page and "河口乡线索公司" not in page
    # A reporter picks only the leads they see.
    form = client.get(reverse("receptions:edit", args=[reception.pk])).context["form"]
    assert list(form.fields["leads"].queryset) == [ours]
    data = form_data(units["a"], leads=[], persons=5)
    assert client.post(reverse("receptions:edit", args=[reception.pk]), data).status_code == 302
    assert list(reception.leads.all()) == [other]  # the lead they cannot see stays linked


def test_filters_and_search(client, users, units):
    make(units["a"], dt.date(2026, 3, 1), companies="光伏组件公司")
    make(units["a"], dt.date(2026, 5, 1), companies="文旅公司", kind="trip")
    client.force_login(users["bureau"])
    url = reverse("receptions:list")
    assert client.get(url + "?q=光伏").context["totals"]["records"] == 1
    assert client.get(url + "?date_from=2026-04-01&date_to=2026-06-30").context["totals"]["records"] == 1
    assert client.get(url + "?month=2026-03&kind=reception").context["totals"]["records"] == 1
    assert client.get(url + f"?unit={units['b'].pk}").context["totals"]["records"] == 0


def _upload(client, data: bytes):
    upload = io.BytesIO(data)
    upload.name = "receptions.xlsx"
    return client.post(reverse("receptions:import"), {"file": upload})


def test_xlsx_round_trip_and_a_bad_row(client, users, units):
    make(units["a"], dt.date(2026, 3, 1), batches=2, persons=5, companies='=HYPERLINK("x")')
    trip = make(units["b"], dt.date(2026, 4, 2), kind="trip", batches=1, persons=0, companies="乙公司")
    trip.end_date, trip.place, trip.outcome = dt.date(2026, 4, 4), "深圳市", "达成意向\n再次洽谈"
    trip.save()
    client.force_login(users["bureau"])
    exported = client.get(reverse("receptions:list") + "?format=xlsx")
    assert exported.status_code == 200

    def fields():
        return sorted(
            Reception.objects.values_list(
                "kind", "unit__code", "date", "end_date", "place", "companies", "batches", "persons", "outcome"
            )
        )

    before = fields()
    Reception.objects.all().delete()
    response = _upload(client, exported.content)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert fields() == before
    # The formula-like text stayed text in the file.
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    assert any(cell.value == '=HYPERLINK("x")' and cell.data_type == "s" for row in sheet.iter_rows() for cell in row)

    # A bad row: nothing is written, the error names the row and the column in Chinese.
    book = openpyxl.Workbook()
    sheet = book.active
    header = next(openpyxl.load_workbook(io.BytesIO(exported.content)).active.iter_rows(max_row=1))
    template = openpyxl.load_workbook(io.BytesIO(client.get(reverse("receptions:template")).content)).active
    assert [c.value for c in next(template.iter_rows(max_row=1))] == [c.value for c in header]
    assert header[0].value == "接待或外出" and template.max_row == 1
    sheet.append([cell.value for cell in header])
    sheet.append(["接待来访", "T01", dt.date(2026, 5, 1), None, "", "丙公司", "", 1, 2])
    sheet.append(["外出招商", "城关镇", "2026-05-02", None, "", "丁公司", "", 101, 2])
    buffer = io.BytesIO()
    book.save(buffer)
    count = Reception.objects.count()
    response = _upload(client, buffer.getvalue())
    assert response.status_code == 200
    errors = response.context["errors"]
    assert errors == ["第3行“批次”列：请输入1至100之间的整数。"], errors
    assert Reception.objects.count() == count
    # A reporter may not import another unit's rows.
    client.force_login(users["reporter_b"])
    response = _upload(client, buffer.getvalue())
    assert any("第2行“单位”列" in e for e in response.context["errors"])


def test_demo_rows(users, units):
    made = build_demo(rng=random.Random(1), units=units, users=users, today=dt.date(2026, 11, 21))
    assert made == 40 and Reception.objects.count() == 40
    assert not Reception.objects.filter(date__gte=dt.date(2026, 11, 1)).exists()
    assert not Reception.objects.exclude(unit__category__in=["township", "park"]).exists()
