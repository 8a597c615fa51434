"""The bulletin's text and tables, from its snapshot, for the .docx and the page alike.

Document text is Chinese (it is a Chinese government document); amounts in 万元 with two decimals,
completions as percentages with one decimal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from zhaoshang.assessment.engine import POINTS_TIE_RULE, TIE_RULE
from zhaoshang.assessment.xlsx import CATEGORY_LABEL, FLAG_LABEL, STAGE_LABEL, TIER_LABEL, plain_amount

from .compute import CATEGORY_ORDER, month_end

TABLE_CATEGORIES = ("township", "department", "vertical", "park", "office")
CHINESE_NUMBERS = "一二三四五六七八九十"
STALLED_SHOWN = 20  # the document lists the longest-stalled projects; the annex lists them all
FLAG_SECTIONS = (
    ("criticised", "通报批评"),
    ("accountability", "责任追究"),
    ("referred", "提请上级主管部门处置"),
    ("yellow_card", "黄牌警告"),
    ("half_time_warning", "时间过半任务未过半"),
    ("zero_achievement", "无实绩"),
    ("vetoed", "一票否决"),
    ("commended", "通报表彰"),
)
# Flags of a scheme's own consequences (``targets.consequences``), printed only when a unit has them.
OPTIONAL_FLAG_SECTIONS = (("promoted", "直接晋档"), ("barred", "取消评优资格"))
RANKING_NOTE = f"各单位按类别排名如下（{TIE_RULE.rstrip('。')}）。"
POINTS_RANKING_NOTE = f"各单位按评分细则计分，在各排名分组内按得分排名如下（{POINTS_TIE_RULE.rstrip('。')}）。"
FLAG_SHORT = {**FLAG_LABEL, "half_time_warning": "任务未过半"}


# --- numbers ----------------------------------------------------------------------------------------


def prose_amount(value) -> str:
    """An amount in 万元 as an official writer puts it in a sentence (issue 12): 亿元 from one hundred million
    (750670.00 → "75.07亿元"), 万元 below with no trailing zeros (1500.00 → "1500万元", 12.50 → "12.5万元"), and
    "0元" rather than "0.00万元"."""
    value = Decimal(value)
    if value == 0:
        return "0元"
    if abs(value) >= 10000:
        return f"{(value / 10000).quantize(Decimal('0.01'))}亿元"
    return f"{plain_amount(value.quantize(Decimal('0.01')))}万元"


def money(value) -> str:
    """Amounts in 万元 with two decimals: 1234.5 → "1234.50"."""
    return f"{Decimal(value):.2f}"


def percent(ratio) -> str:
    """A ratio as a percentage with one decimal: 0.8567 → "85.7%"; None → "—"."""
    if ratio is None:
        return "—"
    return f"{Decimal(ratio) * 100:.1f}%"


def count(value) -> str:
    return plain_amount(Decimal(value).quantize(Decimal("0.01")))


def chinese_date(day: dt.date | str) -> str:
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return f"{day.year}年{day.month}月{day.day}日"


def figure_value(figure: dict, key: str) -> str:
    value = figure[key]
    return prose_amount(value) if figure["unit"] == "万元" else f"{count(value)}个"


def change_text(figure: dict, change: dict, against: str) -> str:
    """e.g. "较上月增加2个、增长50.0%" / "同比减少120.00万元、下降12.5%"."""
    delta = Decimal(change["abs"])
    unit = figure["unit"]
    amount = prose_amount(abs(delta)) if unit == "万元" else f"{count(abs(delta))}个"
    if delta == 0:
        return f"{against}持平"
    verb = "增加" if delta > 0 else "减少"
    text = f"{against}{verb}{amount}"
    if change["pct"] is not None:
        pct = Decimal(change["pct"])
        text += f"、{'增长' if pct > 0 else '下降'}{abs(pct) * 100:.1f}%"
    return text


# --- the opening paragraph and the overall table ----------------------------------------------------


def month_label(snapshot: dict) -> str:
    month = dt.date.fromisoformat(snapshot["month"])
    return f"{month.year}年{month.month}月"


def cumulative_label(snapshot: dict) -> str:
    start, end = (dt.date.fromisoformat(d) for d in snapshot["overall"]["windows"]["cumulative"])
    if start.year == end.year and start.day == 1:
        if start.month == end.month:
            return f"{end.year}年{end.month}月"
        return f"{end.year}年{start.month}—{end.month}月"
    return f"{chinese_date(start)}至{chinese_date(end)}"


def partial_month(snapshot: dict) -> tuple[dt.date, dt.date] | None:
    """The month's dates when the bulletin's figures stop before the month ends (its comparisons are then cut to
    the same days of the earlier months, and every sentence and header must say so); None for a whole month."""
    start, end = (dt.date.fromisoformat(d) for d in snapshot["overall"]["windows"]["month"])
    return None if end >= month_end(start) else (start, end)


def month_phrase(snapshot: dict) -> str:
    """ "2026年11月", or "2026年12月1日至5日" when the figures stop before the month ends."""
    partial = partial_month(snapshot)
    if partial is None:
        return month_label(snapshot)
    start, end = partial
    return f"{start.year}年{start.month}月{start.day}日至{end.day}日"


def opening_paragraph(snapshot: dict) -> str:
    figures = {f["key"]: f for f in snapshot["overall"]["figures"]}
    # A month cut short is compared with the same days of the month before and of last year: say so.
    previous, last_year = ("较上月", "同比") if partial_month(snapshot) is None else ("较上月同期", "较去年同期")
    parts = []
    for key, lead in (
        ("signed_count", "全县新签约项目"),
        ("signed_amount", "协议引资额"),
        ("started_count", "新开工项目"),
        ("funds", "实际到位资金"),
    ):
        figure = figures[key]
        parts.append(
            f"{lead}{figure_value(figure, 'month')}，"
            f"{change_text(figure, figure['month_vs_previous'], previous)}，"
            f"{change_text(figure, figure['month_vs_last_year'], last_year)}"
        )
    cumulative = []
    for key, label in (("signed_count", "签约项目"), ("signed_amount", "协议引资额"), ("funds", "实际到位资金")):
        figure = figures[key]
        versus = change_text(figure, figure["cumulative_vs_last_year"], "同比")
        cumulative.append(f"{label}{figure_value(figure, 'cumulative')}（{versus}）")
    return (
        f"现将{month_label(snapshot)}全县招商引资工作进展情况通报如下。{month_phrase(snapshot)}，"
        + "；".join(parts)
        + f"。{cumulative_label(snapshot)}累计{'，'.join(cumulative)}。"
    )


def county_paragraph(snapshot: dict) -> str:
    """Section 一's sentence on the targets from above, e.g. "全县完成上级下达任务6亿元的120.0%（协议引资额7.2亿元），
    时序进度92.3%。"; empty when the period has none."""
    block = snapshot.get("county")
    if not block:
        return ""
    parts = []
    for index, figure in enumerate(block["figures"]):
        if figure["kind"] == "count":
            target, actual = f"{count(figure['target'])}个", f"{count(figure['actual'])}个"
        else:
            target, actual = prose_amount(figure["target"]), prose_amount(figure["actual"])
        done = f"完成上级下达任务{target}的{percent(figure['completion'])}"
        if index == 0:
            parts.append(f"全县{done}（{figure['name']}{actual}）")
        else:
            parts.append(f"{figure['name']}{actual}，{done}")
    return "；".join(parts) + f"，时序进度{percent(block['schedule_progress'])}。"


