"""Reading a county's own sheet (issue 15): its format, its header row, its title rows and its data rows.

A pure reading layer: no database, no models. A county brings .xlsx, .xls or .csv files in the layouts it keeps
(重点项目推进情况调度表, 招商引资项目台账…): a merged title row, a "填报单位… 单位：亿元 截至…" row, a header of
one or two rows, 序号, then project rows mixed with section rows ("一、新建项目"), 合计/小计 rows and notes.

* :func:`open_source` opens the file as a :class:`SourceBook`, whose rows are streamed (calamine's row iterator,
  the csv reader), never copied whole into a list.
* :func:`detect_layout` finds the header (scored by the synonyms of ``source_fields``), the title, the as-of date,
  the unit of the amounts and the reporting unit, and proposes a field for each column; a per-unit summary sheet
  (督查情况通报) is recognised and carries a refusal.
* :func:`data_rows` yields every row below the header, the rows that are not projects marked with why.

Header words and row words are a file format: Chinese literals, never translated; messages are translated.
"""

from __future__ import annotations

import calendar
import codecs
import csv
import datetime as dt
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from .source_fields import IDENTIFYING_FIELDS, NOTE_PREFIXES, ROW_NUMBER_HEADERS, SOURCE_FIELDS, TOTAL_WORDS

XLSX, XLS, CSV = "xlsx", "xls", "csv"
LEDGER, SUMMARY = "ledger", "summary"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of an .xls workbook
CSV_DELIMITERS = (",", "\t", ";")
CSV_SAMPLE_LINES = 30
MIDNIGHT = dt.time()
WHOLE_LIMIT = 1e16  # as transfer.xlsx_reader: whole numbers below this come out as ints

# Units a header or a title row states for its figures.
SCALE_WORDS = ("万美元", "亿美元", "美元", "亿元", "万元", "千元", "元", "亩", "平方米", "公顷")
HEADER_UNIT = re.compile(r"[(（]\s*(?:单位\s*[:：]\s*)?([^()（）]*)\s*[)）]$")
TITLE_SCALE = re.compile(r"单位\s*[:：]\s*(" + "|".join(SCALE_WORDS) + ")")
REPORTING_UNIT = re.compile(r"填报单位\s*[:：]\s*(.+?)\s*(?=[(（]|单位\s*[:：]|截至|截止|\s|$)")
AS_OF = re.compile(r"(截至|截止至|截止到|截止|至)?\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日|(底|末))?")
# A section row: "一、新建项目", "（一）续建项目", "第二批…", "1.工业项目" is a project's name and stays.
SECTION = re.compile(
    r"^(?:[一二三四五六七八九十]+\s*[、.．]|[(（][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[类批部项])"
)
# Headers of a per-unit summary (督查情况通报): who, and how many / what share / which rank.
SUMMARY_UNIT_HEADERS = (
    "单位",
    "乡镇",
    "镇(街道)",
    "乡镇(街道)",
    "单位名称",
    "部门",
    "责任单位",
    "县直部门",
    "乡镇名称",
)
SUMMARY_MEASURES = ("项目数", "个数", "完成率", "排名", "占比", "名次", "得分", "任务", "完成比例", "同比")

SKIP_BLANK, SKIP_TOTAL, SKIP_SUBTOTAL, SKIP_NOTE, SKIP_SECTION = "空行", "合计行", "小计行", "说明行", "分组标题行"


class SourceUnreadable(Exception):
    """The file is not a workbook or a csv file the reader understands; the message says what is expected."""


def _unreadable(filename: str) -> SourceUnreadable:
    return SourceUnreadable(
        _("“%(file)s” cannot be read: upload an Excel workbook (.xlsx, .xls) or a CSV file (UTF-8 or GBK).")
        % {"file": filename}
    )


def _is_read_error(error: BaseException) -> bool:
    """A reader's error on a damaged file (a panic in calamine's Rust code arrives as a BaseException)."""
    return isinstance(error, Exception) or type(error).__name__ == "PanicException"


def _cell(value):
    """A calamine value as transfer.xlsx_reader gives it: None for empty, int for whole numbers."""
    if value == "":
        return None
    if value.__class__ is float and value.is_integer() and -WHOLE_LIMIT < value < WHOLE_LIMIT:
        return int(value)
    if value.__class__ is dt.datetime and value.time() == MIDNIGHT:  # an .xls date: a date, as in an .xlsx
        return value.date()
    return value


