"""The assessment as an Excel workbook: 汇总 (every unit's every group and indicator figure) and 明细 (the
projects and receipts behind each figure), written by ``zhaoshang assess --format xlsx`` and, with more
sheets, as the annex of a monthly bulletin.

Why not openpyxl for writing: the 明细 sheet of a city-size county holds one row per unit × indicator ×
project or receipt — about 100,000 rows at the benchmark's 100,000 projects — and openpyxl needs 15 to 30
seconds for that many cells, where a bulletin has a 3-second budget. ``Sheet`` and ``workbook_bytes`` below
stream the few SpreadsheetML parts a workbook needs (shared strings, four number formats, a frozen header
row, column widths) in well under a second; openpyxl reads the result back in the tests.

The detail rows are built from a JSON-ready *lookup* of the projects and receipts the figures name
(``detail_lookup``), so that an issued bulletin can store the lookup and reproduce its annex exactly after
the ledger changes. Sheet names, headers and labels are Chinese literals: they are a file format.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from zhaoshang.organization.choices import CATEGORY_XLSX, TIER_XLSX
from zhaoshang.projects import rules as ledger
from zhaoshang.projects.choices import EVENT_LEVEL_XLSX, STAGE_XLSX
from zhaoshang.targets.choices import AMOUNT_FIELD_XLSX

from . import engine
from .facts import ProjectFact, ReceiptFact

# --- labels (a file format: Chinese whatever the interface language) ---------------------------------

CATEGORY_LABEL = {str(value): label for label, value in CATEGORY_XLSX.items()}
TIER_LABEL = {int(value): label for label, value in TIER_XLSX.items()}
STAGE_LABEL = {str(value): label for label, value in STAGE_XLSX.items()}
AMOUNT_FIELD_LABEL = {str(value): label for label, value in AMOUNT_FIELD_XLSX.items()}
FLAG_LABEL = {
    "criticised": "通报批评",
    "accountability_candidate": "责任追究候选",
    "referred": "提请上级主管部门处置",
    "yellow_card": "黄牌警告",
    "half_time_warning": "时间过半任务未过半",
    "zero_achievement": "无实绩",
    "vetoed": "一票否决",
    "barred": "取消评优资格",
    "commended": "表彰",
    "promoted": "直接晋档",
}
BASIS_LABEL = {"reported": "上报数", "verified": "核实数"}
KIND_UNIT = {"count": "个", "amount": "万元", "funds": "万元", "foreign": "万美元"}


def plain_amount(value) -> str:
    """Decimal("1000.00") → "1000", Decimal("2.50") → "2.5"."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def indicator_label(indicator: dict) -> str:
    """The Chinese name of an indicator from its kind, stage, amount field and floor, e.g.
    "签约项目个数（协议引资额1000万元以上）"."""
    kind = indicator["kind"]
    stage = STAGE_LABEL.get(indicator.get("stage") or "signed", "签约")
    field_label = AMOUNT_FIELD_LABEL.get(indicator.get("amount_field") or "contract_amount", "")
    minimum = Decimal(indicator.get("min_amount") or "0")
    floor = f"（{field_label}{plain_amount(minimum)}万元以上）" if minimum > 0 else ""
    if kind == "count":
        return f"{stage}项目个数{floor}"
    if kind == "amount":
        return f"{stage}项目{field_label}合计{floor}"
    if kind == "funds":
        return f"实际到位资金（{field_label}{plain_amount(minimum)}万元以上项目）" if minimum > 0 else "实际到位资金"
    return f"{stage}项目利用外资"


def flags_text(flags: Iterable[str]) -> str:
    return "、".join(FLAG_LABEL.get(flag, flag) for flag in flags)


# --- a small streaming .xlsx writer -----------------------------------------------------------------

# Cell styles (indices into cellXfs below).
STYLE = {"text": 0, "header": 1, "money": 2, "percent": 3, "date": 4, "int": 5, "num": 0}
EXCEL_EPOCH = dt.date(1899, 12, 30)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f]")


def _escape(text: str) -> str:
    if not _NEEDS_ESCAPE.search(text):
        return text
    text = _ILLEGAL.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class Column:
    header: str
    style: str = "text"  # text | money | percent | date | int | num
    width: float = 12