OVERALL_HEADERS = ["指标", "本月", "上月", "环比", "去年同月", "同比", "累计", "去年同期累计", "累计同比"]


def overall_headers(snapshot: dict) -> list[str]:
    """The overall table's headers; for a month cut short, the days compared ("本月1—5日", "上月同期")."""
    partial = partial_month(snapshot)
    if partial is None:
        return list(OVERALL_HEADERS)
    start, end = partial
    days = f"{start.day}—{end.day}日"
    return ["指标", f"本月{days}", f"上月{days}", "环比", f"去年同月{days}", "同比", "累计", "去年同期累计", "累计同比"]


def _pct_change(change: dict) -> str:
    return "—" if change["pct"] is None else f"{Decimal(change['pct']) * 100:+.1f}%"


def overall_rows(snapshot: dict) -> list[list[str]]:
    rows = []
    for figure in snapshot["overall"]["figures"]:
        show = money if figure["unit"] == "万元" else count
        rows.append(
            [
                f"{figure['label']}（{figure['unit']}）",
                show(figure["month"]),
                show(figure["previous_month"]),
                _pct_change(figure["month_vs_previous"]),
                show(figure["same_month_last_year"]),
                _pct_change(figure["month_vs_last_year"]),
                show(figure["cumulative"]),
                show(figure["cumulative_last_year"]),
                _pct_change(figure["cumulative_vs_last_year"]),
            ]
        )
    return rows


