"""Indicator values as .xlsx: the export of every value a user sees, and the import of values back from one.

The import reads the first sheet in either of two shapes:

* the export's (one value a row): 指标名称, 部门, 期间, 数值, 备注 (the other columns are left alone);
* a county's own sheet (one indicator a row, the periods as columns: 2026年1月, 2026-02, 2026Q1, …, or dates),
  with a title row or two above the header if the sheet has them.

Headers are matched by their usual Chinese words (and the English ones). A department cell names a unit by its
name, code or confirmed alias (``organization.aliases``); for a county-wide indicator it is empty, 全县, the
indicator's responsible department or — in a sheet whose 单位 column is the unit of measure — its unit. A value is
a number (95%, or a cell formatted as a percentage, for a % indicator), kept to two decimals. Reading checks every
row first and names the row and the column of each error; ``services.import_values`` writes only when none has one.
Text cells go through ``core.xlsx.text_cell`` (never a formula)."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from zhaoshang.core.xlsx import XLSX_TYPE as XLSX_TYPE  # the one content type, named here for the views
from zhaoshang.core.xlsx import text_cell
from zhaoshang.organization.aliases import UnitResolver, normalise_name

from . import periods, rules
from .choices import Scope

NUMBER_FORMAT = "0.00"
MAX_ROWS = 5000
HEADER_SEARCH_ROWS = 10  # a county's sheet may have a title (and a date line) above its header
CENT = Decimal("0.01")

# (key, header): the export's columns in order; the import reads the first five.
COLUMNS = (
    ("indicator", gettext_lazy("indicator name")),
    ("department", gettext_lazy("department")),
    ("period", pgettext_lazy("environment", "period")),
    ("value", pgettext_lazy("environment", "value")),
    ("note", gettext_lazy("note")),
    ("unit", gettext_lazy("unit of measure")),
    ("target", gettext_lazy("target")),
    ("met", gettext_lazy("target met")),
    ("entered_by", gettext_lazy("entered by")),
    ("entered_at", gettext_lazy("entered at")),
)
# The words a county's sheet uses for the columns the import reads (besides the export's own headers).
ALIASES = {
    "indicator": {"指标", "指标名称", "指标项", "评价指标", "指标内容", "indicator"},
    "department": {"部门", "单位/部门", "部门/单位", "责任单位", "责任部门", "填报单位", "牵头单位", "unit"},
    "period": {"期间", "统计期", "统计期间", "时期", "月份", "季度", "年度", "period"},
    "value": {"数值", "值", "完成值", "实际值", "指标值", "完成情况", "value"},
    "note": {"备注", "说明", "note"},
}
# 单位 alone is a department in some sheets and the unit of measure in others (see ``_department``).
AMBIGUOUS_UNIT = "单位"
COUNTY_WORDS = {"", "全县", "县级", "全县合计", "county", "county-wide", "-", "—", "/"}
NO_VALUE = {"", "-", "—", "－", "/", "无", "n/a", "na"}


def _key(value) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value or ""))).lower()


# --- writing ---------------------------------------------------------------------------------------------


def _cell(sheet, value):
    if isinstance(value, str):
        return text_cell(sheet, value)
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = NUMBER_FORMAT
        return cell
    return value


def county_label() -> str:
    return str(Scope.COUNTY.label)


def values_workbook(values) -> bytes:
    """One value a row (the import's first shape), county-wide values under 全县."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(_("Business-environment indicators"))[:31])
    header = []
    for _name, heading in COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(heading))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    met_words = {True: pgettext("environment", "met"), False: pgettext("environment", "not met"), None: ""}
    for item in values:
        indicator = item.indicator
        row = {
            "indicator": indicator.name,
            "department": item.department.name if item.department_id else county_label(),
            "period": item.period_label,
            "value": item.value,
            "note": item.note,
            "unit": indicator.unit,
            "target": indicator.target,
            "met": str(met_words[item.met]),
            "entered_by": str(item.entered_by or ""),
            "entered_at": timezone.localtime(item.entered_at).strftime("%Y-%m-%d %H:%M") if item.entered_at else "",
        }
        sheet.append([_cell(sheet, row[name]) for name, _heading in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- reading ---------------------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s, column “%(column)s”: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class Entry:
    row: int
    column: str  # the value's column, named in an error found when it is written
    indicator: object
    department: object
    period: dt.date
    value: Decimal
    note: str


@dataclass
class Parsed:
    rows: list[Entry] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _known_headers() -> dict[str, str]:
    found = {}
    for name, words in ALIASES.items():
        for word in words:
            found[_key(word)] = name
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for name, title in COLUMNS[:5]:
                found.setdefault(_key(title), name)
    return found


def _title(name: str) -> str:
    return str(dict(COLUMNS)[name])


def _header_text(value) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m")
    return str(value if value is not None else "").strip()


def _number(cell, indicator) -> Decimal | str | None:
    """The cell's number (None when blank), or the reason it is not one."""
    value = cell.value
    if isinstance(value, bool):
        return _("Write a number.")
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if indicator.is_percentage and "%" in str(getattr(cell, "number_format", "") or ""):
            number *= 100  # a cell formatted as a percentage holds 0.95 for 95 %
    else:
        text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip().replace(",", "")
        if text.lower() in NO_VALUE:
            return None
        if text.endswith("%"):
            if not indicator.is_percentage:
                return _("The indicator is measured in %(unit)s, not in %%.") % {"unit": indicator.unit}
            text = text[:-1].strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            return _("Write a number.")
    if not number.is_finite():
        return _("Write a number.")
    number = number.quantize(CENT, rounding=ROUND_HALF_UP)
    reason = rules.value_error(number, indicator.unit)
    return reason or number


def _blank(value, indicator) -> bool:
    """A missing period (a value) or a cell holding no value (None, an EmptyCell, "—", "/")."""
    if value is None:
        return True
    if hasattr(value, "value"):
        return _number(value, indicator) is None
    return str(value).strip() == ""


class _Reader:
    def __init__(self, *, user, may_enter: Callable, today: dt.date):
        from .models import Indicator

        self.user, self.may_enter, self.today = user, may_enter, today
        self.indicators = {_key(item.name): item for item in Indicator.objects.select_related("department")}
        self.units = UnitResolver()
        self.parsed = Parsed()
        self.seen: dict[tuple, int] = {}

    def error(self, row: int, column: str, message: str) -> None:
        self.parsed.errors.append(RowError(row, column, message))

    def indicator(self, row: int, cell):
        text = str(cell.value if cell is not None and cell.value is not None else "").strip()
        if not text:
            self.error(row, _title("indicator"), _("This cell is required."))
            return None
        indicator = self.indicators.get(_key(text))
        if indicator is None:
            self.error(row, _title("indicator"), _("No indicator is named %(value)s.") % {"value": text[:50]})
        elif not indicator.active:
            self.error(row, _title("indicator"), _("The indicator is no longer in use."))
            return None
        return indicator

    def department(self, row: int, column: str, cell, indicator, *, ambiguous: bool):
        """(found, unit): the unit the cell names for this indicator (None: the county-wide value)."""
        text = str(cell.value if cell is not None and cell.value is not None else "").strip()
        key = normalise_name(text).lower()
        if not indicator.per_department:
            if key in COUNTY_WORDS or key == _key(county_label()):
                return True, None
            if ambiguous and _key(text) == _key(indicator.unit):
                return True, None  # 单位 is the unit of measure in this sheet
            unit = self.units.resolve(text)
            if unit is not None and (unit.pk == indicator.department_id or unit.parent_id is None):
                return True, None  # the responsible department (or the county itself) reports the county's value
            self.error(
                row,
                column,
                _("%(indicator)s is county-wide: leave the department empty or write 全县.")
                % {"indicator": indicator.name},
            )
            return False, None
        if not text:
            self.error(row, column, _("This indicator is reported per department: write the department."))
            return False, None
        unit = self.units.resolve(text)
        if unit is None:
            self.error(row, column, _("No unit has the code or name %(value)s.") % {"value": text[:50]})
            return False, None
        return True, unit

    def add(self, row, column, indicator, department, period, period_column: str, value_cell, note: str) -> None:
        """One value: its period, its number, the permission and the duplicates checked."""
        number = _number(value_cell, indicator)
        if number is None:
            return
        try:
            start = periods.parse(period, indicator.frequency)
        except periods.PeriodError as error:
            self.error(row, period_column, str(error))
            return
        if isinstance(number, str):
            self.error(row, column, number)
            return
        if not self.may_enter(self.user, indicator, department):
            self.error(row, column, _("You may not enter this indicator's values for this unit."))
            return
        if start > self.today:
            self.error(
                row, column, _("The period %(period)s has not begun yet.") % {"period": indicator.period_label(start)}
            )
            return
        key = (indicator.pk, department.pk if department else None, start)
        if key in self.seen:
            self.error(
                row,
                column,
                _("Row %(row)s already gives this value (same indicator, unit and period).") % {"row": self.seen[key]},
            )
            return
        self.seen[key] = row
        self.parsed.rows.append(Entry(row, column, indicator, department, start, number, note[:2000]))


def read_values(data: bytes, *, user, may_enter: Callable, today: dt.date) -> Parsed:
    """The values of the workbook's first sheet, or the errors naming row and column. ``may_enter(user, indicator,
    department)`` is the permission rule (``services.may_enter``)."""
    reader = _Reader(user=user, may_enter=may_enter, today=today)
    parsed = reader.parsed
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # not a workbook openpyxl can read
        parsed.errors.append(RowError(1, "—", _("The file is not an Excel .xlsx workbook.")))
        return parsed
    try:
        _read_sheet(reader, book.worksheets[0])
    finally:
        book.close()
    return parsed


def _read_sheet(reader: _Reader, sheet) -> None:
    known = _known_headers()
    lines = sheet.iter_rows()
    header_row, columns, period_columns, ambiguous = 0, {}, [], None
    for number, line in enumerate(lines, start=1):
        if number > HEADER_SEARCH_ROWS:
            break
        names = {}
        for index, cell in enumerate(line):
            name = known.get(_key(cell.value))
            if name and name not in names:
                names[name] = index
            elif _key(cell.value) == AMBIGUOUS_UNIT and ambiguous is None:
                ambiguous = index
        if "indicator" in names:
            header_row, columns = number, names
            period_columns = [
                (index, cell.value)
                for index, cell in enumerate(line)
                if cell.value not in (None, "")
                and index not in names.values()
                and periods.looks_like_period(cell.value)
            ]
            break
        ambiguous = None
    if not header_row:
        reader.error(1, _title("indicator"), _("The column is missing."))
        return
    wide = "period" not in columns and bool(period_columns)
    required = ("indicator",) if wide else ("indicator", "period", "value")
    missing = [name for name in required if name not in columns]
    for name in missing:
        reader.error(header_row, _title(name), _("The column is missing."))
    if not wide and missing and not period_columns and "period" in missing:
        reader.error(header_row, _title("period"), _("Give a period column, or the periods as columns."))
    if missing:
        return
    department_index = columns.get("department", ambiguous)
    department_title = _title("department") if "department" in columns else AMBIGUOUS_UNIT

    def at(line, index):
        return line[index] if index is not None and index < len(line) else None

    for number, line in enumerate(lines, start=header_row + 1):
        if number > header_row + MAX_ROWS:
            reader.error(number, "—", _("At most %(count)s rows at a time.") % {"count": MAX_ROWS})
            break
        if all(cell.value is None or str(cell.value).strip() == "" for cell in line):
            continue
        indicator = reader.indicator(number, at(line, columns["indicator"]))
        if indicator is None:
            continue
        found, department = reader.department(
            number,
            department_title,
            at(line, department_index),
            indicator,
            ambiguous=department_index is not None and "department" not in columns,
        )
        if not found:
            continue
        note_cell = at(line, columns.get("note"))
        note = str(note_cell.value).strip() if note_cell is not None and note_cell.value is not None else ""
        if wide:
            for index, heading in period_columns:
                cell = at(line, index)
                if cell is None:
                    continue
                title = _header_text(heading)
                reader.add(number, title, indicator, department, heading, title, cell, note)
        else:
            period_cell, value_cell = at(line, columns["period"]), at(line, columns["value"])
            period = period_cell.value if period_cell is not None else None
            blank = [name for name, value in (("period", period), ("value", value_cell)) if _blank(value, indicator)]
            for name in blank:
                reader.error(number, _title(name), _("This cell is required."))
            if blank == ["period"] and isinstance(_number(value_cell, indicator), str):
                reader.error(number, _title("value"), _number(value_cell, indicator))
            if not blank:
                reader.add(number, _title("value"), indicator, department, period, _title("period"), value_cell, note)
