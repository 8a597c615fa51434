"""The introducer reward list as an .xlsx: names, units and codes are text cells (``core.xlsx.text_cell``),
amounts numbers."""

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


def reward_headers() -> list[str]:
    return [
        _("Introducer"),
        _("unit"),
        _("post"),
        _("project code"),
        _("project name"),
        _("signing date"),
        _("share (%)"),
        _("contract amount (10k yuan)"),
        _("planned investment (10k yuan)"),
    ]


def reward_rows(lines) -> list[list]:
    return [
        [
            line.person.name,
            line.person.unit.name,
            line.person.post,
            line.row.project.code,
            line.row.project.name,
            line.row.signed_on,
            line.row.share,
            line.row.contract_amount,
            line.row.planned_investment,
        ]
        for line in lines
    ]


def reward_workbook(lines, *, period) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Introducer rewards"))[:31])
    header = []
    for title in reward_headers():
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for values in reward_rows(lines):
        row = []
        for index, value in enumerate(values):
            if isinstance(value, str):
                row.append(text_cell(sheet, value))
            elif index == 5 and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = DATE_FORMAT
                row.append(cell)
            elif index in (7, 8):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = MONEY_FORMAT
                row.append(cell)
            else:
                row.append(value)
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