class Raw(str):
    """Cells already written as XML (see ``SharedStrings.cells``): one value standing for several columns
    of text that repeats on many rows (a unit and its indicator, a project's code and name)."""


@dataclass
class Sheet:
    """A sheet: a header row of ``columns`` and rows of values (str, number, Decimal, date, bool, None or
    Raw). ``rows`` may be a function of the workbook's shared strings, for rows made of Raw cells."""

    title: str
    columns: list[Column]
    rows: Iterable[list] | Callable[[SharedStrings], Iterable] = field(default_factory=list)
    freeze: bool = True
    raw: bool = False  # the rows are already written: each is a row's cells as XML


class SharedStrings:
    def __init__(self):
        self.index: dict[str, int] = {}

    def cells(self, *texts: str) -> Raw:
        """Text cells in a row, rendered once."""
        return Raw("".join(f'<c t="s"><v>{self.get(text)}</v></c>' if text else "<c/>" for text in texts))

    def get(self, text: str) -> int:
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.index)
        return found

    def xml(self) -> str:
        items = "".join(f'<si><t xml:space="preserve">{_escape(text)}</t></si>' for text in self.index)
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<sst xmlns="{_NS}" uniqueCount="{len(self.index)}">{items}</sst>'
        )


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _sheet_xml(sheet: Sheet, strings: SharedStrings) -> Iterator[str]:
    """The sheet's XML in pieces. Cells carry no reference (the spec makes ``r`` optional: a cell is in
    the next column), an empty cell is ``<c/>``; this loop is the writer's whole cost, so it is flat."""
    styles = [STYLE[c.style] for c in sheet.columns]
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_NS}" xmlns:r="{_REL_NS}">'
    if sheet.freeze:
        yield (
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft"'
            ' state="frozen"/></sheetView></sheetViews>'
        )
    yield '<sheetFormatPr defaultRowHeight="15"/><cols>'
    yield "".join(
        f'<col min="{i + 1}" max="{i + 1}" width="{c.width}" customWidth="1"/>' for i, c in enumerate(sheet.columns)
    )
    yield "</cols><sheetData>"
    index = strings.index
    header = "".join(f'<c s="1" t="s"><v>{strings.get(c.header)}</v></c>' for c in sheet.columns)
    yield f'<row r="1">{header}</row>'
    serials: dict[dt.date, int] = {}
    number_cells = [f'<c s="{style}"><v>' for style in styles]
    row_number = 1
    rows = sheet.rows(strings) if callable(sheet.rows) else sheet.rows
    if sheet.raw:
        for row_number, cells_xml in enumerate(rows, start=2):
            yield f'<row r="{row_number}">{cells_xml}</row>'
        yield "</sheetData></worksheet>"
        return
    for values in rows:
        row_number += 1
        cells = []
        append = cells.append
        for i, value in enumerate(values):
            kind = type(value)
            if kind is Raw:
                append(value)
            elif kind is str:
                if not value:
                    append("<c/>")
                    continue
                found = index.get(value)
                if found is None:
                    found = index[value] = len(index)
                append(f'<c t="s"><v>{found}</v></c>')
            elif kind is Decimal or kind is int or kind is float:
                append(f"{number_cells[i]}{value}</v></c>")
            elif value is None:
                append("<c/>")
            elif kind is bool:
                append(f'<c t="s"><v>{strings.get("是" if value else "否")}</v></c>')
            elif kind is dt.date or kind is dt.datetime:
                serial = serials.get(value)
                if serial is None:
                    day = value.date() if kind is dt.datetime else value
                    serial = serials[value] = (day - EXCEL_EPOCH).days
                append(f'<c s="4"><v>{serial}</v></c>')
            else:
                append(f'<c t="s"><v>{strings.get(str(value))}</v></c>')
        yield f'<row r="{row_number}">{"".join(cells)}</row>'
    yield "</sheetData></worksheet>"


_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{_NS}"><numFmts count="2"><numFmt numFmtId="164" formatCode="0.0%"/><numFmt numFmtId="165"
formatCode="yyyy-mm-dd"/></numFmts><fonts count="2"><font><sz val="11"/><name val="宋体"/><family val="3"/>
<charset val="134"/></font><font><b/><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font>
</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>
</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="6">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""