# --- the category tables ----------------------------------------------------------------------------


@dataclass
class CategoryTable:
    category: str
    label: str
    groups: list[str]
    rows: list[list[str]] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        """The flat header row: 排名, 单位, 档次, then 目标/完成/完成率 per group, then the rest."""
        cells = ["排名", "单位", "档次"]
        for name in self.groups:
            cells += [f"{name}目标", f"{name}完成", f"{name}完成率"]
        return [*cells, "综合完成率", "时序进度", "通报情况"]


def _show_amount(indicator: dict, key: str) -> str:
    kind = indicator["kind"]
    if kind == "count":
        return f"{count(indicator[key])}个"
    if kind == "foreign":
        return f"{money(indicator[key])}万美元"
    return money(indicator[key])


def group_cells(group: dict | None) -> list[str]:
    """Target, actual and completion of a group: those of its best alternative (the group's completion)."""
    if group is None or not group["indicators"]:
        return ["—", "—", "—"]
    best = max(group["indicators"], key=lambda i: Decimal(i["completion"] or "0"))
    return [_show_amount(best, "target"), _show_amount(best, "actual"), percent(group["completion"])]


# --- sections (科室) ranked among their unit's sections (issue 14) ----------------------------------------


def section_groups(snapshot: dict) -> dict[str, dict]:
    """The ranking groups of sections ("section:<unit id>") → their unit's code and name, by the unit's code."""
    found = snapshot.get("section_groups") or {}
    return dict(sorted(found.items(), key=lambda pair: (pair[1]["code"], pair[0])))


def section_label(key: str, snapshot: dict) -> str:
    """A group of sections' title: "<unit>所属科室"."""
    return f"{(snapshot.get('section_groups') or {}).get(key, {}).get('name', '')}所属科室"


def section_code(key: str) -> str:
    return "sections-" + key.rpartition(":")[2]


def _table_group(unit: dict, snapshot: dict) -> str:
    """The table a unit is in: its group of sections when ranked among its unit's sections, else its category."""
    key = unit.get("ranking_group")
    return key if key in (snapshot.get("section_groups") or {}) else unit["category"]


def category_tables(snapshot: dict) -> list[CategoryTable]:
    """One table per category that has assessed units, then one per unit whose sections are ranked
    ("<unit>所属科室"), units in rank order."""
    by_category: dict[str, list[dict]] = {}
    for unit in snapshot["assessment"]["units"]:
        by_category.setdefault(_table_group(unit, snapshot), []).append(unit)
    tables = []
    sections = [key for key in section_groups(snapshot) if key in by_category]
    for category in [*(c for c in CATEGORY_ORDER if c in by_category), *sections]:
        units = sorted(by_category[category], key=lambda u: (u.get("order") or u["rank"] or 0, u["code"]))
        groups: list[str] = []
        for unit in units:
            for group in unit["groups"]:
                if group["name"] not in groups:
                    groups.append(group["name"])
        if category in sections:
            table = CategoryTable(section_code(category), section_label(category, snapshot), groups)
        else:
            table = CategoryTable(category, CATEGORY_LABEL.get(category, category), groups)
        for unit in units:
            own = {group["name"]: group for group in unit["groups"]}
            cells = [str(unit["rank"] or ""), unit["name"], TIER_LABEL.get(unit["tier"], "—")]
            for name in groups:
                cells += group_cells(own.get(name))
            cells += [
                percent(unit["score"]),
                percent(unit["schedule_ratio"]),
                "、".join(FLAG_SHORT.get(flag, flag) for flag in unit["flags"]),
            ]
            table.rows.append(cells)
        tables.append(table)
    return tables


