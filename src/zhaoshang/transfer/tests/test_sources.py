"""Reading a county's own sheet: formats, header row, title rows, skipped rows, summary sheets (issue 15)."""

from __future__ import annotations

import datetime as dt
import inspect
import io

import pytest
from openpyxl import Workbook

from zhaoshang.transfer import sources as s
from zhaoshang.transfer.tests import county_sheets as cs


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _layout(data: bytes, filename: str, sheet: str | None = None):
    book = s.open_source(data, filename)
    return book, s.detect_layout(book, sheet or book.sheet_names[0])


def _fields(layout) -> dict[str, str | None]:
    return {column.letter: column.field for column in layout.columns}


def _rows(book, layout) -> list[tuple[int, str, object]]:
    """(row, why skipped, name or first cell) for every row below the header."""
    name = next((c.position for c in layout.columns if c.field == "name"), 0)
    return [(r.row, r.skipped, r.values[name] if name < len(r.values) else None) for r in s.data_rows(book, layout)]


def test_city_key_projects_sheet_header_below_title_rows():
    book, layout = _layout(cs.city_key_projects_xlsx(), "2025年重点项目调度表.xlsx")
    assert book.kind == "xlsx" and book.sheet_names == ["调度表"]
    assert layout.kind == s.LEDGER and layout.refusal == ""
    assert layout.header_rows == (3, 3) and layout.first_data_row == 4
    assert layout.title == cs.CITY_TITLE
    assert layout.as_of == dt.date(2025, 6, 30)
    assert layout.scale_text == "亿元"
    assert layout.reporting_unit == "县招商服务中心"
    assert _fields(layout) == {
        "A": None,
        "B": "name",
        "C": "investor",
        "D": "planned",
        "E": "signed_on",
        "F": "started_on",
        "G": "stage",
        "H": "funds_cumulative",
        "I": "progress",
        "J": "county_leader",
        "K": "responsible",
        "L": "phone",
        "M": None,  # 2025年计划投资: not a field of the product, ignored
    }
    by_letter = {column.letter: column for column in layout.columns}
    assert by_letter["A"].row_number and by_letter["A"].header == "序号"
    assert (by_letter["D"].header, by_letter["D"].scale_text) == ("总投资(亿元)", "亿元")
    assert by_letter["H"].scale_text == "亿元" and by_letter["C"].scale_text == ""
    assert [column.letter for column in layout.ignored] == ["M"]
    assert _rows(book, layout) == [
        (4, "合计行", None),
        (5, "", "年产5万吨新型建材项目"),
        (6, "", "一号冷链物流园"),  # starts with 一, a project all the same
        (7, "", "光伏组件生产线"),
        (8, "", "农、林、牧、渔业示范园"),
        (9, "空行", None),
        (10, "说明行", None),
    ]
    row = next(r for r in s.data_rows(book, layout) if r.row == 6)
    assert row.values[3] == "3.2亿" and row.values[4] == dt.date(2025, 1, 8) and row.values[7] == "8000万元"
    first = next(r for r in s.data_rows(book, layout) if r.row == 5)
    assert first.values[:4] == [1, "年产5万吨新型建材项目", "陕西华建新材料有限公司", 3.2]
    book.close()


def test_township_ledger_two_row_header_sections_and_notes():
    book, layout = _layout(cs.township_ledger_xlsx(), "城关镇台账.xlsx")
    assert layout.header_rows == (3, 4) and layout.first_data_row == 5
    assert layout.title == "城关镇2025年招商引资项目台账"
    assert layout.reporting_unit == "城关镇"
    assert layout.scale_text == "万元"
    assert layout.as_of == dt.date(2025, 6, 30)  # 截止到2025年6月底
    headers = {column.letter: (column.header, column.field) for column in layout.columns}
    assert headers["B"] == ("项目名称", "name")  # merged down over both header rows
    assert headers["E"] == ("投资情况/总投资", "planned")  # the child row wins, the parent is shown
    assert headers["F"] == ("投资情况/累计到位资金", "funds_cumulative")
    assert headers["I"] == ("推进阶段", "stage")
    assert headers["J"] == ("是否入库", None)
    assert _rows(book, layout) == [
        (5, "分组标题行", None),
        (6, "", "城关镇农产品加工项目"),
        (7, "分组标题行", "（二）续建项目"),
        (8, "", "一期标准化厂房"),
        (9, "", "电商直播基地"),
        (10, "小计行", None),
        (11, "合计行", None),  # "合 计" with a space
        (12, "说明行", None),
        (13, "说明行", None),  # 填表人
    ]


