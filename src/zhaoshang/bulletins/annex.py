"""The bulletin's .xlsx annex, from its snapshot alone: 汇总 and 明细 (as ``zhaoshang assess`` writes
them), then 总体情况, 通报名单, 停滞项目, 大项目 and 说明."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from zhaoshang.assessment.xlsx import (
    CATEGORY_LABEL,
    FLAG_LABEL,
    STAGE_LABEL,
    Column,
    Sheet,
    assessment_sheets,
    notes_sheet,
    workbook_bytes,
)

from . import presentation as show


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _ratio(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def overall_sheet(snapshot: dict) -> Sheet:
    windows = snapshot["overall"]["windows"]
    columns = [
        Column("指标", width=22),
        Column("计量单位", width=8),
        Column(f"本月（{windows['month'][0]}至{windows['month'][1]}）", "num", 16),
        Column(f"上月（{windows['previous_month'][0]}至{windows['previous_month'][1]}）", "num", 16),
        Column("环比增减", "num", 12),
        Column("环比增幅", "percent", 10),
        Column(f"去年同月（{windows['same_month_last_year'][0]}至{windows['same_month_last_year'][1]}）", "num", 16),
        Column("同比增减", "num", 12),
        Column("同比增幅", "percent", 10),
        Column(f"累计（{windows['cumulative'][0]}至{windows['cumulative'][1]}）", "num", 16),
        Column(f"去年同期（{windows['cumulative_last_year'][0]}至{windows['cumulative_last_year'][1]}）", "num", 16),
        Column("累计同比增减", "num", 12),
        Column("累计同比增幅", "percent", 12),
    ]
    rows = [
        [
            figure["label"],
            figure["unit"],
            Decimal(figure["month"]),
            Decimal(figure["previous_month"]),
            Decimal(figure["month_vs_previous"]["abs"]),
            _ratio(figure["month_vs_previous"]["pct"]),
            Decimal(figure["same_month_last_year"]),
            Decimal(figure["month_vs_last_year"]["abs"]),
            _ratio(figure["month_vs_last_year"]["pct"]),
            Decimal(figure["cumulative"]),
            Decimal(figure["cumulative_last_year"]),
            Decimal(figure["cumulative_vs_last_year"]["abs"]),
            _ratio(figure["cumulative_vs_last_year"]["pct"]),
        ]
        for figure in snapshot["overall"]["figures"]
    ]
    return Sheet("总体情况", columns, rows)


def flags_sheet(snapshot: dict) -> Sheet:
    columns = [
        Column("通报类别", width=18),
        Column("单位编码", width=10),
        Column("单位名称", width=24),
        Column("类别", width=10),
        Column("排名", "int", 6),
        Column("参评单位数", "int", 10),
        Column("综合完成率", "percent", 11),
        Column("否决事由", width=30),
    ]
    rows = [
        [
            FLAG_LABEL.get(flag, flag),
            unit["code"],
            unit["name"],
            # a section ranked among its unit's sections: the rank is within "<unit>所属科室"
            show.section_label(unit["ranking_group"], snapshot)
            if unit.get("ranking_group") in (snapshot.get("section_groups") or {})
            else CATEGORY_LABEL.get(unit["category"], unit["category"]),
            unit["rank"],
            unit["rank_of"],
            _ratio(unit["score"]),
            unit["veto_reason"] or "",
        ]
        for flag, units in snapshot["lists"]["flags"].items()
        for unit in units
    ]
    if show.is_points(snapshot):
        # Under a points scheme the rank is within the unit's ranking group, by points: say which, and the points.
        columns[4:4] = [Column("排名分组", width=12)]
        columns[7:7] = [Column("得分", "num", 9)]
        entries = [unit for _flag, units in snapshot["lists"]["flags"].items() for unit in units]
        for row, unit in zip(rows, entries, strict=True):
            points = unit.get("points")
            row[4:4] = [show.group_label(unit.get("ranking_group"), snapshot) if points is not None else ""]
            row[7:7] = [None if points is None else Decimal(points)]
    return Sheet("通报名单", columns, rows)


def points_sheet(snapshot: dict) -> Sheet:
    """Under a points scheme, the ranking section's tables as one sheet: each unit's ranking group, rank, the
    items' points (or section subtotals) and its points."""
    tables = show.points_tables(snapshot)
    item_columns = tables[0].columns if tables else []
    columns = [
        Column("排名分组", width=12),
        Column("名次", "int", 6),
        Column("单位编码", width=10),
        Column("单位名称", width=24),
        *[Column(name, "num", 10) for name in item_columns],
        Column("得分", "num", 10),
    ]
    rows = []
    for table in tables:
        for unit, cells in zip(table.units, table.rows, strict=True):
            rank = None if table.group is None else unit["rank"]
            figures = [None if cell == "—" else Decimal(cell) for cell in cells[2:]]
            rows.append([table.label, rank, unit["code"], unit["name"], *figures])
    return Sheet("得分排名", columns, rows)


