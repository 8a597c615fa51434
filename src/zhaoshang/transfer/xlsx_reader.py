"""Reading the cells of an .xlsx workbook with python-calamine (openpyxl only writes: export, templates,
the error file).

calamine parses a sheet in Rust and hands back plain Python values, several times faster than openpyxl's
read-only mode, which builds an object per cell. The rows come out the way openpyxl read them, so the
parsers see the same values:

* every row from row 1 and every column from A, so positions are Excel's own rows and columns;
* an empty cell is ``None`` (calamine: ``""``);
* a whole number is an ``int`` (calamine returns every number as a float: ``1000.0``), any other number
  a float whose ``str`` is the number Excel wrote (``123.45``): parsing builds Decimals from that text;
* a date cell is a ``date`` (a ``datetime`` if it has a time of day; openpyxl gave a datetime at midnight
  for a date, which the parsers and the error lines treat the same);
* an error cell (``#N/A``, ``#DIV/0!``…) is its text, as openpyxl gave it (calamine turns it into an empty
  cell, so such cells are read from the sheet's XML here);
* text as written, spaces included.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook

# The content types of a workbook part that openpyxl reads too: .xlsx, .xlsm and their templates.
# calamine would also read .xls, .xlsb and .ods files; those are refused, as they were with openpyxl.
XLSX_WORKBOOK_TYPES = (
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    b"application/vnd.ms-excel.template.macroEnabled.main+xml",
)
WORKBOOK_PART = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
ERROR_CELL = re.compile(rb"""\st\s*=\s*["']e["']""")  # the attribute t="e" of an error cell
DIMENSION = re.compile(rb"""<(?:\w+:)?dimension\s+ref\s*=\s*["'][A-Za-z$]*\d*:?\$?[A-Za-z]+\$?(\d+)["']""")
DIMENSION_HEAD = 4096  # the <dimension> element comes before the rows, near the start of the sheet's XML
CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
# Python prints floats positionally below 1e16: a whole number there is read as an int, as openpyxl read
# the digits Excel writes for it ("1000"); beyond, Excel writes an exponent and openpyxl gave a float.
WHOLE_LIMIT = 1e16


class Unreadable(Exception):
    """The file is not an .xlsx workbook, or a part of it is damaged."""


def _is_read_error(error: BaseException) -> bool:
    """An error of the reader on a damaged file (a panic in calamine's Rust code arrives as a BaseException)."""
    return isinstance(error, Exception) or type(error).__name__ == "PanicException"


class XlsxWorkbook:
    def __init__(self, data: bytes):
        self.package = zipfile.ZipFile(io.BytesIO(data))
        names = set(self.package.namelist())
        if "[Content_Types].xml" not in names or WORKBOOK_PART not in names:
            raise Unreadable
        content_types = self.package.read("[Content_Types].xml")
        if not any(kind in content_types for kind in XLSX_WORKBOOK_TYPES):
            raise Unreadable
        self.calamine = CalamineWorkbook.from_filelike(io.BytesIO(data))
        self.sheet_names: list[str] = list(self.calamine.sheet_names)
        # Sheets parsed by ``height`` and not read yet: calamine parses a sheet on each get_sheet_by_name.
        self._parsed: dict = {}

    def _sheet(self, name: str, *, keep: bool):
        sheet = self._parsed.get(name) if keep else self._parsed.pop(name, None)
        if sheet is None:
            sheet = self.calamine.get_sheet_by_name(name)
            if keep:
                self._parsed[name] = sheet
        return sheet

    def rows(self, name: str) -> list[list]:
        """The sheet's rows as lists of values (see the module's docstring)."""
        return list(self.iter_rows(name))

    def height(self, name: str) -> int:
        """How many rows the sheet has, from row 1 to its last used row (for progress: ``iter_rows`` may give a
        few more or fewer). Read from the ``<dimension>`` at the head of the sheet's XML, so that the sheet is
        not parsed twice; a sheet without one is parsed (and kept for ``iter_rows``)."""
        part = self._sheet_part(name)
        if part is not None and part in self.package.namelist():
            with self.package.open(part) as stream:
                match = DIMENSION.search(stream.read(DIMENSION_HEAD).split(b"<sheetData", 1)[0])
            if match:
                return int(match[1])
        try:
            sheet = self._sheet(name, keep=True)
        except BaseException as error:
            if not _is_read_error(error):
                raise
            raise Unreadable from error
        end = sheet.end
        return end[0] + 1 if end else 0

    def iter_rows(self, name: str) -> Iterator[list]:
        """The sheet's rows one by one, as ``rows`` gives them: only one row's Python values exist at a time
        (calamine keeps the sheet's cells in Rust, a few bytes each), so a large sheet reads in bounded memory."""
        try:
            sheet = self._sheet(name, keep=False)
            sheet_rows = sheet.iter_rows()
            # iter_rows starts at row 1 but at the first used column: the columns before it are put back.
            skipped = [None] * (sheet.start[1] if sheet.start else 0)
            errors = self._error_cells(name)
        except BaseException as error:
            if not _is_read_error(error):
                raise
            raise Unreadable from error
        by_row: dict[int, dict[int, str]] = {}
        for (row, column), text in errors.items():
            by_row.setdefault(row, {})[column] = text
        del sheet
        limit = WHOLE_LIMIT
        number = -1
        try:
            for row in sheet_rows:
                number += 1
                cells = [
                    None
                    if value == ""
                    else (
                        int(value)
                        if value.__class__ is float and value.is_integer() and -limit < value < limit
                        else value
                    )
                    for value in row
                ]
                if skipped:
                    cells[:0] = skipped
                if by_row and number in by_row:
                    _put_errors(cells, by_row.pop(number))
                yield cells
        except BaseException as error:  # a panic of calamine's while reading; GeneratorExit passes through
            if not _is_read_error(error):
                raise
            raise Unreadable from error
        # Error cells below the last row calamine gives (it reads them as empty).
        for row_number in sorted(by_row):
            while number < row_number - 1:
                number += 1
                yield []
            number += 1
            cells: list = []
            _put_errors(cells, by_row[row_number])
            yield cells

    def close(self) -> None:
        self._parsed.clear()
        self.calamine.close()
        self.package.close()

    def _sheet_part(self, name: str) -> str | None:
        """The path in the package of the sheet called ``name``, from the workbook's relationships."""
        workbook = ElementTree.fromstring(self.package.read(WORKBOOK_PART))
        rel_id = None
        for sheet in workbook.iter(f"{MAIN_NS}sheet"):
            if sheet.get("name") == name:
                rel_id = sheet.get(f"{REL_NS}id")
        if rel_id is None:
            return None
        for relation in ElementTree.fromstring(self.package.read(WORKBOOK_RELS)).iter(f"{PACKAGE_REL_NS}Relationship"):
            if relation.get("Id") == rel_id:
                target = relation.get("Target", "")
                return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        return None

    def _error_cells(self, name: str) -> dict[tuple[int, int], str]:
        """The error cells of the sheet, by (row, column) from 0, with their text (``#N/A``…).

        Rare in a file to import, so the sheet's XML is only searched, and parsed only when it has some.
        """
        part = self._sheet_part(name)
        if part is None or part not in self.package.namelist():
            return {}
        xml = self.package.read(part)
        if not ERROR_CELL.search(xml):
            return {}
        found = {}
        row, column = -1, -1
        for event, element in ElementTree.iterparse(io.BytesIO(xml), events=("start", "end")):
            if event == "start":
                if element.tag == f"{MAIN_NS}row":
                    number = element.get("r")
                    row, column = (int(number) - 1 if number else row + 1), -1
                elif element.tag == f"{MAIN_NS}c":
                    match = CELL_REF.match(element.get("r") or "")
                    row, column = (int(match[2]) - 1, _column_index(match[1])) if match else (row, column + 1)
            elif element.tag == f"{MAIN_NS}c":  # complete: its value is there
                if element.get("t") == "e":
                    value = element.find(f"{MAIN_NS}v")
                    found[(row, column)] = (value.text or "") if value is not None else ""
                element.clear()
        return found


def _put_errors(cells: list, errors: dict[int, str]) -> None:
    for column, text in errors.items():
        if len(cells) <= column:
            cells.extend([None] * (column + 1 - len(cells)))
        cells[column] = text


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def open_workbook(source) -> XlsxWorkbook:
    """The workbook at ``source`` (a path or a binary file object); Unreadable unless it is an .xlsx file."""
    try:
        if isinstance(source, str | os.PathLike):
            with open(source, "rb") as file:
                data = file.read()
        else:
            if hasattr(source, "seek"):
                source.seek(0)
            data = source.read()
        return XlsxWorkbook(data)
    except BaseException as error:
        if not _is_read_error(error):
            raise
        raise Unreadable from error