@pytest.mark.parametrize(
    ("data", "delimiter"),
    [(cs.gbk_csv(), ","), (cs.utf8_bom_csv(), ","), (cs.gbk_csv(";"), ";"), (cs.utf8_bom_csv("\t"), "\t")],
    ids=["gbk-comma", "utf8-bom-comma", "gbk-semicolon", "utf8-bom-tab"],
)
def test_csv_in_gbk_or_utf8_with_any_delimiter(data, delimiter):
    book, layout = _layout(data, "统计表.csv")
    assert book.kind == "csv" and book.sheet_names == ["统计表"] and book.merged("统计表") == []
    assert layout.title == "XX县招商引资项目进展情况统计表" and layout.header_rows == (2, 2)
    assert _fields(layout) == {
        "A": None,
        "B": "name",
        "C": "investor",
        "D": "planned",
        "E": "signed_on",
        "F": "responsible",
        "G": "remarks",
    }
    rows = list(s.data_rows(book, layout))
    assert [(r.row, r.skipped) for r in rows] == [(3, ""), (4, ""), (5, "合计行")]
    assert rows[0].values == [
        "1",
        "年产10万套汽车配件项目",
        "宁波某汽配有限公司",
        "15,000",
        "2025年4月",
        "县经济开发区",
        None,
    ]
    assert rows[1].values[3] == "２８００"  # full-width digits reach the parser as written


def test_plain_utf8_csv_without_bom():
    data = "项目名称,投资方,总投资（万元）\n中药材深加工,县中药材合作社,2800\n".encode()
    book, layout = _layout(data, "a.csv")
    assert layout.header_rows == (1, 1)
    assert [r.values for r in s.data_rows(book, layout)] == [["中药材深加工", "县中药材合作社", "2800"]]


def test_xls_workbook():
    book, layout = _layout(cs.ledger_xls(), "经开区台账.xls")
    assert book.kind == "xls" and book.sheet_names == ["项目台账"]
    assert book.merged("项目台账") == [(1, 1, 1, 7)]
    assert layout.title == "2025年经开区招商引资项目台账"
    assert (layout.scale_text, layout.as_of) == ("亿元", dt.date(2025, 5, 31))
    assert _fields(layout)["D"] == "planned" and layout.columns[3].scale_text == ""  # the unit is the subtitle's
    rows = list(s.data_rows(book, layout))
    assert [(r.row, r.skipped) for r in rows] == [(4, ""), (5, ""), (6, "合计行")]
    assert rows[0].values == [
        1,
        "智能装备制造基地",
        "深圳某智能装备有限公司",
        6.5,
        dt.date(2025, 2, 14),
        "县经济开发区",
        "在建",
    ]


def test_a_per_unit_summary_is_recognised_and_refused():
    _book, layout = _layout(cs.summary_xlsx(), "督查通报.xlsx")
    assert layout.kind == s.SUMMARY
    assert "附件1" in layout.refusal and "项目名称" in layout.refusal and "按单位汇总" in layout.refusal
    assert "name" not in _fields(layout).values()


def test_each_sheet_of_a_workbook_is_told_apart():
    book = s.open_source(cs.two_sheet_xlsx(), "两表.xlsx")
    assert book.sheet_names == ["汇总", "明细"]
    assert s.detect_layout(book, "汇总").kind == s.SUMMARY
    ledger = s.detect_layout(book, "明细")
    assert ledger.kind == s.LEDGER and ledger.header_rows == (1, 1)
    assert (ledger.columns[3].field, ledger.columns[3].scale_text) == ("planned", "万美元")
    assert ledger.columns[2].field == "investor"  # 客商


def test_no_header_row():
    workbook = Workbook()
    workbook.active.append(["说明"])
    workbook.active.append(["随便", "写点", "什么"])
    book = s.open_source(_save(workbook), "x.xlsx")
    assert s.detect_layout(book, "Sheet") is None
    assert "未找到表头行" in s.no_header_message("Sheet")
    # A header below the rows scanned is not looked for.
    workbook = Workbook()
    for _number in range(5):
        workbook.active.append(["标题"])
    workbook.active.append(["项目名称", "投资方"])
    book = s.open_source(_save(workbook), "x.xlsx")
    assert s.detect_layout(book, "Sheet", max_scan=5) is None
    assert s.detect_layout(book, "Sheet", max_scan=6).header_rows == (6, 6)


