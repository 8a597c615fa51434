"""The user's own file, back with each bad cell marked and explained (issue 15, point 6).

Each cell an error names gets a light red fill and a comment with the reason(s); an error on a whole row marks
the row's first cell; every error is also listed on an extra sheet "错误清单". An .xlsx workbook is the user's
own (loaded with openpyxl: formatting, merges and widths stay); an .xls or .csv file comes back as a new .xlsx
holding its values, user text written as text (never a formula: core.xlsx).
"""

from __future__ import annotations

import io
import re
from collections import defaultdict

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter

from zhaoshang.core.xlsx import safe_row, safe_text, text_cell

from .errors import ERROR_HEADERS, ERROR_WIDTHS
from .sources import XLSX, open_source

ERROR_LIST_SHEET = "错误清单"
MARK_FILL = PatternFill("solid", fgColor="FFC7CE")  # Excel's own "light red fill"
HEADER_FILL = PatternFill("solid", fgColor="F8D7DA")
COMMENT_AUTHOR = "招商系统"
COMMENT_SIZE = (90, 300)  # height, width in points: room for two or three reasons
LETTERS = re.compile(r"^[A-Z]{1,3}$")


def _field(error, name: str, index: int):
    return getattr(error, name) if hasattr(error, name) else error[index]


def _marks(errors) -> dict[str, dict[tuple[int, int], list[str]]]:
    """Reasons by sheet and (row, column), 1-based; a row error falls on column 1, a sheet error nowhere."""
    marks: dict[str, dict[tuple[int, int], list[str]]] = defaultdict(lambda: defaultdict(list))
    for error in errors:
        sheet, row, column = _field(error, "sheet", 0), _field(error, "row", 1), _field(error, "column", 2)
        if not row:
            continue
        letter = str(column or "").strip().upper()
        position = column_index_from_string(letter) if LETTERS.match(letter) else 1
        reason = str(_field(error, "reason", 4))
        if reason not in marks[sheet][(int(row), position)]:
            marks[sheet][(int(row), position)].append(reason)
    return marks


def _comment(reasons: list[str], existing=None) -> Comment:
    text = "\n".join(safe_text(reason) for reason in reasons)
    if existing is not None and existing.text:
        text = f"{existing.text}\n{text}"
    comment = Comment(text, COMMENT_AUTHOR)
    comment.height, comment.width = COMMENT_SIZE
    return comment


def _error_list(workbook: Workbook, errors) -> None:
    name = ERROR_LIST_SHEET
    while name in workbook.sheetnames:
        name += "_"
    sheet = workbook.create_sheet(name)
    for index, width in enumerate(ERROR_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for title in ERROR_HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.fill = bold, HEADER_FILL
        header.append(cell)
    sheet.append(header)
    for error in errors:
        values = [_field(error, name, i) for i, name in enumerate(("sheet", "row", "column", "value", "reason"))]
        sheet.append(safe_row(sheet, [str(v) if v is not None and not isinstance(v, int) else v for v in values]))


def _marked_own(data: bytes, marks, errors) -> bytes:
    workbook = load_workbook(io.BytesIO(data), rich_text=True)
    for sheet_name, cells in marks.items():
        if sheet_name not in workbook.sheetnames:
            continue
        sheet = workbook[sheet_name]
        for (row, column), reasons in cells.items():
            cell = sheet.cell(row=row, column=column)
            for area in sheet.merged_cells.ranges:  # a merged range keeps its comment and fill on its first cell
                if area.min_row <= row <= area.max_row and area.min_col <= column <= area.max_col:
                    cell = sheet.cell(row=area.min_row, column=area.min_col)
                    break
            cell.fill = MARK_FILL
            cell.comment = _comment(reasons, cell.comment)
    _error_list(workbook, errors)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _marked_copy(data: bytes, filename: str, marks, errors) -> bytes:
    """A new .xlsx with the values of an .xls or .csv file, streamed row by row (write-only)."""
    workbook = Workbook(write_only=True)
    with open_source(data, filename) as book:
        for sheet_name in book.sheet_names:
            sheet = workbook.create_sheet(sheet_name[:31])
            cells = marks.get(sheet_name, {})
            widths: dict[int, int] = defaultdict(int)
            for row, column in cells:
                widths[row] = max(widths[row], column)
            read = 0
            for number, values in enumerate(book.rows(sheet_name), start=1):
                read = number
                width = max(len(values), widths.get(number, 0))
                line = []
                for position in range(1, width + 1):
                    value = values[position - 1] if position <= len(values) else None
                    cell = text_cell(sheet, value) if isinstance(value, str) else WriteOnlyCell(sheet, value=value)
                    reasons = cells.get((number, position))
                    if reasons:
                        cell.fill = MARK_FILL
                        cell.comment = _comment(reasons)
                    line.append(cell)
                sheet.append(line)
            for missing in range(read + 1, max(widths, default=0) + 1):
                line = [WriteOnlyCell(sheet) for _position in range(widths.get(missing, 0))]
                for (row, position), reasons in cells.items():
                    if row == missing:
                        line[position - 1].fill, line[position - 1].comment = MARK_FILL, _comment(reasons)
                sheet.append(line)  # marks below the last row read (a missing row, say)
    _error_list(workbook, errors)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def marked_workbook(data: bytes, filename: str, errors: list) -> bytes:
    """The user's file as .xlsx, each bad cell filled light red with its reasons in a comment, plus 错误清单.

    ``errors`` are RowError-like (sheet, row, column, value, reason): ``column`` is the source column's letter
    ("D"), or "" for an error on a whole row (the row's first cell is marked) or, with no row, on the sheet
    (listed only).
    """
    marks = _marks(errors)
    with open_source(data, filename) as book:
        kind = book.kind
    if kind == XLSX:
        return _marked_own(data, marks, errors)
    return _marked_copy(data, filename, marks, errors)
