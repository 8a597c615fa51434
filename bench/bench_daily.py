"""Time the county-wide daily figures (``dashboard.daily``): their build, and the dashboard's figures of the whole
ledger read from them against the row-level SQL they stand in for.

    .venv/bin/python bench/bench_daily.py --db postgres [--runs 5]
    BENCH_PG_NAME=zhaoshang_bench1m .venv/bin/python bench/bench_daily.py --db postgres --runs 3

Reads the data of bench/generate.py (it must be there) for the period 2026-01-01 … 2026-12-31 as of 2026-12-31,
the dates of bench_dashboard.py, and writes only the daily figures' own table (and applies its migration).

* ``build``: ``daily_build.build()``, the whole table rebuilt in one transaction (what the job and
  ``zhaoshang refresh_aggregates`` run);
* ``facts_rows`` / ``funds_rows``: ``queries.reached_facts`` and ``queries.funds`` of the whole county, row-level
  (``aggregate=False``: what a look at a stale dashboard reads);
* ``facts_daily`` / ``funds_daily``: the same from the fresh table (the durations too, from the days-in-stage
  counts by day);
* ``durations_rows``: the row-level durations alone, over the current window's projects (what reading them row by
  row would still cost);
* equal: the two forms' results compared.

Results go to bench/results/daily-<db>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

START, END, AS_OF = dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2026, 12, 31)
USD_RATE = Decimal("7.1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=common.DATABASES, default="sqlite")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--build-runs", type=int, default=1)
    args = parser.parse_args()
    common.setup(args.db)
    from django.core.management import call_command

    call_command("migrate", "dashboard", interactive=False, verbosity=0)
    from zhaoshang.dashboard import daily, daily_build, queries
    from zhaoshang.dashboard.windows import months, spans
    from zhaoshang.projects.models import Project

    windows, month_list = spans(START, END, AS_OF), months(START, END, AS_OF)

    def facts(aggregate: bool):
        return queries.reached_facts(
            scope=None, windows=windows, months=month_list, usd_rate=USD_RATE, aggregate=aggregate
        )

    def funds(aggregate: bool):
        return queries.funds(scope=None, windows=windows, months=month_list, aggregate=aggregate)

    builds = []
    for _ in range(args.build_runs):
        started = time.perf_counter()
        built = daily_build.build()
        builds.append((time.perf_counter() - started) * 1000)
    assert daily.fresh(), "the data moved during the build"

    def durations_rows():
        sql = queries._reached_sql(None, windows["current"], None, AS_OF).add(" ")
        branches = queries._days_branches(
            windows["current"], lambda s, k, c, a: queries.Sql().add(f"SELECT '{s}', {k}, {c}, {a}")
        )
        return queries._fetch(sql.extend(queries._union(branches)))

    result = {
        "projects": Project.objects.count(),
        "rows": built["rows"],
        "build": common.summary(builds),
        "facts_rows": common.timed(lambda: facts(False), runs=args.runs, warmup=1),
        "facts_daily": common.timed(lambda: facts(True), runs=args.runs, warmup=1),
        "durations_rows": common.timed(durations_rows, runs=args.runs, warmup=1),
        "funds_rows": common.timed(lambda: funds(False), runs=args.runs, warmup=1),
        "funds_daily": common.timed(lambda: funds(True), runs=args.runs, warmup=1),
        "equal": facts(True) == facts(False) and funds(True) == funds(False),
    }
    out = Path(__file__).resolve().parent / "results" / f"daily-{args.db}.json"
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
