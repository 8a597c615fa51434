"""The workbook reader (python-calamine) gives the values openpyxl gave, however the file was saved."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from openpyxl import load_workbook

from zhaoshang.projects.models import FundsReceipt, Project
from zhaoshang.transfer import columns as c
from zhaoshang.transfer.importer import import_workbook
from zhaoshang.transfer.xlsx_reader import Unreadable, open_workbook

from . import xlsx
from .conftest import snapshot

D = dt.date
SAVED_AS = {"shared strings (Excel)": True, "inline strings (openpyxl)": False}

# Every kind of cell an import meets; row 4 is left out of the sheet (a gap in the row numbers), column A of
# row 2 is empty, "" is a formatted empty cell.
SHEET = [
    ["编码", "名称", "金额", "整数", "日期", "日期时间", "其他"],
    [None, "  前后有空格  ", 123.45, 1000, D(2024, 3, 1), dt.datetime(2024, 3, 1, 14, 30), True],
    ["00123", "", 0.1, 0, D(1999, 12, 31), dt.datetime(2023, 1, 2, 0, 0), False],
    None,
    ["A", "多行\n文字", 1.005, -3, D(2024, 2, 29), None, ("#N/A",)],
    ["B", "公式", ("=C2*2", 246.9), ("=1+1", 2), None, ("=A5", "A"), ("#DIV/0!",)],
    ["C", "大数", 1234567890.12, 123456789012345, 12345678.9, 1e20, 0.000001],
    [None, None, None, None, None, None, "last"],
]


def openpyxl_rows(data: bytes, sheet: str) -> list[tuple]:
    """What the import read with openpyxl (read-only, cached formula values)."""
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return list(workbook[sheet].iter_rows(values_only=True))
    finally:
        workbook.close()


def same_cell(ours, theirs) -> bool:
    """The same value of the same type; openpyxl gave a date cell as a datetime at midnight, we give a date."""
    if type(ours) is dt.date and type(theirs) is dt.datetime and theirs.time() == dt.time():
        theirs = theirs.date()
    return type(ours) is type(theirs) and ours == theirs


def trimmed(row) -> list:
    row = list(row)
    while row and row[-1] is None:
        row.pop()
    return row


@pytest.mark.parametrize("shared_strings", SAVED_AS.values(), ids=SAVED_AS.keys())
def test_cells_read_as_openpyxl_read_them(shared_strings):
    data = xlsx.excel_workbook_bytes({"项目": SHEET}, shared_strings=shared_strings)
    assert (b"xl/sharedStrings.xml" in data) == shared_strings

    ours = open_workbook(io.BytesIO(data)).rows("项目")
    theirs = openpyxl_rows(data, "项目")

    assert len(ours) == len(theirs) == len(SHEET)
    for number, (mine, expected) in enumerate(zip(ours, theirs, strict=True), start=1):
        mine, expected = trimmed(mine), trimmed(expected)
        assert len(mine) == len(expected), number
        for letter, a, b in zip("ABCDEFG", mine, expected, strict=False):
            assert same_cell(a, b), (f"{letter}{number}", a, b)
    # The values themselves, as the parsers get them.
    assert ours[1][:6] == [None, "  前后有空格  ", 123.45, 1000, D(2024, 3, 1), dt.datetime(2024, 3, 1, 14, 30)]
    assert ours[2][:4] == ["00123", None, 0.1, 0]
    assert ours[3] == [] or all(value is None for value in ours[3])
    assert ours[4][6] == "#N/A" and ours[5][6] == "#DIV/0!"
    assert [type(value) for value in ours[6][2:6]] == [float, int, float, float]
    assert str(ours[4][2]) == "1.005" and str(ours[6][2]) == "1234567890.12"


def test_a_workbook_saved_by_openpyxl_reads_the_same():
    """The system's own files (export, template) are written by openpyxl: inline strings, its date formats."""
    rows = [row for row in SHEET if row is not None]
    plain = [[value for value in row if not isinstance(value, tuple)] for row in rows]
    data = xlsx.workbook_bytes({"项目": plain}, headers={"项目": None})
    ours = open_workbook(io.BytesIO(data)).rows("项目")
    theirs = openpyxl_rows(data, "项目")
    assert len(ours) == len(theirs)
    for mine, expected in zip(ours, theirs, strict=True):
        mine, expected = trimmed(mine), trimmed(expected)
        assert len(mine) == len(expected)
        assert all(same_cell(a, b) for a, b in zip(mine, expected, strict=True)), (mine, expected)


