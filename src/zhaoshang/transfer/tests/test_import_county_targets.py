"""The 上级下达任务 sheet: the county's own targets from above, exported with the targets and imported back."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from zhaoshang.jobs import runner
from zhaoshang.targets import services
from zhaoshang.targets.models import CountyTarget
from zhaoshang.transfer import columns as c
from zhaoshang.transfer.exporter import export_targets
from zhaoshang.transfer.importer import import_workbook

from . import xlsx
from .conftest import snapshot

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
COUNTY_HEADERS = [column.header for column in c.COUNTY_TARGET_COLUMNS]


def county_row(kind, target, *, period="Y26", stage=None, field=None, floor=None, doc="", number="", by=""):
    return [period, kind, stage, field, floor, target, doc, number, by]


@pytest.fixture
def period(users):
    period = services.save_period(
        user=users["bureau"], data={"code": "Y26", "name": "2026年度", "start": START, "end": END}
    )
    services.save_group(
        user=users["bureau"],
        period=period,
        tier=1,
        name="签约",
        indicators=[services.IndicatorData(kind="amount", stage="signed", target=Decimal("30000"))],
    )
    services.save_county_target(
        user=users["bureau"],
        period=period,
        data=services.CountyTargetData(
            kind="amount",
            stage="signed",
            target=Decimal("80000"),
            document="关于下达2026年招商引资目标任务的通知",
            document_number="市招发〔2026〕3号",
            issued_by="市招商局",
        ),
    )
    services.save_county_target(
        user=users["bureau"],
        period=period,
        data=services.CountyTargetData(kind="funds", target=Decimal("50000.50"), issued_by="市政府"),
    )
    return period


def test_export_writes_the_sheet_and_imports_back_unchanged(period, users):
    data = export_targets(period)
    workbook = load_workbook(io.BytesIO(data))  # a real .xlsx, read back by openpyxl
    assert workbook.sheetnames == ["考核期", "目标", "上级下达任务"]
    rows = list(workbook["上级下达任务"].iter_rows(values_only=True))
    assert list(rows[0]) == COUNTY_HEADERS
    assert rows[1] == (
        "Y26",
        "金额合计",
        "签约",
        "协议引资额",
        0,
        80000,
        "关于下达2026年招商引资目标任务的通知",
        "市招发〔2026〕3号",
        "市招商局",
    )
    assert rows[2][:6] == ("Y26", "到位资金", None, "协议引资额", 0, 50000.5)
    assert rows[2][8] == "市政府"

    before = snapshot()
    result = import_workbook(io.BytesIO(data), user=users["bureau"])
    assert result.ok, [str(e) for e in result.errors]
    assert result.counts["上级下达任务"] == {"created": 0, "updated": 0, "unchanged": 2, "deleted": 0}
    assert snapshot() == before  # no new rows, no new history rows


def test_the_sheet_replaces_the_periods_county_targets(period, users):
    """One row changed, one new, the funds target left out (removed): all through save_county_target."""
    content = xlsx.workbook_bytes(
        {
            c.COUNTY_TARGET_SHEET: [
                county_row("金额合计", 90000, stage="签约", doc="新文件", number="市招发〔2026〕9号", by="市招商局"),
                county_row("项目个数", 12, stage="开工", floor=10000),
            ]
        }
    )
    result = import_workbook(io.BytesIO(content), user=users["bureau"])
    assert result.ok, [str(e) for e in result.errors]
    assert result.counts["上级下达任务"] == {"created": 1, "updated": 1, "unchanged": 0, "deleted": 1}
    targets = {t.kind: t for t in CountyTarget.objects.filter(period=period)}
    assert set(targets) == {"amount", "count"}
    assert targets["amount"].target == Decimal("90000.00")
    assert targets["amount"].document_number == "市招发〔2026〕9号"
    assert targets["amount"].history.first().history_change_reason == "Excel导入"
    assert targets["amount"].history.first().history_user == users["bureau"]
    assert targets["count"].stage == "started" and targets["count"].min_amount == Decimal("10000.00")
    assert targets["count"].target == Decimal("12.00")


def test_a_bad_row_is_refused_naming_sheet_row_and_column(period, users):
    before = snapshot()
    content = xlsx.workbook_bytes(
        {
            c.COUNTY_TARGET_SHEET: [
                county_row("金额合计", 90000, stage="签约"),
                county_row("项目个数", -3, stage="签约"),
                county_row("到位资金", 100, stage="签约"),
                county_row("金额合计", 70000, stage="签约"),
                county_row("金额合计", 1, stage="签约", period="NOPE"),
            ]
        }
    )
    result = import_workbook(io.BytesIO(content), user=users["bureau"])
    assert not result.ok
    found = {(e.sheet, e.row, e.column) for e in result.errors}
    assert found == {
        ("上级下达任务", 3, "目标值"),  # negative
        ("上级下达任务", 4, "阶段"),  # funds take no stage
        ("上级下达任务", 5, "指标类型"),  # the same indicator as row 2
        ("上级下达任务", 6, "考核期编码"),  # unknown period
    }
    duplicate = next(e for e in result.errors if e.row == 5)
    assert duplicate.reason == "同一指标已在第2行：全县每项指标只有一个上级下达目标。"
    assert snapshot() == before  # all or nothing
    assert CountyTarget.objects.get(period=period, kind="amount").target == Decimal("80000.00")


def test_a_file_without_the_sheet_imports_as_before(period, users):
    content = xlsx.workbook_bytes(
        {c.PERIOD_SHEET: [xlsx.period("Y26", "2026年度", START, END)], c.TARGET_SHEET: []},
    )
    result = import_workbook(io.BytesIO(content), user=users["bureau"])
    assert result.ok, [str(e) for e in result.errors]
    assert result.sheets == ("考核期", "目标")
    assert CountyTarget.objects.filter(period=period).count() == 2  # left as they were


def test_the_import_page_counts_county_targets(client, period, users):
    client.force_login(users["bureau"])
    content = xlsx.workbook_bytes({c.COUNTY_TARGET_SHEET: [county_row("到位资金", 60000)]})
    upload = SimpleUploadedFile("上级下达任务.xlsx", content, content_type="application/octet-stream")
    response = client.post(reverse("transfer:import"), {"file": upload, "action": "import"})
    assert runner.run_pending() == 1
    response = client.get(response["Location"])
    page = response.content.decode()
    assert response.status_code == 200
    assert [row["sheet"] for row in response.context["summary"]] == ["上级下达任务"]
    assert response.context["summary"][0] == {
        "sheet": "上级下达任务",
        "created": 0,
        "updated": 1,
        "unchanged": 0,
        "deleted": 1,
    }
    assert '<tr data-sheet="上级下达任务">' in page and "（删除 1 项）" in page
    assert CountyTarget.objects.get(period=period).target == Decimal("60000.00")
