"""Receptions and trips as an .xlsx (the filtered list) and back: the export's columns are the import's template.

Text cells go through ``core.xlsx.text_cell`` (never a formula); dates are dates, batches and persons numbers.
Reading checks every row first (kind, unit by code or name, dates, the bounds of batches and persons, the
investors met) and names the row and the column of each error; ``services.import_receptions`` writes the rows
only when none has an error."""

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

from .choices import ReceptionKind
from .forms import BATCHES, PERSONS

DATE_FORMAT = "yyyy-mm-dd"
MAX_ROWS = 5000

# (field, header): the export's columns in order, which the import reads by their headers.
COLUMNS = (
    ("kind", gettext_lazy("reception or trip")),
    ("unit", gettext_lazy("unit")),
    ("date", gettext_lazy("date")),
    ("end_date", gettext_lazy("last day")),
    ("place", gettext_lazy("place or destination")),
    ("companies", gettext_lazy("investors met")),
    ("our_people", gettext_lazy("our people")),
    ("batches", gettext_lazy("batches")),
    ("persons", gettext_lazy("number of persons")),
    ("purpose", gettext_lazy("purpose")),
    ("outcome", gettext_lazy("outcome")),
    ("follow_up", gettext_lazy("follow-up")),
)
REQUIRED = ("kind", "unit", "date", "companies", "batches", "persons")
TEXT_LIMITS = {"place": 200, "companies": 500, "our_people": 200, "purpose": 500, "outcome": 2000, "follow_up": 500}


def workbook(rows) -> bytes:
    """The rows (receptions) as one sheet, in the columns of ``COLUMNS``."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(_("Receptions and trips"))[:31])
    header = []
    for _name, title in COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for reception in rows:
        values = {
            "kind": str(reception.get_kind_display()),
            "unit": reception.unit.name,
            "date": reception.date,
            "end_date": reception.end_date,
            "place": reception.place,
            "companies": reception.companies,
            "our_people": reception.our_people,
            "batches": reception.batches,
            "persons": reception.persons,
            "purpose": reception.purpose,
            "outcome": reception.outcome,
            "follow_up": reception.follow_up,
        }
        row = []
        for name, _title in COLUMNS:
            value = values[name]
            if isinstance(value, str):
                row.append(text_cell(sheet, value))
            elif isinstance(value, dt.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = DATE_FORMAT
                row.append(cell)
            else:
                row.append(value)
        sheet.append(row)
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
class Parsed:
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (row number, the model's fields)
    errors: list[RowError] = field(default_factory=list)


def _headers() -> dict[str, str]:
    """Each column's header in Chinese and in English → its field."""
    found = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for name, title in COLUMNS:
                found[str(title).strip().lower()] = name
    return found


def _title(name: str) -> str:
    return str(dict(COLUMNS)[name])


def _kind(value) -> str | None:
    text = str(value).strip()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for code, label in ReceptionKind.choices:
                if text in (code, str(label)):
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


def _whole(value, low: int, high: int) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        value = int(text) if text.isdigit() and len(text) <= 6 else None
    return value if isinstance(value, int) and low <= value <= high else None


def read(data: bytes, *, unit_ids: frozenset[int] | None) -> Parsed:
    """The rows of the workbook's first sheet as field dicts, or the errors naming row and column. ``unit_ids``:
    the units the importer may record for (None: every unit)."""
    parsed = Parsed()
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # not a workbook openpyxl can read
        parsed.errors.append(RowError(1, "—", _("The file is not an Excel .xlsx workbook.")))
        return parsed
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None) or ()
    known = _headers()
    columns = {}
    for index, title in enumerate(header):
        name = known.get(str(title or "").strip().lower())
        if name and name not in columns:
            columns[name] = index
    missing = [name for name in REQUIRED if name not in columns]
    for name in missing:
        parsed.errors.append(RowError(1, _title(name), _("The column is missing.")))
    if missing:
        return parsed
    units = {}
    for unit in Unit.objects.all():
        units.setdefault(unit.code, unit)
        units.setdefault(unit.name, unit)
    for number, line in enumerate(lines, start=2):
        if number > MAX_ROWS + 1:
            parsed.errors.append(RowError(number, "—", _("At most %(count)s rows at a time.") % {"count": MAX_ROWS}))
            break
        cells = {name: (line[index] if index < len(line) else None) for name, index in columns.items()}
        if all(value is None or str(value).strip() == "" for value in cells.values()):
            continue
        row, errors = _row(number, cells, units, unit_ids)
        parsed.errors.extend(errors)
        if not errors:
            parsed.rows.append((number, row))
    book.close()
    return parsed


def _row(number: int, cells: dict, units: dict, unit_ids) -> tuple[dict, list[RowError]]:
    errors = []

    def error(name: str, message: str) -> None:
        errors.append(RowError(number, _title(name), message))

    def blank(name: str) -> bool:
        value = cells.get(name)
        return value is None or str(value).strip() == ""

    row = {}
    for name in REQUIRED:
        if blank(name):
            error(name, _("This cell is required."))
    if not blank("kind"):
        row["kind"] = _kind(cells["kind"])
        if row["kind"] is None:
            error(
                "kind",
                _("Write “%(reception)s” or “%(trip)s”.")
                % {
                    "reception": ReceptionKind.RECEPTION.label,
                    "trip": ReceptionKind.TRIP.label,
                },
            )
    if not blank("unit"):
        unit = units.get(str(cells["unit"]).strip())
        if unit is None:
            error("unit", _("No unit has the code or name %(value)s.") % {"value": str(cells["unit"]).strip()[:50]})
        elif unit_ids is not None and unit.pk not in unit_ids:
            error("unit", _("You may only record receptions and trips of your own unit."))
        row["unit"] = unit
    for name in ("date", "end_date"):
        if not blank(name):
            row[name] = _date(cells[name])
            if row[name] is None:
                error(name, _("Write a date as YYYY-MM-DD between 2000 and 2100."))
    if row.get("date") and row.get("end_date") and row["end_date"] < row["date"]:
        error("end_date", _("The last day cannot be before the first."))
    for name, (low, high) in (("batches", BATCHES), ("persons", PERSONS)):
        if not blank(name):
            row[name] = _whole(cells[name], low, high)
            if row[name] is None:
                error(name, _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high})
    for name, longest in TEXT_LIMITS.items():
        if name not in cells:
            continue
        text = "" if blank(name) else str(cells[name]).strip()
        if len(text) > longest:
            error(name, _("At most %(count)s characters.") % {"count": longest})
        elif limits.has_control(text, multiline=name == "outcome"):
            error(name, _("Control characters are not allowed."))
        row[name] = text
    return row, errors
