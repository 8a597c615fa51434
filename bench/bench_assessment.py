"""Time a full assessment of a year at 300 units, 100,000 projects and 300,000 receipts, against hand-written
SQL for the same sums.

    .venv/bin/python bench/bench_assessment.py --db sqlite
    .venv/bin/python bench/bench_assessment.py --db postgres [--runs 10] [--profile]

Needs the data of bench/generate.py (generated here when the database holds no projects). Creates, or
refreshes, the period ``BENCH-2026`` (2026-01-01 … 2026-12-31, by month) with the 100-day preset applied
to the tiers and parks (tier one's funds figure 5000万), then measures, median and p95 of ``--runs`` runs
after a warm-up:

* ``assess``: ``selectors.assess_period(period, as_of)`` — units, target groups, the period's facts reduced
  in SQL (``selectors.period_facts``: per recognised project the date it reached each stage the indicators
  read, per unit the credited funds in place) and the pure engine: every unit's indicators, groups, score,
  rank and flags;
* ``raw``: two hand-written aggregate queries returning, per unit, the credited count and contract sum of
  projects signed in the period at ≥1000万 (signing = the first of signed/started/producing, as the engine
  reads skipped stages) and the credited funds in place in the period, under the same recognition rules.

The engine's figures are checked against the SQL's before timing. Targets: ``assess`` ≤ 1 s and ≤ 3 ×
``raw``. Also timed: ``drill_down``, reading the projects and receipts behind the funds figure of the unit
with the most of them (what the unit page does; ``assess`` leaves those rows unread), and the phases of
one assessment. With ``--profile`` a cProfile of one assessment is summarised (top functions by cumulative
and own time) into the result.

``points``: the same year scored by a 10-item points scheme (issue 13: ratio items against the group targets,
功效系数, a ratio measure 开工率, step and per-count items, a banded and a filtered bonus, a late-report
deduction; ``POINTS_ITEMS``), with monthly scheduling reports (``ensure_reports``). Against it, three
hand-written queries on the raw tables (``hand_sql``: per unit the signed and started counts with the amount
bands and filters the items read, the funds in place in all and at ≥1000万, the late reports); every scored
unit's item figures, the ratio's parts and the banded item's bands must equal them exactly before timing.
Targets: ``assess`` ≤ 1 s and ≤ 3 × the hand SQL. Results go to bench/results/assessment-<db>.json.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import pstats
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

TARGET_MS = 1000
TARGET_RATIO = 3.0
PERIOD_CODE = "BENCH-2026"
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
FLOOR = 1000

# Signing date = the first stage at or after "signed" reached up to the as-of date (a skipped stage is
# reached with the next one). Shares are percentages. A section's credit counts for it and for its township (the
# roll-up; a project's shares add up to 100%, so the cap never binds here).
COUNTED_FOR = """(SELECT id AS unit_id, id AS counted_id FROM organization_unit
    UNION ALL SELECT id, parent_id FROM organization_unit WHERE category = 'section')"""
SIGNED_SQL = """
WITH reached AS (
    SELECT e.project_id, MIN(e.date) AS signed_on
    FROM projects_stageevent e
    WHERE e.stage IN ('signed', 'started', 'producing') AND e.date <= %(until)s
      AND e.project_id IN (SELECT project_id FROM projects_stageevent
                           WHERE stage IN ('signed', 'started', 'producing')
                             AND date >= %(start)s AND date <= %(until)s)
    GROUP BY e.project_id
)
SELECT m.counted_id, SUM(c.share) / 100.0, SUM(c.share * p.contract_amount) / 100.0
FROM reached r
JOIN projects_project p ON p.id = r.project_id
JOIN projects_projectcredit c ON c.project_id = p.id
JOIN {counted_for} m ON m.unit_id = c.unit_id
WHERE r.signed_on >= %(start)s AND p.contract_amount >= %(floor)s {rules}
GROUP BY m.counted_id
"""
FUNDS_SQL = """
SELECT m.counted_id, SUM(c.share * f.amount) / 100.0
FROM projects_fundsreceipt f
JOIN projects_project p ON p.id = f.project_id
JOIN projects_projectcredit c ON c.project_id = f.project_id
JOIN {counted_for} m ON m.unit_id = c.unit_id
WHERE f.date >= %(start)s AND f.date <= %(until)s {rules}
GROUP BY m.counted_id
"""


def recognition_sql(period) -> str:
    """The period's recognition rules as SQL conditions on ``p`` (the bench period uses the defaults)."""
    parts = []
    if period.exclude_government_funded:
        parts.append("NOT p.government_funded")
    if period.exclude_local_relocation:
        parts.append("NOT p.local_relocation")
    if period.exclude_second_phase:
        parts.append("NOT p.second_phase")
    if period.excluded_kinds or period.excluded_industries or period.floor_amount is not None:
        raise SystemExit("the bench period should use the default recognition rules")
    return "".join(f" AND {part}" for part in parts)


