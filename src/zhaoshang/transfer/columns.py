"""The Excel file format shared by the template, the importer and the exporter.

Sheet names, column headers and the labels inside cells are a file format exchanged with units'
spreadsheets, so they are Chinese literals and are never translated.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhaoshang.organization.choices import CATEGORY_XLSX, TIER_XLSX
from zhaoshang.projects.choices import (
    CAPITAL_XLSX,
    CURRENCY_XLSX,
    EVENT_LEVEL_XLSX,
    INDUSTRY_XLSX,
    KIND_XLSX,
    OWNERSHIP_XLSX,
    STAGE_XLSX,
    STATUS_XLSX,
    YES_NO_XLSX,
    Stage,
)
from zhaoshang.targets.choices import AMOUNT_FIELD_XLSX, SCHEDULE_XLSX
from zhaoshang.targets.choices import KIND_XLSX as INDICATOR_KIND_XLSX

UNIT_SHEET = "单位"
PROJECT_SHEET = "项目"
RECEIPT_SHEET = "到位资金"
PERIOD_SHEET = "考核期"
TARGET_SHEET = "目标"
COUNTY_TARGET_SHEET = "上级下达任务"  # the county's own targets handed down from above (optional)
NOTES_SHEET = "说明"  # the template's explanations; ignored on import
# The register of persons, written by the export for reference (names to use in 引进人 and the other person
# columns); ignored on import: persons are kept on their own pages.
PERSON_SHEET = "人员"
PERSON_COLUMNS_HEADERS = ("姓名", "单位编码", "单位名称", "职务", "级别", "在职")
# A period's scoring scheme (scheme_xlsx): imported on the scheme page, ignored by the ledger import.
SCHEME_SHEETS = ("评分方案", "评分细则")
CONSEQUENCE_SHEET = "奖惩规则"  # the scheme's consequences, beside the two above
LEDGER_SHEETS = (UNIT_SHEET, PROJECT_SHEET, RECEIPT_SHEET)
DATA_SHEETS = (*LEDGER_SHEETS, PERIOD_SHEET, TARGET_SHEET, COUNTY_TARGET_SHEET)

CHANGE_REASON = "Excel导入"
STALLED_REASON = "导入"  # the status reason given when the file marks a project 停滞/终止 without one


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 14
    required: bool = False
    date: bool = False
    money: bool = False
    note: str = ""
    # A column added after files were first exchanged: a file without it is still read, and then the field
    # it carries is left as it is (a new project gets the field's default).
    optional: bool = False


# Unit sheet -------------------------------------------------------------------------------------
U_CODE, U_NAME, U_PARENT, U_CATEGORY, U_TIER = "单位编码", "单位名称", "上级单位编码", "类别", "档次"

UNIT_COLUMNS = (
    Column(U_CODE, 14, required=True, note="唯一编码，如 T01；已存在的编码将更新该单位"),
    Column(U_NAME, 24, required=True),
    Column(U_PARENT, 14, note="可填本表中的单位或系统中已有单位的编码；留空表示无上级"),
    Column(U_CATEGORY, 14, required=True, note="、".join(CATEGORY_XLSX)),
    Column(U_TIER, 10, note="、".join(TIER_XLSX) + "，或留空"),
)

# Project sheet ----------------------------------------------------------------------------------
P_CODE, P_NAME, P_INVESTOR, P_ORIGIN = "项目编码", "项目名称", "投资方", "投资方来源地"
P_CAPITAL, P_INDUSTRY, P_KIND = "内外资", "行业", "项目类型"
P_PLANNED, P_CONTRACT, P_REGISTERED, P_LAND = "计划总投资(万元)", "协议引资额(万元)", "注册资本(万元)", "用地(亩)"
P_CREDITS, P_STAGE = "引进单位", "当前阶段"
P_LEADER, P_RESPONSIBLE, P_REMARKS = "包抓县领导", "责任单位编码", "备注"
P_FUNDS_TOTAL = "累计到位资金(万元)"  # written by the export only; ignored on import
# Every other field of the project form (issue 12), headed with the form's labels.
P_CONTACT, P_PHONE, P_CURRENCY, P_RATE = "联系人", "联系电话", "币种", "对人民币汇率"
P_FOREIGN, P_CHAIN, P_HIGH_TECH = "外资金额(万，原币种)", "产业链环节", "高新技术"
P_GOVERNMENT, P_RELOCATION, P_SECOND_PHASE = "政府投资项目", "县域内搬迁项目", "已有项目二期"
P_LOCATION, P_INTRODUCER, P_STEWARDS, P_TEAM = "落地地点", "引进人", "项目保姆", "工作专班"
P_STATUS_REASON, P_STATUS_DATE = "停滞或终止原因", "停滞或终止日期"
NAMES_NOTE = "姓名，多人用顿号“、”分隔，如 张三、李四；按原样保存"
YES_NO_NOTE = "、".join(YES_NO_XLSX) + "；留空为否"
# The optional project columns that carry one model field each, as they are: header → Project field.
PROJECT_FIELD_HEADERS = {
    P_CONTACT: "contact_person",
    P_PHONE: "contact_phone",
    P_CURRENCY: "currency",
    P_RATE: "exchange_rate",
    P_FOREIGN: "foreign_investment",
    P_CHAIN: "industry_chain",
    P_HIGH_TECH: "high_tech",
    P_GOVERNMENT: "government_funded",
    P_RELOCATION: "local_relocation",
    P_SECOND_PHASE: "second_phase",
    P_LOCATION: "location",
    P_INTRODUCER: "introducer",
    P_STEWARDS: "stewards",
    P_TEAM: "work_team",
}

# The columns added for the conditions of a county's scoring scheme (issue 13), after the status columns: header →
# Project field, read like PROJECT_FIELD_HEADERS.
P_OWNERSHIP, P_REGISTERED_ON, P_LAND_PAID_ON = "所有制", "企业注册日期", "土地出让金缴纳日期"
P_EVENT, P_EVENT_LEVEL = "签约活动", "签约活动级别"
P_DIVISION = "行业大类"
SIGNING_FIELD_HEADERS = {
    P_OWNERSHIP: "ownership",
    P_EVENT: "signing_event",
    P_EVENT_LEVEL: "signing_event_level",
    P_REGISTERED_ON: "company_registered_on",
    P_LAND_PAID_ON: "land_paid_on",
    # GB/T 4754 大类 (appended last: older files without it still import).
    P_DIVISION: "industry_division",
}
# 项目进展情况 and its as-of date (issue 15), appended after 行业大类: older files without them still import.
P_PROGRESS, P_PROGRESS_ON = "项目进展情况", "进展情况截至日期"
PROGRESS_FIELD_HEADERS = {P_PROGRESS: "progress_note", P_PROGRESS_ON: "progress_note_on"}
# The investor's 统一社会信用代码 (issue 17), appended last: older files without it still import.
P_CREDIT_CODE = "统一社会信用代码"
# Every optional column that carries one project field as it is.
FIELD_HEADERS = {**PROJECT_FIELD_HEADERS, **SIGNING_FIELD_HEADERS, **PROGRESS_FIELD_HEADERS}

# The stage-date columns, in pipeline order. Lead (线索) has no column: a lead event is left as it is.
STAGE_DATE_HEADERS = {
    Stage.NEGOTIATING: "洽谈日期",
    Stage.INTENTION: "意向日期",
    Stage.SIGNED: "签约日期",
    Stage.STARTED: "开工日期",
    Stage.PRODUCING: "投产日期",
}
FILE_STAGES = tuple(STAGE_DATE_HEADERS)
# 当前阶段 values: the pipeline stages that have a date column, then the two statuses.
STAGE_LABELS = {label: stage for label, stage in STAGE_XLSX.items() if stage in STAGE_DATE_HEADERS}
STAGE_LABEL = {stage: label for label, stage in STAGE_LABELS.items()}
CURRENT_STAGE_VALUES = (*STAGE_LABELS, *STATUS_XLSX)

PROJECT_COLUMNS = (
    Column(P_CODE, 14, required=True, note="唯一编码；已存在的编码将更新该项目"),
    Column(P_NAME, 30, required=True),
    Column(P_INVESTOR, 24, note="客商企业名称"),
    Column(P_ORIGIN, 14, note="客商来源地区或国家"),
    Column(P_CAPITAL, 8, required=True, note="、".join(CAPITAL_XLSX)),
    Column(P_INDUSTRY, 18, note="国民经济行业分类门类：字母 A–T 或门类名称，如 C 或 制造业"),
    Column(P_KIND, 10, required=True, note="、".join(KIND_XLSX)),
    Column(P_PLANNED, 14, money=True, note="数字，单位万元，不能为负数；留空为 0"),
    Column(P_CONTRACT, 14, money=True, note="数字，单位万元；有签约日期时记为签约金额"),
    Column(P_REGISTERED, 14, money=True, note="数字，单位万元，可留空"),
    Column(P_LAND, 10, money=True, note="数字，单位亩，可留空"),
    Column(
        P_CREDITS, 18, required=True, note="单位编码；多个单位写成 T01:60;T02:40（份额合计 100），只填一个编码即 100%"
    ),
    Column(
        P_STAGE,
        10,
        note="、".join(CURRENT_STAGE_VALUES) + "；须与阶段日期一致（填了日期的最后一个阶段），留空则按日期确定",
    ),
    *(Column(header, 12, date=True, note="日期，如 2025-03-18") for header in STAGE_DATE_HEADERS.values()),
    Column(P_LEADER, 12),
    Column(P_RESPONSIBLE, 14, note="单位编码，可留空"),
    Column(P_REMARKS, 30),
    Column(P_CONTACT, 10, optional=True, note="客商方联系人"),
    Column(P_PHONE, 14, optional=True),
    Column(P_CURRENCY, 8, optional=True, note="、".join(CURRENCY_XLSX) + "；留空为人民币"),
    Column(P_RATE, 10, optional=True, note="每单位外币折合人民币元数，大于 0；外资且币种不是人民币时必填"),
    Column(P_FOREIGN, 14, money=True, optional=True, note="数字，单位为万（原币种），可留空"),
    Column(P_CHAIN, 14, optional=True),
    Column(P_HIGH_TECH, 8, optional=True, note=YES_NO_NOTE),
    Column(P_GOVERNMENT, 8, optional=True, note=YES_NO_NOTE + "；认定规则可排除"),
    Column(P_RELOCATION, 8, optional=True, note=YES_NO_NOTE + "；认定规则可排除"),
    Column(P_SECOND_PHASE, 8, optional=True, note=YES_NO_NOTE + "；认定规则可排除"),
    Column(P_LOCATION, 18, optional=True),
    Column(P_INTRODUCER, 10, optional=True, note="引进项目的个人"),
    Column(P_STEWARDS, 14, optional=True, note=NAMES_NOTE),
    Column(P_TEAM, 18, optional=True, note=NAMES_NOTE),
    Column(
        P_STATUS_REASON,
        24,
        optional=True,
        note="当前阶段为停滞或终止时填写；留空则保留原因（新标记的记为“" + STALLED_REASON + "”）；其他阶段须留空",
    ),
    Column(
        P_STATUS_DATE,
        12,
        date=True,
        optional=True,
        note="日期，如 2025-03-18；当前阶段为停滞或终止时填写，"
        "留空则保留原日期（新标记的记为导入当天）；其他阶段须留空",
    ),
    Column(P_OWNERSHIP, 8, optional=True, note="、".join(OWNERSHIP_XLSX) + "，或留空"),
    Column(P_EVENT, 24, optional=True, note="签约所在招商活动的名称，如 2025年市招商推介会；可留空"),
    Column(P_EVENT_LEVEL, 10, optional=True, note="、".join(EVENT_LEVEL_XLSX) + "，或留空"),
    Column(P_REGISTERED_ON, 12, date=True, optional=True, note="日期，如 2025-03-18；可留空"),
    Column(P_LAND_PAID_ON, 12, date=True, optional=True, note="日期，如 2025-03-18；可留空"),
    Column(P_DIVISION, 8, optional=True, note="行业大类：两位数字，须属于所填门类（如 C 填 13–43）；可留空"),
    Column(P_PROGRESS, 40, optional=True, note="项目最新进展的文字说明，至多 2000 字；可留空"),
    Column(P_PROGRESS_ON, 12, date=True, optional=True, note="进展情况所述的截至日期，如 2025-06-30；可留空"),
    Column(
        P_CREDIT_CODE,
        20,
        optional=True,
        note="投资方的18位统一社会信用代码，可留空；系统中已有此代码的客商将直接沿用（不论投资方名称如何填写）",
    ),
)

# Funds-in-place sheet ---------------------------------------------------------------------------
R_PROJECT, R_DATE, R_AMOUNT, R_SOURCE, R_VOUCHER = "项目编码", "到账日期", "金额(万元)", "资金来源", "凭证号"
R_NOTE = "备注"
R_CURRENCY, R_ORIGINAL, R_RATE = "币种", "原币金额", "汇率(元/单位外币)"
R_OPENING = "期初结转"

RECEIPT_COLUMNS = (
    Column(R_PROJECT, 14, required=True, note="本文件项目表中或系统中已有项目的编码"),
    Column(R_DATE, 12, required=True, date=True, note="日期，如 2025-03-18"),
    Column(
        R_AMOUNT,
        14,
        required=True,
        money=True,
        note="数字，单位万元，大于 0；外币到账填了原币金额和汇率时可留空，按 原币金额×汇率÷10000 计算",
    ),
    Column(R_SOURCE, 20),
    Column(R_VOUCHER, 18, note="项目、日期、金额、凭证号都相同的记录不会重复导入"),
    Column(R_NOTE, 24, optional=True, note="记入新导入的到位资金；已导入的记录不会因此改变"),
    Column(R_CURRENCY, 8, optional=True, note="、".join(CURRENCY_XLSX) + "；留空为人民币"),
    Column(R_ORIGINAL, 16, money=True, optional=True, note="外币到账的原币金额（元，非万元），大于 0；人民币留空"),
    Column(R_RATE, 12, optional=True, note="每单位外币折合人民币元数，大于 0；填了原币金额的外币到账必填"),
    Column(
        R_OPENING,
        8,
        optional=True,
        note="是：截至到账日期的累计到位资金（期初结转），计入项目累计，不计入任何时段；留空为否",
    ),
)

# Assessment-period sheet ------------------------------------------------------------------------
A_CODE, A_NAME, A_START, A_END, A_SCHEDULE = "考核期编码", "名称", "开始日期", "结束日期", "时序口径"

PERIOD_COLUMNS = (
    Column(
        A_CODE, 14, required=True, note="唯一编码，如 2026 或 BR2026；已存在的编码将更新该考核期的名称、日期和时序口径"
    ),
    Column(A_NAME, 30, required=True),
    Column(A_START, 12, required=True, date=True, note="日期，如 2026-01-01"),
    Column(A_END, 12, required=True, date=True, note="日期，不早于开始日期"),
    Column(A_SCHEDULE, 10, note="时序进度的算法：" + "、".join(SCHEDULE_XLSX) + "；留空为按日"),
)

# Target sheet -----------------------------------------------------------------------------------
G_PERIOD, G_TIER, G_UNIT, G_GROUP = "考核期编码", "档次", "单位编码", "指标组"
G_KIND, G_STAGE, G_AMOUNT_FIELD = "指标类型", "阶段", "金额口径"
G_MIN, G_TARGET, G_WEIGHT = "起点金额(万元)", "目标值", "权重"
MAX_ALTERNATIVES = 4  # indicators per group, as on the targets page

TARGET_COLUMNS = (
    Column(G_PERIOD, 14, required=True, note="本文件“考核期”表中或系统中已有考核期的编码"),
    Column(G_TIER, 8, note="、".join(TIER_XLSX) + "：按档次下达的目标；与单位编码二者填且只填一个"),
    Column(
        G_UNIT, 12, note="单位编码：对该单位单独下达的目标，替代其档次的同名指标组；与档次填且只填一个；辖区不设目标"
    ),
    Column(
        G_GROUP,
        12,
        required=True,
        note="指标组名称，如 签约、开工、到位资金；"
        "同一考核期、同一档次或单位、同名的几行是同一指标组的几个备选指标，完成其一即可",
    ),
    Column(G_KIND, 10, required=True, note="、".join(INDICATOR_KIND_XLSX)),
    Column(
        G_STAGE,
        8,
        note="、".join(STAGE_XLSX) + "：项目须在考核期内达到的阶段；项目个数、金额合计、利用外资必填，到位资金须留空",
    ),
    Column(
        G_AMOUNT_FIELD,
        12,
        note="、".join(AMOUNT_FIELD_XLSX)
        + "：与起点金额比较、金额合计所加的金额；留空时阶段为签约的取协议引资额，其余取计划总投资",
    ),
    Column(G_MIN, 12, money=True, note="数字，单位万元，不能为负数；项目金额达到此数（含本数）才计入；留空为 0"),
    Column(G_TARGET, 10, required=True, note="大于 0 的数字：项目个数为个数（整数），利用外资为万美元，其余为万元"),
    Column(G_WEIGHT, 8, note="大于 0 的数字，留空为 1；同一指标组各行的权重须一致，可只在一行填写"),
)

# County-target sheet (上级下达任务) ------------------------------------------------------------------
# The indicator columns as the 目标 sheet writes them; a period named here has its county targets replaced by
# the sheet's rows (those the sheet does not list are removed).
K_DOCUMENT, K_NUMBER, K_ISSUED_BY = "下达文件", "文号", "下达机关"

COUNTY_TARGET_COLUMNS = (
    Column(
        G_PERIOD,
        14,
        required=True,
        note="本文件“考核期”表中或系统中已有考核期的编码；表中出现的考核期，其上级下达任务以本表为准，表中未列的将删除",
    ),
    Column(G_KIND, 10, required=True, note="、".join(INDICATOR_KIND_XLSX)),
    Column(G_STAGE, 8, note="、".join(STAGE_XLSX) + "：与“目标”表相同；到位资金须留空"),
    Column(G_AMOUNT_FIELD, 12, note="、".join(AMOUNT_FIELD_XLSX) + "：与“目标”表相同"),
    Column(G_MIN, 12, money=True, note="数字，单位万元，不能为负数；留空为 0"),
    Column(G_TARGET, 10, required=True, money=True, note="上级下达给本县的目标值，不能为负数"),
    Column(K_DOCUMENT, 30, note="下达任务的文件名称"),
    Column(K_NUMBER, 16, note="文件的文号"),
    Column(K_ISSUED_BY, 16, note="下达任务的机关"),
)

SHEET_COLUMNS = {
    UNIT_SHEET: UNIT_COLUMNS,
    PROJECT_SHEET: PROJECT_COLUMNS,
    RECEIPT_SHEET: RECEIPT_COLUMNS,
    PERIOD_SHEET: PERIOD_COLUMNS,
    TARGET_SHEET: TARGET_COLUMNS,
    COUNTY_TARGET_SHEET: COUNTY_TARGET_COLUMNS,
}
# Columns a sheet may carry that the importer reads past (the export's running total).
IGNORED_HEADERS = {PROJECT_SHEET: {P_FUNDS_TOTAL}}

# Lists offered as drop-downs in the template.
CHOICE_LISTS = {
    U_CATEGORY: tuple(CATEGORY_XLSX),
    U_TIER: tuple(TIER_XLSX),
    P_CAPITAL: tuple(CAPITAL_XLSX),
    P_KIND: tuple(KIND_XLSX),
    P_STAGE: CURRENT_STAGE_VALUES,
    P_INDUSTRY: tuple(INDUSTRY_XLSX),
    P_CURRENCY: tuple(CURRENCY_XLSX),
    P_HIGH_TECH: tuple(YES_NO_XLSX),
    P_GOVERNMENT: tuple(YES_NO_XLSX),
    P_RELOCATION: tuple(YES_NO_XLSX),
    P_SECOND_PHASE: tuple(YES_NO_XLSX),
    P_OWNERSHIP: tuple(OWNERSHIP_XLSX),
    P_EVENT_LEVEL: tuple(EVENT_LEVEL_XLSX),
    R_OPENING: tuple(YES_NO_XLSX),
    A_SCHEDULE: tuple(SCHEDULE_XLSX),
    G_KIND: tuple(INDICATOR_KIND_XLSX),
    G_STAGE: tuple(STAGE_XLSX),
    G_AMOUNT_FIELD: tuple(AMOUNT_FIELD_XLSX),
}


def normalise_header(value) -> str:
    """Headers are matched after trimming spaces and folding full-width brackets to ASCII ones."""
    if value is None:
        return ""
    return str(value).strip().replace("（", "(").replace("）", ")").replace(" ", "")
