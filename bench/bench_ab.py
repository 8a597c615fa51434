"""With and without: does an optimisation make a page users ask for faster? Interleaved A/B timings.

    .venv/bin/python bench/bench_ab.py --db sqlite|postgres [--pairs 15] [--only threads|filter-copy] [--case TEXT]

Needs the data of bench/generate.py (generated when the database holds no projects) and the period ``BENCH-2026``
of bench_assessment.py (made or refreshed here as that benchmark does). Each experiment times real requests through
Django's test client (server time: middleware, session, queries, template) in variant A (the optimisation) and
variant B (the plain way, patched in here for the run only), one after the other in pairs whose order alternates
(AB, BA, AB, …) so that a machine getting busier or quieter weighs on both alike. One warm-up request of each
variant comes first; both variants must give the same page.

Experiments (``--only`` picks one; both by default):

* ``threads`` — the dashboard page, cold (cache emptied before each request, as after any change to the ledger),
  as the bureau for the whole county, the bureau for township T01, and T01's reporter; plus ``dashboard_data``
  with every section (not a request the page makes: it loads the slow sections one at a time after it is shown,
  but that is where the most reads could overlap). A: the figures, lists and ranking read in threads of their
  own (``READ_THREADS`` as configured, at least 3) when the code still has a threaded read; B: one after the other.
  When the code reads sequentially already there is nothing to compare, and the experiment says so.
* ``filter-copy`` — the ledger page (``GET /projects/``) with the filter cases of bench_ledger.py. A: the ledger
  filterset's declared filters copied one level deep per request (the override ``projects/filtersets.py`` had,
  kept here so that the comparison can be repeated); B: deep-copied, as django-filter does and the code now does.

``--case TEXT`` (repeatable) keeps only the cases whose name contains TEXT, e.g. ``--case GET`` for the requests alone.
For each case it prints the median, quartiles and range of each variant, the median of the per-pair ratios B/A
and in how many pairs A was faster. Verdict "A faster" needs A's median at least 10% below B's and A faster in
at least 85% of the pairs; "no gain" otherwise. Results go to bench/results/ab-<db>.json
(ab-<only>-<case>-<db>.json when ``--only`` or ``--case`` narrows the run).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import math
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
from bench_assessment import END, ensure_period

CASES: list[str] = []  # --case: only the cases whose name contains one of these
GAIN = 0.10  # A must be at least this much faster than B …
WINS = 0.85  # … in at least this share of the pairs
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"|csrftoken[^;"]*')


def quartiles(samples: list[float]) -> tuple[float, float]:
    if len(samples) < 2:
        return samples[0], samples[0]
    q = statistics.quantiles(samples, n=4, method="inclusive")
    return q[0], q[2]


def describe(samples: list[float]) -> dict:
    q1, q3 = quartiles(samples)
    return {
        "median_ms": round(statistics.median(samples), 1),
        "q1_ms": round(q1, 1),
        "q3_ms": round(q3, 1),
        "min_ms": round(min(samples), 1),
        "max_ms": round(max(samples), 1),
    }


def wanted(case: str) -> bool:
    return not CASES or any(text in case for text in CASES)


def interleaved(run_a, run_b, *, pairs: int) -> dict:
    """Time ``run_a`` and ``run_b`` in ``pairs`` pairs, order alternating; wall and CPU time of this process."""
    run_a(), run_b()  # warm-up
    wall = {"A": [], "B": []}
    cpu = {"A": [], "B": []}
    for index in range(pairs):
        order = (("A", run_a), ("B", run_b)) if index % 2 == 0 else (("B", run_b), ("A", run_a))
        for name, run in order:
            started, started_cpu = time.perf_counter(), time.process_time()
            run()
            wall[name].append((time.perf_counter() - started) * 1000)
            cpu[name].append((time.process_time() - started_cpu) * 1000)
    ratios = [b / a for a, b in zip(wall["A"], wall["B"], strict=True)]
    a, b = describe(wall["A"]), describe(wall["B"])
    gain = 1 - a["median_ms"] / b["median_ms"]
    wins = sum(r > 1 for r in ratios)
    faster = gain >= GAIN and wins >= math.ceil(WINS * pairs)
    return {
        "pairs": pairs,
        "A": {**a, "cpu_median_ms": round(statistics.median(cpu["A"]), 1)},
        "B": {**b, "cpu_median_ms": round(statistics.median(cpu["B"]), 1)},
        "gain_of_A": round(gain, 3),
        "ratio_B_over_A": {
            "median": round(statistics.median(ratios), 3),
            "min": round(min(ratios), 3),
            "max": round(max(ratios), 3),
        },
        "pairs_A_faster": wins,
        "verdict": "A faster" if faster else "no gain",
        "samples_ms": {k: [round(v, 1) for v in vs] for k, vs in wall.items()},
    }


def show(db: str, experiment: str, case: str, r: dict) -> None:
    a, b, ratio = r["A"], r["B"], r["ratio_B_over_A"]
    print(
        f"{db:8} {experiment:11} {case:34} "
        f"A {a['median_ms']:7.1f} [{a['q1_ms']:.0f}–{a['q3_ms']:.0f}, {a['min_ms']:.0f}–{a['max_ms']:.0f}] "
        f"B {b['median_ms']:7.1f} [{b['q1_ms']:.0f}–{b['q3_ms']:.0f}, {b['min_ms']:.0f}–{b['max_ms']:.0f}] ms  "
        f"gain {r['gain_of_A']:+.0%}  B/A {ratio['median']:.2f} ({ratio['min']:.2f}–{ratio['max']:.2f})  "
        f"A faster {r['pairs_A_faster']}/{r['pairs']}  → {r['verdict']}",
        flush=True,
    )


def compare(results: dict, db: str, experiment: str, case: str, run_a, run_b, *, pairs: int) -> None:
    """Check that both variants give the same result, then time them (when ``--case`` keeps this case)."""
    if not wanted(case):
        return
    assert run_a() == run_b(), f"{case}: the two variants give different results"
    results[case] = interleaved(run_a, run_b, pairs=pairs)
    show(db, experiment, case, results[case])


def normalised(content: bytes) -> bytes:
    return CSRF.sub(b"", content)


# ---------------------------------------------------------------- threads (core.concurrency) on the dashboard


@contextlib.contextmanager
def sequential_reads():
    """Variant B of ``threads``: the dashboard's independent reads one after the other."""
    from zhaoshang.dashboard import selectors

    original = selectors.run_side_by_side

    def one_after_the_other(tasks):
        return {name: task() for name, task in tasks.items()}

    selectors.run_side_by_side = one_after_the_other
    try:
        yield
    finally:
        selectors.run_side_by_side = original


