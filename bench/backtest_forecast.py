"""Back-test the year-end forecast (zhaoshang.dashboard.forecast) on the demo county's held-back history.

    .venv/bin/python bench/backtest_forecast.py [--runs 2000] [--seed 20261121] [--as-of 2026-06-30 ...]

Builds the demo county (``zhaoshang.demo``, as on 2026-11-21 so that every run builds the same county) in
a temporary SQLite database, creates the period 2026-01-01 … 2026-10-31 with the 100-day preset on the
tiers and parks (tier one's funds figure 2000万), then for each as-of date:

* forecasts the period's end from the ledger as it stood on the as-of date (``forecast`` reads nothing
  dated later: checked here by deleting everything dated later, resetting later stalls and drops and the
  contract amounts of projects not yet signed, and forecasting again — the two results must be equal);
* assesses the period at its end with everything (``assess_period(period, period.end)``, reported basis);
* compares, over the units with targets: the mean absolute error of the expected score; the share of
  actual scores inside the forecast's [p10, p90]; the Brier score of each group's probability of being
  met (all groups, and the groups still open on the as-of date); the same figures for two naive
  forecasts — "nothing more happens" (today's score) and "straight-line" (today's completion divided by
  the schedule progress) — to show what the simulation adds.

Prints a table per as-of date and writes bench/results/forecast-backtest.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULT = BENCH_DIR / "results" / "forecast-backtest.json"
DEMO_TODAY = dt.date(2026, 11, 21)
START, END = dt.date(2026, 1, 1), dt.date(2026, 10, 31)
AS_OF = [dt.date(2026, 4, 30), dt.date(2026, 6, 30), dt.date(2026, 8, 31)]
TIER_ONE_FUNDS = Decimal("2000")


def setup(data_dir: str) -> None:
    """Django on a fresh SQLite database in ``data_dir`` (the trial database is never touched)."""
    os.environ.pop("DATABASE_URL", None)
    os.environ["ZHAOSHANG_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    src = str(ROOT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def make_period(code: str = "BACKTEST-2026"):
    from zhaoshang.targets import services
    from zhaoshang.targets.models import Period

    data = {"code": code, "name": "招商引资百日竞赛回测", "start": START, "end": END}
    period = services.save_period(user=None, period=Period.objects.filter(code=code).first(), data=data)
    services.apply_hundred_day_preset(user=None, period=period, tier_one_funds=TIER_ONE_FUNDS)
    return period


# --- the comparison ----------------------------------------------------------------------------------


def _straight_line(result, progress: Decimal, cap: Decimal) -> tuple[Decimal, list[bool]]:
    """Today's completion of each group carried on at today's pace to the period's end."""
    if not progress:
        return Decimal("0"), [False for _ in result.groups]
    weights = sum((g.spec.weight for g in result.groups), Decimal("0"))
    completions = [g.completion / progress for g in result.groups]
    score = sum((g.spec.weight * min(c, cap) for g, c in zip(result.groups, completions, strict=True)), Decimal("0"))
    return score / weights, [c >= 1 for c in completions]


def _reliability(pairs: list[tuple[float, bool]]) -> list[dict]:
    """Forecast probability against observed frequency, in five bins (a calibrated forecast has them equal)."""
    bins = []
    for low in (0.0, 0.2, 0.4, 0.6, 0.8):
        inside = [(p, met) for p, met in pairs if low <= p < low + 0.2 or (low == 0.8 and p == 1.0)]
        if inside:
            bins.append(
                {
                    "bin": f"{low:.1f}–{low + 0.2:.1f}",
                    "groups": len(inside),
                    "mean_probability": round(sum(p for p, _m in inside) / len(inside), 3),
                    "met_share": round(sum(m for _p, m in inside) / len(inside), 3),
                }
            )
    return bins


