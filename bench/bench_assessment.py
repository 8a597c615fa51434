"""Time a full assessment of a year at 300 units, 100,000 projects and 300,000 receipts, against hand-written
SQL for the same sums.

    .venv/bin/python bench/bench_assessment.py --db sqlite
    .venv/bin/python bench/bench_assessment.py --db postgres [--runs 10] [--profile] [--proposed]

Needs the data of bench/generate.py (generated here when the database holds no projects). Creates, or
refreshes, the period ``BENCH-2026`` (2026-01-01 … 2026-12-31, by month) with the 100-day preset applied
to the tiers and parks (tier one's funds figure 5000万), then measures, median and p95 of ``--runs`` runs
after a warm-up:

* ``assess``: ``selectors.assess_period(period, as_of)`` — units, target groups, facts (projects that
  moved or received funds in the period, with credits, stage events and receipts) and the pure engine:
  every unit's indicators, groups, score, rank and flags;
* ``raw``: two hand-written aggregate queries returning, per unit, the credited count and contract sum of
  projects signed in the period at ≥1000万 (signing = the first of signed/started/producing, as the engine
  reads skipped stages) and the credited funds in place in the period, under the same recognition rules.

The engine's figures are checked against the SQL's before timing. Targets: ``assess`` ≤ 1 s and ≤ 3 ×
``raw``. With ``--profile`` a cProfile of one assessment is summarised (top functions by cumulative and
own time) into the result. With ``--proposed`` the change proposed at the end of this file (facts aggregated
per project in SQL, the engine sorting each unit's projects once) is timed too, after checking that it gives
the same scores, ranks, flags, sums and drill-down projects, then once more with two covering indexes that
are created for the measurement and dropped after it. Results go to bench/results/assessment-<db>.json.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import pstats
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
# reached with the next one). Shares are percentages.
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
SELECT c.unit_id, SUM(c.share) / 100.0, SUM(c.share * p.contract_amount) / 100.0
FROM reached r
JOIN projects_project p ON p.id = r.project_id
JOIN projects_projectcredit c ON c.project_id = p.id
WHERE r.signed_on >= %(start)s AND p.contract_amount >= %(floor)s {rules}
GROUP BY c.unit_id
"""
FUNDS_SQL = """
SELECT c.unit_id, SUM(c.share * f.amount) / 100.0
FROM projects_fundsreceipt f
JOIN projects_project p ON p.id = f.project_id
JOIN projects_projectcredit c ON c.project_id = f.project_id
WHERE f.date >= %(start)s AND f.date <= %(until)s {rules}
GROUP BY c.unit_id
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


def ensure_data(db: str) -> dict:
    from zhaoshang.organization.models import Unit
    from zhaoshang.projects.models import FundsReceipt, Project

    if not Project.objects.exists():
        import generate

        print(f"{db}: no projects; generating")
        generate.generate(projects=common.PROJECTS, receipts=common.RECEIPTS)
    return {
        "units": Unit.objects.count(),
        "projects": Project.objects.count(),
        "receipts": FundsReceipt.objects.count(),
    }


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
        cursor.execute(SIGNED_SQL.format(rules=rules), params)
        signed = {unit_id: (count, contract) for unit_id, count, contract in cursor.fetchall()}
        cursor.execute(FUNDS_SQL.format(rules=rules), params)
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
        projects, receipts, _n = selectors.facts(period, as_of)
        t3 = time.perf_counter()
        rules = selectors.rules_for(period, as_of)
        t4 = time.perf_counter()
        engine.assess(
            units=units,
            groups_by_unit=groups,
            projects=projects,
            receipts=receipts,
            start=period.start,
            end=period.end,
            as_of=as_of,
            schedule_basis=period.schedule_basis,
            rules=rules,
        )
        t5 = time.perf_counter()
        for name, (a, b) in zip(timings, [(t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5)], strict=True):
            timings[name].append((b - a) * 1000)
        sizes = {"units": len(units), "units_with_targets": len(groups), "projects": len(projects)}
        sizes["receipts"] = len(receipts)
    return {"sizes": sizes, "median_ms": {k: common.summary(v)["median_ms"] for k, v in timings.items()}}


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


# --- the proposed change, measured in this process (nothing in src/ changes) ------------------------------
#
# Today selectors.facts() brings every stage event (all stages, all years) and every receipt of the projects
# that moved into Python, and the engine loops over all of a unit's projects and receipts for every
# indicator. The proposal: aggregate per project in SQL (the date each indicator stage was reached, the funds
# in place in the period), and have the engine sort each unit's projects once into "reached signed in the
# period", "reached started in the period" and "has funds in the period" before evaluating indicators.

PROPOSED_REACHED_SQL = """
SELECT project_id, MIN(date), MIN(CASE WHEN stage <> 'signed' THEN date END)
FROM projects_stageevent
WHERE stage IN ('signed', 'started', 'producing') AND date <= %(until)s
  AND project_id IN (SELECT project_id FROM projects_stageevent
                     WHERE stage IN ('signed', 'started', 'producing') AND date >= %(start)s AND date <= %(until)s)