class SourceBook:
    """An opened county file. ``rows`` streams a sheet; ``close`` releases it."""

    def __init__(self, kind: str, filename: str, data: bytes):
        self.kind = kind
        self.filename = filename
        self._data = data
        self._calamine = None
        self._sheet = None  # (name, calamine's sheet): calamine parses a whole sheet at once; parsed once here
        self._encoding = ""
        self._delimiter = ","
        if kind == CSV:
            self._encoding = _csv_encoding(data)
            self._delimiter = _csv_delimiter(data, self._encoding)
            self.sheet_names = [Path(filename).stem or "CSV"]
        else:
            self._calamine = CalamineWorkbook.from_filelike(io.BytesIO(data))
            self.sheet_names = list(self._calamine.sheet_names)

    def rows(self, sheet: str) -> Iterator[list]:
        """The sheet's rows from row 1, each a list of values from column A; a generator."""
        if sheet not in self.sheet_names:
            raise KeyError(sheet)
        if self.kind == CSV:
            text = io.TextIOWrapper(io.BytesIO(self._data), encoding=self._encoding, newline="")
            for values in csv.reader(text, delimiter=self._delimiter):
                yield [value if value.strip() else None for value in values]
            return
        try:
            found = self._parsed(sheet)
            # calamine's iterator starts at row 1 but at the first used column: the columns before are put back.
            pad = [None] * (found.start or (0, 0))[1]
            for values in found.iter_rows():
                yield [*pad, *(_cell(value) for value in values)]
        except BaseException as error:
            if not _is_read_error(error):
                raise
            raise _unreadable(self.filename) from error

    def merged(self, sheet: str) -> list[tuple[int, int, int, int]]:
        """The sheet's merged ranges as (first_row, first_col, last_row, last_col), 1-based."""
        if self.kind == CSV:
            return []
        try:
            ranges = self._parsed(sheet).merged_cell_ranges or []
        except BaseException as error:
            if not _is_read_error(error):
                raise
            return []
        return [(top + 1, left + 1, bottom + 1, right + 1) for (top, left), (bottom, right) in ranges]

    def _parsed(self, sheet: str):
        if self._sheet is None or self._sheet[0] != sheet:
            self._sheet = None  # the previous sheet's cells go before the next sheet's are parsed
            self._sheet = (sheet, self._calamine.get_sheet_by_name(sheet))
        return self._sheet[1]

    def close(self) -> None:
        self._sheet = None
        if self._calamine is not None:
            self._calamine.close()
        self._data = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _csv_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) if the bytes are valid UTF-8, else GB18030 (a superset of GBK and GB2312).

    UTF-8 validates itself: Chinese text in GBK is practically never valid UTF-8, so trying UTF-8 first and falling
    back to GB18030, which decodes every GBK file, needs no guessing (a statistical detector can mistake a short
    GBK file for Big5 or Latin-1). The check runs over chunks, so no decoded copy of the file is kept.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        view = memoryview(data)
        for start in range(0, len(data), 1 << 20):
            decoder.decode(view[start : start + (1 << 20)])
        decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(data[: 1 << 20])
    except UnicodeDecodeError:
        raise SourceUnreadable(_("The CSV file is neither UTF-8 nor GBK text: save it again as “CSV UTF-8”.")) from None
    return "gb18030"


def _csv_delimiter(data: bytes, encoding: str) -> str:
    """The delimiter (comma, tab, semicolon) that splits the first lines most often, the same number of times."""
    sample = data[: 64 * 1024].decode(encoding, errors="ignore")
    lines = [line for line in sample.splitlines()[:CSV_SAMPLE_LINES] if line.strip()]
    best, best_score = ",", 0
    for delimiter in CSV_DELIMITERS:
        counts = [line.count(delimiter) for line in lines]
        if not counts or max(counts) == 0:
            continue
        # The most common non-zero count, weighted by how many lines share it (title lines have none).
        common = max(set(c for c in counts if c), key=lambda c: (counts.count(c), c))
        score = counts.count(common) * common
        if score > best_score:
            best, best_score = delimiter, score
    return best