def backtest(period, as_of: dt.date, *, runs: int = 2000, seed: int = 20261121, arrivals: bool = True) -> dict:
    """Forecast ``period`` as of ``as_of`` and score the forecast against the assessment at its end."""
    from zhaoshang.assessment import engine, selectors
    from zhaoshang.dashboard.forecast import forecast

    started, cpu = time.perf_counter(), time.process_time()
    result = forecast(period, as_of, runs=runs, seed=seed, arrivals=arrivals)
    timing = {"wall_s": round(time.perf_counter() - started, 2), "cpu_s": round(time.process_time() - cpu, 2)}
    actual = {r.unit.id: r for r in selectors.assess_period(period, period.end).units}
    now = {r.unit.id: r for r in selectors.assess_period(period, as_of).units}
    progress = engine.schedule_progress(period.start, period.end, as_of, period.schedule_basis)
    cap = period.score_cap
    rows, briers, open_briers, pairs = [], [], [], []
    naive = {"now": [], "line": [], "now_brier": [], "line_brier": [], "line_open_brier": [], "now_open_brier": []}
    for unit in result.units:
        truth = actual[unit.unit_id]
        line_score, line_met = _straight_line(now[unit.unit_id], progress, cap)
        groups = []
        for group, true_group, line in zip(unit.groups, truth.groups, line_met, strict=True):
            error = (group["probability_met"] - float(true_group.met)) ** 2
            briers.append(error)
            naive["now_brier"].append((float(group["current_met"]) - float(true_group.met)) ** 2)
            naive["line_brier"].append((float(line) - float(true_group.met)) ** 2)
            if not group["current_met"]:
                open_briers.append(error)
                pairs.append((group["probability_met"], true_group.met))
                naive["now_open_brier"].append(float(true_group.met))
                naive["line_open_brier"].append((float(line) - float(true_group.met)) ** 2)
            groups.append(
                {
                    "name": group["name"],
                    "current_completion": float(group["current_completion"]),
                    "expected_completion": float(group["expected_completion"]),
                    "actual_completion": round(float(true_group.completion), 4),
                    "probability_met": round(group["probability_met"], 4),
                    "met": true_group.met,
                }
            )
        score = truth.score
        naive["now"].append(abs(unit.current_score - score))
        naive["line"].append(abs(line_score - score))
        rows.append(
            {
                "code": unit.code,
                "name": unit.name,
                "category": unit.category,
                "current": float(unit.current_score),
                "expected": float(unit.expected_score),
                "p10": float(unit.p10),
                "p90": float(unit.p90),
                "actual": round(float(score), 4),
                "error": round(float(abs(unit.expected_score - score)), 4),
                "inside": unit.p10 <= round(score, 4) <= unit.p90,
                "uncertain": unit.p10 < unit.p90,
                "projects": len(unit.project_ids),
                "new_projects": round(unit.expected_new_projects, 2),
                "groups": groups,
            }
        )
    n = len(rows)
    mean = lambda values: round(float(sum(values) / len(values)), 4) if values else None  # noqa: E731
    county_actual = sum((actual[u.unit_id].score for u in result.units), Decimal("0")) / n if n else None
    return {
        "as_of": str(as_of),
        "runs": runs,
        "seed": seed,
        "arrivals": arrivals,
        "timing": timing,
        "units": n,
        "live_projects": result.simulated_projects,
        "mae": mean([abs(Decimal(str(r["expected"])) - Decimal(str(r["actual"]))) for r in rows]),
        "coverage_p10_p90": round(sum(r["inside"] for r in rows) / n, 4) if n else None,
        # The same over the units whose forecast is not a single value (p10 < p90): the nominal 80%.
        "coverage_uncertain_units": mean([r["inside"] for r in rows if r["uncertain"]]),
        "uncertain_units": sum(r["uncertain"] for r in rows),
        "brier": mean(briers),
        "brier_open_groups": mean(open_briers),
        "open_groups": len(open_briers),
        "groups": len(briers),
        "baselines": {
            "nothing_more_mae": mean(naive["now"]),
            "nothing_more_brier": mean(naive["now_brier"]),
            "straight_line_mae": mean(naive["line"]),
            "straight_line_brier": mean(naive["line_brier"]),
            "nothing_more_brier_open_groups": mean(naive["now_open_brier"]),
            "straight_line_brier_open_groups": mean(naive["line_open_brier"]),
        },
        "reliability_open_groups": _reliability(pairs),
        "county": {
            "current": float(result.county.current_score),
            "expected": float(result.county.expected_score),
            "p10": float(result.county.p10),
            "p90": float(result.county.p90),
            "actual": round(float(county_actual), 4) if county_actual is not None else None,
        },
        "estimates": {
            "transitions": [
                {
                    "step": t.name,
                    "rate": round(t.rate, 4),
                    "converted": t.converted,
                    "failed": t.failed,
                    "censored": t.censored,
                    "censor_days": t.censor_days,
                    "median_days": t.median_days,
                }
                for t in result.estimates.transitions
            ],
            "pace_first_12_months": [round(result.estimates.pace_mean(m), 4) for m in range(12)],
            "arrivals_per_year": round(sum(r for _u, r in result.estimates.arrival_rates) * 365, 1),
        },
        "rows": rows,
    }


def held_back_identical(period, as_of: dt.date, *, runs: int = 200, seed: int = 20261121) -> bool:
    """Forecast, then delete every record dated after ``as_of`` (and undo later stalls, drops and contract
    amounts) inside a transaction that is rolled back, forecast again: the forecasts must be equal."""
    from django.db import transaction

    from zhaoshang.dashboard.forecast import forecast
    from zhaoshang.projects.models import FundsReceipt, Project, StageEvent

    def comparable(result):
        return result.units, result.county, result.estimates

    before = comparable(forecast(period, as_of, runs=runs, seed=seed))
    with transaction.atomic():
        signed = StageEvent.objects.filter(stage__in=["signed", "started", "producing"], date__lte=as_of)
        Project.objects.exclude(pk__in=signed.values("project_id")).update(contract_amount=Decimal("0"))
        Project.objects.filter(status_date__gt=as_of).update(status="active", status_reason="", status_date=None)
        StageEvent.objects.filter(date__gt=as_of).delete()
        FundsReceipt.objects.filter(date__gt=as_of).delete()
        after = comparable(forecast(period, as_of, runs=runs, seed=seed))
        transaction.set_rollback(True)
    return before == after