GROUP BY project_id
HAVING MIN(date) >= %(start)s OR MIN(CASE WHEN stage <> 'signed' THEN date END) >= %(start)s
"""
PROPOSED_FUNDS_SQL = """
SELECT project_id, ROUND(SUM(amount), 2) FROM projects_fundsreceipt
WHERE date >= %(start)s AND date <= %(until)s GROUP BY project_id
"""
PROPOSED_PROJECTS_SQL = """
SELECT p.id, c.unit_id, c.share, p.kind, p.industry, p.government_funded, p.local_relocation, p.second_phase,
       p.planned_investment, p.contract_amount, p.capital_type, p.currency, p.exchange_rate, p.foreign_investment
FROM projects_project p JOIN projects_projectcredit c ON c.project_id = p.id
WHERE p.id IN ({ids})
"""
COVERING_INDEXES = {
    "bench_receipt_date_cover": "projects_fundsreceipt (date, project_id, amount)",
    "bench_event_stage_cover": "projects_stageevent (stage, date, project_id)",
}


def _decimal(value):
    """SQLite returns decimals as int or float; PostgreSQL as Decimal."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def _date(value):
    return value if value is None or isinstance(value, dt.date) else dt.date.fromisoformat(value)


def proposed_facts(period, until: dt.date) -> list[tuple]:
    """(id, credits, signed_on, started_on, funds, planned, contract, foreign_usd, excluded) per project that
    reached signed/started in the period or received funds in it."""
    from django.db import connection

    from zhaoshang.assessment import selectors

    params = {"start": period.start, "until": until}
    with connection.cursor() as cursor:
        cursor.execute(PROPOSED_REACHED_SQL, params)
        reached = {pk: (_date(s), _date(st)) for pk, s, st in cursor.fetchall()}
        cursor.execute(PROPOSED_FUNDS_SQL, params)
        funds = {pk: _decimal(total) for pk, total in cursor.fetchall()}
        ids = sorted(set(reached) | set(funds))
        rows = []
        for i in range(0, len(ids), 10000):  # integer literals: no parameter limit
            cursor.execute(PROPOSED_PROJECTS_SQL.format(ids=",".join(map(str, ids[i : i + 10000]))))
            rows.extend(cursor.fetchall())
    credits, columns = {}, {}
    for pk, unit_id, share, *rest in rows:
        credits.setdefault(pk, {})[unit_id] = _decimal(share) / 100
        if pk not in columns:
            kind, industry, gov, relocation, second, planned, contract, capital, currency, rate, foreign = rest
            columns[pk] = {
                "kind": kind,
                "industry": industry,
                "government_funded": bool(gov),
                "local_relocation": bool(relocation),
                "second_phase": bool(second),
                "planned_investment": _decimal(planned),
                "contract_amount": _decimal(contract),
                "capital_type": capital,
                "currency": currency,
                "exchange_rate": _decimal(rate),
                "foreign_investment": _decimal(foreign),
            }
    return [
        (
            pk,
            credits[pk],
            *reached.get(pk, (None, None)),
            funds.get(pk),
            row["planned_investment"],
            row["contract_amount"],
            selectors._foreign_usd(period, row),
            selectors.excluded(period, row),
        )
        for pk, row in columns.items()
    ]


