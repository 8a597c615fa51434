"""水分: reported minus verified per unit, the rows behind, the page and the .xlsx download."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from zhaoshang.assessment import selectors as assessment
from zhaoshang.assessment import water

from .support import Q3_END, D, d

pytestmark = pytest.mark.django_db


def test_water_by_unit_for_a_period(users, period, supervised):
    units, totals = water.water_report(user=users["bureau"], period=period, as_of=Q3_END)
    found = {
        w.unit.code: (
            w.reported_contract,
            w.verified_contract,
            w.water_contract,
            w.unverified_contract,
            w.reported_funds,
            w.verified_funds,
            w.water_funds,
            w.unverified_funds,
        )
        for w in units
    }
    assert found == {
        # P1 2000 → 1500 and P3's signing moved out of Q3; 300 rejected, 200 → 150.
        "T01": (D("2800"), D("1500"), D("1300"), D("0"), D("1000"), D("650"), D("350"), D("0")),
        # P2 (60% / 40%): signing confirmed, its 400 never verified.
        "T02": (D("720"), D("720"), D("0"), D("0"), D("240"), D("0"), D("240"), D("240")),
        "D01": (D("480"), D("480"), D("0"), D("0"), D("160"), D("0"), D("160"), D("160")),
    }
    assert [w.unit.code for w in units] == ["D01", "T01", "T02"]
    assert (totals["water_contract"], totals["water_funds"], totals["unverified_funds"]) == (
        D("1300"),
        D("750"),
        D("400"),
    )


def test_water_equals_the_difference_of_the_two_assessments(users, period, supervised):
    reported = {u.unit.code: u for u in assessment.assess_period(period, Q3_END, basis="reported").units}
    verified = {u.unit.code: u for u in assessment.assess_period(period, Q3_END, basis="verified").units}
    units, _totals = water.water_report(user=users["supervisor"], period=period, as_of=Q3_END)
    for w in units:
        code = w.unit.code
        assert w.water_contract == reported[code].contract - verified[code].contract
        assert w.water_funds == reported[code].funds - verified[code].funds


def test_the_rows_behind_t01(users, period, supervised):
    units, _ = water.water_report(user=users["bureau"], period=period, as_of=Q3_END)
    t01 = next(w for w in units if w.unit.code == "T01")
    rows = [
        (r.kind, r.project_code, r.reported_date, r.reported_amount, r.result, r.verified_date, r.verified_amount)
        for r in t01.rows
    ]
    assert rows == [
        ("contract", "P1", d("07-10"), D("2000"), "adjusted", d("07-10"), D("1500")),
        ("contract", "P3", d("09-05"), D("800"), "adjusted", None, None),
        ("funds", "P1", d("07-20"), D("500"), "confirmed", d("07-20"), D("500")),
        ("funds", "P1", d("08-15"), D("300"), "rejected", None, None),
        ("funds", "P3", d("09-20"), D("200"), "adjusted", d("09-20"), D("150")),
    ]
    assert [r.difference for r in t01.rows] == [D("500"), D("800"), D("0"), D("300"), D("50")]


def test_a_reporter_sees_only_their_units(users, period, supervised):
    units, totals = water.water_report(user=users["reporter_b"], period=period, as_of=Q3_END)
    assert [w.unit.code for w in units] == ["T02"]
    assert totals["water_funds"] == D("240")


def test_water_for_a_batch_covers_its_projects_and_dates(users, batch, supervised):
    units, totals = water.batch_water(user=users["supervisor"], batch=batch, as_of=Q3_END)
    assert (totals["reported_funds"], totals["verified_funds"]) == (D("1400"), D("650"))
    assert {w.unit.code for w in units} == {"T01", "T02", "D01"}


def test_the_page_and_the_workbook(client, users, period, supervised):
    client.force_login(users["supervisor"])
    response = client.get(f"/assessment/water/?period={period.pk}&as_of=2026-09-30")
    assert response.status_code == 200
    assert [w.unit.code for w in response.context["units"]] == ["D01", "T01", "T02"]
    assert 'data-unit="T01"' in response.content.decode()
    download = client.get(f"/assessment/water.xlsx?period={period.pk}&as_of=2026-09-30")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(download.content))
    assert book.sheetnames == ["水分汇总", "明细"]
    summary = [row for row in book["水分汇总"].iter_rows(values_only=True)]
    assert summary[1][:5] == ("单位编码", "单位名称", "上报签约额（万元）", "核实签约额（万元）", "签约额水分（万元）")
    t01 = next(row for row in summary if row[0] == "T01")
    assert [D(str(v)) for v in t01[2:10]] == [D(x) for x in ("2800", "1500", "1300", "0", "1000", "650", "350", "0")]
    # Issue 17: reported, no evidence (nothing is attached here: all of it).
    assert summary[1][10:] == ("签约额已报无佐证（万元）", "到位资金已报无佐证（万元）")
    assert [D(str(v)) for v in t01[10:]] == [D("2800"), D("1000")]
    assert summary[-1][0] == "合计" and D(str(summary[-1][8])) == D("750")
    detail = list(book["明细"].iter_rows(values_only=True))
    assert detail[0][2] == "类别" and len(detail) == 1 + 5 + 2 + 2  # T01 5 rows, T02 2, D01 2
    rejected = next(row for row in detail if row[8] == "否定")
    assert (rejected[3], D(str(rejected[7])), D(str(rejected[13]))) == ("P1", D("300"), D("300"))


def test_the_workbook_writes_names_as_text(client, users, period, supervised):
    """Issue 11: a project named like a formula is a string cell in the 水分 workbook, not a live formula."""
    from zhaoshang.projects.models import Project

    Project.objects.filter(code="P1").update(name="=cmd|' /C calc'!A0\x07")
    client.force_login(users["supervisor"])
    download = client.get(f"/assessment/water.xlsx?period={period.pk}&as_of=2026-09-30")
    assert download.status_code == 200
    cells = [c for row in load_workbook(io.BytesIO(download.content))["明细"].iter_rows() for c in row]
    named = [c for c in cells if c.value == "=cmd|' /C calc'!A0"]
    assert named and all(c.data_type == "s" and c.quotePrefix for c in named)