def project_sheets() -> dict:
    """A 项目 and a 到位资金 sheet whose numbers are typed as numbers, as a user types them."""
    return {
        c.PROJECT_SHEET: [
            xlsx.PROJECT_HEADERS,
            xlsx.project(
                2024001,  # a code typed as a number stays "2024001"
                "新材料项目",
                **{
                    c.P_INVESTOR: "甲公司",
                    c.P_PLANNED: 1234567.89,
                    c.P_CONTRACT: 123.45,
                    c.P_REGISTERED: 1.005,
                    c.P_LAND: 0.1,
                    c.P_CREDITS: "T01:60;T02:40",
                    c.P_STAGE: "签约",
                    "洽谈日期": D(2024, 1, 5),
                    "签约日期": D(2024, 3, 1),
                    c.P_REMARKS: "  备注  ",
                },
            ),
            xlsx.project("P2", "空单元格", **{c.P_PLANNED: 1000, c.P_CREDITS: "T02", c.P_LEADER: ""}),
        ],
        c.RECEIPT_SHEET: [
            xlsx.RECEIPT_HEADERS,
            xlsx.receipt(2024001, D(2024, 4, 1), 100.1, "银行转账", 12345),
            xlsx.receipt("P2", D(2024, 5, 1), 200, None, None),
        ],
    }


@pytest.mark.django_db
@pytest.mark.parametrize("shared_strings", SAVED_AS.values(), ids=SAVED_AS.keys())
def test_import_reads_numbers_dates_and_empty_cells_exactly(shared_strings, tmp_path, users, units):
    path = tmp_path / "p.xlsx"
    path.write_bytes(xlsx.excel_workbook_bytes(project_sheets(), shared_strings=shared_strings))

    result = import_workbook(path, user=users["bureau"])

    assert result.ok, [str(error) for error in result.errors]
    p1 = Project.objects.get(code="2024001")
    assert (p1.planned_investment, p1.contract_amount) == (Decimal("1234567.89"), Decimal("123.45"))
    assert (p1.registered_capital, p1.land_area) == (Decimal("1.01"), Decimal("0.10"))  # 1.005 rounds half up
    assert (p1.stage, p1.stage_date, p1.remarks) == ("signed", D(2024, 3, 1), "备注")
    assert sorted(p1.stage_events.values_list("stage", "date")) == [
        ("negotiating", D(2024, 1, 5)),
        ("signed", D(2024, 3, 1)),
    ]
    p2 = Project.objects.get(code="P2")
    assert (p2.planned_investment, p2.contract_amount, p2.registered_capital, p2.land_area) == (
        Decimal("1000.00"),
        Decimal("0.00"),
        None,
        None,
    )
    assert (p2.investor, p2.county_leader, p2.stage_date) == (None, "", None)
    receipts = FundsReceipt.objects.order_by("date").values_list("project__code", "amount", "source", "voucher_no")
    assert list(receipts) == [("2024001", Decimal("100.10"), "银行转账", "12345"), ("P2", Decimal("200.00"), "", "")]


@pytest.mark.django_db
@pytest.mark.parametrize("shared_strings", SAVED_AS.values(), ids=SAVED_AS.keys())
def test_an_error_cell_is_reported_with_its_text(shared_strings, tmp_path, users, units):
    sheets = {c.PROJECT_SHEET: [xlsx.PROJECT_HEADERS, xlsx.project("P1", **{c.P_CONTRACT: ("#N/A",)})]}
    path = tmp_path / "e.xlsx"
    path.write_bytes(xlsx.excel_workbook_bytes(sheets, shared_strings=shared_strings))
    before = snapshot()

    result = import_workbook(path, user=users["bureau"])

    assert [(e.sheet, e.row, e.column, e.value) for e in result.errors] == [("项目", 2, c.P_CONTRACT, "#N/A")]
    assert snapshot() == before


