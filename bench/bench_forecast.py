"""Time the year-end forecast (``zhaoshang.dashboard.forecast``) on the demo county: what the dashboard's
forecast section computes when its cache is cold.

    .venv/bin/python bench/bench_forecast.py [--runs 5] [--simulations 2000] [--case NAME ...]

Builds the demo county (``build_demo`` as of 2026-11-21, the same county on every run) in a temporary SQLite
database (the trial database is never touched) and times ``forecast(period, as_of, runs=2000)`` for the
demo's year period ND2026 (2026-01-01 … 2026-12-31, the 100-day table):

* ``page``: as of 2026-11-21, what the dashboard shows that day (41 days left);
* ``mid_year``: as of 2026-06-30 (half a year left: more live projects, more of the engine per run).

And ``section_http_warm``: the dashboard's forecast section (``GET /dashboard/sections/forecast/`` through the
whole Django stack, Django's test client, logged in as a bureau user) once its stored result is there (issue 16:
the section reads the result a background job stored, never simulating in the request; target ≤ 50 ms): the job
runs once first, then ``--section-runs`` timed requests. ``--no-section`` skips it.

Each case: one warm-up, then ``--runs`` timed runs (median, min, max of the wall clock and the process's CPU
time), the number of cyclic garbage collections per run by generation, and a check that every run gives the
same figures (the seed is fixed). Results go to bench/results/forecast-sqlite.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

DEMO_TODAY = dt.date(2026, 11, 21)
PERIOD_CODE = "ND2026"
CASES = {"page": DEMO_TODAY, "mid_year": dt.date(2026, 6, 30)}


def setup(data_dir: str) -> None:
    """Django on a fresh SQLite database in ``data_dir``, migrated."""
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir}/forecast.sqlite3"
    os.environ["ZHAOSHANG_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    src = str(common.ROOT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    import django

    django.setup()
    common.migrate()


def comparable(result) -> tuple:
    """What the page shows of a forecast (not its timing)."""
    return result.units, result.county, result.estimates, result.simulated_projects


def time_case(period, as_of: dt.date, *, runs: int, simulations: int) -> dict:
    from zhaoshang.dashboard.forecast import forecast

    first = comparable(forecast(period, as_of, runs=simulations))  # warm-up
    wall, cpu, collections = [], [], []
    same = True
    for _ in range(runs):
        before = [s["collections"] for s in gc.get_stats()]
        started, started_cpu = time.perf_counter(), time.process_time()
        result = forecast(period, as_of, runs=simulations)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        collections.append([s["collections"] - b for s, b in zip(gc.get_stats(), before, strict=True)])
        same = same and comparable(result) == first
    return {
        "as_of": str(as_of),
        "simulations": simulations,
        "live_projects": result.simulated_projects,
        **common.summary(wall),
        "cpu_median_ms": round(statistics.median(cpu), 2),
        "cpu_min_ms": round(min(cpu), 2),
        "gc_collections_per_run": [round(statistics.mean(c[g] for c in collections), 1) for g in range(3)],
        "same_figures_every_run": same,
    }


def time_section(period, *, runs: int) -> dict:
    """The forecast section's request, warm: its stored result computed first (as the job does)."""
    from django.conf import settings
    from django.test import Client
    from django.utils import translation

    from zhaoshang.dashboard import lists
    from zhaoshang.dashboard.selectors import Scope
    from zhaoshang.jobs import stored
    from zhaoshang.organization.models import User

    settings.ALLOWED_HOSTS = ["*"]
    user = User.objects.filter(role="bureau", is_active=True).order_by("pk").first()
    params = lists.forecast_params(Scope(user=user, unit=None), period=period, as_of=DEMO_TODAY)
    started = time.perf_counter()
    stored.compute_and_store(lists.FORECAST_RESULT, params, translation.get_language() or settings.LANGUAGE_CODE)
    compute_ms = (time.perf_counter() - started) * 1000
    client = Client()
    client.force_login(user)
    url = f"/dashboard/sections/forecast/?period={period.pk}&as_of={DEMO_TODAY.isoformat()}"
    first = client.get(url, HTTP_ACCEPT_LANGUAGE=settings.LANGUAGE_CODE)
    html = first.content.decode()
    assert first.status_code == 200 and 'id="forecast-table"' in html and 'data-state="fresh"' in html, html[:500]
    wall = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=settings.LANGUAGE_CODE)
        wall.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return {"stored_compute_ms": round(compute_ms, 1), "bytes": len(first.content), **common.summary(wall)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--simulations", type=int, default=2000)
    parser.add_argument("--case", choices=sorted(CASES), nargs="*", default=list(CASES))
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--section-runs", type=int, default=30)
    parser.add_argument("--no-section", action="store_true", help="skip the section's warm request")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zhaoshang-bench-forecast-") as data_dir:
        setup(data_dir)
        from zhaoshang.demo.builder import build_demo
        from zhaoshang.targets.models import Period

        summary = build_demo(today=DEMO_TODAY)
        period = Period.objects.get(code=PERIOD_CODE)
        cases = {}
        for name in args.case:
            cases[name] = time_case(period, CASES[name], runs=args.runs, simulations=args.simulations)
            c = cases[name]
            print(
                f"{name}: {c['live_projects']} live projects, {c['simulations']} simulations: median "
                f"{c['median_ms']:.0f} ms (min {c['min_ms']:.0f}, CPU {c['cpu_median_ms']:.0f}), "
                f"gc collections per run {c['gc_collections_per_run']}, same figures {c['same_figures_every_run']}"
            )
        if not args.no_section:
            c = cases["section_http_warm"] = time_section(period, runs=args.section_runs)
            print(
                f"section_http_warm: median {c['median_ms']:.1f} ms (min {c['min_ms']:.1f}, max {c['max_ms']:.1f}), "
                f"{c['bytes']} bytes; the stored result took {c['stored_compute_ms']:.0f} ms to compute"
            )
        result = {
            "benchmark": "forecast",
            "demo": {"today": str(DEMO_TODAY), **summary.counts},
            "period": PERIOD_CODE,
            "cases": cases,
            "environment": common.environment("sqlite"),
        }
        if not args.no_write:
            print(f"→ {common.write_result('forecast', 'sqlite', result)}")


if __name__ == "__main__":
    main()