# --- the script --------------------------------------------------------------------------------------


def _table(report: dict) -> str:
    lines = [
        f"as of {report['as_of']}: {report['units']} units, {report['live_projects']} live projects, "
        f"{report['runs']} runs ({report['timing']['wall_s']} s wall, {report['timing']['cpu_s']} s CPU)",
        f"{'unit':<6} {'now':>6} {'exp':>6} {'p10':>6} {'p90':>6} {'actual':>6} {'err':>6} in  groups P(met)→met",
    ]
    for r in report["rows"]:
        groups = " ".join(f"{g['name']}{g['probability_met']:.2f}{'✓' if g['met'] else '✗'}" for g in r["groups"])
        lines.append(
            f"{r['code']:<6} {r['current']:>6.3f} {r['expected']:>6.3f} {r['p10']:>6.3f} {r['p90']:>6.3f} "
            f"{r['actual']:>6.3f} {r['error']:>6.3f} {'y ' if r['inside'] else 'n '}  {groups}"
        )
    b = report["baselines"]
    lines.append(
        f"MAE {report['mae']} (nothing more {b['nothing_more_mae']}, straight line {b['straight_line_mae']}); "
        f"inside [p10, p90] {report['coverage_p10_p90']:.0%}; Brier {report['brier']} over {report['groups']} "
        f"groups (nothing more {b['nothing_more_brier']}, straight line {b['straight_line_brier']}), "
        f"{report['brier_open_groups']} over the {report['open_groups']} groups open on the as-of date"
    )
    lines.append(
        f"units with a range (p10 < p90): {report['uncertain_units']}, actual inside it "
        f"{report['coverage_uncertain_units']:.0%}; open groups, naive Brier: nothing more "
        f"{b['nothing_more_brier_open_groups']}, straight line {b['straight_line_brier_open_groups']}"
    )
    lines.append(
        "reliability (open groups): "
        + "; ".join(
            f"P {x['bin']}: {x['groups']} groups, mean {x['mean_probability']}, met {x['met_share']}"
            for x in report["reliability_open_groups"]
        )
    )
    c = report["county"]
    lines.append(
        f"county mean score: now {c['current']}, expected {c['expected']} [{c['p10']}, {c['p90']}], "
        f"actual {c['actual']}"
    )
    return "\n".join(lines)


def _dump(output: dict) -> str:
    """Indented JSON with one line per unit row (the rows would otherwise take thousands of lines)."""
    rows = {}
    for report in output["reports"]:
        for i, row in enumerate(report["rows"]):
            marker = f"@row{len(rows)}@"
            rows[marker] = json.dumps(row, ensure_ascii=False)
            report["rows"][i] = marker
    text = json.dumps(output, ensure_ascii=False, indent=2)
    for marker, row in rows.items():
        text = text.replace(f'"{marker}"', row)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, nargs="*", default=AS_OF)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zhaoshang-backtest-") as data_dir:
        setup(data_dir)
        from zhaoshang.demo.builder import build_demo

        summary = build_demo(today=DEMO_TODAY)
        period = make_period()
        reports, checks = [], {}
        for as_of in args.as_of:
            report = backtest(period, as_of, runs=args.runs, seed=args.seed)
            print(_table(report), end="\n\n")
            reports.append(report)
            checks[str(as_of)] = held_back_identical(period, as_of, seed=args.seed)
        middle = args.as_of[len(args.as_of) // 2]
        without = backtest(period, middle, runs=args.runs, seed=args.seed, arrivals=False)
        print(
            f"without arrivals, as of {middle}: MAE {without['mae']}, inside {without['coverage_p10_p90']:.0%}, "
            f"Brier {without['brier']} (open groups {without['brier_open_groups']})"
        )
        print(f"held-back history gives the same forecast: {checks}")
        output = {
            "benchmark": "forecast-backtest",
            "demo": {"today": str(DEMO_TODAY), **summary.counts},
            "period": {"start": str(START), "end": str(END), "preset": "100-day", "tier_one_funds": 2000},
            "held_back_identical": checks,
            "reports": reports,
            "without_arrivals": {k: v for k, v in without.items() if k != "rows"},
            "environment": {
                "python": platform.python_version(),
                "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
                "load_average_1m": round(os.getloadavg()[0], 2),
                "date": time.strftime("%Y-%m-%d %H:%M"),
            },
        }
        if not args.no_write:
            RESULT.parent.mkdir(exist_ok=True)
            RESULT.write_text(_dump(output) + "\n", encoding="utf-8")
            print(f"→ {RESULT}")


if __name__ == "__main__":
    main()
