"""The blank import template."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from zhaoshang.transfer import columns as c
from zhaoshang.transfer.importer import import_workbook
from zhaoshang.transfer.templates_xlsx import build_template

from . import xlsx


@pytest.fixture(scope="module")
def template():
    return load_workbook(io.BytesIO(build_template()))


def test_five_sheets_with_their_headers_and_notes(template):
    assert template.sheetnames == [
        "单位",
        "项目",
        "到位资金",
        "考核期",
        "目标",
        "上级下达任务",
        "说明",
        "评分方案",
        "评分细则",
    ]
    for sheet, headers in xlsx.HEADERS.items():
        worksheet = template[sheet]
        assert [cell.value for cell in worksheet[1]] == headers
        assert worksheet.freeze_panes == "A2"
        assert worksheet.column_dimensions["A"].width > 10
    notes = [row for row in template["说明"].iter_rows(values_only=True) if row and row[0]]
    documented = {(row[0], row[1]) for row in notes if row[0] in c.DATA_SHEETS}
    assert documented == {(sheet, header) for sheet, headers in xlsx.HEADERS.items() for header in headers}
    assert ("C", "制造业") in {(row[0], row[1]) for row in notes}


def test_drop_down_lists(template):
    lists = {}
    for sheet in c.DATA_SHEETS:
        worksheet = template[sheet]
        headers = [cell.value for cell in worksheet[1]]
        for validation in worksheet.data_validations.dataValidation:
            column = str(validation.sqref).split(":")[0].rstrip("0123456789")
            lists[headers[column_index_from_string(column) - 1]] = validation.formula1.strip('"').split(",")
    assert lists["类别"][:5] == ["乡镇", "县直部门", "垂直部门", "园区", "驻外招商站"]
    assert lists["档次"] == ["一档", "二档", "三档", "四档"]
    assert lists["内外资"] == ["内资", "外资"]
    assert lists["项目类型"] == ["工业", "三产", "农业", "基础设施"]
    assert lists["当前阶段"] == ["洽谈", "意向", "签约", "开工", "投产", "停滞", "终止"]
    assert lists["时序口径"] == ["按日", "按月"]
    assert lists["指标类型"] == ["项目个数", "金额合计", "到位资金", "利用外资"]
    assert lists["阶段"] == ["线索", "洽谈", "意向", "签约", "开工", "投产"]
    assert lists["金额口径"] == ["计划总投资", "协议引资额"]
    assert lists["币种"] == ["人民币", "美元", "欧元", "港元", "日元"]
    assert lists["高新技术"] == lists["政府投资项目"] == lists["已有项目二期"] == ["是", "否"]


def test_target_sheet_offers_the_tiers(template):
    worksheet = template["目标"]
    validations = {str(v.sqref).split(":")[0]: v.formula1 for v in worksheet.data_validations.dataValidation}
    assert validations["B2"] == '"一档,二档,三档,四档"'  # 档次
    assert "C2" not in validations  # 单位编码 is free text


@pytest.mark.django_db
def test_the_blank_template_imports_as_nothing(users):
    result = import_workbook(io.BytesIO(build_template()), user=users["bureau"])
    assert result.ok, [str(e) for e in result.errors]
    assert result.sheets == ("单位", "项目", "到位资金", "考核期", "目标", "上级下达任务")
    assert all(value == 0 for counts in result.counts.values() for value in counts.values())