def ensure_period():
    from zhaoshang.targets import services
    from zhaoshang.targets.models import Period

    data = {"code": PERIOD_CODE, "name": "基准年度考核", "start": START, "end": END, "schedule_basis": "month"}
    period = services.save_period(user=None, period=Period.objects.filter(code=PERIOD_CODE).first(), data=data)
    groups = services.apply_hundred_day_preset(user=None, period=period, tier_one_funds=Decimal("5000"))
    return period, groups


def raw_sums(period, until: dt.date) -> tuple[dict, dict]:
    from django.db import connection

    params = {"start": period.start, "until": until, "floor": FLOOR}
    rules = recognition_sql(period)
    with connection.cursor() as cursor:
        cursor.execute(SIGNED_SQL.format(rules=rules, counted_for=COUNTED_FOR), params)
        signed = {unit_id: (count, contract) for unit_id, count, contract in cursor.fetchall()}
        cursor.execute(FUNDS_SQL.format(rules=rules, counted_for=COUNTED_FOR), params)
        funds = dict(cursor.fetchall())
    return signed, funds


def _near(a, b) -> bool:
    """Equal to the cent (SQLite sums decimals as floating point)."""
    return abs(Decimal(str(a or 0)) - Decimal(str(b or 0))) < Decimal("0.005")


def check(assessment, signed: dict, funds: dict) -> dict:
    """The engine's figures against the SQL: funds for every unit assessed; the ≥1000 signed count and
    contract sum wherever a unit's 签约 group has them."""
    checked = {"units": 0, "signed_counts": 0, "signed_sums": 0}
    for result in assessment.units:
        if result.score is None:
            continue
        checked["units"] += 1
        uid = result.unit.id
        if not _near(result.funds, funds.get(uid)):
            raise SystemExit(f"funds of {result.unit.code}: engine {result.funds}, SQL {funds.get(uid)}")
        count, contract = signed.get(uid, (0, 0))
        for group in result.groups:
            if group.spec.name != "签约":
                continue
            for indicator in group.indicators:
                if indicator.spec.min_amount != FLOOR:
                    continue
                expected, key = (
                    (count, "signed_counts") if indicator.spec.kind == "count" else (contract, "signed_sums")
                )
                if not _near(indicator.actual, expected):
                    raise SystemExit(f"{indicator.spec.kind} of {result.unit.code}: {indicator.actual} vs {expected}")
                checked[key] += 1
    return checked


def phases(period, as_of: dt.date, runs: int) -> dict:
    """The parts of one assessment, timed separately."""
    from zhaoshang.assessment import engine, selectors

    timings: dict[str, list[float]] = {"unit_infos": [], "group_specs": [], "facts": [], "rules": [], "engine": []}
    sizes = {}
    for _ in range(runs):
        t0 = time.perf_counter()
        units = selectors.unit_infos()
        t1 = time.perf_counter()
        groups = selectors.group_specs(period, units)
        t2 = time.perf_counter()
        facts = selectors.period_facts(period, as_of, groups)
        t3 = time.perf_counter()
        rules = selectors.rules_for(period, as_of)
        t4 = time.perf_counter()
        engine.assess_facts(
            units=units,
            groups_by_unit=groups,
            facts=facts,
            start=period.start,
            end=period.end,
            as_of=as_of,
            schedule_basis=period.schedule_basis,
            rules=rules,
        )
        t5 = time.perf_counter()
        for name, (a, b) in zip(timings, [(t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5)], strict=True):
            timings[name].append((b - a) * 1000)
        sizes = {"units": len(units), "units_with_targets": len(groups), "projects": len(facts.projects)}
        sizes["units_with_funds"] = len(facts.funds)
    return {"sizes": sizes, "median_ms": {k: common.summary(v)["median_ms"] for k, v in timings.items()}}


