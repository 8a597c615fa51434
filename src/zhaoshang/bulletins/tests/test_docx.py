"""The .docx read back with python-docx: layout, fonts, sections, the unit tables and their numbers."""

from __future__ import annotations

import io

import docx
import pytest
from django.core.exceptions import PermissionDenied
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from zhaoshang.bulletins import selectors
from zhaoshang.bulletins.document import font_for, installed_fonts, text_width
from zhaoshang.bulletins.services import issue, save_document_settings, update_draft

HEADINGS = [
    "一、总体情况",
    "二、各单位完成情况",
    "三、通报批评、黄牌警告与表彰",
    "四、停滞项目与大项目短板",
    "五、工作要求",
]


@pytest.fixture
def document(draft):
    return docx.Document(io.BytesIO(selectors.docx_bytes(draft)))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


def east_asian(run) -> str | None:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def unit_tables(document) -> list:
    return [t for t in document.tables if t.rows[0].cells[0].text == "排名"]


def rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_page_is_a4_with_the_standard_margins(document):
    first = document.sections[0]
    assert first.orientation == WD_ORIENT.PORTRAIT
    assert round(first.page_width.mm) == 210 and round(first.page_height.mm) == 297
    margins = [first.top_margin.mm, first.bottom_margin.mm, first.left_margin.mm, first.right_margin.mm]
    assert [round(m, 1) for m in margins] == [37.0, 35.0, 28.0, 26.0]
    # The unit tables sit on landscape pages; the text after them is portrait again.
    assert document.sections[1].orientation == WD_ORIENT.LANDSCAPE
    assert round(document.sections[1].page_width.mm) == 297
    assert document.sections[-1].orientation == WD_ORIENT.PORTRAIT


def test_title_number_and_fonts(document, draft):
    title = next(p for p in document.paragraphs if p.text.startswith("关于"))
    assert title.text == "关于2025年2月全县招商引资工作进展情况的通报"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = title.runs[0]
    assert run.font.size == Pt(22)
    assert east_asian(run) == font_for("title") == run.font.name
    assert "招商通〔2025〕2号" in texts(document)
    body = next(p for p in document.paragraphs if p.text.startswith("现将2025年2月"))
    assert body.runs[0].font.size == Pt(16)
    assert east_asian(body.runs[0]) == font_for("body")
    assert body.paragraph_format.first_line_indent == Pt(32)
    heading = next(p for p in document.paragraphs if p.text == "一、总体情况")
    assert east_asian(heading.runs[0]) == font_for("heading")
    assert heading.runs[0].font.size == Pt(16)
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == font_for("body")


def test_fonts_fall_back_to_what_is_installed(settings):
    installed = installed_fonts()
    chosen = font_for("title")
    assert chosen in installed or chosen == "方正小标宋简体"
    if "方正小标宋简体" not in installed and "Noto Serif CJK SC" in installed:
        assert chosen == "Noto Serif CJK SC"
    settings.BULLETIN_FONTS = {"title": ["某个没有安装的字体", "另一个"]}
    assert font_for("title") == "某个没有安装的字体"  # nothing installed: the document names the first choice


def test_sections_in_order(document):
    lines = texts(document)
    positions = [lines.index(h) for h in HEADINGS]
    assert positions == sorted(positions)
    opening = next(line for line in lines if line.startswith("现将"))
    assert "全县新签约项目3个" in opening and "实际到位资金1500万元" in opening
    assert lines[-4:-1] == [
        "附件：2025年2月招商引资工作进展情况明细表",
        "示范县招商引资工作领导小组办公室",
        "2025年3月3日",
    ]
    assert lines[-1] == "\u3000示范县招商引资工作领导小组办公室\t2025年3月3日印发"
    signature, date = document.paragraphs[-3:-1]
    assert signature.alignment == date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # 成文日期 starts two characters right of the signature's first character (GB/T 9704 §7.3.5.2).
    assert signature.paragraph_format.right_indent == Pt(32)
    starts = [
        indent.pt + 16 * text_width(p.text)
        for indent, p in (
            (signature.paragraph_format.right_indent, signature),
            (date.paragraph_format.right_indent, date),
        )
    ]
    assert starts[0] - starts[1] == pytest.approx(32, abs=0.1)


def test_overall_table(document):
    table = document.tables[0]
    assert rows(table)[0] == ["指标", "本月", "上月", "环比", "去年同月", "同比", "累计", "去年同期累计", "累计同比"]
    assert rows(table)[1] == ["新签约项目（个）", "3", "1", "+200.0%", "1", "+200.0%", "4", "1", "+300.0%"]
    funds = rows(table)[5]
    assert funds[:4] == ["实际到位资金（万元）", "1500.00", "500.00", "+200.0%"]


def test_one_table_per_category_with_ranks_and_numbers(document):
    tables = unit_tables(document)
    assert len(tables) == 2  # townships and departments; no vertical, park or office units are assessed
    township = rows(tables[0])
    assert township[0][:6] == ["排名", "单位", "档次", "签约", "签约", "签约"]
    assert township[1][3:9] == ["目标", "完成", "完成率", "目标", "完成", "完成率"]
    assert township[1][-3:] == ["综合完成率", "时序进度", "通报情况"]
    assert township[2] == [
        "1", "城关镇", "一档", "4000.00", "4200.00", "105.0%", "1000.00", "1400.00", "140.0%",
        "100.0%", "618.6%", "表彰",
    ]  # fmt: skip
    assert township[3] == [
        "2", "河口乡", "二档", "2个", "1.4个", "70.0%", "1000.00", "600.00", "60.0%", "65.0%", "402.1%", "",
    ]  # fmt: skip
    assert township[4][:3] == ["3", "城关镇招商办", "一档"]
    assert township[4][-1] == "通报批评、黄牌警告、无实绩"
    department = rows(tables[1])
    assert [row[1] for row in department[2:]] == ["县发改局"]
    captions = [p.text for p in document.paragraphs if p.text.startswith("表")]
    assert captions == ["表1  乡镇招商引资目标任务完成情况", "表2  县直部门招商引资目标任务完成情况"]


