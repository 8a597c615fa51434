"""Writing real .xlsx files for the tests, in the import layout."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook, load_workbook

from zhaoshang.transfer import columns as c

UNIT_HEADERS = [column.header for column in c.UNIT_COLUMNS]
PROJECT_HEADERS = [column.header for column in c.PROJECT_COLUMNS]
RECEIPT_HEADERS = [column.header for column in c.RECEIPT_COLUMNS]
PERIOD_HEADERS = [column.header for column in c.PERIOD_COLUMNS]
TARGET_HEADERS = [column.header for column in c.TARGET_COLUMNS]
HEADERS = {
    c.UNIT_SHEET: UNIT_HEADERS,
    c.PROJECT_SHEET: PROJECT_HEADERS,
    c.RECEIPT_SHEET: RECEIPT_HEADERS,
    c.PERIOD_SHEET: PERIOD_HEADERS,
    c.TARGET_SHEET: TARGET_HEADERS,
}


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


def period(code, name, start, end, schedule=None) -> list:
    return [code, name, start, end, schedule]


def target(
    period_code, group, kind, target_value, *, tier=None, unit=None, stage=None, field=None, floor=None, weight=None
):
    """A 目标 row: one indicator of a group, set for a tier (一档…四档) or for a unit (its code)."""
    return [period_code, tier, unit, group, kind, stage, field, floor, target_value, weight]


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
