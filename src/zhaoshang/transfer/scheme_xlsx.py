"""The 评分细则 sheet: a period's points scheme exported to .xlsx and imported back (issue 13).

A third sheet, 奖惩规则, holds the consequences as the rows of ``targets.consequence_rows`` (规则, 条件, 参数, 动作;
the default set when the period has none of its own). Imported when present (empty: the default set); absent, the
period's consequences stay as they are.

Two sheets: 评分方案 (满分, 总分封顶, 排名分组, 自定义分组, 一票否决效果: one setting a row, 项目 and 值) and
评分细则 (one item a row, the columns of ``ITEM_HEADERS``). Import replaces the period's whole scheme through
``targets.services.save_scheme``, so a sheet obeys exactly the rules of the scheme page; every refusal names the
sheet, the row and the column, and nothing is written unless the whole file is right.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment

from zhaoshang.core.xlsx import safe_row
from zhaoshang.projects.choices import EVENT_LEVEL_XLSX, INDUSTRY_LABELS, KIND_XLSX, STAGE_XLSX
from zhaoshang.targets import consequence_rows, scheme_text, scoring
from zhaoshang.targets import consequences as rulebook
from zhaoshang.targets.choices import AMOUNT_FIELD_XLSX
from zhaoshang.targets.models import Period, Scheme
from zhaoshang.targets.scheme_text import (
    bands_text,
    category_floors_text,
    params_text,
    parse_bands,
    parse_category_floors,
    parse_divisions,
    parse_params,
    plain,
)
from zhaoshang.targets.services import SchemeItemData, SchemeRefused, save_scheme

from .columns import CHANGE_REASON, CONSEQUENCE_SHEET, SCHEME_SHEETS
from .errors import ErrorList
from .exporter import HEADER_FILL, HEADER_FONT
from .targets_import import history_reason
from .xlsx_reader import Unreadable, open_workbook

SCHEME_SHEET, ITEM_SHEET = SHEETS = SCHEME_SHEETS

# File labels: Chinese whatever the interface language.
SECTION_XLSX = {"基本分": "base", "加分": "bonus", "扣分": "deduction"}
FUNCTION_XLSX = {
    "完成÷任务×分值": "ratio",
    "功效系数": "efficacy",
    "基础分±每档": "step",
    "基础分±每个": "per_count",
    "按金额档次": "banded",
    "按次计分": "per_occurrence",
    "达标得分": "threshold",
    "任务力争": "stretch",
}
MEASURE_XLSX = {
    "项目个数": "count",
    "金额合计": "amount",
    "到位资金": "funds",
    "利用外资": "foreign",
    "比率": "ratio",
    "迟报次数": "late_reports",
    "漏报次数": "missing_reports",
    "被通报批评次数": "criticisms",
    "弄虚作假次数": "findings",
    "重复申报次数": "double_claims",
    "实际利用外资": "foreign_received",
    "完成投资": "investment_completed",
    "出口创汇": "export_earnings",
}
RATIO_PART_XLSX = {
    "签约项目个数": {"what": "count", "stage": "signed"},
    "开工项目个数": {"what": "count", "stage": "started"},
    "投产项目个数": {"what": "count", "stage": "producing"},
    "签约协议引资额": {"what": "amount", "stage": "signed"},
    "到位资金": {"what": "funds"},
}
RANKING_XLSX = {"按单位类别": "category", "全部单位统一排名": "all", "自定义分组": "custom"}
VETO_XLSX = {"取消评优资格": "bar_honours", "得分计为零": "zero", "排名列末位": "last"}
YES_NO = {"是": True, "否": False}

S_FULL, S_CAP, S_RANKING, S_GROUPS, S_VETO = "满分", "总分封顶", "排名分组", "自定义分组", "一票否决效果"
SCHEME_KEYS = (S_FULL, S_CAP, S_RANKING, S_GROUPS, S_VETO)
(
    I_CODE,
    I_NAME,
    I_SECTION,
    I_FUNCTION,
    I_POINTS,
    I_CAP,
    I_PLACES,
    I_MEASURE,
    I_STAGE,
    I_FIELD,
    I_LOW,
    I_HIGH,
    I_KINDS,
    I_INDUSTRIES,
    I_HIGH_TECH,
    I_NUMERATOR,
    I_DENOMINATOR,
    I_TASK,
    I_PARAMS,
) = ITEM_HEADERS = (
    "编号",
    "评分项",
    "类别",
    "计分方法",
    "分值",
    "上限",
    "小数位",
    "考核内容",
    "阶段",
    "金额口径",
    "金额下限",
    "金额上限",
    "项目类型",
    "行业",
    "高新技术",
    "分子",
    "分母",
    "任务来源",
    "参数",
)
# The recognition conditions (认定条件) of a ledger measure and its floors by unit category: optional columns after
# 力争来源 (a file without them still imports; a ratio's apply to both its parts).
(C_EVENT, C_PRIVATE, C_LAND, C_YEARS, C_DIVISIONS, C_FLOORS) = CONDITION_HEADERS = (
    "签约活动级别",
    "仅民营",
    "当期注册并缴纳土地出让金",
    "签约年限",
    "排除行业大类",
    "按单位类别金额下限",
)
# Optional columns after ``ITEM_HEADERS`` (an older sheet without them still imports): 力争来源, the target group of
# a ``stretch`` item's 力争; its task's share of 分值 is written in 参数 as 任务得分=80%; then the 认定条件 columns.
I_STRETCH = "力争来源"
OPTIONAL_HEADERS = (I_STRETCH, *CONDITION_HEADERS)
SHEET_HEADERS = (*ITEM_HEADERS, *OPTIONAL_HEADERS)
STRETCH_SHARE = "任务得分"
WIDTHS = {I_NAME: 28, I_FUNCTION: 16, I_MEASURE: 14, I_INDUSTRIES: 16, I_PARAMS: 48, I_NUMERATOR: 14, I_DENOMINATOR: 14}
WIDTHS.update({C_LAND: 14, C_DIVISIONS: 14, C_FLOORS: 24})


def _label(mapping: dict, value) -> str:
    return next((label for label, code in mapping.items() if code == value), "")


def _ratio_label(part: dict | None) -> str:
    for label, wanted in RATIO_PART_XLSX.items():
        if part and all(part.get(key) == value for key, value in wanted.items()):
            return label
    return ""


# --- writing ------------------------------------------------------------------------------------------------


def scheme_rows(scheme: Scheme) -> tuple[list[list], list[list]]:
    """The two sheets' rows (without the headers) for a stored scheme."""
    settings = [
        [S_FULL, plain(scheme.full_score)],
        [S_CAP, "是" if scheme.cap_total else "否"],
        [S_RANKING, _label(RANKING_XLSX, scheme.ranking)],
        [S_GROUPS, "；".join(f"{name}:{','.join(codes)}" for name, codes in scheme.custom_groups.items())],
        [S_VETO, _label(VETO_XLSX, scheme.veto_effect)],
    ]
    items = []
    for item in scheme.items.all():
        measure = item.measure or {}
        what = measure.get("what")
        filters = (measure.get("numerator") or {}) if what == "ratio" else measure
        params = dict(item.params or {})
        bands = params.pop("bands", None)
        stretch_group, stretch_share = _stretch_out(item.function, params)
        high_tech = filters.get("high_tech")
        items.append(
            [
                item.code,
                item.name,
                _label(SECTION_XLSX, item.section),
                _label(FUNCTION_XLSX, item.function),
                float(item.points),
                None if item.cap is None else float(item.cap),
                item.places,
                _label(MEASURE_XLSX, what),
                _label(STAGE_XLSX, measure.get("stage")) if what in scoring.LEDGER_MEASURES else "",
                _label(AMOUNT_FIELD_XLSX, measure.get("amount_field")) if what in scoring.LEDGER_MEASURES else "",
                float(Decimal(filters["low"])) if filters.get("low") and Decimal(filters["low"]) else None,
                float(Decimal(filters["high"])) if filters.get("high") not in (None, "") else None,
                "、".join(_label(KIND_XLSX, kind) for kind in filters.get("kinds") or ()),
                "、".join(filters.get("industries") or ()),
                "" if high_tech is None else ("是" if high_tech else "否"),
                _ratio_label(measure.get("numerator")),
                _ratio_label(measure.get("denominator")),
                item.task_group,
                bands_text(bands) if bands else "；".join(filter(None, (params_text(params), stretch_share))),
                stretch_group or None,
                *_condition_cells(filters),
            ]
        )
    return settings, items


