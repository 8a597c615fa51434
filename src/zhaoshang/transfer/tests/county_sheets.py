"""Sheets in the layouts counties keep (issue 15), as bytes, for the tests of the reader and of the import.

The shapes follow public documents: a county's 重点项目推进情况调度表 (merged title, "填报单位… 单位：亿元 截至…",
序号, 合计 right under the header, 包抓领导, 责任单位), a township's 招商引资项目台账 (two-row header: "投资情况"
over 总投资 and 累计到位资金), section rows ("一、新建项目"), notes under the table, and a 督查情况通报 summary
(one row per township with counts, amounts, rates and ranks). Names and figures are made up.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

CITY_TITLE = "2025年XX县重点项目推进情况调度表"
CITY_HEADERS = [
    "序号",
    "项目名称",
    "投资主体",
    "总投资（亿元）",
    "签约时间",
    "开工时间",
    "项目状态",
    "累计到位资金(亿元)",
    "项目进展情况",
    "包抓领导",
    "责任单位",
    "联系电话",
    "2025年计划投资",
]
# The project rows of the city sheet, by column: name, investor, total, signed, started, status, funds, progress,
# leader, unit, phone, plan.
CITY_PROJECTS = [
    (
        "年产5万吨新型建材项目",
        "陕西华建新材料有限公司",
        3.2,
        "2025年3月",
        "2025.05",
        "在建",
        1.15,
        "主体厂房封顶，设备进场",
        "张建国",
        "县经济开发区",
        "0912-5551234",
        1.5,
    ),
    (
        "一号冷链物流园",
        "榆林市冷链物流有限公司",
        "3.2亿",
        dt.date(2025, 1, 8),
        "2025年6月18日",
        "在建",
        "8000万元",
        "完成土地摘牌",
        "李明",
        "经开区",
        "13800000001",
        0.8,
    ),
    (
        "光伏组件生产线",
        "江苏某新能源科技股份有限公司",
        "32000万元",
        "2025.01",
        None,
        "已签约",
        None,
        "正在办理环评",
        "王芳",
        "城关",
        None,
        None,
    ),
    (
        "农、林、牧、渔业示范园",
        "县农投公司",
        1.05,
        "2024年11月",
        "2025年2月",
        "已投产",
        1.05,
        '=HYPERLINK("http://x")',
        "张建国",
        "县发改局",
        None,
        0.2,
    ),
]


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def city_key_projects_xlsx(*, sheet: str = "调度表") -> bytes:
    """A county's 重点项目推进情况调度表: merged title, subtitle (填报单位, 单位：亿元, 截至), header in row 3,
    a 合计 row under the header, four projects (amounts in 亿元 or with their unit in the cell), a 说明 row."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    width = len(CITY_HEADERS)
    ws.cell(1, 1, CITY_TITLE).font = Font(bold=True, size=16)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.cell(2, 1, "填报单位：县招商服务中心（盖章）")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=5)
    ws.cell(2, 6, "单位：亿元")
    ws.cell(2, 10, "截至2025年6月30日")
    for column, header in enumerate(CITY_HEADERS, start=1):
        ws.cell(3, column, header).font = Font(bold=True)
    ws.append(["合计", None, None, 9.45, None, None, None, 2.2])  # row 4: counties often total first
    for number, project in enumerate(CITY_PROJECTS, start=1):
        ws.append([number, *project])
    ws.append([None])
    ws.append(["说明：1. 总投资、累计到位资金单位为亿元；2. 项目状态填写在建、已签约、已投产。"])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
    return _save(workbook)


TOWNSHIP_PROJECTS = [
    # name, investor, origin, total (万元), funds (万元), signed, leader, status
    ("城关镇农产品加工项目", "西安秦味食品有限公司", "陕西西安", 5000, 1200, "2025.3.5", "赵卫东", "在建"),
    ("一期标准化厂房", "城关镇集体经济联合社", "本县", 3000, 3000, "2024/12/20", "赵卫东", "已投产"),
    ("电商直播基地", "杭州某网络科技有限公司", "浙江杭州", "1,200", None, "2025年5月", "钱红", "已签约"),
]


