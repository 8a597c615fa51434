"""Milestones in .xlsx: the list exported (text cells through ``core.xlsx.text_cell``, dates as dates) and plans
imported (project code, milestone, planned date, actual date), all or nothing, each refusal naming its row and
column. The export's first four columns are the import's, so an exported list imports back as it was."""

from __future__ import annotations

import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from zhaoshang.core import limits
from zhaoshang.core.xlsx import XLSX_TYPE as XLSX_TYPE  # the one content type, named here for the views
from zhaoshang.core.xlsx import text_cell
from zhaoshang.projects.models import Project

from . import rules, services
from .models import MilestoneKind

DATE_FORMAT = "yyyy-mm-dd"
MAX_ROWS = 20_000


def import_headers() -> list[str]:
    return [_("project code"), _("milestone"), _("planned date"), _("actual date")]


def export_headers() -> list[str]:
    return [*import_headers(), _("project name"), _("state"), _("note")]


def state_of(milestone, today: dt.date, days: int) -> str:
    if rules.done(milestone):
        return _("completed")
    if rules.overdue(milestone, today):
        return _("overdue")
    if rules.upcoming(milestone, today, days):
        return _("upcoming")
    return ""


def _date_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    if value is not None:
        cell.number_format = DATE_FORMAT
    return cell


def list_workbook(milestones, *, today: dt.date, days: int) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Milestones"))[:31])
    header = []
    for title in export_headers():
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for milestone in milestones:
        sheet.append(
            [
                text_cell(sheet, milestone.project.code),
                text_cell(sheet, milestone.kind.name),
                _date_cell(sheet, milestone.planned_on),
                _date_cell(sheet, rules.actual_date(milestone)),
                text_cell(sheet, milestone.project.name),
                text_cell(sheet, state_of(milestone, today, days)),
                text_cell(sheet, milestone.note),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _date(value) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = str(value).strip().replace("/", "-").replace(".", "-")
        try:
            year, month, date = (int(part) for part in text.split("-"))
            day = dt.date(year, month, date)
        except (ValueError, TypeError):
            raise ValidationError(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": str(value)[:20]}) from None
    limits.check_day(day)
    return day


def _error(row: int, column: str, error) -> str:
    messages = error.messages if isinstance(error, ValidationError) else [str(error)]
    return _("Row %(row)s, column “%(column)s”: %(error)s") % {
        "row": row,
        "column": column,
        "error": "；".join(str(m) for m in messages),
    }


def import_plans(*, user, data: bytes) -> int:
    """Read the plans of ``data`` (an .xlsx) and save them, all or none: returns the rows saved, or raises
    ValidationError listing every refused row and column."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ValidationError(_("The file is not an .xlsx workbook.")) from None
    sheet = workbook.worksheets[0]
    code_h, kind_h, planned_h, actual_h = import_headers()
    projects = Project.objects.restrict(user, "change")
    kinds = {kind.name: kind for kind in MilestoneKind.objects.all()}
    errors: list[str] = []
    saved = 0
    with transaction.atomic():
        for number, values in enumerate(sheet.iter_rows(min_row=2, max_col=4, values_only=True), start=2):
            if number > MAX_ROWS + 1:
                errors.append(_("The workbook has more than %(count)s rows.") % {"count": MAX_ROWS})
                break
            values = list(values) + [None] * (4 - len(values))
            if all(_text(v) == "" for v in values):
                continue
            code, name = _text(values[0]), _text(values[1])
            project = projects.filter(code=code).first() if code else None
            if project is None:
                errors.append(_error(number, code_h, _("No project of yours has the code %(code)s.") % {"code": code}))
                continue
            kind = kinds.get(name)
            if kind is None:
                errors.append(_error(number, kind_h, _("No milestone is named %(name)s.") % {"name": name}))
                continue
            dates = {}
            for key, header, value in (("planned", planned_h, values[2]), ("actual", actual_h, values[3])):
                try:
                    dates[key] = _date(value)
                except ValidationError as error:
                    errors.append(_error(number, header, error))
            if len(dates) < 2:
                continue
            try:
                with transaction.atomic():
                    services.save_one(
                        user=user, project=project, kind=kind, planned_on=dates["planned"], actual_on=dates["actual"]
                    )
                saved += 1
            except ValidationError as error:
                errors.append(_error(number, actual_h if kind.stage else kind_h, error))
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ValidationError(errors)
    return saved