def _condition_cells(measure: dict) -> list:
    """The 认定条件 columns of a measure (a ratio: its numerator's, the same as its denominator's)."""
    years = measure.get("within_years")
    return [
        _label(EVENT_LEVEL_XLSX, measure.get("event_level")),
        "是" if measure.get("private") else "",
        "是" if measure.get("registered_land_paid") else "",
        None if years in (None, "") else int(years),
        "、".join(measure.get("exclude_divisions") or ()),
        category_floors_text(measure.get("low_by_category") or {}),
    ]


def _stretch_out(function: str, params: dict) -> tuple[str, str]:
    """Take a ``stretch`` item's 力争 group and task share out of its parameters: (力争来源, "任务得分=80%" or "")."""
    group = params.pop("stretch_group", "") or ""
    if function != "stretch" or params.get("base") in (None, ""):
        return group, ""
    return group, f"{STRETCH_SHARE}={plain(Decimal(str(params.pop('base'))) * 100)}%"


def _stretch_in(text: str) -> tuple[str, str | None]:
    """The 参数 text without 任务得分=…%, and that share as a fraction (None: not given); ValueError when it is not
    a number."""
    kept, share = [], None
    for part in re.split(r"[；;\n]+", text or ""):
        label, sep, value = part.replace("＝", "=").partition("=")
        if sep and label.strip() == STRETCH_SHARE:
            share = plain(scheme_text.number(value.strip().rstrip("%％")) / 100)
        elif part.strip():
            kept.append(part.strip())
    return "；".join(kept), share