def proposed_assess(period, as_of: dt.date, facts: list[tuple]) -> list:
    """The engine's rules over the facts above: each unit's projects sorted once by what they did."""
    from zhaoshang.assessment import engine, selectors

    start, until = period.start, min(period.end, as_of)
    progress = engine.schedule_progress(period.start, period.end, as_of, period.schedule_basis)
    by_stage = {"signed": {}, "started": {}}
    funded, headline = {}, {}
    for pk, credits, signed_on, started_on, funds, planned, contract, usd, excluded in facts:
        if excluded:
            continue
        signed_in = signed_on is not None and start <= signed_on <= until
        started_in = started_on is not None and start <= started_on <= until
        for unit_id, share in credits.items():
            item = (share, pk, planned, contract, usd, funds)
            money = headline.setdefault(unit_id, [engine.ZERO, engine.ZERO])
            if signed_in:
                by_stage["signed"].setdefault(unit_id, []).append(item)
                money[1] += share * contract
            if started_in:
                by_stage["started"].setdefault(unit_id, []).append(item)
            if funds:
                funded.setdefault(unit_id, []).append(item)
                money[0] += share * funds
    units = selectors.unit_infos()
    groups = selectors.group_specs(period, units)
    results = []
    for unit in units:
        group_results = []
        for group in groups.get(unit.id, ()):
            indicators = []
            for spec in group.indicators:
                actual, ids = engine.ZERO, []
                by_contract, floor = spec.amount_field == "contract_amount", spec.min_amount
                if spec.kind == "funds":
                    for share, pk, planned, contract, _usd, funds in funded.get(unit.id, ()):
                        if not (floor and (contract if by_contract else planned) < floor):
                            actual += share * funds
                            ids.append(pk)
                else:
                    for share, pk, planned, contract, usd, _funds in by_stage[spec.stage or "signed"].get(unit.id, ()):
                        amount = contract if by_contract else planned
                        if amount < floor or (spec.kind == "foreign" and usd <= 0):
                            continue
                        actual += {"count": share, "amount": share * amount}.get(spec.kind, share * usd)
                        ids.append(pk)
                completion = engine.ratio(actual, spec.target)
                indicators.append(
                    engine.IndicatorResult(
                        spec=spec,
                        actual=actual,
                        completion=completion,
                        schedule_ratio=engine.ratio(completion, progress) if progress else None,
                        met=actual >= spec.target,
                        project_ids=ids,
                    )
                )
            completion = max(i.completion for i in indicators)
            group_results.append(
                engine.GroupResult(
                    spec=group,
                    indicators=indicators,
                    completion=completion,
                    met=any(i.met for i in indicators),
                    schedule_ratio=engine.ratio(completion, progress) if progress else None,
                )
            )
        score = None
        if group_results:
            weight = sum((g.spec.weight for g in group_results), engine.ZERO)
            score = sum((g.spec.weight * min(g.completion, engine.ONE) for g in group_results), engine.ZERO) / weight
        funds, contract = headline.get(unit.id, (engine.ZERO, engine.ZERO))
        results.append(
            engine.UnitResult(
                unit=unit,
                groups=group_results,
                score=score,
                schedule_ratio=None,
                funds=funds,
                contract=contract,
                counted_projects=0,
            )
        )
    engine._rank_and_flag(results, progress, selectors.rules_for(period, as_of))
    return results