# --- the tables under a points scheme (issue 13) -----------------------------------------------------

ITEM_COLUMNS_MAX = 8  # more items than this: per-section subtotals instead of one column per item
SECTION_SUBTOTALS = (("base", "基础分"), ("bonus", "加分"), ("deduction", "扣分"))
UNRANKED = "未排名单位"


def is_points(snapshot: dict) -> bool:
    """The bulletin of a period scored by a points scheme (its snapshot carries the scheme)."""
    return bool(snapshot.get("scheme"))


def ranking_note(snapshot: dict) -> str:
    return POINTS_RANKING_NOTE if is_points(snapshot) else RANKING_NOTE


def group_label(key: str | None, snapshot: dict | None = None) -> str:
    """A ranking group's name: a category's, "全部单位" for one list of all, "<unit>所属科室" for a unit's
    sections, a custom group's own name."""
    if key is None:
        return UNRANKED
    if key == "all":
        return "全部单位"
    if snapshot is not None and key in (snapshot.get("section_groups") or {}):
        return section_label(key, snapshot)
    return CATEGORY_LABEL.get(key, key)


def points_text(value) -> str:
    """Points with their two decimals: "95.5" → "95.50"."""
    return f"{Decimal(value):.2f}"


@dataclass
class PointsTable:
    group: str | None  # the ranking group's key (None: the units scored but not ranked)
    label: str
    columns: list[str]  # the item (or section subtotal) columns between 单位 and 得分
    rows: list[list[str]] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return ["名次", "单位", *self.columns, "得分"]


def _group_order(keys, snapshot: dict | None = None) -> list:
    """Categories in their usual order, then the other groups by name, then the units' groups of sections by the
    unit's code, the units not ranked last."""
    keys = set(keys)
    sections = [k for k in section_groups(snapshot or {}) if k in keys]
    ordered = [c for c in CATEGORY_ORDER if c in keys]
    ordered += sorted(k for k in keys if k is not None and k not in CATEGORY_ORDER and k not in sections)
    return ordered + sections + ([None] if None in keys else [])


def points_tables(snapshot: dict) -> list[PointsTable]:
    """Under a points scheme, one table per ranking group in rank order: 名次, 单位, each item's points (or, with
    more than ``ITEM_COLUMNS_MAX`` items, the subtotals of the sections used), 得分."""
    if not is_points(snapshot):
        return []
    items = snapshot["scheme"]["items"]
    by_item = len(items) <= ITEM_COLUMNS_MAX
    if by_item:
        columns = [item["name"] for item in items]
    else:
        used = {item["section"] for item in items}
        sections = [(code, label) for code, label in SECTION_SUBTOTALS if code in used]
        columns = [label for _code, label in sections]
    by_group: dict = {}
    for unit in snapshot["assessment"]["units"]:
        if unit.get("points") is not None:
            by_group.setdefault(unit.get("ranking_group"), []).append(unit)
    tables = []
    for key in _group_order(by_group, snapshot):
        units = sorted(by_group[key], key=lambda u: (u.get("order") or 0, -Decimal(u["points"]), u["code"]))
        table = PointsTable(key, group_label(key, snapshot), columns, units=units)
        for unit in units:
            own = {item["code"]: Decimal(item["points"]) for item in unit["items"]}
            if by_item:
                cells = [points_text(own[item["code"]]) if item["code"] in own else "—" for item in items]
            else:
                cells = []
                for code, _label in sections:
                    total = sum((Decimal(i["points"]) for i in unit["items"] if i["section"] == code), Decimal(0))
                    cells.append(points_text(total))
            rank = "—" if key is None else str(unit["rank"] or "")
            table.rows.append([rank, unit["name"], *cells, points_text(unit["points"])])
        tables.append(table)
    return tables