def repackaged(data: bytes, replace: dict[str, bytes | None]) -> bytes:
    """The package with some parts replaced (or left out, for None)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in source.namelist():
            if name not in replace:
                archive.writestr(name, source.read(name))
        for name, content in replace.items():
            if content is not None:
                archive.writestr(name, content)
    return buffer.getvalue()


GOOD = xlsx.excel_workbook_bytes({c.PROJECT_SHEET: [xlsx.PROJECT_HEADERS, xlsx.project("P1")]}, shared_strings=True)
SHEET_PART = "xl/worksheets/sheet1.xml"
WORKSHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'


def open_document_spreadsheet() -> bytes:
    """A minimal .ods file (LibreOffice, WPS): calamine reads these too, the import does not."""
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="项目"><table:table-row>'
        '<table:table-cell office:value-type="string"><text:p>项目编号</text:p></table:table-cell>'
        "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return buffer.getvalue()


UNREADABLE = {
    "sheet XML cut short": repackaged(GOOD, {SHEET_PART: WORKSHEET + b'<row r="1"><c r="A1" t="s"><v>0</v></c><c'}),
    "sheet XML garbage": repackaged(GOOD, {SHEET_PART: b"\x00\x01garbage"}),
    "sheet part missing": repackaged(GOOD, {SHEET_PART: None}),
    # calamine panics on this one (an index out of bounds in Rust); it must still be a plain error line
    "shared string out of range": repackaged(
        GOOD, {SHEET_PART: WORKSHEET + b'<row r="1"><c r="A1" t="s"><v>99</v></c></row></sheetData></worksheet>'}
    ),
    "shared strings part missing": repackaged(GOOD, {"xl/sharedStrings.xml": None}),
    "an OpenDocument spreadsheet": open_document_spreadsheet(),
    "a zip without a workbook": repackaged(GOOD, {"xl/workbook.xml": None}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", UNREADABLE)
def test_a_damaged_or_other_file_is_one_clear_error(case, users, units):
    before = snapshot()
    result = import_workbook(io.BytesIO(UNREADABLE[case]), user=users["bureau"])
    [not_a_zip] = import_workbook(io.BytesIO(b"not a zip"), user=users["bureau"]).errors
    assert [(e.sheet, e.row, e.reason) for e in result.errors] == [("", None, not_a_zip.reason)]
    assert snapshot() == before


def test_the_good_package_itself_is_readable():
    """The damaged files above are made from this one: it is their only fault that makes them unreadable."""
    rows = open_workbook(io.BytesIO(GOOD)).rows(c.PROJECT_SHEET)
    assert rows[0] == xlsx.PROJECT_HEADERS
    assert rows[1][:2] == ["P1", "项目"]
    with pytest.raises(Unreadable):
        open_workbook(io.BytesIO(UNREADABLE["an OpenDocument spreadsheet"]))


def test_rows_stream_from_row_1_and_column_a_with_error_cells_below_the_last_value():
    """``iter_rows`` gives what ``rows`` gives, one row at a time: calamine starts its rows at the first used
    column, so the empty columns before it are put back; an error cell below the last value is still read."""
    rows = [None, [None, None, "x"], None, [None, None, None, 2.5], None, [None, None, None, None, ("#N/A",)]]
    with_error = xlsx.excel_workbook_bytes({"表": rows}, shared_strings=True)
    reader = open_workbook(io.BytesIO(with_error))
    streamed = reader.iter_rows("表")
    assert not isinstance(streamed, list)
    rows = list(streamed)
    assert rows[1][:3] == [None, None, "x"] and rows[3][:4] == [None, None, None, 2.5]
    assert len(rows) == 6 and rows[5][4] == "#N/A"
    assert rows == open_workbook(io.BytesIO(with_error)).rows("表")


def test_the_height_of_a_sheet_from_its_dimension_or_its_cells():
    """Excel writes a <dimension> at the head of a sheet: the height is read there, the sheet not parsed; a
    sheet without one (openpyxl's write-only mode) is parsed once and kept for reading its rows."""
    plain = xlsx.workbook_bytes({c.PROJECT_SHEET: [xlsx.project("P1"), xlsx.project("P2")]})
    reader = open_workbook(io.BytesIO(plain))
    assert reader.height(c.PROJECT_SHEET) == 3
    workbook = openpyxl.Workbook()
    workbook.active.title = "表"
    for number in range(7):
        workbook.active.append([number])
    data = io.BytesIO()
    workbook.save(data)  # the normal mode writes <dimension ref="A1:A7"/>
    reader = open_workbook(io.BytesIO(data.getvalue()))
    assert reader.height("表") == 7 and not reader._parsed
    assert len(reader.rows("表")) == 7