def drill_down(period, as_of: dt.date, runs: int) -> dict:
    """Reading the rows behind one funds figure, as the unit page does (``read_drill_downs`` for its unit):
    the figure with the most receipts."""
    from zhaoshang.assessment import selectors

    def funds_figures(assessment):
        return [
            (r.unit.id, i) for r in assessment.units for g in r.groups for i in g.indicators if i.spec.kind == "funds"
        ]

    everything = selectors.assess_period(period, as_of)
    selectors.read_drill_downs(period, everything)
    unit_id, largest = max(funds_figures(everything), key=lambda figure: len(figure[1].receipt_ids))
    timings = []
    for _ in range(runs + 1):  # the first run warms up
        assessment = selectors.assess_period(period, as_of)
        started = time.perf_counter()
        selectors.read_drill_downs(period, assessment, unit_ids={unit_id})
        timings.append((time.perf_counter() - started) * 1000)
    return {**common.summary(timings[1:]), "projects": len(largest.project_ids), "receipts": len(largest.receipt_ids)}


def profile(period, as_of: dt.date, top: int = 25) -> dict:
    from zhaoshang.assessment import selectors

    profiler = cProfile.Profile()
    profiler.enable()
    selectors.assess_period(period, as_of)
    profiler.disable()
    result = {}
    for key in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(top)
        lines = [line.rstrip() for line in out.getvalue().splitlines() if line.strip()]
        result[key] = lines[-top - 1 :]
    return result


POINTS_CODE = "BENCH-2026-PTS"
# A 10-item points scheme (issue 13): ratios against the preset's group targets, 功效系数, a ratio measure (开工率),
# step and per-count items, a banded and a filtered bonus, and a late-report deduction.
POINTS_ITEMS = [
    ("A1", "签约项目", "base", "ratio", "30", None, {}, {"what": "count", "low": "1000"}, "签约"),
    ("A2", "到位资金", "base", "ratio", "20", None, {}, {"what": "funds"}, "到位资金"),
    ("A3", "开工项目", "base", "efficacy", "10", None, {}, {"what": "count", "stage": "started"}, ""),
    ("A4", "到位资金功效", "base", "efficacy", "10", None, {}, {"what": "funds", "low": "1000"}, ""),
    (
        "A5",
        "开工率",
        "base",
        "efficacy",
        "10",
        None,
        {},
        {"what": "ratio", "numerator": {"what": "count", "stage": "started"}, "denominator": {"what": "count"}},
        "",
    ),
    (
        "A6",
        "签约进度",
        "base",
        "step",
        "10",
        None,
        {"per_step": "1", "up": "5", "down": "5"},
        {"what": "count"},
        "签约",
    ),
    ("B1", "超任务签约", "bonus", "per_count", "0", "5", {"per_above": "1"}, {"what": "count", "low": "1000"}, "签约"),
    (
        "B2",
        "大项目",
        "bonus",
        "banded",
        "0",
        "6",
        {"bands": [["5000", "10000", "1"], ["10000", None, "2"]]},
        {"what": "count"},
        "",
    ),
    (
        "B3",
        "高新制造业",
        "bonus",
        "threshold",
        "5",
        None,
        {},
        {"what": "count", "industries": ["C"], "high_tech": True},
        "",
    ),
    ("C1", "调度迟报", "deduction", "per_occurrence", "0", "5", {"each": "1"}, {"what": "late_reports"}, ""),
]