def stalled_sheet(snapshot: dict) -> Sheet:
    columns = [
        Column("项目编号", width=14),
        Column("项目名称", width=36),
        Column("计入单位", width=24),
        Column("所处阶段", width=9),
        Column("最近阶段日期", "date", 12),
        Column("停滞天数", "int", 9),
        Column("停滞原因", width=40),
        Column("停滞日期", "date", 12),
        Column("计划总投资（万元）", "money", 14),
    ]
    rows = [
        [
            item["code"],
            item["name"],
            "、".join(item["units"]),
            STAGE_LABEL.get(item["stage"], item["stage"]),
            _date(item["stage_date"]),
            item["days"],
            item["reason"],
            _date(item["status_date"]),
            Decimal(item["planned_investment"]),
        ]
        for item in snapshot["lists"]["stalled"]
    ]
    return Sheet("停滞项目", columns, rows)


def big_projects_sheet(snapshot: dict) -> Sheet:
    big = snapshot["lists"]["big_projects"]
    columns = [
        Column("类型", width=22),
        Column("项目编号/单位编码", width=16),
        Column("项目名称/单位名称", width=36),
        Column("开工日期", "date", 12),
        Column("计划总投资（万元）", "money", 14),
        Column("计入单位/类别", width=30),
    ]
    rows = [
        [
            "半年内新开工大项目",
            item["code"],
            item["name"],
            _date(item["started"]),
            Decimal(item["planned_investment"]),
            "、".join(item["units"]),
        ]
        for item in big["projects"]
    ]
    rows += [
        ["无大项目开工的单位", unit["code"], unit["name"], None, None, CATEGORY_LABEL.get(unit["category"], "")]
        for unit in big["units_without"]
    ]
    return Sheet("大项目", columns, rows)


def bulletin_workbook(*, snapshot: dict, number: str, title: str) -> bytes:
    data = snapshot["assessment"]
    big = snapshot["lists"]["big_projects"]
    notes = notes_sheet(
        data,
        period_name=snapshot["period"]["name"],
        extra=[
            ("通报", f"{title}（{number}）" if number else title),
            ("通报月份", show.month_label(snapshot)),
            ("总体情况口径", snapshot["overall"]["scope"]),
            ("大项目标准", f"计划总投资{big['threshold']}万元以上，{big['half_year_start']}以来开工"),
            ("数据生成时间", snapshot["computed_at"]),
        ],
    )
    return workbook_bytes(
        [
            *assessment_sheets(data, snapshot["lookup"]),
            *([points_sheet(snapshot)] if show.is_points(snapshot) else []),
            overall_sheet(snapshot),
            flags_sheet(snapshot),
            stalled_sheet(snapshot),
            big_projects_sheet(snapshot),
            notes,
        ]
    )
