"""Time the project ledger at 100,000 projects: the ORM path the page takes, hand-written SQL for the same
rows and totals, and the whole HTTP request.

    .venv/bin/python bench/bench_ledger.py --db sqlite
    .venv/bin/python bench/bench_ledger.py --db postgres

Needs the data of bench/generate.py. For each filter case it measures (median and p95 of ``--runs`` runs
after a warm-up):

* ``orm``: what the ledger view does before rendering — ``views.filtered_ledger`` (the LedgerFilterSet on
  ``selectors.ledger``), ``selectors.ledger_totals`` over the whole filtered set, and the django-tables2
  table paginated to its first page of 50 rows (``selectors.ledger_rows``: the shown columns and the
  credited units), its paginator told the totals' count as the view does;
* ``raw``: hand-written SQL returning the same 50 rows (with investor and responsible unit), their credits,
  and the same count and sums;
* ``http``: ``GET /projects/?…`` through Django's test Client logged in as the bureau user: server time
  including middleware, session, template and table rendering (no network).

Targets: ``http`` ≤ 150 ms and ``orm`` ≤ 3 × ``raw``. Results go to bench/results/ledger-<db>.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

PAGE = 50
TARGET_HTTP_MS = 150
TARGET_RATIO = 3.0

SELECT_PAGE = """
SELECT p.id, p.code, p.name, i.name, p.stage, p.stage_date, p.status, p.planned_investment,
       p.contract_amount, p.funds_total, p.county_leader, u.name