def ensure_reports() -> int:
    """Monthly scheduling rounds of the bench year with one report per unit (its newest project), every third
    submitted two days late and every seventh never: what the late-report deduction counts."""
    from zhaoshang.core import clock
    from zhaoshang.projects.models import ProjectCredit
    from zhaoshang.scheduling.models import ProgressReport, SchedulingRound

    if ProgressReport.objects.exists():
        return ProgressReport.objects.count()
    project_of, used = {}, set()  # one project per unit, each reported by one unit only
    for unit_id, project_id in ProjectCredit.objects.order_by("unit_id", "project_id").values_list(
        "unit_id", "project_id"
    ):
        if unit_id not in project_of and project_id not in used:
            project_of[unit_id] = project_id
            used.add(project_id)
    reports = []
    for month in range(1, 13):
        due = (dt.date(2026, month % 12 + 1, 1) if month < 12 else dt.date(2027, 1, 1)) - dt.timedelta(days=1)
        rnd, _ = SchedulingRound.objects.get_or_create(date=due, defaults={"planned_date": due, "status": "closed"})
        for n, (unit_id, project_id) in enumerate(sorted(project_of.items())):
            late = (n + month) % 3 == 0
            missing = (n + month) % 7 == 0
            on = dt.datetime.combine(due + dt.timedelta(days=2 if late else 0), dt.time(10), tzinfo=clock.zone())
            reports.append(
                ProgressReport(
                    scheduling_round=rnd,
                    project_id=project_id,
                    unit_id=unit_id,
                    status="due" if missing else "submitted",
                    first_submitted_at=None if missing else on,
                    submitted_at=None if missing else on,
                )
            )
    ProgressReport.objects.bulk_create(reports, batch_size=2000)
    return len(reports)


def ensure_points_period():
    """The bench year again, with the same targets and the 10-item points scheme."""
    from zhaoshang.targets import services
    from zhaoshang.targets.models import Period, Scheme, SchemeItem

    data = {"code": POINTS_CODE, "name": "基准年度考核（计分）", "start": START, "end": END, "schedule_basis": "month"}
    period = services.save_period(user=None, period=Period.objects.filter(code=POINTS_CODE).first(), data=data)
    services.apply_hundred_day_preset(user=None, period=period, tier_one_funds=Decimal("5000"))
    Scheme.objects.filter(period=period).delete()
    scheme = Scheme.objects.create(period=period, kind="points")
    for order, (code, name, section, function, points, cap, params, measure, task) in enumerate(POINTS_ITEMS):
        SchemeItem.objects.create(
            scheme=scheme,
            order=order,
            code=code,
            name=name,
            section=section,
            function=function,
            points=Decimal(points),
            cap=None if cap is None else Decimal(cap),
            params=params,
            measure=measure,
            task_group=task,
        )
    return period


def paired_ratio(slow, fast, *, pairs: int) -> dict:
    """The ratio slow ÷ fast timed in pairs, one right after the other in alternating order (AB, BA, …) after a
    warm-up of each, so that a machine getting busier weighs on both alike: the median of the per-pair ratios
    of wall-clock and of CPU time."""
    slow(), fast()

    def one(function) -> tuple[float, float]:
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        return time.perf_counter() - started, time.process_time() - started_cpu

    wall, cpu = [], []
    for n in range(pairs):
        if n % 2:
            b, a = one(fast), one(slow)
        else:
            a, b = one(slow), one(fast)
        wall.append(a[0] / b[0])
        cpu.append(a[1] / b[1] if b[1] else float("nan"))
    return {
        "pairs": pairs,
        "wall_median": round(statistics.median(wall), 2),
        "wall_range": [round(min(wall), 2), round(max(wall), 2)],
        "cpu_median": round(statistics.median(cpu), 2),
    }