def test_flags_stalled_and_big_projects(document):
    lines = texts(document)
    criticised = next(line for line in lines if line.startswith("（一）通报批评"))
    assert criticised.endswith("乡镇：城关镇招商办。")
    assert any(line.startswith("（二）责任追究") and line.endswith("无。") for line in lines)
    commended = next(line for line in lines if line.startswith("（八）通报表彰"))
    assert commended.endswith("乡镇：城关镇。")
    stalled = next(t for t in document.tables if t.rows[0].cells[0].text == "序号")
    assert rows(stalled)[1] == ["1", "停滞的酒店项目", "河口乡", "签约", "2024-06-01", "272", "资金链断裂"]
    assert any("全县新开工计划总投资5000万元以上项目1个：年产10万吨新材料项目" in line for line in lines)
    assert any(
        line.startswith("上半年以来尚无5000万元以上新项目开工的单位：乡镇：河口乡、城关镇招商办") for line in lines
    )


def test_requirements_one_paragraph_per_line(draft, users):
    update_draft(user=users["bureau"], bulletin=draft, requirements="一要抓落实。\n\n二要抓整改。\n")
    draft.refresh_from_db()
    lines = texts(docx.Document(io.BytesIO(selectors.docx_bytes(draft))))
    start = lines.index("五、工作要求")
    assert lines[start + 1 : start + 3] == ["一要抓落实。", "二要抓整改。"]


def test_a_vetoed_unit_is_listed_with_the_reason(draft, period, units, users):
    from zhaoshang.targets import services as target_services

    target_services.set_veto(user=users["bureau"], period=period, unit=units["a"], reason="发生较大安全生产事故")
    data = selectors.bulletin_data(draft)
    assert [u["code"] for u in data["lists"]["flags"]["vetoed"]] == ["T01"]
    assert [u["code"] for u in data["lists"]["flags"]["commended"]] == ["T02"]  # the best unit not barred
    lines = texts(docx.Document(io.BytesIO(selectors.docx_bytes(draft, data))))
    vetoed = next(line for line in lines if line.startswith("（七）一票否决"))
    assert vetoed.endswith("城关镇（发生较大安全生产事故）。")


def border(paragraph, edge: str):
    borders = paragraph._p.pPr.find(qn("w:pBdr"))
    rule = borders.find(qn(f"w:{edge}")) if borders is not None else None
    return None if rule is None else (rule.get(qn("w:sz")), rule.get(qn("w:color")))


def test_masthead_number_and_red_rule(document):
    masthead, *_rest = document.paragraphs
    assert masthead.text == "示范县招商引资工作领导小组办公室文件"  # from the county's name (the top unit)
    assert masthead.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = masthead.runs[0]
    assert str(run.font.color.rgb) == "FF0000"
    assert east_asian(run) == font_for("title")
    assert run.font.size == Pt(36)
    scale = int(run._element.rPr.find(qn("w:w")).get(qn("w:val")))
    assert 50 <= scale < 100  # eighteen characters are squeezed to fit one line
    number = next(p for p in document.paragraphs if p.text == "招商通〔2025〕2号")
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert border(number, "bottom") == ("12", "FF0000")  # the red separator under 发文字号
    texts_ = [p.text for p in document.paragraphs]
    assert texts_.index("招商通〔2025〕2号") < texts_.index("关于2025年2月全县招商引资工作进展情况的通报")


def test_second_level_headings_in_kai(document):
    paragraph = next(p for p in document.paragraphs if p.text.startswith("（一）通报批评"))
    label, rest = paragraph.runs
    assert label.text.startswith("（一）通报批评") and label.text.endswith("。")
    assert east_asian(label) == font_for("kai")
    assert east_asian(rest) == font_for("body")


def test_imprint_between_thick_rules_at_the_foot(document):
    imprint = document.paragraphs[-1]
    assert border(imprint, "top") == ("8", "000000") and border(imprint, "bottom") == ("8", "000000")
    frame = imprint._p.pPr.find(qn("w:framePr"))
    assert frame.get(qn("w:yAlign")) == "bottom" and frame.get(qn("w:vAnchor")) == "margin"
    assert imprint.runs[0].font.size == Pt(14)


def test_the_bureau_sets_masthead_signature_and_imprint(draft, users):
    save_document_settings(
        user=users["bureau"],
        masthead="示范县投资促进局文件",
        issuer="示范县投资促进局",
        printer="示范县投资促进局办公室",
    )
    document = docx.Document(io.BytesIO(selectors.docx_bytes(draft)))
    lines = texts(document)
    assert lines[0] == "示范县投资促进局文件"
    assert lines[-3:] == ["示范县投资促进局", "2025年3月3日", "\u3000示范县投资促进局办公室\t2025年3月3日印发"]
    with pytest.raises(PermissionDenied):
        save_document_settings(user=users["reporter_a"], masthead="", issuer="", printer="")


def test_an_issued_bulletin_keeps_the_heading_it_was_issued_with(draft, users):
    issued = issue(user=users["bureau"], bulletin=draft)
    save_document_settings(user=users["bureau"], masthead="示范县投资促进局文件", issuer="示范县投资促进局", printer="")
    lines = texts(docx.Document(io.BytesIO(selectors.docx_bytes(issued))))
    assert lines[0] == "示范县招商引资工作领导小组办公室文件"
    assert lines[-3] == "示范县招商引资工作领导小组办公室"