def workbook_bytes(sheets: list[Sheet]) -> bytes:
    """Write ``sheets`` as an .xlsx file (sheet XML streamed into the zip, strings shared)."""
    strings = SharedStrings()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for number, sheet in enumerate(sheets, start=1):
            with archive.open(f"xl/worksheets/sheet{number}.xml", "w") as handle:
                chunk: list[str] = []
                for part in _sheet_xml(sheet, strings):
                    chunk.append(part)
                    if len(chunk) >= 2000:
                        handle.write("".join(chunk).encode("utf-8"))
                        chunk = []
                handle.write("".join(chunk).encode("utf-8"))
        archive.writestr("xl/sharedStrings.xml", strings.xml())
        archive.writestr("xl/styles.xml", _STYLES)
        sheet_entries = "".join(
            f'<sheet name="{_escape(s.title[:31])}" sheetId="{n}" r:id="rId{n}"/>' for n, s in enumerate(sheets, 1)
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}">'
            f"<sheets>{sheet_entries}</sheets></workbook>",
        )
        rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        sheet_rels = "".join(
            f'<Relationship Id="rId{n}" Type="{rel}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(sheets) + 1)
        )
        extra = len(sheets)
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{sheet_rels}<Relationship Id="rId{extra + 1}" Type="{rel}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{extra + 2}" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{main}.worksheet+xml"/>'
            for n in range(1, len(sheets) + 1)
        )
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{main}.sheet.main+xml"/>{overrides}'
            f'<Override PartName="/xl/styles.xml" ContentType="{main}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{main}.sharedStrings+xml"/></Types>',
        )
    return buffer.getvalue()


# --- the detail lookup ------------------------------------------------------------------------------

CHUNK = 5000


def referenced_ids(data: dict) -> tuple[set[int], set[int]]:
    """The project and receipt ids named by any figure of the assessment data."""
    project_ids: set[int] = set()
    receipt_ids: set[int] = set()
    for unit in data["units"]:
        for group in unit["groups"]:
            for indicator in group["indicators"]:
                project_ids.update(indicator["project_ids"])
                receipt_ids.update(indicator["receipt_ids"])
    return project_ids, receipt_ids