def _signature(results) -> dict:
    """What must not change: scores, ranks, flags, headline sums, group completions, drilled-down projects."""
    return {
        r.unit.code: (
            r.score,
            r.rank,
            tuple(r.flags),
            r.funds,
            r.contract,
            tuple((g.completion, g.met, tuple(tuple(sorted(i.project_ids)) for i in g.indicators)) for g in r.groups),
        )
        for r in results
        if r.score is not None
    }


def measure_proposal(db: str, period, as_of: dt.date, reference, runs: int) -> dict:
    from django.db import connection

    until = min(period.end, as_of)
    facts = proposed_facts(period, until)
    same = _signature(proposed_assess(period, as_of, facts)) == _signature(reference.units)
    result = {
        "same_figures_as_today": same,
        "facts_projects": len(facts),
        "facts": common.timed(lambda: proposed_facts(period, until), runs=runs),
        "engine": common.timed(lambda: proposed_assess(period, as_of, facts), runs=runs),
        "total": common.timed(lambda: proposed_assess(period, as_of, proposed_facts(period, until)), runs=runs),
    }
    with connection.cursor() as cursor:
        for name, target in COVERING_INDEXES.items():
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
        cursor.execute("ANALYZE" if db == "postgres" else "SELECT 1")
    try:
        result["total_with_covering_indexes"] = common.timed(
            lambda: proposed_assess(period, as_of, proposed_facts(period, until)), runs=runs
        )
    finally:
        with connection.cursor() as cursor:
            for name in COVERING_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
    result["covering_indexes"] = [f"CREATE INDEX … ON {target}" for target in COVERING_INDEXES.values()]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=common.DATABASES, default="sqlite")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--profile", action="store_true", help="add a cProfile summary of one assessment")
    parser.add_argument(
        "--proposed", action="store_true", help="also time the proposed facts and engine (see the end of the file)"
    )
    args = parser.parse_args()
    common.setup(args.db)
    common.migrate()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhaoshang.assessment import selectors

    counts = ensure_data(args.db)
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
    output = {
        "benchmark": "assessment",
        "database": args.db,
        "data": counts,
        "period": {"code": PERIOD_CODE, "start": str(START), "end": str(END), "as_of": str(as_of), "groups": groups},
        "targets": {"assess_ms": TARGET_MS, "ratio_to_raw": TARGET_RATIO},
        "assess": assess_t,
        "raw": raw_t,
        "ratio": ratio,
        "meets_target": assess_t["median_ms"] <= TARGET_MS and ratio <= TARGET_RATIO,
        # On a busy machine the wall clock includes waiting for a CPU. SQLite runs in this process, so its
        # CPU time is the cost on an idle machine; PostgreSQL's CPU time leaves out the server's share.
        "ratio_cpu": round(assess_t["cpu_median_ms"] / raw_t["cpu_median_ms"], 2),
        "phases": phases(period, as_of, max(3, args.runs // 2)),
        "queries": query_count,
        "checked_against_sql": checked,
        "units_ranked": sum(1 for r in assessment.units if r.rank is not None),
        "environment": common.environment(args.db),
    }
    if args.profile:
        output["profile"] = profile(period, as_of)
    if args.proposed:
        output["proposed"] = measure_proposal(args.db, period, as_of, assessment, max(3, args.runs // 2))
        proposed = output["proposed"]["total"]
        print(f"{args.db}: proposed {proposed['median_ms']} ms (cpu {proposed['cpu_median_ms']})")
    path = common.write_result("assessment", args.db, output)
    print(
        f"{args.db}: assess median {assess_t['median_ms']} ms (p95 {assess_t['p95_ms']}, cpu "
        f"{assess_t['cpu_median_ms']}), raw SQL {raw_t['median_ms']} ms (cpu {raw_t['cpu_median_ms']}), "
        f"ratio {ratio}; phases {output['phases']['median_ms']}; "
        f"{'meets' if output['meets_target'] else 'MISSES'} the targets → {path}"
    )


if __name__ == "__main__":
    main()
