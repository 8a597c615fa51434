"""The project library as an .xlsx (the filtered list) and the import of proposals from the same columns.

Text goes through ``core.xlsx.text_cell``; money is a number with the format "0.00". The import reads the export's
columns: a row without a catalogue number proposes a new opportunity (status proposed), a row with one changes
that opportunity when the user may (a reporter: their unit's proposals; the bureau: any). Status, publication
date and project are the bureau's transitions and are not read. Every error names its row and column, and one
error writes nothing (the import is atomic)."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from zhaoshang.core import limits
from zhaoshang.core.xlsx import XLSX_TYPE as XLSX_TYPE  # the one content type, named here for the views
from zhaoshang.core.xlsx import text_cell
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit
from zhaoshang.projects.choices import Industry
from zhaoshang.transfer.errors import ErrorList
from zhaoshang.transfer.parsing import CellError, amount, is_blank, text

from . import services
from .models import Opportunity

MONEY_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
SHEET_TITLE = gettext_lazy("Project library")

# (key, header): the export's columns, which the import reads back.
COLUMNS = (
    ("code", gettext_lazy("catalogue number")),
    ("title", gettext_lazy("title")),
    ("unit", gettext_lazy("unit")),
    ("industry", gettext_lazy("industry")),
    ("industry_chain", gettext_lazy("industry chain link")),
    ("investment", gettext_lazy("planned investment (10k yuan)")),
    ("land_area", gettext_lazy("land (mu)")),
    ("site", gettext_lazy("site")),
    ("description", gettext_lazy("what is offered")),
    ("conditions", gettext_lazy("conditions on site")),
    ("contact_name", gettext_lazy("contact person")),
    ("contact_phone", gettext_lazy("contact phone")),
    ("status", gettext_lazy("status")),
    ("published_on", gettext_lazy("published on")),
    ("project", gettext_lazy("project it became")),
)
MONEY_KEYS = ("investment", "land_area")
TEXT_KEYS = (
    "title",
    "industry_chain",
    "site",
    "description",
    "conditions",
    "contact_name",
    "contact_phone",
)
REQUIRED_KEYS = ("title",)
MAX_ROWS = 2000  # a county's library has dozens; a bound on what one upload may make the server do


def _values(opportunity: Opportunity) -> dict:
    return {
        "code": opportunity.code or "",
        "title": opportunity.title,
        "unit": opportunity.unit.name,
        "industry": opportunity.get_industry_display() if opportunity.industry else "",
        "industry_chain": opportunity.industry_chain,
        "investment": opportunity.investment,
        "land_area": opportunity.land_area,
        "site": opportunity.site,
        "description": opportunity.description,
        "conditions": opportunity.conditions,
        "contact_name": opportunity.contact_name,
        "contact_phone": opportunity.contact_phone,
        "status": str(opportunity.get_status_display()),
        "published_on": opportunity.published_on,
        "project": opportunity.project.name if opportunity.project_id else "",
    }


def export_workbook(opportunities) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(SHEET_TITLE)[:31])
    header = []
    for _key, title in COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for opportunity in opportunities:
        values = _values(opportunity)
        row = []
        for key, _title in COLUMNS:
            value = values[key]
            if isinstance(value, str):
                row.append(text_cell(sheet, value))
            elif value is None:
                row.append(None)
            else:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = DATE_FORMAT if key == "published_on" else MONEY_FORMAT
                row.append(cell)
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- import ----------------------------------------------------------------------------------------------


def _industry_labels() -> dict[str, str]:
    labels = {str(label): value for value, label in Industry.choices}
    labels.update({value: value for value in Industry.values})
    return labels


def _max_length(key: str) -> int | None:
    return Opportunity._meta.get_field(key).max_length


class _Reader:
    def __init__(self, user, errors: ErrorList):
        self.user, self.errors = user, errors
        self.sheet_name = str(SHEET_TITLE)
        self.units = Unit.objects.filter(active=True)
        if not access.edits_everything(user):
            self.units = self.units.filter(pk__in=access.unit_ids(user))
        self.by_name = {}
        for unit in self.units:
            self.by_name[unit.name] = unit
            self.by_name[unit.code] = unit
        # A reporter's rows without a unit are their own unit's.
        self.default_unit = user.unit if access.is_reporter(user) and user.unit_id in access.unit_ids(user) else None
        self.industries = _industry_labels()
        self.changeable = Opportunity.objects.restrict(user, "change")

    def error(self, row: int, key: str, value, reason: str) -> None:
        header = str(dict(COLUMNS)[key])
        self.errors.add(self.sheet_name, row, header, value, reason)

    def read(self, row: int, cells: dict) -> tuple[Opportunity | None, dict] | None:
        data: dict = {}
        for key in TEXT_KEYS:
            try:
                data[key] = text(cells.get(key), max_length=_max_length(key))
            except CellError as error:
                self.error(row, key, cells.get(key), error.reason)
        for key in REQUIRED_KEYS:
            if key in data and not data[key]:
                self.error(row, key, "", _("This column must not be empty."))
        for key, maximum in (("investment", limits.MAX_AMOUNT), ("land_area", limits.MAX_LAND_AREA)):
            try:
                data[key] = amount(cells.get(key), maximum=maximum)
            except CellError as error:
                self.error(row, key, cells.get(key), error.reason)
        industry = cells.get("industry")
        if is_blank(industry):
            data["industry"] = ""
        else:
            label = text(industry)
            if label in self.industries:
                data["industry"] = self.industries[label]
            else:
                self.error(row, "industry", industry, _("Not one of the industries of GB/T 4754."))
        unit_cell = cells.get("unit")
        if is_blank(unit_cell):
            if self.default_unit is None:
                self.error(row, "unit", "", _("This column must not be empty."))
            data["unit"] = self.default_unit
        else:
            unit = self.by_name.get(text(unit_cell))
            if unit is None:
                self.error(row, "unit", unit_cell, _("No unit of this name that you may propose for."))
            data["unit"] = unit
        opportunity = None
        code = cells.get("code")
        if not is_blank(code):
            opportunity = self.changeable.filter(code=text(code)).first()
            if opportunity is None:
                self.error(
                    row,
                    "code",
                    code,
                    _("No opportunity with this number that you may change (leave it empty to propose a new one)."),
                )
        return opportunity, data


def _header_keys(header_row, errors: ErrorList) -> dict[int, str] | None:
    known = {}
    for key, title in COLUMNS:
        known[str(title)] = key
        known[key] = key
    keys = {}
    for index, cell in enumerate(header_row):
        name = cell.strip() if isinstance(cell, str) else ""
        if name in known:
            keys[index] = known[name]
    if "title" not in keys.values():
        errors.add(
            str(SHEET_TITLE),
            1,
            str(dict(COLUMNS)["title"]),
            "",
            _("The first row must hold the column headers of the export; the title column is missing."),
        )
        return None
    return keys


def import_proposals(*, user, source) -> list[Opportunity]:
    """Read the workbook and write its rows (all or nothing); raise ValidationError with one message per bad
    cell, naming its row and column."""
    if not services.may_propose(user):
        raise PermissionDenied
    errors = ErrorList()
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # not a workbook: zip, xml or format errors of every kind
        raise ValidationError(_("The file is not an .xlsx workbook.")) from error
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    keys = _header_keys(header or (), errors)
    planned = []
    if keys is not None:
        reader = _Reader(user, errors)
        for number, values in enumerate(rows, start=2):
            if all(is_blank(value) for value in values):
                continue
            if len(planned) >= MAX_ROWS:
                errors.add(
                    str(SHEET_TITLE),
                    number,
                    "",
                    "",
                    _("At most %(max)s rows can be imported at once.") % {"max": MAX_ROWS},
                )
                break
            cells = {key: values[index] for index, key in keys.items() if index < len(values)}
            planned.append((number, *reader.read(number, cells)))
    workbook.close()
    if errors:
        raise ValidationError([str(error) for error in errors])
    saved = []
    with transaction.atomic():
        for number, opportunity, data in planned:
            try:
                saved.append(services.save_opportunity(user=user, opportunity=opportunity, data=data))
            except ValidationError as error:
                for message in error.messages:
                    errors.add(str(SHEET_TITLE), number, "", "", message)
            except PermissionDenied:
                errors.add(str(SHEET_TITLE), number, "", "", _("You may not change this opportunity."))
        if errors:
            transaction.set_rollback(True)
            raise ValidationError([str(error) for error in errors])
    return saved