def points_paragraph(snapshot: dict) -> str:
    """The scheme in one sentence and who leads each ranking group: "…乡镇中，城关镇以95.50分位列第一；…"."""
    if not is_points(snapshot):
        return ""
    scheme = snapshot["scheme"]
    parts = []
    for table in points_tables(snapshot):
        if table.group is None:
            continue
        first = [u for u in table.units if u["rank"] == 1]
        if not first:
            continue
        names = "、".join(u["name"] for u in first)
        tied = "并列第一" if len(first) > 1 else "位列第一"
        parts.append(f"{table.label}中，{names}以{points_text(first[0]['points'])}分{tied}")
    full = plain_amount(scheme["full_score"])
    text = f"本考核期按《{scheme['name']}》计分（满分{full}分，共{len(scheme['items'])}项）"
    return text + ("。" + "；".join(parts) + "。" if parts else "。")


# --- the lists --------------------------------------------------------------------------------------


def _names_by_category(units: list[dict], snapshot: dict | None = None) -> str:
    """ "乡镇：…；县直部门：…" — then the sections ranked among their unit's sections, "<unit>所属科室：…" (never
    among the categories)."""
    snapshot = snapshot or {}
    parts = []
    for category in CATEGORY_ORDER:
        names = [u["name"] for u in units if u["category"] == category and _table_group(u, snapshot) == category]
        if names:
            parts.append(f"{CATEGORY_LABEL.get(category, category)}：{'、'.join(names)}")
    for key in section_groups(snapshot):
        names = [u["name"] for u in units if u.get("ranking_group") == key]
        if names:
            parts.append(f"{section_label(key, snapshot)}：{'、'.join(names)}")
    return "；".join(parts)


def flag_paragraphs(snapshot: dict) -> list[str]:
    """（一）通报批评。乡镇：…；县直部门：…。 — one paragraph per flag, "无" where no unit has it."""
    lists = snapshot["lists"]["flags"]
    paragraphs = []
    notes = {
        "criticised": "落后于时序进度、在本类别综合完成率排名末位的单位",
        "accountability": "连续两次被通报批评，经组织认定属人为努力不够、行政不作为或行政乱作为的",
        "referred": "垂直部门连续两次被通报批评的，提请其上级主管部门处置",
        "yellow_card": "综合完成率低于时序进度70%",
        "half_time_warning": "时序进度过半而综合完成率未达50%",
        "zero_achievement": "考核期内无任何实绩",
        "vetoed": "实行一票否决，取消评先评优资格",
        "commended": "达到时序进度、在本类别综合完成率排名靠前的单位",
        "promoted": "超额完成任务，按考核办法直接晋档",
        "barred": "按考核办法取消评先评优资格",
    }
    if is_points(snapshot):  # ranked by points within the scheme's groups; the rules themselves are unchanged
        notes["criticised"] = "落后于时序进度、在本排名分组得分排名末位的单位"
        notes["commended"] = "达到时序进度、在本排名分组得分排名靠前的单位"
    sections = FLAG_SECTIONS + tuple((f, label) for f, label in OPTIONAL_FLAG_SECTIONS if lists.get(f))
    for index, (flag, label) in enumerate(sections):
        units = lists.get(flag, [])
        text = _names_by_category(units, snapshot) if units else "无"
        if flag == "vetoed" and units:
            text = "；".join(f"{u['name']}（{u['veto_reason'] or '一票否决'}）" for u in units)
        if flag == "accountability" and units:
            text = "；".join(
                f"{u['name']}（{u['finding_reason']}）" if u.get("finding_reason") else u["name"] for u in units
            )
        paragraphs.append(f"（{CHINESE_NUMBERS[index]}）{label}（{notes[flag]}）。{text}。")
    return paragraphs