def points_bench(completion_t: dict, runs: int) -> dict:
    """The same year scored by the 10-item points scheme, against the completion scheme's time and against the
    hand-written SQL for the figures its items read."""
    from django.db import connection

    from zhaoshang.assessment import selectors

    reports = ensure_reports()
    period = ensure_points_period()
    assessment = selectors.assess_period(period, END)
    scored = [r for r in assessment.units if r.points is not None]
    checked = check_points(assessment, hand_figures(period, END))
    timed = common.timed(lambda: selectors.assess_period(period, END), runs=runs)
    hand = common.timed(lambda: hand_figures(period, END), runs=runs)
    ratio = round(timed["median_ms"] / hand["median_ms"], 2)
    paired = paired_ratio(lambda: selectors.assess_period(period, END), lambda: hand_figures(period, END), pairs=runs)
    if connection.vendor != "sqlite":  # the SQL's CPU is the server's, which this process does not see
        paired["cpu_median"] = None
    return {
        "items": len(POINTS_ITEMS),
        "reports": reports,
        "units_scored": len(scored),
        "late_reports_deducted": sum(1 for r in scored for i in r.items if i.code == "C1" and i.points < 0),
        "assess": timed,
        "hand_sql": hand,
        "ratio_to_hand_sql": ratio,
        "ratio_to_hand_sql_cpu": round(timed["cpu_median_ms"] / hand["cpu_median_ms"], 2),
        # The same ratio timed in alternating pairs: steadier on a busy machine than the two medians' ratio.
        "ratio_to_hand_sql_paired": paired,
        "checked_against_hand_sql": checked,
        "hand_sql_plans": explain(period, END),
        "ratio_to_completion": round(timed["median_ms"] / completion_t["median_ms"], 2),
        "meets_target": timed["median_ms"] <= TARGET_MS and ratio <= TARGET_RATIO,
    }


# --- the points scheme's figures in hand-written SQL ------------------------------------------------------
#
# What the 10 items read, per unit, straight from the tables: credited counts (sums of shares) of the projects
# that reached "signed" and "started" inside the period (a stage is reached on the first date of it or a later
# stage up to the as-of date, read from the projects' stage-date columns), with the amount bands and filters the
# items set; credited funds in place inside the period, in all and of projects at ≥1000万 contract amount; the
# scheduling reports submitted after their due day (by the as-of date). Exact on both databases: shares and money
# are multiplied as integers (share × 100 → 1/10,000 of a project, amount × 100 → cents of 万元), so the hand
# figures must equal the engine's to the last digit.

SIGNED_STAGES = ("signed_on", "started_on", "producing_on")
STARTED_STAGES = ("started_on", "producing_on")


def _reached(columns) -> str:
    """Reached within [start, until]: some date of the stage or a later one inside, none before the start."""
    inside = " OR ".join(f"{c} BETWEEN %(start)s AND %(until)s" for c in columns)
    not_before = " AND ".join(f"({c} IS NULL OR {c} >= %(start)s)" for c in columns)
    return f"CASE WHEN ({inside}) AND {not_before} THEN 1 ELSE 0 END"


