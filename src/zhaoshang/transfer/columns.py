"""The Excel file format shared by the template, the importer and the exporter.

Sheet names, column headers and the labels inside cells are a file format exchanged with units'
spreadsheets, so they are Chinese literals and are never translated.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhaoshang.organization.choices import CATEGORY_XLSX, TIER_XLSX
from zhaoshang.projects.choices import CAPITAL_XLSX, INDUSTRY_XLSX, KIND_XLSX, STAGE_XLSX, STATUS_XLSX, Stage

UNIT_SHEET = "单位"
PROJECT_SHEET = "项目"
RECEIPT_SHEET = "到位资金"
NOTES_SHEET = "说明"  # the template's explanations; ignored on import
DATA_SHEETS = (UNIT_SHEET, PROJECT_SHEET, RECEIPT_SHEET)

CHANGE_REASON = "Excel导入"
STALLED_REASON = "导入"  # the status reason given when the file marks a project 停滞/终止 without one


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 14
    required: bool = False
    date: bool = False
    money: bool = False
    note: str = ""


# Unit sheet -------------------------------------------------------------------------------------
U_CODE, U_NAME, U_PARENT, U_CATEGORY, U_TIER = "单位编码", "单位名称", "上级单位编码", "类别", "档次"

UNIT_COLUMNS = (
    Column(U_CODE, 14, required=True, note="唯一编码，如 T01；已存在的编码将更新该单位"),
    Column(U_NAME, 24, required=True),
    Column(U_PARENT, 14, note="可填本表中的单位或系统中已有单位的编码；留空表示无上级"),
    Column(U_CATEGORY, 14, required=True, note="、".join(CATEGORY_XLSX)),
    Column(U_TIER, 10, note="、".join(TIER_XLSX) + "，或留空"),
)

# Project sheet ----------------------------------------------------------------------------------
P_CODE, P_NAME, P_INVESTOR, P_ORIGIN = "项目编码", "项目名称", "投资方", "投资方来源地"
P_CAPITAL, P_INDUSTRY, P_KIND = "内外资", "行业", "项目类型"
P_PLANNED, P_CONTRACT, P_REGISTERED, P_LAND = "计划总投资(万元)", "协议引资额(万元)", "注册资本(万元)", "用地(亩)"
P_CREDITS, P_STAGE = "引进单位", "当前阶段"
P_LEADER, P_RESPONSIBLE, P_REMARKS = "包抓县领导", "责任单位编码", "备注"
P_FUNDS_TOTAL = "累计到位资金(万元)"  # written by the export only; ignored on import

# The stage-date columns, in pipeline order. Lead (线索) has no column: a lead event is left as it is.
STAGE_DATE_HEADERS = {
    Stage.NEGOTIATING: "洽谈日期",
    Stage.INTENTION: "意向日期",
    Stage.SIGNED: "签约日期",
    Stage.STARTED: "开工日期",
    Stage.PRODUCING: "投产日期",
}
FILE_STAGES = tuple(STAGE_DATE_HEADERS)
# 当前阶段 values: the pipeline stages that have a date column, then the two statuses.
STAGE_LABELS = {label: stage for label, stage in STAGE_XLSX.items() if stage in STAGE_DATE_HEADERS}
STAGE_LABEL = {stage: label for label, stage in STAGE_LABELS.items()}
CURRENT_STAGE_VALUES = (*STAGE_LABELS, *STATUS_XLSX)

PROJECT_COLUMNS = (
    Column(P_CODE, 14, required=True, note="唯一编码；已存在的编码将更新该项目"),
    Column(P_NAME, 30, required=True),
    Column(P_INVESTOR, 24, note="客商企业名称"),
    Column(P_ORIGIN, 14, note="客商来源地区或国家"),
    Column(P_CAPITAL, 8, required=True, note="、".join(CAPITAL_XLSX)),
    Column(P_INDUSTRY, 18, note="国民经济行业分类门类：字母 A–T 或门类名称，如 C 或 制造业"),
    Column(P_KIND, 10, required=True, note="、".join(KIND_XLSX)),
    Column(P_PLANNED, 14, money=True, note="数字，单位万元，不能为负数；留空为 0"),
    Column(P_CONTRACT, 14, money=True, note="数字，单位万元；有签约日期时记为签约金额"),
    Column(P_REGISTERED, 14, money=True, note="数字，单位万元，可留空"),
    Column(P_LAND, 10, money=True, note="数字，单位亩，可留空"),
    Column(
        P_CREDITS, 18, required=True, note="单位编码；多个单位写成 T01:60;T02:40（份额合计 100），只填一个编码即 100%"
    ),
    Column(
        P_STAGE,
        10,
        note="、".join(CURRENT_STAGE_VALUES) + "；须与阶段日期一致（填了日期的最后一个阶段），留空则按日期确定",
    ),
    *(Column(header, 12, date=True, note="日期，如 2025-03-18") for header in STAGE_DATE_HEADERS.values()),
    Column(P_LEADER, 12),
    Column(P_RESPONSIBLE, 14, note="单位编码，可留空"),
    Column(P_REMARKS, 30),
)

# Funds-in-place sheet ---------------------------------------------------------------------------
R_PROJECT, R_DATE, R_AMOUNT, R_SOURCE, R_VOUCHER = "项目编码", "到账日期", "金额(万元)", "资金来源", "凭证号"

RECEIPT_COLUMNS = (
    Column(R_PROJECT, 14, required=True, note="本文件项目表中或系统中已有项目的编码"),
    Column(R_DATE, 12, required=True, date=True, note="日期，如 2025-03-18"),
    Column(R_AMOUNT, 14, required=True, money=True, note="数字，单位万元，大于 0"),
    Column(R_SOURCE, 20),
    Column(R_VOUCHER, 18, note="项目、日期、金额、凭证号都相同的记录不会重复导入"),
)

SHEET_COLUMNS = {UNIT_SHEET: UNIT_COLUMNS, PROJECT_SHEET: PROJECT_COLUMNS, RECEIPT_SHEET: RECEIPT_COLUMNS}
# Columns a sheet may carry that the importer reads past (the export's running total).
IGNORED_HEADERS = {PROJECT_SHEET: {P_FUNDS_TOTAL}}

# Lists offered as drop-downs in the template.
CHOICE_LISTS = {
    U_CATEGORY: tuple(CATEGORY_XLSX),
    U_TIER: tuple(TIER_XLSX),
    P_CAPITAL: tuple(CAPITAL_XLSX),
    P_KIND: tuple(KIND_XLSX),
    P_STAGE: CURRENT_STAGE_VALUES,
    P_INDUSTRY: tuple(INDUSTRY_XLSX),
}


def normalise_header(value) -> str:
    """Headers are matched after trimming spaces and folding full-width brackets to ASCII ones."""
    if value is None:
        return ""
    return str(value).strip().replace("（", "(").replace("）", ")").replace(" ", "")
