"""Promises and complaints as .xlsx (the filtered lists), and promises back from one.

Text cells go through ``core.xlsx.text_cell`` (never a formula); dates are dates, amounts numbers in 万元 with two
decimals. The promises' export is the import's template: the import reads the entry columns (investor, project,
kind, content, amount, department, dates) by their headers and leaves the others (status, delivery) alone: an
imported promise is pending. Reading checks every row first and names the row and the column of each error;
``services.import_promises`` writes the rows only when none has an error."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from zhaoshang.core import limits
from zhaoshang.core.xlsx import XLSX_TYPE as XLSX_TYPE  # the one content type, named here for the views
from zhaoshang.core.xlsx import text_cell
from zhaoshang.organization.models import Unit

from .choices import PromiseKind

DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "0.00"
MAX_ROWS = 5000

# (field, header): the promises' export in order; the first ones (up to "due_on") are what the import reads.
PROMISE_COLUMNS = (
    ("investor", gettext_lazy("investor")),
    ("project", gettext_lazy("project code")),
    ("kind", gettext_lazy("kind of promise")),
    ("content", gettext_lazy("what was promised")),
    ("amount", gettext_lazy("amount (10k yuan)")),
    ("department", gettext_lazy("responsible department")),
    ("promised_on", gettext_lazy("promised on")),
    ("due_on", gettext_lazy("due date")),
    ("status", gettext_lazy("status")),
    ("delivered_on", gettext_lazy("delivered on")),
    ("delivery_note", gettext_lazy("delivery note")),
)
PROMISE_REQUIRED = ("investor", "kind", "content", "department", "due_on")
COMPLAINT_COLUMNS = (
    ("investor", gettext_lazy("investor")),
    ("project", gettext_lazy("project code")),
    ("received_on", gettext_lazy("received on")),
    ("channel", gettext_lazy("received by")),
    ("content", gettext_lazy("what the investor complains of")),
    ("department", gettext_lazy("handling department")),
    ("deadline", gettext_lazy("deadline")),
    ("status", gettext_lazy("status")),
    ("outcome", pgettext_lazy("complaint", "outcome")),
    ("investor_answer", gettext_lazy("investor's answer")),
    ("closed_on", gettext_lazy("closed on")),
)


def _cell(sheet, value):
    if isinstance(value, str):
        return text_cell(sheet, value)
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = MONEY_FORMAT
        return cell
    return value


def _workbook(title: str, columns, rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    header = []
    for _name, heading in columns:
        cell = WriteOnlyCell(sheet, value=str(heading))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for values in rows:
        sheet.append([_cell(sheet, values[name]) for name, _heading in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def promise_workbook(promises) -> bytes:
    def values(p):
        return {
            "investor": p.investor.name,
            "project": p.project.code if p.project_id else "",
            "kind": str(p.get_kind_display()),
            "content": p.content,
            "amount": p.amount,
            "department": p.department.name,
            "promised_on": p.promised_on,
            "due_on": p.due_on,
            "status": str(p.get_status_display()),
            "delivered_on": p.delivered_on,
            "delivery_note": p.delivery_note,
        }

    return _workbook(str(_("Promises to investors")), PROMISE_COLUMNS, (values(p) for p in promises))


def complaint_workbook(complaints) -> bytes:
    def values(c):
        return {
            "investor": c.investor.name,
            "project": c.project.code if c.project_id else "",
            "received_on": c.received_on,
            "channel": str(c.get_channel_display()),
            "content": c.content,
            "department": c.department.name,
            "deadline": c.deadline,
            "status": str(c.get_status_display()),
            "outcome": c.outcome,
            "investor_answer": str(c.get_investor_answer_display()) if c.investor_answer else "",
            "closed_on": c.closed_on,
        }

    return _workbook(str(_("Investor complaints")), COMPLAINT_COLUMNS, (values(c) for c in complaints))


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


IMPORTED = ("investor", "project", "kind", "content", "amount", "department", "promised_on", "due_on")


def _headers() -> dict[str, str]:
    """Each imported column's header in Chinese and in English → its field."""
    found = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for name, title in PROMISE_COLUMNS:
                if name in IMPORTED:
                    found[str(title).strip().lower()] = name
    return found


def _title(name: str) -> str:
    return str(dict(PROMISE_COLUMNS)[name])


