"""The investor's 统一社会信用代码 on import (issue 17): checked per row with the reason, investors resolved by
code as on entry, the import all or nothing. Real .xlsx files written by openpyxl and read back."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from zhaoshang.projects import services
from zhaoshang.projects.models import Investor, InvestorSpelling, Project
from zhaoshang.transfer import columns as c
from zhaoshang.transfer.county_import import import_county_file
from zhaoshang.transfer.importer import import_workbook

from . import xlsx

pytestmark = pytest.mark.django_db

GOOD = "91350100M000100Y43"
OTHER = "91440300708461136T"
BAD = "91350100M000100Y44"  # check character should be 3


def _template(rows):
    return io.BytesIO(xlsx.workbook_bytes({c.PROJECT_SHEET: rows}))


def test_template_column_checked_per_row_and_nothing_written(users, units):
    rows = [
        xlsx.project("P1", "一号项目", **{c.P_INVESTOR: "甲科技有限公司", c.P_CREDIT_CODE: BAD}),
        xlsx.project("P2", "二号项目", **{c.P_INVESTOR: "乙公司", c.P_CREDIT_CODE: "9135"}),
        xlsx.project("P3", "三号项目", **{c.P_INVESTOR: "丙公司"}),
    ]
    with translation.override("zh-hans"):
        result = import_workbook(_template(rows), user=users["bureau"])
    assert not result.ok
    errors = [(e.row, e.column, e.reason) for e in result.errors]
    assert [(row, column) for row, column, _reason in errors] == [(2, c.P_CREDIT_CODE), (3, c.P_CREDIT_CODE)]
    assert "第 18 位校验位应为 3" in errors[0][2]
    assert "应为 18 位" in errors[1][2]
    assert not Project.objects.exists() and not Investor.objects.exists()


def test_template_resolves_by_code_and_keeps_spellings(users, units):
    services.get_or_create_investor(name="甲科技有限公司", credit_code=GOOD)
    rows = [
        xlsx.project(
            "P1",
            "一号项目",
            **{c.P_INVESTOR: "甲科技(福州)有限责任公司", c.P_CREDIT_CODE: "９１３５０１００ｍ０００１００ｙ４３"},
        ),
        xlsx.project("P2", "二号项目", **{c.P_INVESTOR: "乙公司", c.P_CREDIT_CODE: OTHER}),
        xlsx.project("P3", "三号项目", **{c.P_INVESTOR: "乙公司"}),
        xlsx.project("P4", "四号项目", **{c.P_INVESTOR: "丙公司"}),
    ]
    result = import_workbook(_template(rows), user=users["bureau"])
    assert result.ok, [str(e) for e in result.errors]
    first = Investor.objects.get(credit_code=GOOD)
    assert Project.objects.get(code="P1").investor == first and first.name == "甲科技有限公司"
    assert list(InvestorSpelling.objects.values_list("investor__name", "name")) == [
        ("甲科技有限公司", "甲科技(福州)有限责任公司")
    ]
    second = Investor.objects.get(name="乙公司")
    assert second.credit_code == OTHER and Project.objects.get(code="P3").investor == second
    assert Investor.objects.get(name="丙公司").credit_code is None
    assert second.history.get().history_user == users["bureau"]


def test_template_refuses_a_name_registered_with_another_code(users, units):
    services.get_or_create_investor(name="甲科技有限公司", credit_code=GOOD)
    rows = [xlsx.project("P1", "一号项目", **{c.P_INVESTOR: "甲科技有限公司", c.P_CREDIT_CODE: OTHER})]
    result = import_workbook(_template(rows), user=users["bureau"])
    assert not result.ok
    (error,) = result.errors
    assert (error.row, error.column) == (2, c.P_CREDIT_CODE) and GOOD in error.reason and OTHER in error.reason
    assert not Project.objects.exists()


def test_export_writes_the_code_and_reads_back(users, units):
    from zhaoshang.transfer.exporter import export_ledger

    rows = [xlsx.project("P1", "一号项目", **{c.P_INVESTOR: "乙公司", c.P_CREDIT_CODE: OTHER})]
    assert import_workbook(_template(rows), user=users["bureau"]).ok
    sheet = xlsx.read(export_ledger(Project.objects.all()))[c.PROJECT_SHEET]
    header = list(sheet[0])
    assert sheet[1][header.index(c.P_CREDIT_CODE)] == OTHER


def _county_sheet(first: str = BAD) -> bytes:
    """A township's ledger with a 信用代码 column: one bad check character, one good code typed in lower case
    with full-width characters and spaces, one blank."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Sheet1"
    ws["A1"] = "城关镇2025年招商引资项目台账"
    ws.merge_cells("A1:F1")
    ws["A2"] = "填报单位：城关镇（盖章）  单位：万元  截止到2025年6月底"
    ws.merge_cells("A2:F2")
    ws.append(["序号", "项目名称", "投资方", "信用代码", "总投资", "签约时间"])
    ws.append([1, "农产品加工项目", "西安秦味食品有限公司", first, 5000, "2025.3.5"])
    ws.append([2, "电商直播基地", "杭州某网络科技有限公司", "９１４４０３００ ７０８４６１１３６ｔ", 1200, "2025年5月"])
    ws.append([3, "标准化厂房", "城关镇集体经济联合社", None, 3000, "2024/12/20"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_county_sheet_credit_code_column(users, units):
    with translation.override("zh-hans"):
        refused = import_county_file(
            _county_sheet(), "城关镇台账.xlsx", user=users["bureau"], today=dt.date(2025, 7, 10)
        )
    assert [(e.row, e.column) for e in refused.errors] == [(4, "D 信用代码")]
    assert "校验位应为 3" in refused.errors[0].reason
    assert not Project.objects.exists() and not Investor.objects.exists()

    data = _county_sheet(GOOD)
    result = import_county_file(data, "城关镇台账.xlsx", user=users["bureau"], today=dt.date(2025, 7, 10))
    assert result.ok, [str(e) for e in result.errors]
    codes = dict(Project.objects.values_list("name", "investor__credit_code"))
    assert codes == {"农产品加工项目": GOOD, "电商直播基地": OTHER, "标准化厂房": None}
