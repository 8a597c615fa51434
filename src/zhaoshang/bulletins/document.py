"""The bulletin as a .docx: a formal document after GB/T 9704-2012 as far as python-docx allows.

A4 with margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; title in 方正小标宋简体 二号 (22 pt)
centred; body in 仿宋_GB2312 三号 (16 pt) at a fixed 28 pt line, first lines indented two characters;
first-level headings 一、二、… in 黑体 三号; page numbers "— 1 —" at the foot. The unit tables of section
二 sit on landscape pages (GB/T 9704 §10.2 allows tables set sideways) so that fifteen columns fit.

版头: the masthead (发文机关标志) in red 小标宋 35 mm below the top of the text block, 发文字号 two lines under
it and the red separator 4 mm under that; second-level headings （一）… in 楷体; then 附件 line, 落款 and
成文日期 (unsealed: the date two characters right of the signature's start), and 版记 (印发机关, 印发日期 between
two thick rules) held to the foot of the last page. Masthead, signature and 印发机关 come from the snapshot
(``DocumentSettings``, kept by the bureau).

Fonts: each role has a list of candidates (setting BULLETIN_FONTS overrides it); the first one this
machine has installed (``fc-list :lang=zh``) is used, else the first of the list — the GB/T 9704 font
government PCs have. Chinese text takes its font from rFonts w:eastAsia, which python-docx's
``font.name`` does not set, so it is set here on every run and on the styles.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import subprocess
from xml.sax.saxutils import escape

from django.conf import settings
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from . import presentation as show

FONT_CANDIDATES = {
    "title": ("方正小标宋简体", "方正小标宋_GBK", "华文中宋", "Noto Serif CJK SC", "Source Han Serif SC", "宋体"),
    "body": ("仿宋_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC", "Source Han Serif SC", "宋体"),
    "heading": ("黑体", "SimHei", "Noto Sans CJK SC", "Source Han Sans SC"),
    "kai": ("楷体_GB2312", "楷体", "KaiTi", "STKaiti", "AR PL UKai CN", "Noto Serif CJK SC", "Source Han Serif SC"),
}
TITLE_SIZE = 22  # 二号
BODY_SIZE = 16  # 三号
IMPRINT_SIZE = 14  # 四号
MASTHEAD_SIZE = 36  # 小初, squeezed sideways (character scale) when the name is too long for the line
MASTHEAD_MIN_SCALE = 50  # percent
MASTHEAD_TOP_MM = 35  # GB/T 9704 §7.2.4: the masthead's top edge 35 mm below the top of the text block
RED = "FF0000"
TABLE_SIZE = 10.5  # 五号
UNIT_TABLE_SIZE = 9  # 小五
LINE = Pt(28)
INDENT = Pt(2 * BODY_SIZE)
MARGINS = {"top": 37, "bottom": 35, "left": 28, "right": 26}


@functools.lru_cache(maxsize=1)
def installed_fonts() -> frozenset[str]:
    """Family names of the Chinese fonts installed here (empty when fontconfig is missing)."""
    try:
        output = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in output.splitlines() for name in line.split(",") if name.strip())


def font_for(role: str) -> str:
    candidates = (getattr(settings, "BULLETIN_FONTS", None) or {}).get(role) or FONT_CANDIDATES[role]
    installed = installed_fonts()
    return next((name for name in candidates if name in installed), candidates[0])


def _set_fonts(element_rpr, name: str) -> None:
    fonts = element_rpr.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def _style_font(style, name: str, size: float, bold: bool = False) -> None:
    style.font.name = name
    style.font.size = Pt(size)
    style.font.bold = bold
    _set_fonts(style.element.get_or_add_rPr(), name)


def _color(run, hex_color: str) -> None:
    color = OxmlElement("w:color")
    color.set(qn("w:val"), hex_color)
    run._element.get_or_add_rPr().append(color)


_PBDR_SUCCESSORS = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def _border(paragraph, edge: str, *, size: int, color: str, space: int) -> None:
    """A single rule on one edge of the paragraph: ``size`` in eighths of a point, ``space`` (points) from the
    text. A paragraph's rule is as wide as the paragraph, the text block's width."""
    properties = paragraph._p.get_or_add_pPr()
    borders = properties.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        properties.insert_element_before(borders, *_PBDR_SUCCESSORS)
    rule = OxmlElement(f"w:{edge}")
    for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", str(space)), ("w:color", color)):
        rule.set(qn(key), value)
    borders.append(rule)  # top before bottom: callers add them in the schema's order


def masthead_size(text: str) -> tuple[float, int]:
    """Font size (pt) and character scale (%) that put ``text`` on one line of the portrait text block."""
    width_pt = PORTRAIT_TEXT_MM / 0.3528 * 0.96
    natural = text_width(text) * MASTHEAD_SIZE
    if natural <= width_pt:
        return MASTHEAD_SIZE, 100
    scale = int(100 * width_pt / natural)
    if scale >= MASTHEAD_MIN_SCALE:
        return MASTHEAD_SIZE, scale
    size = MASTHEAD_SIZE * width_pt / (natural * MASTHEAD_MIN_SCALE / 100)
    return int(size * 2) / 2, MASTHEAD_MIN_SCALE


class Writer:
    def __init__(self):
        self.doc = Document()
        self.fonts = {role: font_for(role) for role in FONT_CANDIDATES}
        styles = self.doc.styles
        _style_font(styles["Normal"], self.fonts["body"], BODY_SIZE)
        self.cell_style = styles.add_style("表格文字", 1)
        self.cell_style.base_style = styles["Normal"]
        _style_font(self.cell_style, self.fonts["body"], TABLE_SIZE)
        fmt = self.cell_style.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing = 1.0
        self.unit_cell_style = styles.add_style("单位表格文字", 1)
        self.unit_cell_style.base_style = self.cell_style
        _style_font(self.unit_cell_style, self.fonts["body"], UNIT_TABLE_SIZE)
        self._page(self.doc.sections[0], landscape=False)
        self._footer(self.doc.sections[0])

    # --- page -------------------------------------------------------------------------------------

    def _page(self, section, *, landscape: bool) -> None:
        if landscape:
            # Turned sideways, the page keeps its margins on the paper: the portrait top becomes the left.
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
            section.left_margin, section.right_margin = Mm(MARGINS["top"]), Mm(MARGINS["bottom"])
            section.top_margin, section.bottom_margin = Mm(MARGINS["right"]), Mm(MARGINS["left"])
        else:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = Mm(210), Mm(297)
            section.top_margin, section.bottom_margin = Mm(MARGINS["top"]), Mm(MARGINS["bottom"])
            section.left_margin, section.right_margin = Mm(MARGINS["left"]), Mm(MARGINS["right"])
        section.header_distance, section.footer_distance = Mm(15), Mm(20)

    def _footer(self, section) -> None:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._run(paragraph, "— ", "body", 14)
        run = paragraph.add_run()
        for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
            if kind:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            elif text == "PAGE":
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = " PAGE "
            else:
                element = OxmlElement("w:t")
                element.text = text
            run._r.append(element)
        self._font(run, "body", 14)
        self._run(paragraph, " —", "body", 14)

    def new_section(self, *, landscape: bool) -> None:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._page(section, landscape=landscape)

    # --- text -------------------------------------------------------------------------------------

    def _font(self, run, role: str, size: float, bold: bool = False) -> None:
        run.font.name = self.fonts[role]
        run.font.size = Pt(size)
        run.font.bold = bold
        _set_fonts(run._element.get_or_add_rPr(), self.fonts[role])

    def _run(self, paragraph, text: str, role: str, size: float, bold: bool = False):
        run = paragraph.add_run(text)
        self._font(run, role, size, bold)
        return run

    def title(self, text: str) -> None:
        paragraph = self.doc.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(35)
        fmt.space_after = Pt(0)
        self._run(paragraph, text, "title", TITLE_SIZE)

    def centred(self, text: str, *, keep_with_next: bool = False) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = keep_with_next
        self._line(paragraph)
        self._run(paragraph, text, "body", BODY_SIZE)

    def _line(self, paragraph) -> None:
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE
        fmt.space_before = fmt.space_after = Pt(0)

    def blank(self) -> None:
        self._line(self.doc.add_paragraph())

    def body(self, text: str, *, indent: bool = True) -> None:
        paragraph = self.doc.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent:
            fmt.first_line_indent = INDENT
        self._line(paragraph)
        self._run(paragraph, text, "body", BODY_SIZE)

    def heading(self, text: str) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.first_line_indent = INDENT
        paragraph.paragraph_format.keep_with_next = True
        self._line(paragraph)
        self._run(paragraph, text, "heading", BODY_SIZE)

    def right(self, text: str, *, ems: float = 2) -> None:
        """A right-aligned line ``ems`` characters in from the right edge."""
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.right_indent = Pt(ems * BODY_SIZE)
        paragraph.paragraph_format.keep_with_next = True
        self._line(paragraph)
        self._run(paragraph, text, "body", BODY_SIZE)

    def numbered(self, text: str) -> None:
        """A body paragraph opening with a second-level heading "（一）…。": the heading in 楷体, the rest 仿宋."""
        label, dot, rest = text.partition("。")
        if not (text.startswith("（") and dot):
            self.body(text)
            return
        paragraph = self.doc.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.first_line_indent = INDENT
        self._line(paragraph)
        self._run(paragraph, label + dot, "kai", BODY_SIZE)
        self._run(paragraph, rest, "body", BODY_SIZE)

    # --- GB/T 9704 版头 and 版记 ----------------------------------------------------------------------

    def masthead(self, text: str) -> None:
        """发文机关标志: the issuing body's mark, red 小标宋, centred on one line (squeezed if long), 35 mm
        below the top of the text block."""
        paragraph = self.doc.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.space_before, fmt.space_after = Mm(MASTHEAD_TOP_MM), Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        size, scale = masthead_size(text)
        fmt.line_spacing = Pt(size * 1.3)
        run = self._run(paragraph, text, "title", size)
        _color(run, RED)
        if scale < 100:
            element = OxmlElement("w:w")
            element.set(qn("w:val"), str(scale))
            run._element.get_or_add_rPr().append(element)

    def number_and_rule(self, number: str) -> None:
        """发文字号 centred two lines under the masthead, then the red separator 4 mm below it, as wide as
        the text block (the paragraph's bottom border)."""
        self.blank()
        self.blank()
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._line(paragraph)
        self._run(paragraph, number or "\u3000", "body", BODY_SIZE)
        _border(paragraph, "bottom", size=12, color=RED, space=11)  # 1.5 pt, 11 pt ≈ 4 mm below the text

    def imprint(self, printer: str, date_text: str) -> None:
        """版记: the printing office (one character in from the left) and 印发 date (one character in from the
        right) between two thick black rules, in a frame held to the foot of the last page's text block."""
        paragraph = self.doc.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(IMPRINT_SIZE * 1.75)
        fmt.tab_stops.add_tab_stop(Mm(PORTRAIT_TEXT_MM) - Pt(IMPRINT_SIZE), WD_TAB_ALIGNMENT.RIGHT)
        self._run(paragraph, f"\u3000{printer}\t{date_text}印发", "body", IMPRINT_SIZE)
        properties = paragraph._p.get_or_add_pPr()
        frame = OxmlElement("w:framePr")
        for key, value in (
            ("w:w", str(round(Mm(PORTRAIT_TEXT_MM).twips))),
            ("w:wrap", "around"),
            ("w:vAnchor", "margin"),
            ("w:hAnchor", "margin"),
            ("w:xAlign", "center"),
            ("w:yAlign", "bottom"),
        ):
            frame.set(qn(key), value)
        properties.insert(0, frame)  # framePr comes before the other paragraph properties (schema order)
        for edge in ("top", "bottom"):
            _border(paragraph, edge, size=8, color="000000", space=1)  # 1 pt ≈ 0.35 mm, the thick rule

    # --- tables -----------------------------------------------------------------------------------

    def table(
        self,
        headers: list[str],
        rows: list[list[str]],
        *,
        total_mm: float,
        font_pt: float,
        style=None,
        group_header: list[tuple[str, int]] | None = None,
    ) -> None:
        """A bordered table with repeated header rows; ``group_header`` puts a first header row of
        (label, span) above ``headers``, single-column labels merged down over both header rows.

        The table's XML is written directly: python-docx's cell API costs milliseconds per cell (style
        look-ups, grid walks), far too slow for a county's hundreds of units."""
        style_id = (style or self.cell_style).style_id
        widths = [round(Mm(width).twips) for width in fit_widths(headers, rows, total_mm=total_mm, font_pt=font_pt)]
        parts = [
            # tblPr children in the schema's order (Word rejects a document whose order differs).
            f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
            '<w:jc w:val="center"/><w:tblBorders>'
            + "".join(
                f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
            )
            + '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/>'
            '<w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>'
            + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
            + "</w:tblGrid>"
        ]
        header_row = "<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>"
        if group_header:
            top, bottom, column = [], [], 0
            for label, span in group_header:
                width = sum(widths[column : column + span])
                if span == 1:
                    top.append(_cell(label, width, style_id, bold=True, merge="restart"))
                    bottom.append(_cell("", width, style_id, merge="continue"))
                else:
                    top.append(_cell(label, width, style_id, bold=True, span=span))
                    bottom += [_cell(headers[column + i], widths[column + i], style_id, bold=True) for i in range(span)]
                column += span
            parts.append(f"<w:tr>{header_row}{''.join(top)}</w:tr><w:tr>{header_row}{''.join(bottom)}</w:tr>")
        else:
            cells = "".join(_cell(text, widths[i], style_id, bold=True) for i, text in enumerate(headers))
            parts.append(f"<w:tr>{header_row}{cells}</w:tr>")
        for values in rows:
            cells = "".join(_cell(text, widths[i], style_id) for i, text in enumerate(values))
            parts.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>")
        parts.append("</w:tbl>")
        self.doc.element.body.get_or_add_sectPr().addprevious(parse_xml("".join(parts)))

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


CELL_PADDING_MM = 2.4  # the cell margins (1 mm each side) and a little air


def text_width(text: str) -> float:
    """Width of ``text`` in ems: a Chinese character is one em, a digit or Latin letter about 0.6."""
    return sum(1.0 if ord(char) > 0x2E7F else (0.9 if char == "%" else 0.6) for char in text)


def fit_widths(headers: list[str], rows: list[list[str]], *, total_mm: float, font_pt: float) -> list[float]:
    """Column widths (mm) filling ``total_mm``. Each column gets what its longest cell needs if the table
    allows; otherwise numbers and short text (up to four characters) keep their width and the longer text
    columns (names, reasons) share what is left, wrapping. Headers may wrap after two characters."""
    em = font_pt * 0.3528  # mm
    needed, minimum = [], []
    for index, header in enumerate(headers):
        cells = [row[index] for row in rows]
        longest = max([text_width(cell) for cell in cells] + [min(text_width(header), 2.0), 1.0])
        numeric = bool(cells) and all(_is_number(cell) for cell in cells if cell)
        needed.append(longest * em + CELL_PADDING_MM)
        minimum.append(needed[-1] if numeric else min(longest, 4.0) * em + CELL_PADDING_MM)
    if sum(needed) <= total_mm:
        spare = (total_mm - sum(needed)) / len(headers)
        return [width + spare for width in needed]
    if sum(minimum) >= total_mm:
        return [width * total_mm / sum(minimum) for width in minimum]
    stretch = [need - least for need, least in zip(needed, minimum, strict=True)]
    share = (total_mm - sum(minimum)) / sum(stretch)
    return [least + extra * share for least, extra in zip(minimum, stretch, strict=True)]


def _is_number(text: str) -> bool:
    return bool(text) and all(char in "0123456789.,%+-—个万美元" for char in text)


def _cell(text: str, width: int, style_id: str, *, bold: bool = False, span: int = 1, merge: str = "") -> str:
    properties = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        properties += f'<w:gridSpan w:val="{span}"/>'
    if merge:
        properties += '<w:vMerge w:val="restart"/>' if merge == "restart" else "<w:vMerge/>"
    properties += '<w:vAlign w:val="center"/>'
    run = ""
    if text:
        bold_xml = "<w:rPr><w:b/></w:rPr>" if bold else ""
        run = f'<w:r>{bold_xml}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    return f'<w:tc><w:tcPr>{properties}</w:tcPr><w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>{run}</w:p></w:tc>'


# --- the document -----------------------------------------------------------------------------------

LANDSCAPE_TEXT_MM = 297 - MARGINS["top"] - MARGINS["bottom"]
PORTRAIT_TEXT_MM = 210 - MARGINS["left"] - MARGINS["right"]


def signature_indents(issuer: str, date_text: str) -> tuple[float, float]:
    """Right indents (characters) of 落款 and 成文日期 after GB/T 9704 §7.3.5.2: the signature two characters in
    from the right, the date on the next line starting two characters further right than the signature; a
    date longer than that keeps two characters from the right and the signature is centred over it."""
    name, day = text_width(issuer), text_width(date_text)
    if day + 2 <= name:
        return 2, 2 + name - 2 - day
    return 2 + (day - name) / 2, 2


def bulletin_docx(
    *, snapshot: dict, number: str, title: str, date: dt.date, requirements: str, annex: str = ""
) -> bytes:
    """The bulletin document, made from its snapshot (and the fields the bureau edits) alone; ``annex``
    names the attached workbook in the 附件 line."""
    writer = Writer()
    issuer = snapshot.get("issuer") or ""
    writer.masthead(snapshot.get("masthead") or (f"{issuer}文件" if issuer else ""))
    writer.number_and_rule(number)
    writer.blank()
    writer.blank()
    writer.title(title)
    writer.blank()
    writer.body("各乡镇（街道），县直各部门，各园区：", indent=False)
    writer.body(show.opening_paragraph(snapshot))

    writer.heading("一、总体情况")
    writer.body(
        f"{show.month_phrase(snapshot)}全县主要招商指标及其变化见下表（{snapshot['overall']['scope']}；"
        "金额单位：万元）。"
    )
    writer.table(
        show.overall_headers(snapshot),
        show.overall_rows(snapshot),
        total_mm=PORTRAIT_TEXT_MM,
        font_pt=UNIT_TABLE_SIZE,
        style=writer.unit_cell_style,
    )
    writer.body(show.summary_paragraph(snapshot))
    if show.county_paragraph(snapshot):
        writer.body(show.county_paragraph(snapshot))

    points_tables = show.points_tables(snapshot)
    tables = [] if points_tables else show.category_tables(snapshot)
    if points_tables:
        # A points scheme (issue 13): one table per ranking group, the items' points and the total.
        wide = len(points_tables[0].columns) > 4
        if wide:
            writer.new_section(landscape=True)
        writer.heading("二、各单位完成情况")
        writer.body(show.points_paragraph(snapshot))
        writer.body(show.ranking_note(snapshot))
        for number_in_list, table in enumerate(points_tables, start=1):
            writer.centred(f"表{number_in_list}  {table.label}招商引资考核得分情况", keep_with_next=True)
            writer.table(
                table.headers,
                table.rows,
                total_mm=LANDSCAPE_TEXT_MM if wide else PORTRAIT_TEXT_MM,
                font_pt=UNIT_TABLE_SIZE,
                style=writer.unit_cell_style,
            )
            writer.blank()
        if wide:
            writer.new_section(landscape=False)
    elif not tables:
        writer.heading("二、各单位完成情况")
        writer.body("本考核期尚未设定各单位目标任务。")
    else:
        # The heading and its note open the landscape pages, not a page of their own.
        writer.new_section(landscape=True)
        writer.heading("二、各单位完成情况")
        writer.body(show.RANKING_NOTE)
        for number_in_list, table in enumerate(tables, start=1):
            caption = f"表{number_in_list}  {table.label}招商引资目标任务完成情况"
            writer.centred(caption, keep_with_next=True)
            spans = [("排名", 1), ("单位", 1), ("档次", 1), *[(name, 3) for name in table.groups]]
            spans += [("综合完成率", 1), ("时序进度", 1), ("通报情况", 1)]
            headers = ["排名", "单位", "档次", *(["目标", "完成", "完成率"] * len(table.groups))]
            headers += ["综合完成率", "时序进度", "通报情况"]
            writer.table(
                headers,
                table.rows,
                total_mm=LANDSCAPE_TEXT_MM,
                font_pt=UNIT_TABLE_SIZE,
                style=writer.unit_cell_style,
                group_header=spans,
            )
            writer.blank()
        writer.new_section(landscape=False)

    writer.heading("三、通报批评、黄牌警告与表彰")
    for paragraph in show.flag_paragraphs(snapshot):
        writer.numbered(paragraph)

    writer.heading("四、停滞项目与大项目短板")
    writer.body(show.stalled_paragraph(snapshot))
    stalled = show.stalled_rows(snapshot)
    if stalled:
        writer.table(show.STALLED_HEADERS, stalled, total_mm=PORTRAIT_TEXT_MM, font_pt=TABLE_SIZE)
    for paragraph in show.big_project_paragraphs(snapshot):
        writer.body(paragraph)
    reward = show.reward_paragraph(snapshot)
    if reward is not None:
        writer.body("引进人奖励名单。" + reward)
        rewards = show.reward_rows(snapshot)
        if rewards:
            writer.table(show.REWARD_HEADERS, rewards, total_mm=PORTRAIT_TEXT_MM, font_pt=TABLE_SIZE)

    receptions = show.reception_paragraph(snapshot)
    if receptions is not None:
        writer.body("招商接待与外出招商。" + receptions)
        writer.table(
            show.RECEPTION_HEADERS, show.reception_rows(snapshot), total_mm=PORTRAIT_TEXT_MM, font_pt=TABLE_SIZE
        )

    liaison = show.liaison_paragraph(snapshot)
    if liaison is not None:
        writer.body("市场主体包联走访诉求办理。" + liaison)
        writer.table(show.LIAISON_HEADERS, show.liaison_rows(snapshot), total_mm=PORTRAIT_TEXT_MM, font_pt=TABLE_SIZE)

    writer.heading("五、工作要求")
    for paragraph in show.requirement_paragraphs(requirements):
        writer.body(paragraph)

    if annex:
        writer.blank()
        writer.body(f"附件：{annex}")
    writer.blank()
    writer.blank()
    date_text = show.chinese_date(date)
    signature, dated = signature_indents(issuer, date_text)
    writer.right(issuer, ems=signature)
    writer.right(date_text, ems=dated)
    writer.imprint(snapshot.get("printer") or issuer, date_text)
    properties = writer.doc.core_properties
    properties.title = title
    properties.author = snapshot.get("issuer") or ""
    properties.subject = number
    return writer.save()