def project_names(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Code and name of each project, in a few chunked queries (never one per project)."""
    from zhaoshang.projects.models import Project

    ordered = sorted(ids)
    names = {}
    for start in range(0, len(ordered), CHUNK):
        rows = Project.objects.filter(pk__in=ordered[start : start + CHUNK]).order_by()
        names.update({pk: (code, name) for pk, code, name in rows.values_list("pk", "code", "name")})
    return names


def detail_lookup(data: dict, projects: Iterable[ProjectFact], receipts: Iterable[ReceiptFact]) -> dict:
    """What the 明细 sheet needs about each project and receipt a figure names, as JSON-ready columns (a
    large county's lookup holds tens of thousands of each; columns of plain strings parse several times
    faster than as many small objects):

    ``projects``: id, code, name, planned, contract, foreign (10k USD), credits ("unit:share;…", shares as
    fractions) and stages ("stage:date;…");
    ``receipts``: id, project, date, amount. Amounts are decimal strings, dates ISO.
    """
    wanted_projects, wanted_receipts = referenced_ids(data)
    iso: dict[dt.date, str] = {}  # dates repeat; format each once

    def day(value: dt.date) -> str:
        found = iso.get(value)
        if found is None:
            found = iso[value] = value.isoformat()
        return found

    receipt_columns: dict[str, list] = {"id": [], "project": [], "date": [], "amount": []}
    for receipt in sorted((r for r in receipts if r.id in wanted_receipts), key=lambda r: r.id):
        receipt_columns["id"].append(receipt.id)
        receipt_columns["project"].append(receipt.project_id)
        receipt_columns["date"].append(day(receipt.date))
        receipt_columns["amount"].append(str(receipt.amount))
        wanted_projects.add(receipt.project_id)
    names = project_names(wanted_projects)
    columns: dict[str, list] = {
        key: [] for key in ("id", "code", "name", "planned", "contract", "foreign", "credits", "stages")
    }
    for project in sorted((p for p in projects if p.id in wanted_projects), key=lambda p: p.id):
        code, name = names.get(project.id, ("", ""))
        columns["id"].append(project.id)
        columns["code"].append(code)
        columns["name"].append(name)
        columns["planned"].append(str(project.planned_investment))
        columns["contract"].append(str(project.contract_amount))
        columns["foreign"].append(str(engine.round4(project.foreign_usd)) if project.foreign_usd else "0")
        columns["credits"].append(";".join(f"{unit}:{share}" for unit, share in sorted(project.credits.items())))
        columns["stages"].append(";".join(f"{stage}:{day(date)}" for stage, date in project.stage_dates.items()))
    return {"projects": columns, "receipts": receipt_columns}


def _pairs(text: str) -> dict[str, str]:
    return dict(item.split(":", 1) for item in text.split(";")) if text else {}


class _Parsed:
    """The lookup's columns, turned into Decimals and dates once per project, receipt and unit (a project
    is named by several indicators of several units)."""

    def __init__(self, lookup: dict):
        self.p, self.r = lookup["projects"], lookup["receipts"]
        self.project_row = {project_id: row for row, project_id in enumerate(self.p["id"])}
        self.receipt_row = {receipt_id: row for row, receipt_id in enumerate(self.r["id"])}
        self.amounts: dict[tuple[int, str], Decimal] = {}
        self.credits: dict[int, dict[str, str]] = {}
        self.shares: dict[tuple[int, str], tuple[Decimal, str]] = {}
        self.reached: dict[tuple[int, str], str | None] = {}
        self.stage_dates: dict[int, dict[str, dt.date]] = {}
        self.days: dict[str, dt.date] = {}
        self.serials: dict[str | None, str] = {None: "<c/>"}

    def text(self, project_id: int) -> tuple[str, str]:
        row = self.project_row[project_id]
        return self.p["code"][row], self.p["name"][row]

    def amount(self, project_id: int, column: str) -> Decimal:
        key = (project_id, column)
        found = self.amounts.get(key)
        if found is None:
            found = self.amounts[key] = Decimal(self.p[column][self.project_row[project_id]])
        return found

    def share(self, project_id: int, unit_key: str) -> tuple[Decimal, str]:
        """The unit's share of the project as a fraction, and as the 计入份额(%) cell."""
        key = (project_id, unit_key)
        found = self.shares.get(key)
        if found is None:
            credits = self.credits.get(project_id)
            if credits is None:
                credits = self.credits[project_id] = _pairs(self.p["credits"][self.project_row[project_id]])
            share = Decimal(credits.get(unit_key, "0"))
            found = self.shares[key] = (share, f"<c><v>{share * 100}</v></c>")
        return found

    def date_cell(self, text: str | None) -> str:
        """An ISO date as a date cell (an empty cell for None)."""
        found = self.serials.get(text)
        if found is None:
            serial = (dt.date.fromisoformat(text) - EXCEL_EPOCH).days
            found = self.serials[text] = f'<c s="{STYLE["date"]}"><v>{serial}</v></c>'
        return found

    def reached_on(self, project_id: int, stage: str) -> str | None:
        """The date the project reached ``stage`` (``projects.rules.reached_on``), as ISO text."""
        key = (project_id, stage)
        if key not in self.reached:
            dates = self.stage_dates.get(project_id)
            if dates is None:  # parsed once per project, whatever the number of stages asked
                pairs = _pairs(self.p["stages"][self.project_row[project_id]])
                dates = self.stage_dates[project_id] = {name: self._day(text) for name, text in pairs.items()}
            on = ledger.reached_on(dates, stage)
            self.reached[key] = None if on is None else on.isoformat()
        return self.reached[key]

    def _day(self, text: str) -> dt.date:
        found = self.days.get(text)
        if found is None:
            found = self.days[text] = dt.date.fromisoformat(text)
        return found


AMOUNT_COLUMN = {"contract_amount": "contract", "planned_investment": "planned"}