def open_source(data, filename: str) -> SourceBook:
    """The county file ``data`` (bytes, a path or a binary file object) named ``filename``.

    The format is told by the file's first bytes (an .xlsx saved as .xls still opens), a csv by its name.
    """
    try:
        if isinstance(data, str | os.PathLike):
            with open(data, "rb") as file:
                data = file.read()
        elif not isinstance(data, bytes | bytearray | memoryview):
            if hasattr(data, "seek"):
                data.seek(0)
            data = data.read()
        data = bytes(data)
        if data.startswith(ZIP_MAGIC):
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                if "xl/workbook.xml" not in package.namelist():
                    raise _unreadable(filename)
            return SourceBook(XLSX, filename, data)
        if data.startswith(OLE_MAGIC):
            return SourceBook(XLS, filename, data)
        if Path(filename).suffix.lower() in (".csv", ".txt") and b"\x00" not in data[:4096]:
            return SourceBook(CSV, filename, data)
    except SourceUnreadable:
        raise
    except BaseException as error:
        if not _is_read_error(error):
            raise
        raise _unreadable(filename) from error
    raise _unreadable(filename)


# Layout -----------------------------------------------------------------------------------------------------------


@dataclass
class SourceColumn:
    position: int  # 0-based
    letter: str  # Excel's letter: "C"
    header: str  # as shown; a two-row header joined "投资情况/总投资"
    field: str | None  # the proposed source_fields key, or None: ignored
    scale_text: str  # the unit the header states ("亿元", "万元", "万美元", "亩") or ""
    row_number: bool  # a 序号 column


@dataclass
class SourceLayout:
    sheet: str
    header_rows: tuple[int, int]  # first and last header row, 1-based
    title: str
    as_of: dt.date | None
    scale_text: str  # "单位：亿元" in a title row: for money columns without their own unit
    reporting_unit: str
    columns: list[SourceColumn]
    kind: str  # LEDGER or SUMMARY
    refusal: str
    first_data_row: int
    merged: list[tuple[int, int, int, int]] = field(default_factory=list, repr=False)

    @property
    def ignored(self) -> list[SourceColumn]:
        return [column for column in self.columns if column.field is None and not column.row_number]


@dataclass
class SourceRow:
    row: int  # Excel's row, 1-based
    values: list
    skipped: str  # "" for a data row, else why: 合计行, 小计行, 说明行, 分组标题行, 空行


def clean(value) -> str:
    """A cell as text for matching: full-width forms folded (NFKC), every space and line break dropped."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def split_unit(header: str) -> tuple[str, str]:
    """``"总投资(亿元)"`` → ``("总投资", "亿元")``; a bracket holding no unit stays in the header."""
    match = HEADER_UNIT.search(header)
    if match and match[1] in SCALE_WORDS:
        return header[: match.start()], match[1]
    return header, ""


_SYNONYMS = {}
for _field in SOURCE_FIELDS:
    for _synonym in _field.synonyms:
        _SYNONYMS.setdefault(clean(_synonym), _field.key)
_ROW_NUMBERS = {clean(word) for word in ROW_NUMBER_HEADERS}


def match_header(text) -> tuple[str | None, str, bool]:
    """(field key or None, unit in the header, whether it is a 序号 column) for one header cell."""
    header = clean(text)
    if not header:
        return None, "", False
    bare, scale = split_unit(header)
    if bare in _ROW_NUMBERS:
        return None, scale, True
    for candidate in (header, bare, re.sub(r"[(（][^()（）]*[)）]", "", header)):
        if candidate in _SYNONYMS:
            return _SYNONYMS[candidate], scale, False
    return None, scale, False


def _score(values: list) -> tuple[int, bool]:
    fields = {match_header(value)[0] for value in values} - {None}
    return len(fields), bool(fields & set(IDENTIFYING_FIELDS))


def _summary_score(values: list) -> int:
    texts = [clean(value) for value in values]
    has_unit = any(split_unit(text)[0] in SUMMARY_UNIT_HEADERS for text in texts)
    measures = sum(1 for text in texts if any(word in text for word in SUMMARY_MEASURES))
    return measures if has_unit and measures else 0


def _merged_at(merged, row: int, column: int):
    for area in merged:
        if area[0] <= row <= area[2] and area[1] <= column <= area[3]:
            return area
    return None


def _value(scan: list[list], merged, row: int, column: int):
    """The cell's value, or the value of the merged range it lies in (1-based row and column)."""
    area = _merged_at(merged, row, column)
    if area is not None:
        row, column = area[0], area[1]
    cells = scan[row - 1] if row - 1 < len(scan) else []
    return cells[column - 1] if column - 1 < len(cells) else None