def _sheet(workbook: Workbook, title: str, headers, rows, widths=None) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(list(headers))
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = (widths or {}).get(header, 10)
    for row in rows:
        sheet.append(safe_row(sheet, row))
    sheet.freeze_panes = "A2"


def consequence_sheet_rows(rules) -> list[list]:
    """The 奖惩规则 sheet's rows for rules (``targets.consequences``), the action on each rule's first row."""
    out, seen = [], set()
    for row in consequence_rows.rows_of(rules):
        action = "" if row.rule in seen else consequence_rows.ACTION_LABELS[row.action]
        seen.add(row.rule)
        out.append([row.rule, consequence_rows.CONDITION_LABELS[row.condition], row.parameter, action])
    return out


def add_scheme_sheets(
    workbook: Workbook, settings: list[list], items: list[list], consequences: list[list] | None = None
) -> None:
    _sheet(workbook, SCHEME_SHEET, ("项目", "值"), settings, {"项目": 14, "值": 40})
    _sheet(workbook, ITEM_SHEET, SHEET_HEADERS, items, WIDTHS)
    if consequences is not None:
        widths = {"规则": 6, "条件": 20, "参数": 30, "动作": 16}
        _sheet(workbook, CONSEQUENCE_SHEET, consequence_rows.COLUMNS, consequences, widths)