STALLED_HEADERS = ["序号", "项目名称", "责任单位", "所处阶段", "最近阶段日期", "停滞天数", "停滞原因"]


def stalled_rows(snapshot: dict, limit: int | None = STALLED_SHOWN) -> list[list[str]]:
    stalled = snapshot["lists"]["stalled"]
    shown = stalled if limit is None else stalled[:limit]
    return [
        [
            str(number),
            item["name"],
            "、".join(item["units"]),
            STAGE_LABEL.get(item["stage"], item["stage"]),
            item["stage_date"] or "—",
            "—" if item["days"] is None else str(item["days"]),
            item["reason"],
        ]
        for number, item in enumerate(shown, start=1)
    ]


def stalled_paragraph(snapshot: dict) -> str:
    stalled = snapshot["lists"]["stalled"]
    if not stalled:
        return f"截至{chinese_date(snapshot['as_of'])}，全县无停滞项目。"
    text = f"截至{chinese_date(snapshot['as_of'])}，全县共有停滞项目{len(stalled)}个"
    if len(stalled) > STALLED_SHOWN:
        text += f"，停滞时间最长的{STALLED_SHOWN}个项目见下表，完整名单见附件"
    return text + "。各责任单位要逐一分析停滞原因，明确专人跟进，限期协调解决。"


def big_project_paragraphs(snapshot: dict) -> list[str]:
    big = snapshot["lists"]["big_projects"]
    threshold = plain_amount(big["threshold"])
    start = dt.date.fromisoformat(big["half_year_start"])
    half = "上半年" if start.month == 1 else "下半年"
    projects = big["projects"]
    if projects:
        names = "、".join(f"{p['name']}（计划总投资{prose_amount(p['planned_investment'])}）" for p in projects[:10])
        more = f"等{len(projects)}个项目" if len(projects) > 10 else ""
        first = (
            f"{start.year}年{half}以来，全县新开工计划总投资{threshold}万元以上项目{len(projects)}个：{names}{more}。"
        )
    else:
        first = f"{start.year}年{half}以来，全县还没有一个计划总投资{threshold}万元以上的新项目开工。"
    units = big["units_without"]
    if units:
        second = f"{half}以来尚无{threshold}万元以上新项目开工的单位：{_names_by_category(units, snapshot)}。"
    else:
        second = f"各参评单位{half}以来均有{threshold}万元以上新项目开工。"
    return [first, second]


REWARD_HEADERS = ["序号", "引进人", "单位", "项目", "签约日期", "份额(%)", "协议引资额(万元)"]


def reward_paragraph(snapshot: dict) -> str | None:
    """The introducer reward list's sentence (None when the bulletin has no such section)."""
    block = snapshot.get("introducer_rewards")
    if block is None:
        return None
    if not block["lines"]:
        return f"{snapshot['period']['name']}截至{chinese_date(snapshot['as_of'])}，尚无引进人引进的认定项目签约。"
    return (
        f"{snapshot['period']['name']}截至{chinese_date(snapshot['as_of'])}，{block['persons']}名引进人引进的认定项目签约，"
        f"按引进份额计协议引资额合计{plain_amount(block['total'])}万元，名单如下（引进人按份额分享项目及金额）。"
    )


def reward_rows(snapshot: dict) -> list[list[str]]:
    block = snapshot.get("introducer_rewards") or {"lines": []}
    return [
        [
            str(number),
            line["person"],
            line["unit"],
            f"{line['code']} {line['project']}",
            line["signed_on"],
            line["share"],
            plain_amount(line["contract_amount"]),
        ]
        for number, line in enumerate(block["lines"], start=1)
    ]


RECEPTION_HEADERS = [
    "序号",
    "单位",
    "本月接待(批次)",
    "本月接待(人)",
    "本月外出招商(次)",
    "累计接待(批次)",
    "累计接待(人)",
    "累计外出招商(次)",
]


