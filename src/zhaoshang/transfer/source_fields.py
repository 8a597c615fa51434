"""The fields a county's own ledger sheet can fill, and the headers counties write for them (issue 15).

A county's sheet (重点项目推进情况调度表, 招商引资项目台账…) is read through a mapping: each of its columns is mapped
to one of these fields, or ignored. The synonyms propose the mapping; the bureau confirms or changes it on the
mapping screen, and the confirmed mapping is saved per source and reused.

Headers, like the template's, are a file format exchanged with units: Chinese literals, never translated. The
labels shown on the mapping screen are translated.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Kinds of value a field holds; the reader parses each kind (transfer.parsing).
TEXT, MONEY, AREA, DATE, CHOICE, FLAG, UNITS, PERSONS = (
    "text",
    "money",
    "area",
    "date",
    "choice",
    "flag",
    "units",
    "persons",
)


@dataclass(frozen=True)
class SourceField:
    key: str
    label: object  # a lazy translation: shown on the mapping screen
    kind: str
    synonyms: tuple[str, ...]
    # The template's project column the field fills (transfer.columns), or "" for fields the template does not
    # have as such (the cumulative funds become an opening balance, the status word a stage).
    template_header: str = ""


# Order: as a ledger sheet usually runs. A synonym is matched after columns.normalise_header and after dropping a
# unit in brackets ("总投资(亿元)" → "总投资", scale 亿元). The first field whose synonyms hold the header wins.
SOURCE_FIELDS = (
    SourceField("code", _("Project code"), TEXT, ("项目编码", "项目编号", "编号", "项目代码"), "项目编码"),
    SourceField("name", _("Project name"), TEXT, ("项目名称", "项目", "名称", "项目全称"), "项目名称"),
    SourceField(
        "investor",
        _("Investor"),
        TEXT,
        (
            "投资主体",
            "投资方",
            "客商",
            "投资企业",
            "投资单位",
            "投资商",
            "客商名称",
            "投资主体名称",
            "建设单位",
            "项目单位",
            "项目业主",
            "业主单位",
        ),
        "投资方",
    ),
    SourceField(
        "origin",
        _("Investor's origin"),
        TEXT,
        ("客商来源地", "投资方来源地", "来源地", "客商来源", "投资方所在地"),
        "投资方来源地",
    ),
    SourceField(
        "credit_code",
        _("Investor's unified social credit code"),
        TEXT,
        ("统一社会信用代码", "社会信用代码", "信用代码", "企业信用代码", "统一代码", "投资方统一社会信用代码"),
        "统一社会信用代码",
    ),
    SourceField("capital_type", _("Domestic or foreign"), CHOICE, ("内外资", "资金性质", "内资/外资"), "内外资"),
    SourceField(
        "industry", _("Industry"), CHOICE, ("行业", "所属行业", "行业类别", "产业类别", "行业分类", "产业"), "行业"
    ),
    SourceField("division", _("Industry division (GB/T 4754)"), TEXT, ("行业大类", "行业代码"), "行业大类"),
    SourceField("kind", _("Project type"), CHOICE, ("项目类型", "项目类别", "建设性质"), "项目类型"),
    SourceField(
        "planned",
        _("Planned investment"),
        MONEY,
        ("计划总投资", "总投资", "项目总投资", "投资总额", "计划投资", "总投资额"),
        "计划总投资(万元)",
    ),
    SourceField(
        "contract",
        _("Contract amount"),
        MONEY,
        ("协议引资额", "签约金额", "合同金额", "协议投资额", "合同引资额", "签约额"),
        "协议引资额(万元)",
    ),
    SourceField("registered", _("Registered capital"), MONEY, ("注册资本",), "注册资本(万元)"),
    SourceField("land", _("Land (mu)"), AREA, ("用地", "用地面积", "占地面积", "用地(亩)", "占地"), "用地(亩)"),
    SourceField(
        "credits",
        _("Introducing unit"),
        UNITS,
        ("引进单位", "招引单位", "招商单位", "签约单位", "引资单位"),
        "引进单位",
    ),
    SourceField(
        "responsible",
        _("Responsible unit"),
        UNITS,
        (
            "责任单位",
            "承办单位",
            "牵头单位",
            "所在镇区",
            "属地",
            "所属单位",
            "乡镇",
            "镇(街道)",
            "单位",
            "责任部门",
            "牵头协调部门",
        ),
        "责任单位编码",
    ),
    SourceField(
        "stage",
        _("Status word (stage)"),
        CHOICE,
        ("当前阶段", "项目状态", "推进阶段", "项目阶段", "建设状态", "进展阶段", "状态", "建设阶段"),
        "当前阶段",
    ),
    SourceField("negotiating_on", _("Negotiation date"), DATE, ("洽谈日期", "洽谈时间"), "洽谈日期"),
    SourceField("intention_on", _("Intention date"), DATE, ("意向日期", "意向时间"), "意向日期"),
    SourceField("signed_on", _("Signing date"), DATE, ("签约日期", "签约时间", "签订时间", "签约年月"), "签约日期"),
    SourceField("started_on", _("Start date"), DATE, ("开工日期", "开工时间", "开工年月", "计划开工时间"), "开工日期"),
    SourceField(
        "producing_on", _("Production date"), DATE, ("投产日期", "投产时间", "竣工投产时间", "投产年月"), "投产日期"
    ),
    SourceField(
        "funds_cumulative",
        _("Funds in place, cumulative (opening balance)"),
        MONEY,
        ("累计到位资金", "累计到位", "到位资金", "实际到位资金", "累计到位资金额"),
    ),
    SourceField(
        "progress",
        _("Progress note"),
        TEXT,
        ("项目进展情况", "进展情况", "推进情况", "项目进展", "目前进展", "进展", "工作进展", "形象进度"),
    ),
    SourceField(
        "county_leader",
        _("County leader in charge"),
        PERSONS,
        (
            "包抓领导",
            "包抓县领导",
            "包联领导",
            "联系县领导",
            "包抓县级领导",
            "县级包抓领导",
            "包保领导",
            "挂包领导",
            "牵头县领导",
            "牵头区领导",
        ),
        "包抓县领导",
    ),
    SourceField("introducer", _("Introducer"), PERSONS, ("引进人", "招引人", "引荐人", "信息提供人"), "引进人"),
    SourceField("contact", _("Contact person"), TEXT, ("联系人", "企业联系人"), "联系人"),
    SourceField("phone", _("Contact phone"), TEXT, ("联系电话", "电话", "联系方式"), "联系电话"),
    SourceField("location", _("Location"), TEXT, ("落地地点", "建设地点", "项目地点", "选址", "项目选址"), "落地地点"),
    SourceField("high_tech", _("High-tech"), FLAG, ("高新技术", "是否高新技术"), "高新技术"),
    SourceField("remarks", _("Remarks"), TEXT, ("备注", "说明"), "备注"),
)
FIELDS = {field.key: field for field in SOURCE_FIELDS}

# Columns that only number or label rows: recognised, never mapped, never an error.
ROW_NUMBER_HEADERS = ("序号", "编号序号", "排序")
# First cells of rows that are not projects: totals, and notes under the table.
TOTAL_WORDS = ("合计", "小计", "总计", "累计", "全县合计")
NOTE_PREFIXES = ("说明", "注：", "注:", "备注：", "备注:", "填报说明", "制表", "审核", "填表人", "填报人")
# A row is identified by its code when the sheet has one, otherwise by the project's name.
IDENTIFYING_FIELDS = ("code", "name")