def threads(db: str, pairs: int) -> dict:
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client, override_settings

    from zhaoshang.dashboard import selectors
    from zhaoshang.organization.models import Unit, User

    if not hasattr(selectors, "run_side_by_side"):
        print(f"{db:8} threads     the dashboard reads one after the other already: nothing to compare")
        return {"skipped": "the dashboard has no threaded read"}
    period, _groups = ensure_period()
    township = Unit.objects.get(code="T01")
    query = f"period={period.pk}&as_of={END.isoformat()}"
    requests = {
        "GET /dashboard/ county (bureau)": ("bureau", f"/dashboard/?{query}"),
        "GET /dashboard/ T01 (bureau)": ("bureau", f"/dashboard/?{query}&unit={township.pk}"),
        "GET /dashboard/ own units (reporter)": ("reporter", f"/dashboard/?{query}"),
    }
    threads_setting = max(settings.READ_THREADS, 3)
    results = {}
    with override_settings(READ_THREADS=threads_setting):
        for case, (username, url) in requests.items():
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(User.objects.get(username=username))

            def get(client=client, url=url):
                cache.clear()
                response = client.get(url)
                assert response.status_code == 200, response.status_code
                return normalised(response.content)

            def get_sequential(get=get):
                with sequential_reads():
                    return get()

            compare(results, db, "threads", case, get, get_sequential, pairs=pairs)

        bureau = User.objects.get(username="bureau")

        def full():
            cache.clear()
            return selectors.dashboard_data(user=User.objects.get(pk=bureau.pk), period=period, as_of=END)

        def full_sequential():
            with sequential_reads():
                return full()

        case = "dashboard_data, every section (no request)"
        compare(results, db, "threads", case, full, full_sequential, pairs=pairs)
    return {"read_threads": threads_setting, "A": "threads (core.concurrency)", "B": "sequential", "cases": results}


