"""core.xlsx: user text is written as text, never as a formula, and without illegal characters (issue 11)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from zhaoshang.core.xlsx import safe_row, safe_text, set_text

HOSTILE = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _reload(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))


@pytest.mark.parametrize("write_only", [True, False])
def test_formula_like_text_stays_text(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    sheet.title = "s"
    sheet.append(safe_row(sheet, [*HOSTILE, "普通文本", 12]))
    row = list(_reload(book)["s"][1])
    for cell, value in zip(row, HOSTILE, strict=False):
        assert cell.data_type == "s" and cell.value == value and cell.quotePrefix
    assert row[-2].value == "普通文本" and not row[-2].quotePrefix
    assert row[-1].data_type == "n"


def test_control_characters_are_stripped():
    assert safe_text("a\x07b\x00c\x1fd\te\nf") == "abcd\te\nf"
    book = Workbook()
    set_text(book.active, 1, 1, "铃\x07声")
    assert _reload(book).active["A1"].value == "铃声"


def test_plain_openpyxl_would_write_a_formula():
    """The failure the helper prevents: openpyxl alone turns the text into a live formula."""
    book = Workbook()
    book.active.append(["=1+1"])
    assert _reload(book).active["A1"].data_type == "f"