def hand_sql(sqlite: bool) -> dict[str, str]:
    """The three queries in the database's dialect."""
    share = "CAST(ROUND(c.share * 100) AS INTEGER)" if sqlite else "(c.share * 100)"
    cents = "CAST(ROUND(f.amount * 100) AS INTEGER)" if sqlite else "(f.amount * 100)"
    submitted = (
        "date(r.first_submitted_at, %(offset)s)" if sqlite else "(r.first_submitted_at AT TIME ZONE %(zone)s)::date"
    )
    moved = " OR ".join(f"{c} BETWEEN %(start)s AND %(until)s" for c in SIGNED_STAGES)
    # SQLite without statistics would walk every credit and look its project up (190 ms); CROSS JOIN, SQLite's
    # way of fixing the join order, makes it find the projects that moved through the stage-date index (40 ms).
    join = "CROSS JOIN" if sqlite else "JOIN"
    stages = f"""
        SELECT m.counted_id,
               SUM(CASE WHEN p.signed = 1 THEN {share} ELSE 0 END),
               SUM(CASE WHEN p.signed = 1 AND p.contract_amount >= 1000 THEN {share} ELSE 0 END),
               SUM(CASE WHEN p.signed = 1 AND p.contract_amount >= 5000 AND p.contract_amount < 10000
                        THEN {share} ELSE 0 END),
               SUM(CASE WHEN p.signed = 1 AND p.contract_amount >= 10000 THEN {share} ELSE 0 END),
               SUM(CASE WHEN p.signed = 1 AND p.industry = 'C' AND p.high_tech THEN {share} ELSE 0 END),
               SUM(CASE WHEN p.started = 1 THEN {share} ELSE 0 END)
        FROM (SELECT id, contract_amount, industry, high_tech,
                     {_reached(SIGNED_STAGES)} AS signed, {_reached(STARTED_STAGES)} AS started
              FROM projects_project p
              WHERE stage_date >= %(start)s AND ({moved}){{rules}}) p
        {join} projects_projectcredit c ON c.project_id = p.id
        JOIN {COUNTED_FOR} m ON m.unit_id = c.unit_id
        WHERE p.signed = 1 OR p.started = 1
        GROUP BY m.counted_id"""
    # Funds: SQLite sums each project's receipts of the period first (along the covering (date, project, amount)
    # index; the plain join takes 350 ms against 95 ms), PostgreSQL joins the receipts as they are (230 ms against
    # 380 ms summed per project first, at load average 3).
    if sqlite:
        receipts = f"""(SELECT f.project_id, SUM({cents}) AS cents FROM projects_fundsreceipt f
              WHERE f.date BETWEEN %(start)s AND %(until)s GROUP BY f.project_id) f"""
        amount, within = "f.cents", "1 = 1"
    else:
        receipts, amount, within = "projects_fundsreceipt f", cents, "f.date BETWEEN %(start)s AND %(until)s"
    funds = f"""
        SELECT m.counted_id, SUM({share} * {amount}),
               SUM(CASE WHEN p.contract_amount >= 1000 THEN {share} * {amount} ELSE 0 END)
        FROM {receipts}
        JOIN projects_project p ON p.id = f.project_id
        JOIN projects_projectcredit c ON c.project_id = f.project_id
        JOIN {COUNTED_FOR} m ON m.unit_id = c.unit_id
        WHERE {within}{{rules}}
        GROUP BY m.counted_id"""
    late = f"""
        SELECT r.unit_id, COUNT(*)
        FROM scheduling_progressreport r
        JOIN scheduling_schedulinground s ON s.id = r.scheduling_round_id
        WHERE s.date BETWEEN %(start)s AND %(until)s AND r.first_submitted_at IS NOT NULL
          AND {submitted} > s.date AND {submitted} <= %(as_of)s
        GROUP BY r.unit_id"""
    return {"stages": stages, "funds": funds, "late": late}


HAND_FIGURES = (
    "signed",
    "signed_1000",
    "signed_5000_10000",
    "signed_10000",
    "signed_c_high_tech",
    "started",
    "funds",
    "funds_1000",
    "late_reports",
)


def hand_params(period, as_of: dt.date) -> dict:
    """The queries' parameters: the period up to the as-of date, and the county's zone (a report's day is the
    county's date of its first submission; SQLite stores UTC text, so it adds the zone's offset)."""
    from zhaoshang.core import clock

    offset = clock.zone().utcoffset(dt.datetime.combine(as_of, dt.time(12)))
    return {
        "start": period.start,
        "until": min(period.end, as_of),
        "as_of": as_of,
        "zone": str(clock.zone()),
        "offset": f"{int(offset.total_seconds() // 60):+d} minutes",
    }


