"""The list of events as an .xlsx, with a totals row: names and places are text cells (``core.xlsx.text_cell``),
dates dates, amounts numbers."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from zhaoshang.core.xlsx import XLSX_TYPE as XLSX_TYPE  # the one content type, named here for the views
from zhaoshang.core.xlsx import text_cell

MONEY_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"


def headers() -> list[str]:
    return [
        _("event name"),
        _("organiser level"),
        _("organised by"),
        _("first day"),
        _("last day"),
        _("place"),
        _("Projects signed"),
        _("contract amount (10k yuan)"),
        _("planned investment (10k yuan)"),
        _("Leads collected"),
    ]


def _cell(sheet, value, number_format=None, bold=False):
    if isinstance(value, str):
        cell = text_cell(sheet, value)
    else:
        cell = WriteOnlyCell(sheet, value=value)
        if number_format and value is not None:
            cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    return cell


def event_workbook(events, totals: dict) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Promotion events"))[:31])
    sheet.append([_cell(sheet, str(title), bold=True) for title in headers()])
    for event in events:
        sheet.append(
            [
                _cell(sheet, event.name),
                _cell(sheet, str(event.get_level_display())),
                _cell(sheet, event.organiser),
                _cell(sheet, event.starts_on, DATE_FORMAT),
                _cell(sheet, event.ends_on, DATE_FORMAT),
                _cell(sheet, event.place),
                event.projects_signed,
                _cell(sheet, event.contract_amount, MONEY_FORMAT),
                _cell(sheet, event.planned_investment, MONEY_FORMAT),
                event.leads_collected,
            ]
        )
    sheet.append(
        [
            _cell(sheet, str(_("Total")), bold=True),
            None,
            None,
            None,
            None,
            None,
            _cell(sheet, totals["projects_signed"], bold=True),
            _cell(sheet, totals["contract_amount"], MONEY_FORMAT, bold=True),
            _cell(sheet, totals["planned_investment"], MONEY_FORMAT, bold=True),
            _cell(sheet, totals["leads_collected"], bold=True),
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