FROM projects_project p
LEFT JOIN projects_investor i ON i.id = p.investor_id
LEFT JOIN organization_unit u ON u.id = p.responsible_unit_id
WHERE {where}
ORDER BY p.id DESC
LIMIT {page}
"""
SELECT_CREDITS = """
SELECT c.project_id, u.name, c.share
FROM projects_projectcredit c JOIN organization_unit u ON u.id = c.unit_id
WHERE c.project_id IN ({ids})
"""
SELECT_TOTALS = """
SELECT COUNT(*), SUM(p.planned_investment), SUM(p.contract_amount), SUM(p.funds_total)
FROM projects_project p
WHERE {where}
"""


def cases() -> dict[str, dict]:
    """Filter cases: query string for the page and the WHERE clause of the hand-written SQL."""
    from zhaoshang.organization.models import Unit
    from zhaoshang.organization.selectors import subtree_ids

    township = Unit.objects.get(code="T01")
    ids = ",".join(str(pk) for pk in sorted(subtree_ids(township.pk)))
    return {
        "signed_planned_1000": {
            "params": {"stage": "signed", "planned_min": "1000"},
            "where": "p.stage IN ('signed') AND p.planned_investment >= 1000",
        },
        "unit_with_subunits": {
            "params": {"unit": str(township.pk)},
            # Written as a UNION of two index lookups: PostgreSQL turns "IN (subquery) OR …" into a
            # sequential scan of every project (see the EXPLAIN in the results).
            "where": (
                f"p.id IN (SELECT c.project_id FROM projects_projectcredit c WHERE c.unit_id IN ({ids}) "
                f"UNION SELECT r.id FROM projects_project r WHERE r.responsible_unit_id IN ({ids}))"
            ),
        },
        "unfiltered": {"params": {}, "where": "1 = 1"},
        # A dashboard drill-down: the projects that signed in 2026 (a skipped signing counts at the first later
        # stage). The page reads the projects' stage-date columns; the hand-written SQL the stage events.
        "reached_signed_2026": {
            "params": {"reached": "signed", "date_from": "2026-01-01", "date_to": "2026-12-31"},
            "where": (
                "p.id IN (SELECT e.project_id FROM projects_stageevent e"
                " WHERE e.stage IN ('signed', 'started', 'producing') GROUP BY e.project_id"
                " HAVING MIN(e.date) BETWEEN '2026-01-01' AND '2026-12-31')"
            ),
        },
    }


def orm_page(request):
    """The ledger view up to (not including) template rendering."""
    from django_tables2 import RequestConfig

    from zhaoshang.projects import selectors
    from zhaoshang.projects.tables import LedgerTable
    from zhaoshang.projects.views import PAGE_SIZE, CountedPaginator, filtered_ledger

    _filterset, queryset = filtered_ledger(request)
    totals = selectors.ledger_totals(queryset)
    table = LedgerTable(selectors.ledger_rows(queryset))
    # As the view: the totals' count serves the paginator (no second COUNT).
    paginate = {"per_page": PAGE_SIZE, "paginator_class": CountedPaginator, "count": totals["count"]}
    RequestConfig(request, paginate=paginate).configure(table)
    rows = list(table.page.object_list)
    credits = [(c.unit.name, c.share) for row in rows for c in row.record.credits.all()]
    return totals, rows, credits


def render_parts(request) -> None:
    """The two heavy parts of the page's template: the filter form's widgets and the table."""
    from django_tables2 import RequestConfig

    from zhaoshang.projects import selectors
    from zhaoshang.projects.tables import LedgerTable
    from zhaoshang.projects.views import PAGE_SIZE, filtered_ledger

    filterset, queryset = filtered_ledger(request)
    table = LedgerTable(selectors.ledger_rows(queryset))
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    list(table.page.object_list)  # queries are not what this measures
    started = time.perf_counter()
    for field in filterset.form:
        str(field)
    form_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    table.as_html(request)
    return form_ms, (time.perf_counter() - started) * 1000


def raw_page(where: str):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(SELECT_PAGE.format(where=where, page=PAGE))
        rows = cursor.fetchall()
        credits = []
        if rows:
            cursor.execute(SELECT_CREDITS.format(ids=",".join(str(row[0]) for row in rows)))
            credits = cursor.fetchall()
        cursor.execute(SELECT_TOTALS.format(where=where))
        totals = cursor.fetchone()
    return totals, rows, credits


def explain(where: str) -> dict[str, str]:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    plans = {}
    with connection.cursor() as cursor:
        for name, sql in (("page", SELECT_PAGE.format(where=where, page=PAGE)), ("totals", SELECT_TOTALS)):
            cursor.execute(prefix + sql.format(where=where))
            plans[name] = "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())
    return plans


def queries_of(function) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return [{"ms": round(float(q["time"]) * 1000, 2), "sql": q["sql"][:2000]} for q in captured.captured_queries]


def run_case(name: str, case: dict, *, runs: int, bureau) -> dict:
    from django.test import Client, RequestFactory

    factory = RequestFactory()

    def orm():
        request = factory.get("/projects/", case["params"])
        request.user = bureau
        return orm_page(request)

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(bureau)
    url = "/projects/"

    def http():
        response = client.get(url, case["params"])
        assert response.status_code == 200, response.status_code
        return response

    # The ORM and the raw SQL must agree before either is timed.
    (orm_totals, orm_rows, orm_credits), (raw_totals, raw_rows, raw_credits) = orm(), raw_page(case["where"])
    assert orm_totals["count"] == raw_totals[0], (orm_totals, raw_totals)
    assert Decimal(orm_totals["planned"]) == Decimal(str(raw_totals[1] or 0)), (orm_totals, raw_totals)
    assert [r.record.pk for r in orm_rows] == [r[0] for r in raw_rows]
    assert len(orm_credits) == len(raw_credits)

    result = {
        "params": case["params"],
        "matching_projects": orm_totals["count"],
        "orm": common.timed(orm, runs=runs),
        "raw": common.timed(lambda: raw_page(case["where"]), runs=runs),
        "http": common.timed(http, runs=runs),
    }
    result["orm_over_raw"] = round(result["orm"]["median_ms"] / max(result["raw"]["median_ms"], 0.01), 2)
    parts = []
    for _ in range(max(5, runs // 2)):
        request = factory.get("/projects/", case["params"])
        request.user = bureau
        parts.append(render_parts(request))
    result["render_filter_form_ms"] = round(sorted(p[0] for p in parts)[len(parts) // 2], 1)
    result["render_table_ms"] = round(sorted(p[1] for p in parts)[len(parts) // 2], 1)
    result["orm_queries"] = queries_of(orm)
    result["http_queries"] = queries_of(http)
    result["explain"] = explain(case["where"])
    result["meets_targets"] = result["http"]["median_ms"] <= TARGET_HTTP_MS and result["orm_over_raw"] <= TARGET_RATIO
    return result


def print_case(db: str, name: str, r: dict) -> None:
    print(
        f"{db:8} {name:22} rows {r['matching_projects']:>6}  "
        f"orm {r['orm']['median_ms']:7.1f} ms (p95 {r['orm']['p95_ms']:7.1f})  "
        f"raw {r['raw']['median_ms']:7.1f} ms (p95 {r['raw']['p95_ms']:7.1f})  ratio {r['orm_over_raw']:4.2f}  "
        f"http {r['http']['median_ms']:7.1f} ms (p95 {r['http']['p95_ms']:7.1f}, "
        f"cpu {r['http']['cpu_median_ms']:.0f})  "
        f"queries {len(r['orm_queries'])}/{len(r['http_queries'])}  "
        f"render form {r['render_filter_form_ms']:.0f} ms table {r['render_table_ms']:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=common.DATABASES, default="sqlite")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--case", action="append", help="run only this case (repeatable)")
    args = parser.parse_args()
    common.setup(args.db)
    common.migrate()
    from zhaoshang.organization.models import User
    from zhaoshang.projects.models import Project

    total = Project.objects.count()
    if total < common.PROJECTS:
        raise SystemExit(f"{args.db}: only {total} projects; run bench/generate.py --db {args.db} first")
    bureau = User.objects.get(username="bureau")
    started = time.monotonic()
    results = {}
    for name, case in cases().items():
        if args.case and name not in args.case:
            continue
        results[name] = run_case(name, case, runs=args.runs, bureau=bureau)
        print_case(args.db, name, results[name])
    output = {
        "benchmark": "ledger",
        "projects": total,
        "targets": {"http_median_ms": TARGET_HTTP_MS, "orm_over_raw": TARGET_RATIO},
        "environment": common.environment(args.db),
        "cases": results,
        "seconds": round(time.monotonic() - started, 1),
    }
    path = common.write_result("ledger", args.db, output)
    print(f"written {path.relative_to(common.ROOT)}")


if __name__ == "__main__":
    main()
