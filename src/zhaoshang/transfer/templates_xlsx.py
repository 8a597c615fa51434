"""The blank import template: the five data sheets with their header rows, drop-down lists for the coded
columns, and a 说明 sheet explaining every column, code and rule. The 单位 sheet lists the units the user
may see (the codes to use in the other sheets); imported back as they are, they change nothing."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from zhaoshang.core.xlsx import safe_row
from zhaoshang.projects.choices import INDUSTRY_XLSX

from . import columns as c
from .exporter import DATE_FORMAT, HEADER_FILL, HEADER_FONT, MONEY_FORMAT, unit_rows
from .scheme_xlsx import EXAMPLE_ITEMS, EXAMPLE_SETTINGS, add_scheme_sheets

VALIDATED_ROWS = 10000  # drop-downs and formats reach this far down each sheet

RULES = (
    "1. 一个文件可包含“单位”“项目”“到位资金”“考核期”“目标”中的任意一张或几张表，表名和第 1 行的列名不可改动；"
    "“说明”表导入时忽略。",
    "2. 从第 2 行起每行一条记录。导入前会先校验整个文件：只要有一处错误，就不导入任何数据，"
    "并列出全部错误（工作表、行号、列、值、原因），可下载错误清单。",
    "3. 编码已存在的单位、项目、考核期将按文件内容更新；同一文件内编码不能重复。",
    "4. 金额单位为万元，填数字，不能为负数，保留两位小数。",
    "5. 日期填 Excel 日期，或文本 2025-03-18、2025/03/18、2025.03.18；项目和到位资金的日期不能晚于今天。",
    "6. 阶段日期不能倒序（洽谈 ≤ 意向 ≤ 签约 ≤ 开工 ≤ 投产，可跳过阶段）。当前阶段须是填了日期的最后一个阶段；"
    "填“停滞”或“终止”时项目标记为停滞/终止，阶段仍按日期确定；留空则按日期确定。",
    "7. 引进单位填单位编码；多个单位按份额写成 T01:60;T02:40，份额合计须为 100；只填一个编码即占 100%。",
    "8. 有签约日期时，协议引资额记为签约金额。",
    "9. 到位资金的项目编码可以是本文件“项目”表中的项目，也可以是系统中已有的项目；"
    "项目、到账日期、金额、凭证号都相同的记录视为已导入，不会重复添加。",
    "10. 导出的项目台账可直接修改后导入；其中“累计到位资金(万元)”列导入时忽略。原样导入不会改变任何数据。",
    "11. 考核期：结束日期不能早于开始日期；时序口径留空为按日。已有考核期只更新名称、日期和时序口径，"
    "认定规则和奖惩规则不变。",
    "12. 目标：每行是一个指标。档次和单位编码填且只填一个：填档次即对该档所有单位下达，填单位编码即对该单位单独下达"
    "（替代其档次的同名指标组）；单位可以是本文件“单位”表中的新单位。",
    "13. 同一考核期、同一档次或单位、同名指标组的几行是该组的几个备选指标（“或”：完成其一即可），最多 4 行，"
    "权重须一致。导入时文件中出现的指标组整组替换为文件中的指标，文件中没有的指标组不变。",
    "14. 项目个数、金额合计、利用外资须填阶段；到位资金按考核期内的到账计，阶段须留空。"
    "金额口径留空时，阶段为签约的取协议引资额，其余取计划总投资。",
    "15. “单位”表已列出系统中的单位（编码、名称、上级、类别、档次），供填写引进单位、责任单位时查对；"
    "原样保留或删除这些行都不会改变单位，修改其中的名称、上级、类别或档次将更新该单位。",
    "16. 项目表“联系人”至“停滞或终止日期”各列可整列删除（旧版文件没有这些列）：没有的列，已有项目的该项保持不变。"
    "是否类各列填“是”或“否”，留空为否；项目保姆、工作专班可填多人，用顿号“、”分隔，按原样保存。",
    "17. “评分方案”“评分细则”两张表是考核期的评分细则（示例为某县产业专班的考核办法），在考核期的“评分细则”页面导入，"
    "此处导入时忽略；各列含义和计分公式见使用手册“评分细则”一节。",
)


def _quoted_list(values) -> str:
    return '"' + ",".join(values) + '"'


def _data_sheet(workbook: Workbook, title: str, columns, rows=()) -> None:
    sheet = workbook.create_sheet(title)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if column.note:
            cell.comment = Comment(column.note, "招商系统", width=260, height=90)
        cell_range = f"{letter}2:{letter}{VALIDATED_ROWS}"
        if column.header in c.CHOICE_LISTS:
            validation = DataValidation(
                type="list",
                formula1=_quoted_list(c.CHOICE_LISTS[column.header]),
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle=column.header,
                error="请从下拉列表中选择。",
            )
            validation.add(cell_range)
            sheet.add_data_validation(validation)
        if column.date or column.money:
            number_format = DATE_FORMAT if column.date else MONEY_FORMAT
            for row in range(2, 202):  # a format for the first rows; Excel extends it as users type
                sheet.cell(row=row, column=index).number_format = number_format
    for values in rows:
        sheet.append(safe_row(sheet, values))
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 30


def _notes_sheet(workbook: Workbook) -> None:
    sheet = workbook.create_sheet(c.NOTES_SHEET)
    for letter, width in zip("ABCD", (12, 20, 8, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)
    sheet.append(["导入说明"])
    sheet["A1"].font = Font(bold=True, size=14)
    for rule in RULES:
        sheet.append([rule])
    sheet.append([])
    sheet.append(["工作表", "列", "必填", "说明"])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for title, columns in c.SHEET_COLUMNS.items():
        for column in columns:
            sheet.append([title, column.header, "是" if column.required else "", column.note])
            sheet.cell(row=sheet.max_row, column=4).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.append([])
    sheet.append(["行业代码", "门类名称"])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for name, code in INDUSTRY_XLSX.items():
        sheet.append([code, name])


def build_template(units=None) -> bytes:
    """The blank template as .xlsx bytes; ``units`` (optional) fill the 单位 sheet as the codes to use."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, columns in c.SHEET_COLUMNS.items():
        rows = unit_rows(units) if title == c.UNIT_SHEET and units is not None else ()
        _data_sheet(workbook, title, columns, rows)
    _notes_sheet(workbook)
    add_scheme_sheets(workbook, EXAMPLE_SETTINGS, EXAMPLE_ITEMS)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