def _kind(value) -> str | None:
    text = str(value).strip()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for code, label in PromiseKind.choices:
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


def _amount(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        return None
    if not amount.is_finite() or limits.amount_error(amount) or amount != amount.quantize(Decimal("0.01")):
        return None
    return amount


def read_promises(data: bytes, *, user, unit_ids: frozenset[int] | None) -> Parsed:
    """The rows of the workbook's first sheet as promise fields, or the errors naming row and column. ``unit_ids``:
    the departments the importer may record for (None: every unit)."""
    from zhaoshang.projects.models import Investor, Project

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
    missing = [name for name in PROMISE_REQUIRED if name not in columns]
    for name in missing:
        parsed.errors.append(RowError(1, _title(name), _("The column is missing.")))
    if missing:
        book.close()
        return parsed
    units = {}
    for unit in Unit.objects.all():
        units.setdefault(unit.code, unit)
        units.setdefault(unit.name, unit)
    investors = {investor.name: investor for investor in Investor.objects.all()}
    projects = {project.code: project for project in Project.objects.restrict(user)}
    for number, line in enumerate(lines, start=2):
        if number > MAX_ROWS + 1:
            parsed.errors.append(RowError(number, "—", _("At most %(count)s rows at a time.") % {"count": MAX_ROWS}))
            break
        cells = {name: (line[index] if index < len(line) else None) for name, index in columns.items()}
        if all(value is None or str(value).strip() == "" for value in cells.values()):
            continue
        row, errors = _row(number, cells, units=units, investors=investors, projects=projects, unit_ids=unit_ids)
        parsed.errors.extend(errors)
        if not errors:
            parsed.rows.append((number, row))
    book.close()
    return parsed


def _row(number: int, cells: dict, *, units, investors, projects, unit_ids) -> tuple[dict, list[RowError]]:
    errors = []

    def error(name: str, message: str) -> None:
        errors.append(RowError(number, _title(name), message))

    def blank(name: str) -> bool:
        value = cells.get(name)
        return value is None or str(value).strip() == ""

    row = {}
    for name in PROMISE_REQUIRED:
        if blank(name):
            error(name, _("This cell is required."))
    if not blank("investor"):
        text = str(cells["investor"]).strip()
        row["investor"] = investors.get(text)
        if row["investor"] is None:
            error("investor", _("No investor in the register is named %(value)s.") % {"value": text[:50]})
    if not blank("project"):
        text = str(cells["project"]).strip()
        row["project"] = projects.get(text)
        if row["project"] is None:
            error("project", _("No project has the code %(value)s.") % {"value": text[:50]})
        elif row.get("investor") and row["project"].investor_id not in (None, row["investor"].pk):
            error("project", _("The project belongs to another investor."))
    if not blank("kind"):
        row["kind"] = _kind(cells["kind"])
        if row["kind"] is None:
            labels = "、".join(str(label) for label in PromiseKind.labels)
            error("kind", _("Write one of: %(choices)s.") % {"choices": labels})
    if not blank("amount"):
        row["amount"] = _amount(cells["amount"])
        if row["amount"] is None:
            error(
                "amount",
                _("Write an amount in 10k yuan from 0 to %(max)s, with at most two decimals.")
                % {"max": limits.MAX_AMOUNT},
            )
    if not blank("department"):
        text = str(cells["department"]).strip()
        unit = units.get(text)
        if unit is None:
            error("department", _("No unit has the code or name %(value)s.") % {"value": text[:50]})
        elif unit_ids is not None and unit.pk not in unit_ids:
            error("department", _("You may only record the promises and complaints of your own department."))
        row["department"] = unit
    for name in ("promised_on", "due_on"):
        if not blank(name):
            row[name] = _date(cells[name])
            if row[name] is None:
                error(name, _("Write a date as YYYY-MM-DD between 2000 and 2100."))
    if row.get("promised_on") and row.get("due_on") and row["due_on"] < row["promised_on"]:
        error("due_on", _("The due date is before the day the promise was made."))
    if not blank("content"):
        text = str(cells["content"]).strip()
        if len(text) > 2000:
            error("content", _("At most %(count)s characters.") % {"count": 2000})
        elif limits.has_control(text, multiline=True):
            error("content", _("Control characters are not allowed."))
        row["content"] = text
    return row, errors
