"""Enterprises and demands as .xlsx (the filtered lists) and back: the export's columns are the import's template
(the demands' export adds the columns the import does not read: status, closing, the enterprise's answer).

Text cells go through ``core.xlsx.text_cell`` (never a formula); dates are dates. Reading checks every row first
and names the row and the column of each error; ``services`` writes the rows only when none has an error."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from zhaoshang.core import limits
from zhaoshang.core.xlsx import XLSX_TYPE as XLSX_TYPE  # the one content type, named here for the views
from zhaoshang.core.xlsx import text_cell
from zhaoshang.organization.models import Unit
from zhaoshang.projects import credit_code
from zhaoshang.projects.choices import Industry

from .choices import DemandCategory, EnterpriseSize

DATE_FORMAT = "yyyy-mm-dd"
MAX_ROWS = 5000

ENTERPRISE_COLUMNS = (
    ("name", gettext_lazy("enterprise")),
    ("credit_code", gettext_lazy("unified social credit code")),
    ("unit", gettext_lazy("township or park")),
    ("industry", gettext_lazy("industry")),
    ("size", gettext_lazy("size")),
    ("address", gettext_lazy("address")),
    ("contact_name", gettext_lazy("contact person")),
    ("contact_phone", gettext_lazy("contact phone")),
)
ENTERPRISE_REQUIRED = ("name", "unit")
ENTERPRISE_TEXT = {"name": 200, "address": 200, "contact_name": 50, "contact_phone": 50}

DEMAND_COLUMNS = (
    ("enterprise", gettext_lazy("enterprise")),
    ("credit_code", gettext_lazy("unified social credit code")),
    ("category", gettext_lazy("category")),
    ("description", gettext_lazy("demand")),
    ("department", gettext_lazy("department handling it")),
    ("raised_on", gettext_lazy("raised on")),
    ("deadline", gettext_lazy("deadline")),
)
DEMAND_EXPORT_ONLY = (
    ("unit", gettext_lazy("township or park")),
    ("status", gettext_lazy("status")),
    ("closed_on", gettext_lazy("closed out on")),
    ("satisfaction", gettext_lazy("enterprise's satisfaction")),
    ("satisfaction_note", gettext_lazy("satisfaction note")),
)
# The enterprise by its name or its credit code: the name column must be there, one of the two cells filled.
DEMAND_HEADERS = ("enterprise", "category", "description", "department", "deadline")
DEMAND_REQUIRED = ("category", "description", "department", "deadline")


# --- writing ---------------------------------------------------------------------------------------------------


def _sheet(title: str, columns):
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    header = []
    for _name, heading in columns:
        cell = WriteOnlyCell(sheet, value=str(heading))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    return book, sheet


def _append(sheet, columns, values: dict) -> None:
    row = []
    for name, _heading in columns:
        value = values.get(name)
        if value is None:
            row.append(None)
        elif isinstance(value, str):
            row.append(text_cell(sheet, value))
        elif isinstance(value, dt.date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = DATE_FORMAT
            row.append(cell)
        else:
            row.append(value)
    sheet.append(row)


def _save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def enterprises_workbook(rows) -> bytes:
    book, sheet = _sheet(str(_("Enterprises")), ENTERPRISE_COLUMNS)
    for e in rows:
        values = {
            "name": e.name,
            "credit_code": e.credit_code or "",
            "unit": e.unit.name,
            "industry": str(e.get_industry_display()) if e.industry else "",
            "size": str(e.get_size_display()),
            "address": e.address,
            "contact_name": e.contact_name,
            "contact_phone": e.contact_phone,
        }
        _append(sheet, ENTERPRISE_COLUMNS, values)
    return _save(book)


def demands_workbook(rows) -> bytes:
    columns = DEMAND_COLUMNS + DEMAND_EXPORT_ONLY
    book, sheet = _sheet(str(_("Enterprise demands")), columns)
    for d in rows:
        values = {
            "enterprise": d.enterprise.name,
            "credit_code": d.enterprise.credit_code or "",
            "category": str(d.get_category_display()),
            "description": d.description,
            "department": d.department.name,
            "raised_on": d.raised_on,
            "deadline": d.deadline,
            "unit": d.enterprise.unit.name,
            "status": str(d.get_status_display()),
            "closed_on": d.closed_on,
            "satisfaction": str(d.get_satisfaction_display()) if d.satisfaction else "",
            "satisfaction_note": d.satisfaction_note,
        }
        _append(sheet, columns, values)
    return _save(book)


# --- reading ---------------------------------------------------------------------------------------------------


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
class Parsed:
    columns: tuple = ()
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (row number, the model's fields)
    errors: list[RowError] = field(default_factory=list)


def column_title(columns, name: str) -> str:
    return str(dict(columns).get(name, "—" if name in ("", "__all__") else name))


def _choice(value, choices) -> str | None:
    """A choice by its code or its label, in Chinese or English."""
    text = str(value).strip()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for code, label in choices:
                if text.lower() in (str(code).lower(), str(label).lower()):
                    return code
    return None


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    elif not isinstance(value, dt.date):
        text = str(value).strip().replace("/", "-").replace(".", "-")
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            return None
    return value if limits.MIN_DATE <= value <= limits.MAX_DATE else None


def _units() -> dict[str, Unit]:
    units = {}
    for unit in Unit.objects.all():
        units.setdefault(unit.code, unit)
        units.setdefault(unit.name, unit)
    return units


def _read(data: bytes, columns, required, parse, headers=None) -> Parsed:
    parsed = Parsed(columns=columns)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # not a workbook openpyxl can read
        parsed.errors.append(RowError(1, "—", _("The file is not an Excel .xlsx workbook.")))
        return parsed
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None) or ()
    known = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for name, title in columns:
                known[str(title).strip().lower()] = name
    found = {}
    for index, title in enumerate(header):
        name = known.get(str(title or "").strip().lower())
        if name and name not in found:
            found[name] = index
    missing = [name for name in (headers or required) if name not in found]
    for name in missing:
        parsed.errors.append(RowError(1, column_title(columns, name), _("The column is missing.")))
    if missing:
        book.close()
        return parsed
    for number, line in enumerate(lines, start=2):
        if number > MAX_ROWS + 1:
            parsed.errors.append(RowError(number, "—", _("At most %(count)s rows at a time.") % {"count": MAX_ROWS}))
            break
        cells = {name: (line[index] if index < len(line) else None) for name, index in found.items()}
        if all(value is None or str(value).strip() == "" for value in cells.values()):
            continue
        errors: list[RowError] = []

        def error(name: str, message: str, number=number, errors=errors) -> None:
            errors.append(RowError(number, column_title(columns, name), message))

        def text(name: str, cells=cells) -> str:
            value = cells.get(name)
            return "" if value is None else str(value).strip()

        for name in required:
            if not text(name):
                error(name, _("This cell is required."))
        row = parse(cells, text, error)
        parsed.errors.extend(errors)
        if not errors:
            parsed.rows.append((number, row))
    book.close()
    return parsed


def _texts(row: dict, text, error, limits_by_name: dict, multiline=()) -> None:
    for name, longest in limits_by_name.items():
        value = text(name)
        if len(value) > longest:
            error(name, _("At most %(count)s characters.") % {"count": longest})
        elif limits.has_control(value, multiline=name in multiline):
            error(name, _("Control characters are not allowed."))
        row[name] = value


def read_enterprises(data: bytes, *, unit_ids: frozenset[int] | None) -> Parsed:
    """``unit_ids``: the units the importer may record for (None: every unit)."""
    units = _units()

    def parse(cells, text, error) -> dict:
        row: dict = {}
        _texts(row, text, error, ENTERPRISE_TEXT)
        code = credit_code.normalise(text("credit_code"))
        if code:
            reasons = credit_code.errors(code)
            for reason in reasons:
                error("credit_code", reason)
        row["credit_code"] = code or None
        if text("unit"):
            unit = units.get(text("unit"))
            if unit is None:
                error("unit", _("No unit has the code or name %(value)s.") % {"value": text("unit")[:50]})
            elif unit_ids is not None and unit.pk not in unit_ids:
                error("unit", _("You may only record the enterprises of your own unit."))
            row["unit"] = unit
        if text("industry"):
            row["industry"] = _choice(text("industry"), Industry.choices)
            if row["industry"] is None:
                error("industry", _("Write a section letter of GB/T 4754 (A to T) or its name."))
        if text("size"):
            row["size"] = _choice(text("size"), EnterpriseSize.choices)
            if row["size"] is None:
                labels = "、".join(str(label) for _code, label in EnterpriseSize.choices)
                error("size", _("Write one of: %(choices)s.") % {"choices": labels})
        return row

    return _read(data, ENTERPRISE_COLUMNS, ENTERPRISE_REQUIRED, parse)


def read_demands(data: bytes, *, enterprises) -> Parsed:
    """``enterprises``: those the importer may record demands for, found by credit code or by name."""
    units = _units()
    by_code, by_name = {}, {}
    for enterprise in enterprises:
        if enterprise.credit_code:
            by_code[enterprise.credit_code] = enterprise
        by_name.setdefault(enterprise.name, []).append(enterprise)

    def parse(cells, text, error) -> dict:
        row: dict = {}
        code = credit_code.normalise(text("credit_code"))
        name = text("enterprise")
        found = by_code.get(code) if code else None
        if not code and not name:
            error("enterprise", _("This cell is required."))
        elif found is None and name:
            named = by_name.get(name, [])
            if len(named) > 1:
                error("enterprise", _("Several enterprises have this name: give the credit code."))
            elif named:
                found = named[0]
            else:
                error(
                    "enterprise", _("No enterprise you may record for has the name %(value)s.") % {"value": name[:50]}
                )
        elif found is None and code:
            error("credit_code", _("No enterprise you may record for has this credit code."))
        row["enterprise"] = found
        if text("category"):
            row["category"] = _choice(text("category"), DemandCategory.choices)
            if row["category"] is None:
                labels = "、".join(str(label) for _code, label in DemandCategory.choices)
                error("category", _("Write one of: %(choices)s.") % {"choices": labels})
        _texts(row, text, error, {"description": 2000}, multiline=("description",))
        if text("department"):
            department = units.get(text("department"))
            if department is None:
                error("department", _("No unit has the code or name %(value)s.") % {"value": text("department")[:50]})
            row["department"] = department
        for field_name in ("raised_on", "deadline"):
            if text(field_name):
                row[field_name] = _date(cells[field_name])
                if row[field_name] is None:
                    error(field_name, _("Write a date as YYYY-MM-DD between 2000 and 2100."))
        if not row.get("raised_on"):
            row.pop("raised_on", None)
        return row

    return _read(data, DEMAND_COLUMNS, DEMAND_REQUIRED, parse, headers=DEMAND_HEADERS)