def detail_rows(data: dict, lookup: dict, strings: SharedStrings) -> Iterator[str]:
    """One row per unit × indicator × project (or receipt, for funds) behind the figure, in the columns of
    DETAIL_COLUMNS. There may be a hundred thousand of them, so each row's cells are written here as XML in
    one go (a sheet with ``raw=True``): the unit and indicator cells once per indicator, a project's code
    and name once per project, a share once per project and unit."""
    parsed = _Parsed(lookup)
    project_cells: dict[int, Raw] = {}
    receipt_project, receipt_date, receipt_amount = parsed.r["project"], parsed.r["date"], parsed.r["amount"]
    receipt_row, share_of, date_cell = parsed.receipt_row, parsed.share, parsed.date_cell
    receipt_cell, money_cell = f'<c s="{STYLE["int"]}"><v>', f'<c s="{STYLE["money"]}"><v>'

    def project_text(project_id: int) -> Raw:
        found = project_cells.get(project_id)
        if found is None:
            found = project_cells[project_id] = strings.cells(*parsed.text(project_id))
        return found

    for unit in data["units"]:
        unit_key = str(unit["id"])
        for group in unit["groups"]:
            for indicator in group["indicators"]:
                kind = indicator["kind"]
                head = strings.cells(
                    unit["code"], unit["name"], group["name"], indicator_label(indicator), KIND_UNIT[kind]
                )
                if kind == "funds":
                    for receipt_id in indicator["receipt_ids"]:
                        row = receipt_row[receipt_id]
                        project_id = receipt_project[row]
                        share, percent = share_of(project_id, unit_key)
                        value = Decimal(receipt_amount[row])
                        yield (
                            f"{head}{project_text(project_id)}{receipt_cell}{receipt_id}</v></c>"
                            f"{date_cell(receipt_date[row])}{money_cell}{value}</v></c>{percent}"
                            f"<c><v>{share * value}</v></c>"
                        )
                    continue
                column = "foreign" if kind == "foreign" else AMOUNT_COLUMN[indicator["amount_field"]]
                stage = indicator.get("stage") or "signed"
                for project_id in indicator["project_ids"]:
                    share, percent = share_of(project_id, unit_key)
                    amount = parsed.amount(project_id, column)
                    counted = share if kind == "count" else share * amount
                    yield (
                        f"{head}{project_text(project_id)}<c/>{date_cell(parsed.reached_on(project_id, stage))}"
                        f"{money_cell}{amount}</v></c>{percent}<c><v>{counted}</v></c>"
                    )


# --- the sheets ---------------------------------------------------------------------------------------

SUMMARY_COLUMNS = [
    Column("单位编码", width=10),
    Column("单位名称", width=22),
    Column("类别", width=10),
    Column("档次", width=7),
    Column("排名", "int", 6),
    Column("参评单位数", "int", 10),
    Column("综合完成率", "percent", 11),
    Column("综合完成率/时序进度", "percent", 12),
    Column("通报情况", width=22),
    Column("指标组", width=10),
    Column("组完成率", "percent", 10),
    Column("组是否完成", width=10),
    Column("指标", width=40),
    Column("计量单位", width=8),
    Column("目标", "num", 12),
    Column("完成", "num", 12),
    Column("完成率", "percent", 10),
    Column("是否完成", width=9),
]
DETAIL_COLUMNS = [
    Column("单位编码", width=10),
    Column("单位名称", width=22),
    Column("指标组", width=10),
    Column("指标", width=40),
    Column("计量单位", width=8),
    Column("项目编号", width=14),
    Column("项目名称", width=36),
    Column("到账记录号", "int", 11),
    Column("日期", "date", 11),
    Column("金额", "money", 12),
    Column("计入份额(%)", "num", 11),
    Column("计入数额", "num", 12),
]