def _header_block(scan, merged, row: int) -> tuple[int, int]:
    """The header's first and last rows around the best-scored ``row``: a parent row above or a child row below.

    A cell merged down over the next row (序号, 项目名称 spanning two rows), or a parent merged across columns
    ("投资情况" over 总投资 and 累计到位资金), makes a two-row header.
    """
    width = max(len(scan[row - 1]) if row - 1 < len(scan) else 0, 1)

    def parents_in(line: int) -> bool:
        if re.search(r"单位[:：]|填报|截至|截止|制表", clean("".join(str(v) for v in scan[line - 1] if v))):
            return False  # a subtitle row, merged in parts
        return any(a[0] == a[2] == line and a[3] > a[1] and a[3] - a[1] + 1 < width for a in merged)

    if row < len(scan) and (any(a[0] == row and a[2] == row + 1 for a in merged) or parents_in(row)):
        return row, row + 1
    if row >= 2 and (any(a[0] == row - 1 and a[2] == row for a in merged) or parents_in(row - 1)):
        return row - 1, row
    return row, row


def detect_layout(book: SourceBook, sheet: str, *, max_scan: int = 30) -> SourceLayout | None:
    """The layout of ``sheet``, from its first ``max_scan`` rows; None when no header row is found there
    (:func:`no_header_message` says why to the user)."""
    scan = []
    for values in book.rows(sheet):
        scan.append(values)
        if len(scan) >= max_scan + 1:  # one more: the child row of a header found in the last row scanned
            break
    merged = book.merged(sheet)
    best, best_score = None, 0
    for index, values in enumerate(scan[:max_scan]):
        count, identifying = _score(values)
        if count >= 2 and identifying and count > best_score:
            best, best_score = index + 1, count
    kind, refusal = LEDGER, ""
    if best is None:
        summary = max(range(min(len(scan), max_scan)), key=lambda i: _summary_score(scan[i]), default=None)
        if summary is None or _summary_score(scan[summary]) == 0:
            return None
        best, kind = summary + 1, SUMMARY
    first, last = _header_block(scan, merged, best)
    width = max(len(scan[r - 1]) for r in range(first, last + 1))
    columns = []
    for column in range(1, width + 1):
        parent = clean(_value(scan, merged, first, column))
        area = _merged_at(merged, last, column)
        child = "" if last == first or (area and area[0] <= first) else clean(_value(scan, merged, last, column))
        shown = f"{parent}/{child}" if parent and child and parent != child else (child or parent)
        matched, scale, row_number = match_header(child) if child else (None, "", False)
        if matched is None and not row_number:
            matched, scale_parent, row_number = match_header(parent)
            scale = scale or scale_parent
        if not scale and parent and child:
            scale = match_header(parent)[1]
        if shown or matched:
            columns.append(SourceColumn(column - 1, get_column_letter(column), shown, matched, scale, row_number))
    title, as_of, scale_text, reporting_unit = _title_rows(scan[: first - 1])
    if kind == SUMMARY:
        refusal = _(
            "Sheet “%(sheet)s” is a per-unit summary (one row per township or department with totals), not a "
            "project ledger. The import needs one row per project with a 项目名称 column, such as the 项目台账 "
            "or the 重点项目推进情况调度表."
        ) % {"sheet": sheet}
    return SourceLayout(
        sheet=sheet,
        header_rows=(first, last),
        title=title,
        as_of=as_of,
        scale_text=scale_text,
        reporting_unit=reporting_unit,
        columns=columns,
        kind=kind,
        refusal=refusal,
        first_data_row=last + 1,
        merged=merged,
    )