def township_ledger_xlsx() -> bytes:
    """A township's 招商引资项目台账: title, "填报单位：城关镇 单位：万元 截止到2025年6月底" in one cell, a two-row
    header (序号, 项目名称 merged down; "投资情况" merged across 总投资 and 累计到位资金), section rows, a 小计 row,
    a note row "注：…", and a column the product does not know (是否入库)."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Sheet1"
    ws["A1"] = "城关镇2025年招商引资项目台账"
    ws.merge_cells("A1:J1")
    ws["A2"] = "填报单位：城关镇（盖章）  单位：万元  截止到2025年6月底"
    ws.merge_cells("A2:J2")
    parents = [
        "序号",
        "项目名称",
        "投资方",
        "客商来源地",
        "投资情况",
        None,
        "签约时间",
        "包抓领导",
        "推进阶段",
        "是否入库",
    ]
    children = [None, None, None, None, "总投资", "累计到位资金", None, None, None, None]
    for column, (parent, child) in enumerate(zip(parents, children, strict=True), start=1):
        ws.cell(3, column, parent)
        ws.cell(4, column, child)
        if child is None:
            ws.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
    ws.merge_cells("E3:F3")
    ws.append(["一、新建项目"])
    ws.merge_cells(start_row=5, start_column=1, end_row=5, end_column=10)
    name, investor, origin, total, funds, signed, leader, status = TOWNSHIP_PROJECTS[0]
    ws.append([1, name, investor, origin, total, funds, signed, leader, status, "是"])
    ws.append([None, "（二）续建项目"])
    for number, project in enumerate(TOWNSHIP_PROJECTS[1:], start=2):
        name, investor, origin, total, funds, signed, leader, status = project
        ws.append([number, name, investor, origin, total, funds, signed, leader, status, "否"])
    ws.append(["小计", None, None, None, 9200, 4200])
    ws.append(["合 计", None, None, None, 9200, 4200])
    ws.append(["注：累计到位资金为项目开工以来累计数。"])
    ws.append(["填表人：孙丽", None, None, None, None, None, "审核人：周强"])
    return _save(workbook)


CSV_HEADER = ["序号", "项目名称", "投资方", "计划总投资(万元)", "签约日期", "责任单位", "备注"]
CSV_ROWS = [
    ["1", "年产10万套汽车配件项目", "宁波某汽配有限公司", "15,000", "2025年4月", "县经济开发区", ""],
    ["2", "中药材深加工", "县中药材合作社", "２８００", "2025.02", "城关镇", "全角数字"],
    ["", "合计", "", "17800", "", "", ""],
]


def _csv_text(delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")  # "15,000" is quoted, as Excel does
    writer.writerows([["XX县招商引资项目进展情况统计表"], CSV_HEADER, *CSV_ROWS])
    return buffer.getvalue()


def gbk_csv(delimiter: str = ",") -> bytes:
    """A csv saved by Excel on a Chinese Windows: GBK, CRLF, a title line above the header."""
    return _csv_text(delimiter).encode("gbk")


def utf8_bom_csv(delimiter: str = ",") -> bytes:
    """The same sheet saved as "CSV UTF-8": with a byte-order mark."""
    return _csv_text(delimiter).encode("utf-8-sig")


def ledger_xls() -> bytes:
    """An .xls workbook (Excel 97-2003, still common in counties): title merged, 单位：亿元, header, projects."""
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    ws = workbook.add_sheet("项目台账")
    headers = ["序号", "项目名称", "投资主体", "总投资", "签约时间", "责任单位", "项目状态"]
    ws.write_merge(0, 0, 0, len(headers) - 1, "2025年经开区招商引资项目台账")
    ws.write(1, 0, "单位：亿元")
    ws.write(1, 4, "截至2025年5月31日")
    for column, header in enumerate(headers):
        ws.write(2, column, header)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    rows = [
        [1, "智能装备制造基地", "深圳某智能装备有限公司", 6.5, dt.date(2025, 2, 14), "县经济开发区", "在建"],
        [2, "再生资源回收利用项目", "县城投公司", 0.85, "2025年4月", "经开区", "已签约"],
    ]
    for index, row in enumerate(rows, start=3):
        for column, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write(index, column, value, date_style)
            else:
                ws.write(index, column, value)
    ws.write(5, 0, "合计")
    ws.write(5, 3, 7.35)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SUMMARY_UNITS = [
    ("城关镇", 6, 3.2, 1.8, "56.3%", 1),
    ("县经济开发区", 9, 12.5, 4.1, "32.8%", 2),
    ("红柳镇", 2, 0.6, 0.1, "16.7%", 3),
]


def summary_xlsx() -> bytes:
    """A 督查情况通报 table: one row per unit with counts, amounts (亿元), a rate and a rank; no project column."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "附件1"
    ws["A1"] = "2025年上半年全县招商引资工作督查情况通报"
    ws.merge_cells("A1:G1")
    ws["A2"] = "单位：个、亿元"
    ws.append(["序号", "单位", "签约项目数", "签约金额", "到位资金", "完成率", "排名"])
    for number, row in enumerate(SUMMARY_UNITS, start=1):
        ws.append([number, *row])
    ws.append(["合计", None, 17, 16.3, 6.0])
    return _save(workbook)


def two_sheet_xlsx() -> bytes:
    """A workbook with the summary first and the ledger second, as bureaus send them to the county."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = "汇总"
    summary.append(["乡镇", "项目个数", "签约额", "排名"])
    summary.append(["城关镇", 3, 9200, 1])
    ledger = workbook.create_sheet("明细")
    ledger.append(["序号", "项目名称", "客商", "计划总投资(万美元)"])
    ledger.append([1, "外资饲料项目", "某国际贸易公司", 1200])
    return _save(workbook)


def large_ledger_xlsx(rows: int) -> bytes:
    """A plain ledger of ``rows`` projects (streaming and the bench), written with openpyxl's write-only mode."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("台账")
    ws.append(["XX县招商引资项目台账"])
    ws.append(["序号", "项目名称", "投资主体", "总投资(万元)", "签约时间", "责任单位", "项目进展情况"])
    for number in range(1, rows + 1):
        ws.append(
            [
                number,
                f"项目{number:06d}",
                f"投资企业{number % 997}",
                1000 + number % 5000,
                "2025年3月",
                "城关镇",
                "在建",
            ]
        )
    return _save(workbook)


def district_key_projects_xlsx() -> bytes:
    """A district government notice's annex (重点推进重大项目情况表): "单位:万元" alone above the header, the 合计
    row right under it, 项目业主, 牵头协调部门 and 牵头区领导 columns, a year's plan column the product ignores."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "附件"
    ws["A1"] = "XX区2025年重点推进的重大项目情况表"
    ws.merge_cells("A1:H1")
    ws["H2"] = "单位:万元"
    ws.append(["序号", "项目名称", "建设阶段", "总投资", "2025年计划投资", "项目业主", "牵头协调部门", "牵头区领导"])
    ws.append(["合计", None, None, 473000, 23000])
    ws.append([1, "十里景区项目", "加快建设", 430000, 20000, "区城投公司", "区住建局", "王天明、郭大伟"])
    ws.append(
        [2, "农产品交易中心", "开工建设", 43000, 3000, "某农业发展有限公司、某村股份经济合作社", "区农业农村局", "宋立"]
    )
    return _save(workbook)