def hand_figures(period, as_of: dt.date) -> dict[int, dict[str, Decimal]]:
    """Unit id → the figures the points scheme's items read, from the three hand-written queries."""
    from django.db import connection

    params = hand_params(period, as_of)
    rules = recognition_sql(period)
    queries = hand_sql(connection.vendor == "sqlite")
    figures: dict[int, dict[str, Decimal]] = {}

    def unit(unit_id):
        found = figures.get(unit_id)
        if found is None:
            found = figures[unit_id] = dict.fromkeys(HAND_FIGURES, Decimal(0))
        return found

    with connection.cursor() as cursor:
        cursor.execute(queries["stages"].format(rules=rules), params)
        for unit_id, *counts in cursor.fetchall():
            # Shares × 100: 1/10,000 of a project.
            unit(unit_id).update(
                zip(HAND_FIGURES[:6], (Decimal(int(value)).scaleb(-4) for value in counts), strict=True)
            )
        cursor.execute(queries["funds"].format(rules=rules), params)
        for unit_id, total, at_1000 in cursor.fetchall():
            # Shares × 100 times cents: 1/1,000,000 of 万元.
            got = unit(unit_id)
            got["funds"], got["funds_1000"] = Decimal(int(total)).scaleb(-6), Decimal(int(at_1000)).scaleb(-6)
        cursor.execute(queries["late"], params)
        for unit_id, count in cursor.fetchall():
            unit(unit_id)["late_reports"] = Decimal(count)
    return figures


def check_points(assessment, figures: dict[int, dict[str, Decimal]]) -> dict:
    """Every scored unit's measured figures and item figures against the hand-written SQL's, exactly."""
    from zhaoshang.assessment import points as points_module

    zero = dict.fromkeys(HAND_FIGURES, Decimal(0))
    checked = {"units": 0, "figures": 0}
    for result in assessment.units:
        if result.points is None:
            continue
        hand = figures.get(result.unit.id, zero)
        expected_items = {
            "A1": hand["signed_1000"],
            "A2": hand["funds"],
            "A3": hand["started"],
            "A4": hand["funds_1000"],
            "A5": points_module.ratio_of(hand["started"], hand["signed"]),
            "A6": hand["signed"],
            "B1": hand["signed_1000"],
            "B2": hand["signed"],
            "B3": hand["signed_c_high_tech"],
            "C1": hand["late_reports"],
        }
        measured = result.measured
        bands = {"signed_5000_10000": (Decimal(5000), Decimal(10000)), "signed_10000": (Decimal(10000), None)}
        engine_figures = {
            **{f"item {item.code}": item.actual for item in result.items},
            "A5.n": measured["A5.n"].actual,
            "A5.d": measured["A5.d"].actual,
            **{
                f"B2 {name}": sum(
                    (
                        share
                        for amount, share in measured["B2"].amounts
                        if amount >= low and (high is None or amount < high)
                    ),
                    Decimal(0),
                )
                for name, (low, high) in bands.items()
            },
        }
        expected = {
            **{f"item {code}": value for code, value in expected_items.items()},
            "A5.n": hand["started"],
            "A5.d": hand["signed"],
            **{f"B2 {name}": hand[name] for name in bands},
        }
        if set(engine_figures) != set(expected):
            raise SystemExit(f"items of {result.unit.code}: {sorted(engine_figures)} vs {sorted(expected)}")
        for key, value in expected.items():
            if engine_figures[key] != value:
                raise SystemExit(f"{key} of {result.unit.code}: engine {engine_figures[key]}, hand SQL {value}")
            checked["figures"] += 1
        checked["units"] += 1
    return checked


def explain(period, as_of: dt.date) -> dict:
    """The query plans of the hand-written queries (SQLite's QUERY PLAN, PostgreSQL's EXPLAIN)."""
    from django.db import connection

    sqlite = connection.vendor == "sqlite"
    params = hand_params(period, as_of)
    rules = recognition_sql(period)
    plans = {}
    with connection.cursor() as cursor:
        for name, query in hand_sql(sqlite).items():
            cursor.execute(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + query.format(rules=rules), params)
            plans[name] = [" ".join(str(part) for part in row) for row in cursor.fetchall()]
    return plans


