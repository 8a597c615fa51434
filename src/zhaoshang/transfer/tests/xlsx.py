"""Writing real .xlsx files for the tests, in the import layout."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook, load_workbook

from zhaoshang.transfer import columns as c

UNIT_HEADERS = [column.header for column in c.UNIT_COLUMNS]
PROJECT_HEADERS = [column.header for column in c.PROJECT_COLUMNS]
# The 项目 columns a file must have (the others may be left out: older files lack them).
BASE_PROJECT_HEADERS = [column.header for column in c.PROJECT_COLUMNS if not column.optional]
RECEIPT_HEADERS = [column.header for column in c.RECEIPT_COLUMNS]
PERIOD_HEADERS = [column.header for column in c.PERIOD_COLUMNS]
TARGET_HEADERS = [column.header for column in c.TARGET_COLUMNS]
HEADERS = {
    c.UNIT_SHEET: UNIT_HEADERS,
    c.PROJECT_SHEET: PROJECT_HEADERS,
    c.RECEIPT_SHEET: RECEIPT_HEADERS,
    c.PERIOD_SHEET: PERIOD_HEADERS,
    c.TARGET_SHEET: TARGET_HEADERS,
    c.COUNTY_TARGET_SHEET: [column.header for column in c.COUNTY_TARGET_COLUMNS],
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


# --- workbooks written part by part, the way Excel saves them ------------------------------------------

EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def excel_workbook_bytes(sheets: dict[str, list[list]], *, shared_strings: bool) -> bytes:
    """An .xlsx package built from its XML parts, as Excel (shared strings) or openpyxl (inline strings) save it.

    Text goes into ``xl/sharedStrings.xml`` (``t="s"``) or into the cell (``t="inlineStr"``); numbers are
    written with ``repr`` (what Excel writes: the shortest digits that give the number back); a date or a
    datetime is a serial number styled with a date format (built-in 14, or yyyy-mm-dd hh:mm for a datetime);
    ``None`` leaves the cell out, ``""`` writes an empty styled cell (Excel keeps those for formatted blanks);
    ``True``/``False`` are booleans; a ``("=formula", cached)`` pair is a formula with its cached value and
    ``("#N/A",)`` an error cell. A row given as ``None`` is left out of the sheet (a gap in the row numbers).
    """
    strings: list[str] = []
    string_index: dict[str, int] = {}

    def text_cell(ref: str, value: str) -> str:
        if shared_strings:
            if value not in string_index:
                string_index[value] = len(strings)
                strings.append(value)
            return f'<c r="{ref}" t="s"><v>{string_index[value]}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'

    def cell(ref: str, value) -> str:
        if value == "":
            return f'<c r="{ref}" s="1"/>'
        if isinstance(value, bool):
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, dt.datetime):
            serial = (value - EXCEL_EPOCH) / dt.timedelta(days=1)
            return f'<c r="{ref}" s="2"><v>{serial!r}</v></c>'
        if isinstance(value, dt.date):
            return f'<c r="{ref}" s="1"><v>{(value - EXCEL_EPOCH.date()).days}</v></c>'
        if isinstance(value, int | float):
            return f'<c r="{ref}"><v>{value!r}</v></c>'
        if isinstance(value, tuple) and len(value) == 1:
            return f'<c r="{ref}" t="e"><v>{escape(value[0])}</v></c>'
        if isinstance(value, tuple):
            formula, cached = value
            kind = ' t="str"' if isinstance(cached, str) else ""
            return f'<c r="{ref}"{kind}><f>{escape(formula.lstrip("="))}</f><v>{escape(str(cached))}</v></c>'
        return text_cell(ref, value)

    worksheets = []
    for rows in sheets.values():
        width = max((len(row) for row in rows if row), default=1)
        xml_rows = []
        for number, row in enumerate(rows, start=1):
            if row is None:
                continue
            cells = "".join(
                cell(f"{_column_letter(index)}{number}", value) for index, value in enumerate(row) if value is not None
            )
            xml_rows.append(f'<row r="{number}">{cells}</row>')
        worksheets.append(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="A1:{_column_letter(width - 1)}{len(rows)}"/>'
            f"<sheetData>{''.join(xml_rows)}</sheetData></worksheet>"
        )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006"
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    overrides = [
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>',
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>',
        *(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet_type}"/>'
            for n in range(1, len(sheets) + 1)
        ),
    ]
    relationships = [
        f'<Relationship Id="rId{n}" Type="{rel}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(sheets) + 1)
    ]
    relationships.append(f'<Relationship Id="rIdStyles" Type="{rel}/styles" Target="styles.xml"/>')
    if shared_strings:
        overrides.append(
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
        relationships.append(f'<Relationship Id="rIdStrings" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>')
    sheet_list = "".join(
        f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(sheets, start=1)
    )
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{package}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>' + "".join(overrides) + "</Types>",
        "_rels/.rels": f'<Relationships xmlns="{package}/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>{sheet_list}</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{package}/relationships">'
        + "".join(relationships)
        + "</Relationships>",
        # Styles: 0 general, 1 a date (built-in format 14), 2 a date and time (custom format 164).
        "xl/styles.xml": f'<styleSheet xmlns="{main}">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd\\ hh:mm"/></numFmts>'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>",
        **{f"xl/worksheets/sheet{n}.xml": xml for n, xml in enumerate(worksheets, start=1)},
    }
    if shared_strings:
        items = "".join(f'<si><t xml:space="preserve">{escape(value)}</t></si>' for value in strings)
        parts["xl/sharedStrings.xml"] = (
            f'<sst xmlns="{main}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            archive.writestr(name, xml)
    return buffer.getvalue()