def reception_paragraph(snapshot: dict) -> str | None:
    """The sentence of the section 招商接待与外出招商 (None when the bulletin has none)."""
    block = snapshot.get("receptions")
    if block is None:
        return None
    totals = block["totals"]
    month = dt.date.fromisoformat(block["month"])
    return (
        f"{month.month}月，全县共接待来访客商{totals['batches']}批次{totals['persons']}人，外出招商{totals['trips']}次；"
        f"自{chinese_date(block['since'])}起累计接待来访客商{totals['total_batches']}批次{totals['total_persons']}人，"
        f"外出招商{totals['total_trips']}次。各单位情况如下。"
    )


def reception_rows(snapshot: dict) -> list[list[str]]:
    block = snapshot.get("receptions") or {"lines": []}
    keys = ("batches", "persons", "trips", "total_batches", "total_persons", "total_trips")
    rows = [
        [str(number), line["unit"], *(str(line[key]) for key in keys)]
        for number, line in enumerate(block["lines"], start=1)
    ]
    if rows:
        rows.append(["", "合计", *(str(block["totals"][key]) for key in keys)])
    return rows


LIAISON_HEADERS = ["序号", "承办单位", "诉求(件)", "已销号(件)", "销号率(%)", "未销号(件)", "其中超期(件)", "满意率(%)"]
LIAISON_KEYS = ("received", "closed", "closure_rate", "pending", "overdue", "satisfaction_rate")


def liaison_paragraph(snapshot: dict) -> str | None:
    """The sentence of the section 市场主体包联走访诉求办理 (None when the bulletin has none)."""
    block = snapshot.get("liaison")
    if block is None:
        return None
    t = block["totals"]
    text = (
        f"自{chinese_date(block['since'])}以来（含此前未销号的），全县市场主体包联走访收集企业诉求{t['received']}件，"
        f"已销号{t['closed']}件"
    )
    if t["closure_rate"]:
        text += f"，销号率{t['closure_rate']}%"
    text += f"；未销号{t['pending']}件，其中超过办理时限{t['overdue']}件"
    if t["satisfaction_rate"]:
        text += f"；企业答复{t['answered']}件，满意率{t['satisfaction_rate']}%"
    late = [line["unit"] for line in block["lines"] if line["overdue"]]
    if late:
        text += f"。有超期未销号诉求的单位：{'、'.join(late)}"
    return text + "。各承办单位情况如下。"


def liaison_rows(snapshot: dict) -> list[list[str]]:
    block = snapshot.get("liaison") or {"lines": []}
    rows = [
        [str(number), line["unit"], *(str(line[key]) or "—" for key in LIAISON_KEYS)]
        for number, line in enumerate(block["lines"], start=1)
    ]
    if rows:
        rows.append(["", "合计", *(str(block["totals"][key]) or "—" for key in LIAISON_KEYS)])
    return rows


def requirement_paragraphs(requirements: str) -> list[str]:
    return [line.strip() for line in requirements.splitlines() if line.strip()]


def summary_paragraph(snapshot: dict) -> str:
    data = snapshot["assessment"]
    units = data["units"]
    met = sum(1 for u in units if u["groups"] and all(g["met"] for g in u["groups"]))
    basis = "核实数" if data["basis"] == "verified" else "上报数"
    if is_points(snapshot):  # the tables show points, not the completion columns the sentence below names
        return (
            f"截至{chinese_date(data['as_of'])}，{snapshot['period']['name']}时序进度为{percent(data['schedule_progress'])}。"
            f"全县参评单位{len(units)}个。以下各单位得分按{basis}统计，按评分细则逐项计分（各项保留两位小数）后相加；"
            "通报批评、黄牌警告与表彰仍以综合完成率（各指标组完成率的加权平均）对照时序进度认定。"
        )
    return (
        f"截至{chinese_date(data['as_of'])}，{snapshot['period']['name']}时序进度为{percent(data['schedule_progress'])}。"
        f"全县参评单位{len(units)}个，全部指标已完成的{met}个。以下各单位完成情况按{basis}统计，"
        "综合完成率为各指标组完成率（封顶）的加权平均，“时序进度”栏为综合完成率与时序进度之比；"
        "金额单位为万元。"
    )
