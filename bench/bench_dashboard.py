"""Time the leaders' dashboard at 300 units, 100,000 projects and 300,000 receipts.

    .venv/bin/python bench/bench_dashboard.py --db sqlite
    .venv/bin/python bench/bench_dashboard.py --db postgres [--runs 10] [--profile]

Needs the data of bench/generate.py (generated here when the database holds no projects) and the period
``BENCH-2026`` of bench_assessment.py (2026-01-01 … 2026-12-31, the 100-day preset; made or refreshed as that
benchmark does).
As of 2026-12-31 it measures, median of ``--runs`` runs after a warm-up:

* ``page``: ``dashboard.selectors.dashboard_data`` with the sections the page computes at once — headline
  cards with their month-ago and year-ago comparisons, the funnel and the median days per stage, the months
  (this year's and last year's), the breakdowns, big projects and overdue items — for the bureau (whole
  county), the bureau looking at township T01, and T01's reporter;
* ``stalled`` and ``ranking``: the sections the page loads after it is shown, which cost what their own apps'
  selectors cost (``scheduling.selectors.stalled_projects``, ``assessment.selectors.assess_period``);
* ``full``: all of them together, what ``dashboard_data`` returns by default: the figures, the lists and the
  ranking read side by side, each in its own thread and connection (``core.concurrency``, ``READ_THREADS``
  = 3, the default); ``full_bureau_one_thread`` the same read one after the other (``READ_THREADS`` = 1);
* ``http``: GET /dashboard/ through Django's test client as the bureau (server time with the template);
* the time of each part of the page (one query each) and the number of queries.

The dashboard keeps what it computed until the data changes (``core.revision``): every figure above is
measured cold, with the cache emptied before each run, as after any change to the ledger. ``warm`` repeats
``full`` and ``http`` with the cache kept, as a second look at the same dashboard before anything changes.

Target: full dashboard data ≤ 500 ms. Results go to bench/results/dashboard-<db>.json.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
from bench_assessment import END, PERIOD_CODE, START, ensure_period  # the assessment benchmark's period

TARGET_MS = 500
AS_OF = END


def cases():
    from zhaoshang.organization.models import Unit, User

    bureau = User.objects.get(username="bureau")
    reporter = User.objects.get(username="reporter")
    township = Unit.objects.get(code="T01")
    return {
        "county (bureau)": {"user": bureau, "unit": None},
        "township T01 (bureau)": {"user": bureau, "unit": township},
        "own units (reporter of T01)": {"user": reporter, "unit": None},
    }


def cold(function):
    """``function`` run with an empty cache, as after any change to the data."""
    from django.core.cache import cache

    def run():
        cache.clear()
        return function()

    return run


def fresh(user):
    """The user as a request would load it (nothing cached on the instance from an earlier run)."""
    return type(user).objects.get(pk=user.pk)


def page_sections() -> list[str]:
    from zhaoshang.dashboard import selectors, views

    return [s for s in selectors.SECTIONS if s not in views.LAZY_SECTIONS]


def parts(period, user, unit, runs: int) -> dict:
    """The parts of the page, timed one by one (each is one or a few queries)."""
    from zhaoshang.dashboard import queries, selectors
    from zhaoshang.dashboard.windows import months, spans

    timings: dict[str, list[float]] = {}

    def timed(name, function, *args, **kwargs):
        started = time.perf_counter()
        result = function(*args, **kwargs)
        timings.setdefault(name, []).append((time.perf_counter() - started) * 1000)
        return result

    windows = spans(period.start, period.end, AS_OF)
    month_list = months(period.start, period.end, AS_OF)
    for _ in range(runs):
        user = fresh(user)
        scope = timed("scope", selectors.Scope, user=user, unit=unit)
        timed(
            "reached_facts",
            queries.reached_facts,
            scope=scope.projects,
            windows=windows,
            months=month_list,
            usd_rate=period.usd_rate,
        )
        timed("funds", queries.funds, scope=scope.projects, windows=windows, months=month_list)
        for name in ("big_projects", "overdue"):
            section = cold(
                lambda user=user, name=name: selectors.dashboard_data(
                    user=user, period=period, as_of=AS_OF, unit=unit, sections=[name]
                )
            )
            timed(name, section)
    return {name: common.summary(samples)["median_ms"] for name, samples in timings.items()}


def profile(period, user, unit, sections, top: int = 25) -> dict:
    from django.core.cache import cache

    from zhaoshang.dashboard import selectors

    cache.clear()
    profiler = cProfile.Profile()
    profiler.enable()
    selectors.dashboard_data(user=fresh(user), period=period, as_of=AS_OF, unit=unit, sections=sections)
    profiler.disable()
    result = {}
    for key in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(top)
        lines = [line.rstrip() for line in out.getvalue().splitlines() if line.strip()]
        result[key] = lines[-top - 1 :]
    return result


def http(period, runs: int, *, warm: bool = False) -> dict:
    from django.test import Client

    from zhaoshang.organization.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="bureau"))
    url = f"/dashboard/?period={period.pk}&as_of={AS_OF.isoformat()}"

    def get():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    return common.timed(get if warm else cold(get), runs=runs, warmup=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=common.DATABASES, default="sqlite")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--ranking-runs", type=int, default=3, help="runs of the ranking and full cases (slow)")
    parser.add_argument("--profile", action="store_true", help="add a cProfile summary of the page's data")
    args = parser.parse_args()
    common.setup(args.db)
    common.migrate()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhaoshang.dashboard import selectors

    counts = common.ensure_data(args.db)
    period, _groups = ensure_period()
    # The ranking reads the stored assessment and the county the daily figures (issue 16), which jobs keep fresh
    # between two changes of the data: made fresh here as those jobs would, and timed (they never run in a request).
    from zhaoshang.assessment import stored as stored_assessment
    from zhaoshang.dashboard import daily, daily_build
    from zhaoshang.jobs import stored

    started = time.perf_counter()
    stored.compute_and_store(
        stored_assessment.PERIOD_RESULT, stored_assessment.params(period, AS_OF, period.basis), "zh-hans"
    )
    jobs = {"assessment_stored_ms": round((time.perf_counter() - started) * 1000, 1)}
    if not daily.fresh():
        jobs["daily_figures_build"] = daily_build.build()
    print(f"{args.db} jobs before timing: {jobs}", flush=True)
    sections = page_sections()
    results: dict = {}
    for name, case in cases().items():
        user, unit = case["user"], case["unit"]

        def page(user=user, unit=unit):
            return selectors.dashboard_data(user=fresh(user), period=period, as_of=AS_OF, unit=unit, sections=sections)

        data = cold(page)()
        with CaptureQueriesContext(connection) as queries:
            cold(page)()
        results[name] = {
            "page": common.timed(cold(page), runs=args.runs),
            "queries": len(queries.captured_queries),
            "figures": {
                "signed": data["headline"][0]["value"],
                "contract": str(data["headline"][2]["value"]),
                "funds": str(data["headline"][3]["value"]),
                "funnel": [row["count"] for row in data["funnel"]],
                "big_projects": data["big_projects"]["count"],
                "overdue": data["overdue"].get("count"),
            },
            "parts_median_ms": parts(period, user, unit, max(3, args.runs // 2)),
        }
        print(
            f"{args.db} {name}: page median {results[name]['page']['median_ms']} ms, {results[name]['queries']} queries"
        )

    bureau = cases()["county (bureau)"]["user"]
    lazy = {}
    for name in ("stalled", "ranking"):
        lazy[name] = common.timed(
            cold(
                lambda name=name: selectors.dashboard_data(
                    user=fresh(bureau), period=period, as_of=AS_OF, sections=[name]
                )
            ),
            runs=args.ranking_runs,
            warmup=1,
        )
        print(f"{args.db} {name}: median {lazy[name]['median_ms']} ms", flush=True)

    def full_data():
        return selectors.dashboard_data(user=fresh(bureau), period=period, as_of=AS_OF)

    full = common.timed(cold(full_data), runs=args.ranking_runs, warmup=0)
    # The same, read one after the other (READ_THREADS = 1): what one core does, and what a deployment that turns
    # the threads off gets.
    from django.test import override_settings

    with override_settings(READ_THREADS=1):
        full_serial = common.timed(cold(full_data), runs=args.ranking_runs, warmup=0)
    warm = {"full": common.timed(full_data, runs=args.runs, warmup=1), "http": http(period, args.runs, warm=True)}
    worst = max(r["page"]["median_ms"] for r in results.values())
    output = {
        "benchmark": "dashboard",
        "database": args.db,
        "data": counts,
        "period": {"code": PERIOD_CODE, "start": str(START), "end": str(END), "as_of": str(AS_OF)},
        "target_ms": TARGET_MS,
        "page_sections": sections,
        "jobs_before": jobs,
        "cases": results,
        "stalled_bureau": lazy["stalled"],
        "ranking_bureau": lazy["ranking"],
        "full_bureau": full,
        "full_bureau_one_thread": full_serial,
        "read_threads": settings.READ_THREADS,
        "http_bureau": http(period, max(3, args.runs // 2)),
        "warm": warm,
        "meets_target": {"cold": full["median_ms"] <= TARGET_MS, "warm": warm["full"]["median_ms"] <= TARGET_MS},
        "environment": common.environment(args.db),
    }
    if args.profile:
        output["profile"] = profile(period, bureau, None, sections)
    path = common.write_result("dashboard", args.db, output)
    print(
        f"{args.db}: page worst case median {worst} ms (target {TARGET_MS}); "
        f"stalled {lazy['stalled']['median_ms']} ms; ranking {lazy['ranking']['median_ms']} ms; "
        f"full {full['median_ms']} ms cold ({full_serial['median_ms']} ms in one thread), "
        f"{warm['full']['median_ms']} ms warm (target {TARGET_MS}); "
        f"http {output['http_bureau']['median_ms']} ms cold, {warm['http']['median_ms']} ms warm → {path}"
    )


if __name__ == "__main__":
    main()
