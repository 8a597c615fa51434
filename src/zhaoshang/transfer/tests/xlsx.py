"""Writing real .xlsx files for the tests, in the import layout."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook, load_workbook

from zhaoshang.transfer import columns as c

UNIT_HEADERS = [column.header for column in c.UNIT_COLUMNS]
PROJECT_HEADERS = [column.header for column in c.PROJECT_COLUMNS]
RECEIPT_HEADERS = [column.header for column in c.RECEIPT_COLUMNS]
HEADERS = {c.UNIT_SHEET: UNIT_HEADERS, c.PROJECT_SHEET: PROJECT_HEADERS, c.RECEIPT_SHEET: RECEIPT_HEADERS}


def unit(code, name, parent="", category="乡镇", tier="一档") -> list:
    return [code, name, parent, category, tier]


def project(code, name="项目", **by_header) -> list:
    values = {
        c.P_CODE: code,
        c.P_NAME: name,
        c.P_CAPITAL: "内资",
        c.P_KIND: "工业",
        c.P_PLANNED: 1000,
        c.P_CREDITS: "T01",
    }
    values.update(by_header)
    unknown = set(values) - set(PROJECT_HEADERS)
    assert not unknown, unknown
    return [values.get(header) for header in PROJECT_HEADERS]


def receipt(code, date, amount, source="", voucher="") -> list:
    return [code, date, amount, source, voucher]


def workbook_bytes(sheets: dict[str, list[list]], *, headers: dict[str, list] | None = None) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        header = (headers or {}).get(name, HEADERS.get(name))
        if header is not None:
            sheet.append(header)
        for values in rows:
            sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(path: Path, sheets: dict[str, list[list]], **kwargs) -> Path:
    path.write_bytes(workbook_bytes(sheets, **kwargs))
    return path


def read(data: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}
