"""Import errors: one per bad cell (or header, or sheet), and the error file users download."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from zhaoshang.core.xlsx import safe_row

from .parsing import display

ERROR_SHEET = "错误"
ERROR_HEADERS = ("工作表", "行号", "列", "值", "原因")
ERROR_WIDTHS = (10, 8, 18, 24, 70)


@dataclass(frozen=True)
class RowError:
    """What is wrong, and where: Excel's own row numbers (the header is row 1), the column's header."""

    sheet: str
    row: int | None
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        if self.row is None:
            return f"{self.sheet}: {self.reason}" if self.sheet else self.reason
        return _("%(sheet)s row %(row)s %(column)s value “%(value)s” %(reason)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }

    def as_row(self) -> list:
        return [self.sheet, self.row, self.column, self.value, self.reason]


class ErrorList(list):
    def add(self, sheet: str, row: int | None, column: str, value, reason: str) -> None:
        self.append(RowError(sheet, row, column, display(value), str(reason)))


def error_workbook_bytes(errors) -> bytes:
    """The errors as an .xlsx file with the columns 工作表/行号/列/值/原因."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(ERROR_SHEET)
    for index, width in enumerate(ERROR_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F8D7DA")
    header = []
    for title in ERROR_HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.fill = bold, fill
        header.append(cell)
    sheet.append(header)
    for error in errors:
        sheet.append(safe_row(sheet, error.as_row() if isinstance(error, RowError) else list(error)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