def export_scheme(period: Period) -> bytes:
    """The period's scheme as an .xlsx workbook (the sheets 评分方案 and 评分细则)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    scheme = Scheme.objects.prefetch_related("items").get(period=period)
    rules = consequence_sheet_rows(rulebook.from_json(scheme.consequences))
    add_scheme_sheets(workbook, *scheme_rows(scheme), rules)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Scheme A of targets/tests/test_scoring.py: the template's example.
EXAMPLE_SETTINGS = [[S_FULL, "100"], [S_CAP, "否"], [S_RANKING, "按单位类别"], [S_GROUPS, ""], [S_VETO, "取消评优资格"]]
EXAMPLE_ITEMS = [
    ["A1", "新引进省外亿元项目数量", "基本分", "完成÷任务×分值", 30, None, 2, "项目个数", "签约", "协议引资额", 10000,
     None, "", "", "", "", "", "签约", ""],
    ["A2", "当年实际到位资金", "基本分", "完成÷任务×分值", 20, None, 2, "到位资金", "", "", None, None, "", "", "", "",
     "", "到位资金", ""],
    ["A3", "超目标任务引进省外亿元项目", "加分", "基础分±每个", 0, 6, 2, "项目个数", "签约", "协议引资额", 10000, None,
     "", "", "", "", "", "签约", "每超=2"],
    ["A4", "新增10亿元以上重大项目", "加分", "按金额档次", 0, None, 2, "项目个数", "签约", "协议引资额", None, None, "",
     "", "", "", "", "", "100000-500000:4；500000以上:8"],
    ["A5", "月报表少报", "扣分", "按次计分", 0, 12, 2, "漏报次数", "", "", None, None, "", "", "", "", "", "",
     "每次=1"],
]  # fmt: skip


# --- reading ------------------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return plain(Decimal(str(value)))
    return str(value).strip()


class _Row:
    def __init__(self, errors: ErrorList, sheet: str, number: int, cells: dict):
        self.errors, self.sheet, self.number, self.cells = errors, sheet, number, cells

    def text(self, column: str) -> str:
        return _text(self.cells.get(column))

    def error(self, column: str, reason: str) -> None:
        self.errors.add(self.sheet, self.number, column, self.text(column), reason)

    def choice(self, column: str, mapping: dict, *, required=True, default=None):
        text = self.text(column)
        if not text:
            if required:
                self.error(column, _("Required."))
            return default
        if text not in mapping:
            self.error(column, _("Choose one of %(choices)s.") % {"choices": "、".join(mapping)})
            return default
        return mapping[text]

    def decimal(self, column: str, *, required=False, default=None):
        text = self.text(column)
        if not text:
            if required:
                self.error(column, _("Required."))
            return default
        try:
            value = Decimal(text.replace(",", ""))
            if value.is_finite():
                return value
        except ArithmeticError:
            pass
        self.error(column, _("Not a number."))
        return default

    def many(self, column: str, mapping: dict) -> list:
        out = []
        for part in _text(self.cells.get(column)).replace("，", "、").replace(",", "、").split("、"):
            part = part.strip()
            if not part:
                continue
            if part in mapping:
                out.append(mapping[part])
            else:
                self.error(column, _("Choose among %(choices)s.") % {"choices": "、".join(mapping)})
        return out


def _rows(workbook, name: str, errors: ErrorList, headers) -> list[_Row]:
    rows = workbook.rows(name)
    if not rows:
        return []
    header = [_text(value) for value in rows[0]]
    missing = [h for h in headers if h not in header]
    if missing:
        errors.add(name, 1, "", "、".join(missing), _("Missing columns %(columns)s.") % {"columns": "、".join(missing)})
        return []
    out = []
    for number, values in enumerate(rows[1:], start=2):
        if all(v is None or _text(v) == "" for v in values):
            continue
        out.append(_Row(errors, name, number, {h: values[i] for i, h in enumerate(header) if h and i < len(values)}))
    return out


def _settings(workbook, name: str, errors: ErrorList) -> dict:
    data: dict = {}
    for row in _rows(workbook, name, errors, ("项目", "值")):
        key = row.text("项目")
        row.cells[key] = row.cells.get("值")  # read the value under the setting's own name
        if key == S_FULL:
            data["full_score"] = row.decimal(key, required=True)
        elif key == S_CAP:
            data["cap_total"] = row.choice(key, YES_NO, required=False, default=False)
        elif key == S_RANKING:
            data["ranking"] = row.choice(key, RANKING_XLSX)
        elif key == S_VETO:
            data["veto_effect"] = row.choice(key, VETO_XLSX)
        elif key == S_GROUPS:
            groups = {}
            for part in row.text(key).replace("；", ";").split(";"):
                if not part.strip():
                    continue
                name, sep, codes = part.replace("：", ":").partition(":")
                if not sep:
                    row.error(key, _("Write each group as 名称:编码,编码 and separate the groups with ；."))
                    continue
                groups[name.strip()] = [c.strip() for c in codes.replace("，", ",").split(",") if c.strip()]
            data["custom_groups"] = groups
        else:
            errors.add(SCHEME_SHEET, row.number, "项目", key, _("Unknown setting: the settings are %(keys)s.")
                       % {"keys": "、".join(SCHEME_KEYS)})  # fmt: skip
    return data


def _item(row: _Row) -> SchemeItemData | None:
    before = len(row.errors)
    code, name = row.text(I_CODE), row.text(I_NAME)
    if not code:
        row.error(I_CODE, _("Required."))
    if not name:
        row.error(I_NAME, _("Required."))
    section = row.choice(I_SECTION, SECTION_XLSX)
    function = row.choice(I_FUNCTION, FUNCTION_XLSX)
    what = row.choice(I_MEASURE, MEASURE_XLSX)
    filters: dict = {}
    low, high = row.decimal(I_LOW), row.decimal(I_HIGH)
    if low:
        filters["low"] = plain(low)
    if high is not None:
        filters["high"] = plain(high)
    kinds = row.many(I_KINDS, KIND_XLSX)
    if kinds:
        filters["kinds"] = [str(kind) for kind in kinds]
    industries = row.many(I_INDUSTRIES, INDUSTRY_LABELS)
    if industries:
        filters["industries"] = industries
    high_tech = row.choice(I_HIGH_TECH, YES_NO, required=False)
    if high_tech is not None:
        filters["high_tech"] = high_tech
    filters.update(_conditions(row))
    measure: dict = {"what": what}
    if what in scoring.LEDGER_MEASURES:
        stage = row.choice(I_STAGE, STAGE_XLSX, required=what != "funds", default="signed")
        field = row.choice(I_FIELD, AMOUNT_FIELD_XLSX, required=False, default="contract_amount")
        measure.update(stage=str(stage), amount_field=str(field), **filters)
    elif what == "ratio":
        for column, side in ((I_NUMERATOR, "numerator"), (I_DENOMINATOR, "denominator")):
            part = row.choice(column, RATIO_PART_XLSX, required=False)
            if part is not None:
                measure[side] = {**part, **filters}
    params_column = I_PARAMS
    stretch_share = None
    try:
        text = row.text(params_column)
        if function == "stretch":
            text, stretch_share = _stretch_in(text)
        params = parse_bands(text) if function == "banded" else parse_params(text)
    except ValueError as error:
        row.error(params_column, str(error))
        params = {}
    if function == "banded":
        params = {"bands": params}
    if function == "stretch":
        params["stretch_group"] = row.text(I_STRETCH)
        if stretch_share is not None:
            params["base"] = stretch_share
    places = row.decimal(I_PLACES, default=Decimal(2))
    if len(row.errors) > before:
        return None
    return SchemeItemData(
        code=code,
        name=name,
        function=function,
        measure=measure,
        section=section,
        points=row.decimal(I_POINTS, default=Decimal(0)),
        cap=row.decimal(I_CAP),
        places=int(places),
        params=params,
        task_group=row.text(I_TASK),
    )


def _consequences(workbook, name: str, errors: ErrorList):
    """The rules of the 奖惩规则 sheet (None when wrong: the errors name row and column)."""
    sheet_rows = _rows(workbook, name, errors, consequence_rows.COLUMNS)
    flat: list[consequence_rows.RuleRow] = []
    before = len(errors)
    for row in sheet_rows:
        number = row.decimal("规则", required=True)
        if number is not None and (number != number.to_integral_value() or number < 1):
            row.error("规则", _("Write the rule's number, 1 or more."))
        condition = row.choice("条件", consequence_rows.CONDITION_CODES)
        action = row.choice("动作", consequence_rows.ACTION_CODES, required=False, default="")
        flat.append(
            consequence_rows.RuleRow(
                rule=int(number or 0), condition=condition or "", parameter=row.text("参数"), action=action
            )
        )
    if len(errors) > before:
        return None
    try:
        return consequence_rows.rules_of(flat)
    except consequence_rows.RowsRefused as refused:
        for index, column, message in refused.refusals:
            row = sheet_rows[index]
            errors.add(name, row.number, column, row.text(column) if column else "", message)
    return None


def _conditions(row: _Row) -> dict:
    """The 认定条件 columns of a row as a measure's JSON keys (refusals named at the row and the column)."""
    found: dict = {}
    level = row.choice(C_EVENT, EVENT_LEVEL_XLSX, required=False)
    if level:
        found["event_level"] = str(level)
    if row.choice(C_PRIVATE, YES_NO, required=False):
        found["private"] = True
    if row.choice(C_LAND, YES_NO, required=False):
        found["registered_land_paid"] = True
    years = row.decimal(C_YEARS)
    if years is not None:
        if years != years.to_integral_value() or not 1 <= years <= 50:
            row.error(C_YEARS, _("A whole number of years from 1 to 50."))
        else:
            found["within_years"] = int(years)
    for column, parse, key in (
        (C_DIVISIONS, parse_divisions, "exclude_divisions"),
        (C_FLOORS, parse_category_floors, "low_by_category"),
    ):
        try:
            value = parse(row.text(column))
        except ValueError as error:
            row.error(column, str(error))
            continue
        if value:
            found[key] = value
    return found


