"""Per-request CPU of the common pages, caches warm: what a gunicorn worker spends on each request of the
page mix (issue 16's load test: ledger, filtered ledger, a project, the dashboard and its sections, the
stalled list).

    .venv/bin/python bench/bench_pages.py --db sqlite
    .venv/bin/python bench/bench_pages.py --db postgres
    .venv/bin/python bench/bench_pages.py --db sqlite --profile ledger   # cProfile of one page, warm

Needs the data of bench/generate.py. Each page is requested through Django's test Client (DEBUG off, the
production middleware and template loaders), logged in as ``bureau`` (the whole county) or ``reporter``
(township T01's reporter), after ``--warmup`` requests that fill the caches; then ``--runs`` requests are
timed. For each page it prints the median wall-clock ms, the median CPU ms of this process
(``time.process_time``: on SQLite the whole request, on PostgreSQL without the server's share) and the
queries of one more request. The assessment and the forecast section are left out: they are computed by
jobs (issue 16, part 1), not per request. Results go to bench/results/pages-<db>.json.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
from bench_assessment import END, ensure_period


def pages() -> dict[str, tuple[str, str]]:
    """Page name: (user, URL)."""
    from zhaoshang.organization.models import Unit
    from zhaoshang.projects.models import Project

    period, _groups = ensure_period()
    township = Unit.objects.get(code="T01")
    # A project with history: the one with the most receipts among the latest thousand (stable across runs).
    project = Project.objects.order_by("-funds_total", "pk").only("pk").first()
    dashboard = f"period={period.pk}&as_of={END.isoformat()}"
    return {
        "ledger": ("bureau", "/projects/"),
        "ledger_filtered": ("bureau", "/projects/?stage=signed&planned_min=1000"),
        "ledger_unit": ("bureau", f"/projects/?unit={township.pk}"),
        "ledger_reporter": ("reporter", "/projects/"),
        "project": ("bureau", f"/projects/{project.pk}/"),
        "dashboard": ("bureau", f"/dashboard/?{dashboard}"),
        "dashboard_reporter": ("reporter", f"/dashboard/?{dashboard}"),
        "section_stalled": ("bureau", f"/dashboard/sections/stalled/?{dashboard}"),
        "section_ranking": ("bureau", f"/dashboard/sections/ranking/?{dashboard}"),
        "stalled_list": ("bureau", "/scheduling/stalled/"),
    }


def clients() -> dict:
    from django.test import Client

    from zhaoshang.organization.models import User

    result = {}
    for username in ("bureau", "reporter"):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=username))
        result[username] = client
    return result


def measure(client, url: str, *, runs: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    for _ in range(warmup):
        get()
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        get()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    # Counted on a request of its own: capturing queries turns on Django's debug cursor, which costs CPU.
    with CaptureQueriesContext(connection) as queries:
        get()
    return {
        "url": url,
        "runs": runs,
        "wall_median_ms": round(statistics.median(wall), 2),
        "cpu_median_ms": round(statistics.median(cpu), 2),
        "cpu_p95_ms": round(sorted(cpu)[max(0, round(0.95 * len(cpu)) - 1)], 2),
        "queries": len(queries),
    }


def profile(client, url: str, *, runs: int, top: int = 40, out: str | None = None) -> None:
    for _ in range(3):
        client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        client.get(url)
    profiler.disable()
    if out:
        profiler.dump_stats(out)  # for pstats: callers of a function, etc.
    for key in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(top)
        print(f"--- {url}, {runs} requests, sorted by {key}")
        print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=common.DATABASES, default="sqlite")
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="page names to run (default: all)")
    parser.add_argument("--profile", metavar="PAGE", help="print a cProfile of this page's warm requests instead")
    parser.add_argument("--profile-out", metavar="FILE", help="also write the profile's raw stats to this file")
    parser.add_argument("--label", default="", help="a note stored with the results (e.g. before/after)")
    args = parser.parse_args()
    common.setup(args.db)
    common.migrate()
    from django.conf import settings

    assert not settings.DEBUG, "measure with DEBUG off"
    counts = common.ensure_data(args.db)
    page_list = pages()
    users = clients()
    if args.profile:
        username, url = page_list[args.profile]
        profile(users[username], url, runs=args.runs, out=args.profile_out)
        return
    results = {}
    print(f"{'page':20} {'wall ms':>9} {'CPU ms':>9} {'CPU p95':>9} {'queries':>8}")
    for name, (username, url) in page_list.items():
        if args.only and name not in args.only:
            continue
        results[name] = measure(users[username], url, runs=args.runs, warmup=args.warmup)
        r = results[name]
        print(f"{name:20} {r['wall_median_ms']:9.1f} {r['cpu_median_ms']:9.1f} {r['cpu_p95_ms']:9.1f} {r['queries']:8}")
    cpu = [r["cpu_median_ms"] for r in results.values()]
    mean = round(statistics.mean(cpu), 2) if cpu else None
    print(f"{'mean of pages':20} {'':9} {mean:9.1f}")
    path = common.write_result(
        "pages",
        args.db,
        {
            "label": args.label,
            "environment": common.environment(args.db),
            "data": counts,
            "pages": results,
            "cpu_mean_of_pages_ms": mean,
        },
    )
    print(f"results: {path}")


if __name__ == "__main__":
    main()
