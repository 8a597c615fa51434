"""User text written into a workbook stays text (issue 11: formula injection, illegal characters).

openpyxl turns any string that begins with ``=`` into a formula, and refuses control characters
(``IllegalCharacterError``), which used to take the whole export down for one project name with ``\\x07``.
Every workbook the product writes with openpyxl passes user text through :func:`text_cell` (a cell) or
:func:`safe_text` (the value): illegal characters are stripped, the cell's type is string, and text that a
spreadsheet would read as a formula when the cell is edited (``= + - @`` or a leading tab/CR) gets Excel's
quote prefix, the invisible leading ``'``. The value itself is unchanged, so an exported ledger imports back
as it was. The streaming writer of ``assessment/xlsx.py`` writes every text as a shared string (never a formula)
and strips the same characters.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(data: bytes, filename: str) -> HttpResponse:
    """A workbook as an attachment named ``filename`` (RFC 6266: a Chinese name survives every browser)."""
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def safe_text(value: str) -> str:
    """``value`` without the control characters a workbook cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_STARTS)


def mark_text(cell, value: str):
    """Put ``value`` into an existing cell as text (a normal or a write-only cell)."""
    value = safe_text(value)
    cell.value = value
    cell.data_type = "s"
    if looks_like_formula(value):
        cell.quotePrefix = True
    return cell


def text_cell(sheet, value: str) -> WriteOnlyCell:
    """A write-only cell holding ``value`` as text (for ``sheet.append`` in write-only workbooks)."""
    return mark_text(WriteOnlyCell(sheet), value)


def safe_row(sheet, values) -> list:
    """``values`` with every string turned into a text cell, for ``sheet.append`` (any workbook mode)."""
    return [text_cell(sheet, v) if isinstance(v, str) else v for v in values]


def set_text(sheet, row: int, column: int, value: str):
    """Write ``value`` as text into cell (row, column) of a normal worksheet."""
    return mark_text(sheet.cell(row=row, column=column), value)