def import_scheme(source, *, user, period: Period) -> ErrorList:
    """Replace the period's scheme by the file's; the errors (empty: saved). All or nothing."""
    errors = ErrorList()
    try:
        workbook = open_workbook(source)
    except Unreadable:
        errors.add("", None, "", "", _("The file cannot be read as an Excel workbook (.xlsx)."))
        return errors
    names = {name.strip(): name for name in workbook.sheet_names}
    if ITEM_SHEET not in names:
        errors.add("", None, "", "", _("The file has no sheet %(sheet)s.") % {"sheet": ITEM_SHEET})
        return errors
    data = _settings(workbook, names[SCHEME_SHEET], errors) if SCHEME_SHEET in names else {}
    rows = _rows(workbook, names[ITEM_SHEET], errors, ITEM_HEADERS)
    items = [_item(row) for row in rows]
    if CONSEQUENCE_SHEET in names:
        rules = _consequences(workbook, names[CONSEQUENCE_SHEET], errors)
        if rules is not None:
            data["consequences"] = consequence_rows.stored(rules)
    if errors:
        return errors
    try:
        with history_reason(CHANGE_REASON):
            save_scheme(user=user, period=period, data=data, items=items)
    except SchemeRefused as refused:
        for index, message in refused.refusals:
            if index is None:
                errors.add(SCHEME_SHEET, None, "", "", message)
            else:
                row = rows[index]
                errors.add(ITEM_SHEET, row.number, I_NAME, row.text(I_NAME), message)
    return errors