def no_header_message(sheet: str, max_scan: int = 30) -> str:
    """Why :func:`detect_layout` found nothing: shown to the user."""
    return _(
        "No header row found in the first %(rows)s rows of sheet “%(sheet)s”: the import needs a row of column "
        "headers with 项目名称 (or 项目编码) and at least one other known column, such as 总投资 or 投资主体."
    ) % {"rows": max_scan, "sheet": sheet}


def parse_as_of(text: str) -> dt.date | None:
    """ "截至2025年6月30日" → 2025-06-30; "截止到2025年6月底" and "2025年6月" → the month's last day."""
    matches = list(AS_OF.finditer(clean(text)))
    if not matches:
        return None
    match = next((m for m in matches if m[1]), matches[-1])
    year, month = int(match[2]), int(match[3])
    if not 1 <= month <= 12:
        return None
    day = int(match[4]) if match[4] else calendar.monthrange(year, month)[1]
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _title_rows(rows: list[list]) -> tuple[str, dt.date | None, str, str]:
    """(title, as-of date, unit, reporting unit) from the rows above the header."""
    title, as_of, scale, reporting = "", None, "", ""
    for values in rows:
        texts = [str(value).strip() for value in values if value is not None and str(value).strip()]
        if not texts:
            continue
        line = "  ".join(texts)
        folded = unicodedata.normalize("NFKC", line)
        found_scale = TITLE_SCALE.search(clean(line))
        found_unit = REPORTING_UNIT.search(folded)
        found_date = parse_as_of(line) if AS_OF.search(clean(line)) else None
        if (
            not title
            and len(texts) == 1
            and not (found_scale or found_unit or (found_date and AS_OF.match(clean(line))))
        ):
            title = texts[0]
        scale = scale or (found_scale[1] if found_scale else "")
        reporting = reporting or (found_unit[1].strip() if found_unit else "")
        if found_date and (as_of is None or any(word in line for word in ("截至", "截止"))):
            as_of = found_date
    return title, as_of, scale, reporting


# Data rows --------------------------------------------------------------------------------------------------------

_TOTALS = {clean(word) for word in TOTAL_WORDS}
_NOTES = tuple(clean(word) for word in NOTE_PREFIXES)


def row_skip(values: list, layout: SourceLayout, row: int) -> str:
    """Why the row is not a project ("" when it is one)."""
    return _RowRules(layout).skip(values, row)


class _RowRules:
    """What tells a project row from the others in one layout (worked out once, applied to every row)."""

    def __init__(self, layout: SourceLayout):
        self.numbers = {column.position for column in layout.columns if column.row_number}
        self.names = {column.position for column in layout.columns if column.field == "name"}
        self.merged = layout.merged

    def skip(self, values: list, row: int) -> str:
        numbers = self.numbers
        filled = []
        for position, value in enumerate(values):
            if value is None:
                continue
            if value.__class__ is str:
                text = value.strip()
                # A 序号 cell counts when it holds words ("合计" is often written there), not a row's number.
                if not text or (position in numbers and text.isdigit()):
                    continue
            elif position in numbers:
                continue
            filled.append((position, value))
        if not filled:
            return SKIP_BLANK
        first_text = next((clean(value) for _i, value in filled if isinstance(value, str)), "")
        if first_text:
            word = first_text.rstrip(":")
            if word.startswith("小计") or word.endswith("小计"):
                return SKIP_SUBTOTAL
            if word in _TOTALS or word.startswith(("合计", "总计", "全县合计")):
                return SKIP_TOTAL
            if first_text.startswith(_NOTES) or re.match(r"^注\d*[:.、]", first_text):
                return SKIP_NOTE
        if len(filled) == 1:
            position, value = filled[0]
            area = _merged_at(self.merged, row, position + 1)
            spans = area is not None and area[3] - area[1] >= 2 and area[0] == area[2] == row
            if isinstance(value, str) and (SECTION.match(clean(value)) or spans or position not in self.names):
                return SKIP_SECTION
        return ""


def data_rows(book: SourceBook, layout: SourceLayout) -> Iterator[SourceRow]:
    """Every row below the header, streamed; rows that are not projects carry why in ``skipped``."""
    rules = _RowRules(layout)
    for number, values in enumerate(book.rows(layout.sheet), start=1):
        if number < layout.first_data_row:
            continue
        yield SourceRow(number, values, rules.skip(values, number))