# ---------------------------------------------------------------- the ledger filterset's shallow copy


class ShallowCopiedFilters(dict):
    """Variant A of ``filter-copy``, as ``projects/filtersets.py`` had it until decision 13 removed it: a
    filterset's declared filters copied one level deep for each request instead of django-filter's deep copy."""

    def __deepcopy__(self, memo):
        copies = {}
        for name, filter_ in self.items():
            copied = copies[name] = copy.copy(filter_)
            copied.__dict__.pop("_field", None)  # each request builds its own form field
            if filter_.method is not None:
                copied.method = filter_.method  # binds the filter method to the copy (and so to its filterset)
        return copies


@contextlib.contextmanager
def ledger_filters(shallow: bool):
    """The ledger filterset's declared filters copied per request shallowly (A) or deeply, django-filter's way (B)."""
    from zhaoshang.projects.filtersets import LedgerFilterSet

    original = LedgerFilterSet.base_filters
    LedgerFilterSet.base_filters = ShallowCopiedFilters(original) if shallow else dict(original)
    try:
        yield
    finally:
        LedgerFilterSet.base_filters = original


def filter_copy(db: str, pairs: int) -> dict:
    from bench_ledger import cases as ledger_cases
    from django.test import Client

    from zhaoshang.organization.models import User
    from zhaoshang.projects.filtersets import LedgerFilterSet

    def variants(function):
        def shallow():
            with ledger_filters(shallow=True):
                return function()

        def deep():
            with ledger_filters(shallow=False):
                return function()

        return shallow, deep

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="bureau"))
    results = {}
    for name, case in ledger_cases().items():

        def get(params=case["params"]):
            response = client.get("/projects/", params)
            assert response.status_code == 200, response.status_code
            return normalised(response.content)

        compare(results, db, "filter-copy", f"GET /projects/ {name}", *variants(get), pairs=pairs)

    # The part the copy changes, alone: building the filterset and its form (no query runs).
    bureau = User.objects.get(username="bureau")

    def build():
        filterset = LedgerFilterSet({"stage": ["signed"]}, queryset=None, user=bureau)
        return str(filterset.form.data), list(filterset.filters)

    def many():
        return [build() for _ in range(20)]

    case = "LedgerFilterSet + form, ×20 (no request)"
    compare(results, db, "filter-copy", case, *variants(many), pairs=pairs)
    return {"A": "shallow copy of the declared filters", "B": "django-filter's deep copy", "cases": results}


EXPERIMENTS = {"threads": threads, "filter-copy": filter_copy}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=common.DATABASES, default="sqlite")
    parser.add_argument("--pairs", type=int, default=15, help="A/B pairs per case (at least 7)")
    parser.add_argument("--only", choices=list(EXPERIMENTS), action="append")
    parser.add_argument("--case", action="append", default=[], help="only the cases whose name contains this")
    args = parser.parse_args()
    CASES.extend(args.case)
    common.setup(args.db)
    common.migrate()
    counts = common.ensure_data(args.db)
    load_before = round(os.getloadavg()[0], 2)
    started = time.monotonic()
    experiments = {name: EXPERIMENTS[name](args.db, args.pairs) for name in args.only or EXPERIMENTS}
    output = {
        "benchmark": "ab",
        "database": args.db,
        "data": counts,
        "rule": f"A faster: median at least {GAIN:.0%} below B's and faster in at least {WINS:.0%} of the pairs",
        "experiments": experiments,
        "load_average_1m_before": load_before,
        "environment": common.environment(args.db),
        "seconds": round(time.monotonic() - started, 1),
    }
    name = "-".join(["ab", *(args.only or []), *(re.sub(r"\W+", "_", c).strip("_") for c in args.case)])
    path = common.write_result(name, args.db, output)
    print(f"written {path.relative_to(common.ROOT)}")


if __name__ == "__main__":
    main()
