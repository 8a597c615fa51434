"""Resources in and out of .xlsx, one kind per sheet: the list as shown (text cells stay text, areas and prices
numbers), and an import that reads the same columns or a county's usual headers (地块编号, 面积（亩）, 用途, 状态…).
The import is all or nothing: every bad cell is reported, naming its row and column, and no resource is written
until none is left."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from zhaoshang.core import geo
from zhaoshang.core.xlsx import XLSX_TYPE as XLSX_TYPE  # the one content type, named here for the views
from zhaoshang.core.xlsx import text_cell
from zhaoshang.transfer import parsing
from zhaoshang.transfer.errors import ErrorList
from zhaoshang.transfer.xlsx_reader import Unreadable, open_workbook

from . import services
from .models import KINDS

MAX_ROWS = 5000
SIX_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class Column:
    key: str  # the model field
    read: str  # text, multiline, number, integer, latitude, longitude, choice, unit, project
    aliases: tuple[str, ...] = ()


COMMON_HEAD = (Column("name", "text", ("名称", "资源名称", "地块名称", "厂房名称", "资产名称")),
               Column("unit", "unit", ("所属单位", "单位", "乡镇", "园区", "乡镇（园区）", "责任单位")),
               Column("location", "text", ("位置", "坐落", "地址", "地块位置", "四至")))  # fmt: skip
COORDINATES = (Column("latitude", "latitude", ("纬度",)), Column("longitude", "longitude", ("经度",)))
COMMON_TAIL = (Column("status", "choice", ("状态", "供应状态", "处置状态")),
               Column("project", "project", ("项目编号", "落地项目", "供地项目")),
               Column("note", "multiline", ("备注", "说明")))  # fmt: skip
COLUMNS = {
    "parcel": (
        Column("number", "text", ("地块编号", "编号", "宗地编号")),
        *COMMON_HEAD,
        *COORDINATES,
        Column("area_mu", "number", ("面积（亩）", "面积(亩)", "面积", "用地面积（亩）", "亩数")),
        Column("land_use", "choice", ("用途", "土地用途", "规划用途")),
        Column("planning_conditions", "multiline", ("规划条件", "容积率")),
        Column("price", "number", ("价格（万元/亩）", "出让价格", "单价（万元/亩）", "价格")),
        *COMMON_TAIL,
    ),
    "factory": (
        *COMMON_HEAD,
        *COORDINATES,
        Column("floor_area_m2", "number", ("建筑面积（㎡）", "建筑面积(㎡)", "面积（平方米）", "建筑面积", "面积")),
        Column("floors", "integer", ("层数",)),
        Column("floor_load", "number", ("承重", "楼面荷载", "荷载（kN/㎡）")),
        Column("rent", "number", ("租金（元/㎡/月）", "租金", "月租金")),
        Column("sale_price", "number", ("售价（万元）", "售价", "出售价格")),
        *COMMON_TAIL,
    ),
    "idle": (
        *COMMON_HEAD,
        Column("kind", "choice", ("类型", "资产类型", "类别")),
        Column("owner", "text", ("权属人", "业主", "产权人", "原企业")),
        *COORDINATES,
        Column("land_area_mu", "number", ("占地（亩）", "占地面积（亩）", "土地面积（亩）", "面积（亩）")),
        Column("floor_area_m2", "number", ("建筑面积（㎡）", "建筑面积", "建筑面积(㎡)")),
        Column("problem", "multiline", ("存在问题", "问题", "闲置原因")),
        Column("disposal_plan", "multiline", ("处置方案", "盘活方案", "处置计划")),
        *COMMON_TAIL,
    ),
}


def _field(kind, key):
    return KINDS[kind]._meta.get_field(key)


def header(kind: str, key: str) -> str:
    return str(_field(kind, key).verbose_name)


def _sheet_title(kind: str) -> str:
    return str(KINDS[kind]._meta.verbose_name_plural)[:31]


# --- export ------------------------------------------------------------------------------------------------------


def _cell(sheet, kind: str, resource, column: Column):
    value = getattr(resource, column.key)
    if column.read in ("text", "multiline"):
        return text_cell(sheet, value or "")
    if column.read == "choice":
        return text_cell(sheet, getattr(resource, f"get_{column.key}_display")())
    if column.read == "unit":
        return text_cell(sheet, resource.unit.name)
    if column.read == "project":
        return text_cell(sheet, resource.project.code if resource.project_id else "")
    cell = WriteOnlyCell(sheet, value=value)
    if column.read == "number":
        cell.number_format = "0.00"
    elif column.read in ("latitude", "longitude"):
        cell.number_format = "0.000000"
    return cell


def export_workbook(kind: str, resources) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(kind))
    heads = []
    for column in COLUMNS[kind]:
        cell = WriteOnlyCell(sheet, value=header(kind, column.key))
        cell.font = Font(bold=True)
        heads.append(cell)
    sheet.append(heads)
    for resource in resources.iterator(chunk_size=1000):
        sheet.append([_cell(sheet, kind, resource, column) for column in COLUMNS[kind]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- import ------------------------------------------------------------------------------------------------------


class ImportFailed(Exception):
    def __init__(self, errors):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def _headers(kind: str) -> dict[str, str]:
    """Header text (the export's, in Chinese or English, or a county's usual one) → field."""
    found = {}
    for column in COLUMNS[kind]:
        for alias in column.aliases:
            found.setdefault(alias, column.key)
        found[header(kind, column.key).strip()] = column.key
        with translation.override("en"):
            found.setdefault(header(kind, column.key).strip(), column.key)
    return found


# The words counties' sheets use for the same choices.
CHOICE_ALIASES = {
    "land_use": {"工业": "industrial", "商业": "commercial", "商服": "commercial", "仓储": "warehousing",
                 "物流": "warehousing", "综合": "mixed", "混合": "mixed", "其他": "other"},
    "status": {"可供": "available", "待供应": "available", "可供应": "available", "空闲": "available",
               "待租": "available", "待售": "available", "已预留": "reserved", "预留": "reserved",
               "已出让": "supplied", "已供地": "supplied", "已出租": "let_or_sold", "已出售": "let_or_sold",
               "待处置": "to_dispose", "处置中": "in_disposal", "已盘活": "disposed", "已处置": "disposed"},
}  # fmt: skip


def _choices(kind: str, key: str) -> dict[str, str]:
    values = {value for value, _label in _field(kind, key).choices}
    mapping = {alias: value for alias, value in CHOICE_ALIASES.get(key, {}).items() if value in values}
    for value, label in _field(kind, key).choices:
        mapping[value] = value
        mapping[str(label)] = value
        with translation.override("en"):
            mapping.setdefault(str(label), value)
    return mapping


def _lookups(user, project_codes: set[str]) -> dict:
    """The units the user may offer resources of, and the projects the sheet names that they see (only those: the
    ledger may hold a million)."""
    units = {}
    for unit in services.units_for(user):
        units[unit.code] = unit
        units[unit.name] = unit
    projects = services.projects_for(user).filter(code__in=project_codes) if project_codes else []
    return {"units": units, "projects": {project.code: project for project in projects}}


def _read(kind: str, column: Column, raw, lookups):
    field = _field(kind, column.key)
    if column.read in ("text", "multiline"):
        return parsing.text(raw, max_length=field.max_length)
    if column.read == "number":
        maximum = min(v.limit_value for v in field.validators if v.__class__.__name__ == "MaxValueValidator")
        return parsing.amount(raw, maximum=maximum)
    if column.read == "integer":
        number = parsing.amount(raw, maximum=Decimal(100), places=Decimal(1))
        if number is not None and number < 1:
            raise parsing.CellError(_("At least 1."))
        return None if number is None else int(number)
    if column.read in ("latitude", "longitude"):
        low, high = geo.LATITUDE if column.read == "latitude" else geo.LONGITUDE
        number = parsing.amount(raw, maximum=high, places=SIX_PLACES)
        if number is not None and number < low:
            raise parsing.CellError(_("Must lie between %(low)s and %(high)s.") % {"low": low, "high": high})
        return number
    text = parsing.display(raw)
    if column.read == "choice":
        return parsing.choice(raw, _choices(kind, column.key)) if text else None
    table = lookups["units" if column.read == "unit" else "projects"]
    if not text:
        return None
    if text not in table:
        if column.read == "unit":
            raise parsing.CellError(_("No unit of this code or name that you may offer resources of."))
        raise parsing.CellError(_("No project of this code that you may see."))
    return table[text]


def import_resources(*, user, kind: str, data: bytes) -> list:
    """Read the first sheet and create its resources of ``kind``, all or none (``ImportFailed`` lists every bad
    cell by row and column)."""
    if not services.may_add(user):
        raise PermissionDenied
    errors = ErrorList()
    try:
        workbook = open_workbook(io.BytesIO(data))
    except Unreadable:
        raise ImportFailed([_("The file is not an .xlsx workbook.")]) from None
    sheet_name = workbook.sheet_names[0]
    rows = workbook.rows(sheet_name)
    if not rows:
        raise ImportFailed([_("The sheet %(sheet)s is empty.") % {"sheet": sheet_name}])
    known = _headers(kind)
    positions = {}
    for index, text in enumerate(rows[0]):
        key = known.get(parsing.display(text))
        if key and key not in positions:
            positions[key] = index
    required = ["area_mu"] if kind == "parcel" else ["name", "floor_area_m2"] if kind == "factory" else ["name"]
    missing = [header(kind, key) for key in ["unit", *required] if key not in positions]
    if missing:
        raise ImportFailed(
            [
                _("The sheet %(sheet)s has no column “%(column)s”.") % {"sheet": sheet_name, "column": name}
                for name in missing
            ]
        )
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFailed([_("At most %(max)s rows at a time.") % {"max": MAX_ROWS}])
    codes = set()
    if "project" in positions:
        index = positions["project"]
        codes = {parsing.display(row[index]) for row in rows[1:] if index < len(row)} - {""}
    lookups = _lookups(user, codes)
    columns = {column.key: column for column in COLUMNS[kind]}
    planned = []
    for number, row in enumerate(rows[1:], start=2):
        if all(parsing.is_blank(value) for value in row):
            continue
        values = {}
        for key, index in positions.items():
            raw = row[index] if index < len(row) else None
            try:
                values[key] = _read(kind, columns[key], raw, lookups)
            except parsing.CellError as error:
                errors.add(sheet_name, number, header(kind, key), raw, error.reason)
        if kind == "parcel" and not values.get("name") and values.get("number"):
            values["name"] = values["number"]
        for key in ("unit", "name", *required):
            if values.get(key) in (None, "") and not _has_error(errors, number, kind, key):
                errors.add(sheet_name, number, header(kind, key), "", _("Required."))
        planned.append((number, values))
    if not errors and not planned:
        raise ImportFailed([_("The sheet %(sheet)s has no rows.") % {"sheet": sheet_name}])
    if errors:
        raise ImportFailed(list(errors))
    created = []
    model = KINDS[kind]
    with transaction.atomic():
        for number, values in planned:
            status, project = values.pop("status", None), values.pop("project", None)
            data_row = {key: value for key, value in values.items() if value is not None}
            try:
                created.append(
                    services.save_resource(
                        user=user, model=model, resource=None, data=data_row, status=status or None, project=project
                    )
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for key, messages in error.message_dict.items():
                        name = header(kind, key) if key in columns else ""
                        errors.add(sheet_name, number, name, values.get(key), "；".join(messages))
                else:
                    column = header(kind, "status") if status else ""
                    errors.add(sheet_name, number, column, "", "；".join(error.messages))
            except PermissionDenied:
                errors.add(sheet_name, number, header(kind, "unit"), "", _("You may not offer resources of this unit."))
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ImportFailed(list(errors))
    return created


def _has_error(errors, number, kind, key) -> bool:
    return any(error.row == number and error.column == header(kind, key) for error in errors)