def page_http(period, as_of, runs: int) -> dict:
    """``GET /assessment/<period>/`` as the bureau through Django's test client, its stored assessment fresh (as
    the job leaves it between two changes of the data): what a user waits for, server side."""
    from django.test import Client

    from zhaoshang.assessment import stored as stored_assessment
    from zhaoshang.jobs import stored
    from zhaoshang.organization.models import User

    stored.compute_and_store(
        stored_assessment.PERIOD_RESULT, stored_assessment.params(period, as_of, period.basis), "zh-hans"
    )
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(User.objects.get(username="bureau"))
    url = f"/assessment/{period.pk}/?as_of={as_of.isoformat()}&basis={period.basis}"

    def get():
        response = client.get(url)
        assert response.status_code == 200 and b'data-state="fresh"' in response.content, response.status_code

    return common.timed(get, runs=runs, warmup=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=common.DATABASES, default="sqlite")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--profile", action="store_true", help="add a cProfile summary of one assessment")
    args = parser.parse_args()
    common.setup(args.db)
    common.migrate()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhaoshang.assessment import selectors

    counts = common.ensure_data(args.db)
    period, groups = ensure_period()
    as_of = END
    until = min(as_of, period.end)

    assessment = selectors.assess_period(period, as_of)
    signed, funds = raw_sums(period, until)
    checked = check(assessment, signed, funds)
    with CaptureQueriesContext(connection) as queries:
        selectors.assess_period(period, as_of)
    query_count = len(queries.captured_queries)

    assess_t = common.timed(lambda: selectors.assess_period(period, as_of), runs=args.runs)
    raw_t = common.timed(lambda: raw_sums(period, until), runs=args.runs)
    ratio = round(assess_t["median_ms"] / raw_t["median_ms"], 2)
    page_t = page_http(period, as_of, args.runs)
    output = {
        "benchmark": "assessment",
        "database": args.db,
        "data": counts,
        "period": {"code": PERIOD_CODE, "start": str(START), "end": str(END), "as_of": str(as_of), "groups": groups},
        "targets": {"assess_ms": TARGET_MS, "ratio_to_raw": TARGET_RATIO},
        "assess": assess_t,
        "raw": raw_t,
        # Issue 16: the page reads the assessment a job stored (never computed in the request).
        "page_http_stored": page_t,
        "ratio": ratio,
        "meets_target": assess_t["median_ms"] <= TARGET_MS and ratio <= TARGET_RATIO,
        # On a busy machine the wall clock includes waiting for a CPU. SQLite runs in this process, so its
        # CPU time is the cost on an idle machine; PostgreSQL's CPU time leaves out the server's share.
        "ratio_cpu": round(assess_t["cpu_median_ms"] / raw_t["cpu_median_ms"], 2),
        "phases": phases(period, as_of, max(3, args.runs // 2)),
        "drill_down": drill_down(period, as_of, max(3, args.runs // 2)),
        "queries": query_count,
        "checked_against_sql": checked,
        "units_ranked": sum(1 for r in assessment.units if r.rank is not None),
        "points": points_bench(assess_t, args.runs),
        "environment": common.environment(args.db),
    }
    if args.profile:
        output["profile"] = profile(period, as_of)
    path = common.write_result("assessment", args.db, output)
    print(
        f"{args.db}: page (stored) median {page_t['median_ms']} ms; "
        f"assess median {assess_t['median_ms']} ms (p95 {assess_t['p95_ms']}, cpu "
        f"{assess_t['cpu_median_ms']}), raw SQL {raw_t['median_ms']} ms (cpu {raw_t['cpu_median_ms']}), "
        f"ratio {ratio}; phases {output['phases']['median_ms']}; "
        f"{'meets' if output['meets_target'] else 'MISSES'} the targets; points scheme "
        f"{output['points']['assess']['median_ms']} ms (cpu {output['points']['assess']['cpu_median_ms']}), "
        f"{output['points']['ratio_to_completion']} × completion; its hand SQL "
        f"{output['points']['hand_sql']['median_ms']} ms (cpu {output['points']['hand_sql']['cpu_median_ms']}), "
        f"ratio {output['points']['ratio_to_hand_sql']} (in pairs "
        f"{output['points']['ratio_to_hand_sql_paired']['wall_median']}); "
        f"{'meets' if output['points']['meets_target'] else 'MISSES'} the targets → {path}"
    )


if __name__ == "__main__":
    main()