def test_a_name_alone_is_a_project_unless_numbered_as_a_section():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "项目名称", "总投资"])
    sheet.append([1, "一号厂房改造"])  # only a name: a project (the importer says what is missing)
    sheet.append([None, "二、续建项目"])
    sheet.append([None, None, "新建项目"])  # one cell outside the name column
    sheet.append([2, "十里铺物流园", 500])
    book, layout = _layout(_save(workbook), "x.xlsx")
    assert [(r.row, r.skipped) for r in s.data_rows(book, layout)] == [
        (2, ""),
        (3, "分组标题行"),
        (4, "分组标题行"),
        (5, ""),
    ]


def test_header_words_with_spaces_line_breaks_and_full_width_brackets():
    workbook = Workbook()
    workbook.active.append(["序 号", "项目\n名称", "计划总投资\n（万元）", "用地（亩）", "签约时间（年月）"])
    _book, layout = _layout(_save(workbook), "x.xlsx")
    assert [(c.field, c.scale_text) for c in layout.columns] == [
        (None, ""),
        ("name", ""),
        ("planned", "万元"),
        ("land", "亩"),
        ("signed_on", ""),
    ]
    assert layout.columns[0].row_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("截至2025年6月30日", dt.date(2025, 6, 30)),
        ("截止到2025年6月底", dt.date(2025, 6, 30)),
        ("2025年2月", dt.date(2025, 2, 28)),
        ("填报单位：城关镇  单位：亿元  截止：２０２５年１２月末", dt.date(2025, 12, 31)),
        ("2025年XX县重点项目推进情况调度表", None),
        ("2025年13月", None),
    ],
)
def test_as_of_date(text, expected):
    assert s.parse_as_of(text) == expected


def test_sheet_not_starting_at_a1_keeps_excel_positions():
    workbook = Workbook()
    sheet = workbook.active
    sheet["C3"], sheet["D3"] = "项目名称", "投资方"
    sheet["C4"], sheet["D4"] = "甲项目", "甲公司"
    book, layout = _layout(_save(workbook), "x.xlsx")
    assert layout.header_rows == (3, 3)
    assert [(c.letter, c.field) for c in layout.columns] == [("C", "name"), ("D", "investor")]
    assert [(r.row, r.values) for r in s.data_rows(book, layout)] == [(4, [None, None, "甲项目", "甲公司"])]


def test_rows_are_streamed():
    book = s.open_source(cs.large_ledger_xlsx(50), "big.xlsx")
    rows = book.rows("台账")
    assert inspect.isgenerator(rows)
    assert next(rows)[:2] == ["XX县招商引资项目台账", None]
    layout = s.detect_layout(book, "台账")
    assert inspect.isgenerator(s.data_rows(book, layout))
    assert sum(1 for r in s.data_rows(book, layout) if not r.skipped) == 50
    csv_book = s.open_source(cs.gbk_csv(), "a.csv")
    assert inspect.isgenerator(csv_book.rows("a"))


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"", "a.xlsx"),
        (b"PK\x03\x04 not a zip", "a.xlsx"),
        (b"%PDF-1.4", "a.pdf"),
        (b"\x00\x01\x02", "a.csv"),
        (b"\xff\xfe\xfd\x81\x30", "a.csv"),  # neither UTF-8 nor GB18030
    ],
)
def test_what_cannot_be_read_is_one_clear_error(data, filename):
    with pytest.raises(s.SourceUnreadable) as raised:
        s.open_source(data, filename)
    assert str(raised.value)


def test_an_xlsx_named_xls_opens_by_its_content(tmp_path):
    path = tmp_path / "saved.xls"
    path.write_bytes(cs.city_key_projects_xlsx())
    book = s.open_source(path, "saved.xls")
    assert book.kind == "xlsx" and book.sheet_names == ["调度表"]


def test_district_annex_with_the_total_first():
    book, layout = _layout(cs.district_key_projects_xlsx(), "附件.xlsx")
    assert (layout.header_rows, layout.scale_text, layout.as_of) == ((3, 3), "万元", None)
    assert list(_fields(layout).values()) == [
        None,
        "name",
        "stage",
        "planned",
        None,
        "investor",
        "responsible",
        "county_leader",
    ]
    assert [(r.row, r.skipped) for r in s.data_rows(book, layout)] == [(4, "合计行"), (5, ""), (6, "")]


def test_a_header_word_proposes_one_field_only():
    from collections import Counter

    from zhaoshang.transfer.source_fields import SOURCE_FIELDS

    words = Counter(s.clean(word) for field in SOURCE_FIELDS for word in field.synonyms)
    assert [word for word, count in words.items() if count > 1] == []