def _ratio(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def summary_rows(data: dict) -> Iterator[list]:
    for unit in data["units"]:
        head = [
            unit["code"],
            unit["name"],
            CATEGORY_LABEL.get(unit["category"], unit["category"]),
            TIER_LABEL.get(unit["tier"], ""),
            unit["rank"],
            unit["rank_of"],
            _ratio(unit["score"]),
            _ratio(unit["schedule_ratio"]),
            flags_text(unit["flags"]),
        ]
        for group in unit["groups"]:
            for indicator in group["indicators"]:
                yield [
                    *head,
                    group["name"],
                    _ratio(group["completion"]),
                    group["met"],
                    indicator_label(indicator),
                    KIND_UNIT[indicator["kind"]],
                    Decimal(indicator["target"]),
                    Decimal(indicator["actual"]),
                    _ratio(indicator["completion"]),
                    indicator["met"],
                ]


# --- a points scheme's 评分 sheet ---------------------------------------------------------------------

SECTION_LABEL = {"base": "基本分", "bonus": "加分项", "deduction": "扣分项"}
OCCURRENCE_LABEL = {
    "late_reports": "调度报表迟报次数",
    "missing_reports": "调度报表未报次数",
    "criticisms": "被通报批评次数",
    "findings": "核查发现虚报次数",
    "double_claims": "重复申报（经认定为同一项目）次数",
}
POINTS_COLUMNS = [
    Column("单位编码", width=10),
    Column("单位名称", width=22),
    Column("类别", width=10),
    Column("排名", "int", 6),
    Column("参评单位数", "int", 10),
    Column("总得分", "num", 10),
    Column("评分项编码", width=10),
    Column("评分项", width=26),
    Column("类型", width=8),
    Column("计量", width=44),
    Column("实际", "num", 12),
    Column("任务", "num", 12),
    Column("得分", "num", 10),
    Column("计入项目数", "int", 10),
    Column("计入到账笔数", "int", 12),
    Column("计入事项数", "int", 10),
]


def measure_label(measure: dict) -> str:
    """The Chinese description of a scheme item's measure, e.g. "签约项目个数（协议引资额10000万元以上）"."""
    what = measure["what"]
    if what == "ratio":
        return f"{measure_label(measure['numerator'])} ÷ {measure_label(measure['denominator'])}"
    if what in OCCURRENCE_LABEL:
        return OCCURRENCE_LABEL[what]
    field_label = AMOUNT_FIELD_LABEL.get(measure.get("amount_field") or "contract_amount", "")
    low, high = Decimal(measure.get("low") or "0"), measure.get("high")
    band = ""
    if low > 0 and high is not None:
        band = f"{field_label}{plain_amount(low)}万元以上、{plain_amount(high)}万元以下"
    elif low > 0:
        band = f"{field_label}{plain_amount(low)}万元以上"
    elif high is not None:
        band = f"{field_label}{plain_amount(high)}万元以下"
    filters = [band] if band else []
    if measure.get("kinds"):
        filters.append("类型 " + "、".join(measure["kinds"]))
    if measure.get("industries"):
        filters.append("行业 " + "、".join(measure["industries"]))
    if measure.get("high_tech") is not None:
        filters.append("高新技术" if measure["high_tech"] else "非高新技术")
    filters += condition_labels(measure, field_label)
    stage = STAGE_LABEL.get(measure.get("stage") or "signed", "签约")
    name = {
        "count": f"{stage}项目个数",
        "amount": f"{stage}项目{field_label}合计",
        "funds": "实际到位资金",
        "foreign": f"{stage}项目利用外资",
    }[what]
    return f"{name}（{'；'.join(filters)}）" if filters else name


def condition_labels(measure: dict, field_label: str = "") -> list[str]:
    """The recognition conditions (认定条件) and floors by unit category of a measure, in Chinese."""
    levels = {str(value): label for label, value in EVENT_LEVEL_XLSX.items()}
    labels = []
    if measure.get("event_level"):
        labels.append(f"{levels.get(measure['event_level'], measure['event_level'])}及以上活动签约")
    if measure.get("private"):
        labels.append("民营")
    if measure.get("registered_land_paid"):
        labels.append("当期注册并缴纳土地出让金")
    if measure.get("within_years"):
        labels.append(f"{measure['within_years']}年内签约")
    if measure.get("exclude_divisions"):
        labels.append("不含行业大类 " + "、".join(measure["exclude_divisions"]))
    order = list(CATEGORY_LABEL)  # the categories' own order (a JSON column may keep the keys in any order)
    floors = measure.get("low_by_category") or {}
    for category, low in sorted(floors.items(), key=lambda pair: order.index(pair[0]) if pair[0] in order else 99):
        labels.append(f"{CATEGORY_LABEL.get(category, category)}{field_label}{plain_amount(Decimal(low))}万元以上")
    return labels


def points_rows(data: dict) -> Iterator[list]:
    for unit in data["units"]:
        for item in unit.get("items", ()):
            yield [
                unit["code"],
                unit["name"],
                CATEGORY_LABEL.get(unit["category"], unit["category"]),
                unit["rank"],
                unit["rank_of"],
                Decimal(unit["points"]),
                item["code"],
                item["name"],
                SECTION_LABEL.get(item["section"], item["section"]),
                measure_label(item["measure"]),
                Decimal(item["actual"]),
                None if item["task"] is None else Decimal(item["task"]),
                Decimal(item["points"]),
                len(item["project_ids"]),
                len(item["receipt_ids"]),
                len(item["occurrence_ids"]),
            ]


def notes_sheet(data: dict, *, period_name: str, extra: list[tuple[str, object]] = ()) -> Sheet:
    rows = [
        ["考核期", f"{period_name}（{data['period']}）"],
        ["考核期起止", f"{data['start']} 至 {data['end']}"],
        ["统计截至", dt.date.fromisoformat(data["as_of"])],
        ["统计口径", BASIS_LABEL.get(data["basis"], data["basis"])],
        ["时序进度", _ratio(data["schedule_progress"])],
        ["参评单位数", len(data["units"])],
        *[list(item) for item in extra],
        ["说明", "汇总表每行为一个单位的一项指标；明细表每行为计入某项指标的一个项目或一笔到位资金。"],
        ["说明", "按份额计入：一个项目由多个单位共享时，各单位按份额计入项目个数和金额。"],
    ]
    return Sheet("说明", [Column("项目", width=14), Column("内容", width=70)], rows, freeze=False)


def assessment_sheets(data: dict, lookup: dict) -> list[Sheet]:
    """汇总 and 明细, and under a points scheme 评分 (each unit's points per item and the measure behind it)."""
    sheets = [
        Sheet("汇总", SUMMARY_COLUMNS, summary_rows(data)),
        Sheet("明细", DETAIL_COLUMNS, lambda strings: detail_rows(data, lookup, strings), raw=True),
    ]
    if any(unit.get("items") for unit in data["units"]):
        sheets.append(Sheet("评分", POINTS_COLUMNS, points_rows(data)))
    return sheets


NO_EVIDENCE_COLUMNS = [
    Column("单位编码", width=10),
    Column("单位名称", width=22),
    Column("类别", width=10),
    Column("项目编号", width=14),
    Column("项目名称", width=30),
    Column("计入比例", "percent", width=9),
    Column("上报日期", "date", width=11),
    Column("上报金额（万元）", "money", width=14),
    Column("已报无佐证（万元）", "money", width=14),
]


def no_evidence_sheet(units) -> Sheet:
    """已报无佐证: per unit the rows counted on the reported basis only without the evidence gate
    (``water.no_evidence_report``), with each unit's sums."""
    from .water import KIND_LABEL

    rows = []
    for w in units:
        for r in w.rows:
            rows.append(
                [
                    w.unit.code,
                    w.unit.name,
                    KIND_LABEL[r.kind],
                    r.project_code,
                    r.project_name,
                    r.share,
                    r.reported_date,
                    r.reported_amount,
                    r.no_evidence_credit,
                ]
            )
        rows.append([w.unit.code, w.unit.name, "签约额小计", "", "", None, None, None, w.no_evidence_contract])
        rows.append([w.unit.code, w.unit.name, "到位资金小计", "", "", None, None, None, w.no_evidence_funds])
    return Sheet("已报无佐证", NO_EVIDENCE_COLUMNS, rows)


def assessment_workbook(assessment: engine.Assessment, *, period, basis: str) -> bytes:
    """The workbook of ``zhaoshang assess --format xlsx``: 汇总, 明细 and 说明; for a period with the evidence gate
    on, 已报无佐证 too."""
    from . import selectors, serialize, water

    selectors.read_drill_downs(period, assessment)  # the 明细 sheet lists every figure's rows: read them in one go
    data = serialize.assessment_data(assessment, period_code=period.code, basis=basis)
    projects, receipts, _count = selectors.facts(period, assessment.as_of, basis=basis)
    lookup = detail_lookup(data, projects, receipts)
    sheets = assessment_sheets(data, lookup)
    extra = []
    if period.evidence_gate:
        sheets.append(no_evidence_sheet(water.no_evidence_report(user=None, period=period, as_of=assessment.as_of)))
        extra.append(("佐证门槛", "只计有佐证的阶段和到位资金；其余见“已报无佐证”表"))
    return workbook_bytes([*sheets, notes_sheet(data, period_name=period.name, extra=extra)])
