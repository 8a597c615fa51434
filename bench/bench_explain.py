"""EXPLAIN every SQL statement of the benchmarked pages on PostgreSQL and fail on a needless full scan.

    .venv/bin/python bench/bench_explain.py --db postgres [--analyze] [--only ledger,project] [--skip dashboard]
    BENCH_PG_NAME=zhaoshang_bench1m .venv/bin/python bench/bench_explain.py --db postgres --suffix=-1m

Requests cold (the cache cleared first, so that every statement a page can issue is seen; ``--warm``: a second
request, as the load benchmark mostly sees them), as the bureau through Django's test client (``READ_THREADS`` = 1
so that every statement runs on the captured connection): the ledger's cases of bench_ledger (unfiltered, a township
with its sub-units, signed ≥1000万, reached signed in 2026), one project's page, the dashboard page and its lazy
sections (stalled, ranking, forecast) for the bench period, the assessment page of that period and the
stalled-projects list. Each statement (``CaptureQueriesContext``) is explained with ``EXPLAIN (FORMAT JSON)``
(``--analyze`` adds ANALYZE: actual times, and runs every statement again) and reported with its top plan node,
estimated cost and rows, every Seq Scan of a big table (with its filter) and every SubPlan over a big table that is
not hashed reading a big table whole or a materialised list (re-run for each outer row: the shape that did not
finish at 1,000,000 projects, issue 16).

A **violation** is a Seq Scan of a big table whose filter tests a column some index of that table starts with and
keeps at most ``SELECTIVE`` of its rows (the planner could have read those few rows through the index), or an
unhashed SubPlan that scans a big table or a materialised list for each outer row, unless ``ALLOWED`` below gives
the reason. Reported, not failed: a Seq Scan without a filter (sums of the whole ledger, which issue 16 part 3 moves
to aggregates), one whose filter keeps a large share of the table (a year's receipts, the active projects: one pass
beats the index), and one of a table under ``SMALL_TABLE`` rows (the bench data writes no history rows). The script
writes bench/results/explain-<db>.json and exits 1 listing the violations. Plans depend on the data's size: run it
on the 100,000-project data and on the 1,000,000-project one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

BIG_TABLES = {
    "projects_project",
    "projects_stageevent",
    "projects_fundsreceipt",
    "projects_projectcredit",
    "projects_investor",
    "projects_historicalproject",
    "scheduling_progressitem",
}
AS_OF = dt.date(2026, 12, 31)

# A filtered Seq Scan is a violation when the planner expects it to keep at most this share of the table's rows.
SELECTIVE = 0.10
SMALL_TABLE = 10_000

# (page, relation, a regular expression the statement's SQL matches, why a Seq Scan there is right). Empty: at
# 100,000 projects every selective filter of these pages reads through an index; add a line with its reason
# when a plan at another size says otherwise.
ALLOWED: list[tuple[str, str, str, str]] = []


def pages(period, project_id: int) -> dict[str, str]:
    from urllib.parse import urlencode

    import bench_ledger

    result = {}
    for name, case in bench_ledger.cases().items():
        result[f"ledger:{name}"] = "/projects/?" + urlencode(case["params"], doseq=True)
    query = f"period={period.pk}&as_of={AS_OF.isoformat()}"
    result["project"] = f"/projects/{project_id}/"
    result["dashboard"] = f"/dashboard/?{query}"
    for section in ("stalled", "ranking", "forecast"):
        result[f"dashboard:{section}"] = f"/dashboard/sections/{section}/?{query}"
    result["assessment"] = f"/assessment/{period.pk}/?as_of={AS_OF.isoformat()}"
    result["stalled"] = "/scheduling/stalled/"
    return result


def table_rows() -> dict[str, float]:
    """Table → the planner's estimate of its rows (``reltuples``; -1 before the first ANALYZE: counted)."""
    from django.db import connection

    rows = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)", [sorted(BIG_TABLES)])
        for table, estimate in cursor.fetchall():
            if estimate < 0:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                estimate = cursor.fetchone()[0]
            rows[table] = float(estimate)
    return rows


def indexed_columns() -> dict[str, set[str]]:
    """Table → the columns some index starts with (an index can serve a filter on its leading column)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.relname, a.attname FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0] WHERE t.relname = ANY(%s)",
            [sorted(BIG_TABLES)],
        )
        found: dict[str, set[str]] = {}
        for table, column in cursor.fetchall():
            found.setdefault(table, set()).add(column)
    return found


def walk(node: dict, parent: dict | None = None, workers: int = 0):
    """(node, parent, workers planned by the Gather above it) for every node of the plan."""
    yield node, parent, workers
    below = node.get("Workers Planned", workers)
    for child in node.get("Plans", []):
        yield from walk(child, node, below)


def parallel_divisor(workers: int) -> float:
    """What PostgreSQL divides a parallel scan's rows by (each process's share; the leader helps less)."""
    return workers + max(0.0, 1.0 - 0.3 * workers) if workers else 1.0


def relations_below(node: dict) -> set[str]:
    return {n.get("Relation Name") for n, _, _ in walk(node) if n.get("Relation Name")}


def findings(plan: dict, indexes: dict[str, set[str]], sizes: dict[str, float]) -> dict:
    seq_scans, rescans = [], []
    for node, parent, workers in walk(plan):
        relation = node.get("Relation Name")
        if node["Node Type"] == "Seq Scan" and relation in BIG_TABLES:
            condition = node.get("Filter", "")
            columns = set(re.findall(r"\b([a-z_][a-z0-9_]*)\b", condition))
            usable = sorted(columns & indexes.get(relation, set()))
            size = sizes.get(relation, 0.0)
            rows = node.get("Plan Rows", 0) * (parallel_divisor(workers) if node.get("Parallel Aware") else 1.0)
            share = rows / size if size else 1.0
            seq_scans.append(
                {
                    "relation": relation,
                    "filter": condition[:300],
                    "plan_rows": round(rows),
                    "table_rows": size,
                    "share": round(share, 4),
                    "actual_rows": node.get("Actual Rows"),
                    "indexed_filter_columns": usable,
                    "selective": bool(usable) and share <= SELECTIVE and size >= SMALL_TABLE,
                }
            )
        if node.get("Parent Relationship") == "SubPlan" and parent is not None:
            name = node.get("Subplan Name", "")
            conditions = " ".join(str(parent.get(key, "")) for key in ("Filter", "Join Filter", "Index Cond"))
            hashed = f"hashed {name}" in conditions
            # Re-run per outer row and reading a big table whole (or a materialised list) each time: the shape
            # that degrades with work_mem. A correlated SubPlan probing an index per row is fine.
            big = {
                n.get("Relation Name")
                for n, _, _ in walk(node)
                if n["Node Type"] in ("Seq Scan", "Materialize") and n.get("Relation Name") in BIG_TABLES
            } | ({"(materialised)"} if any(n["Node Type"] == "Materialize" for n, _, _ in walk(node)) else set())
            if big and not hashed and "InitPlan" not in name:
                rescans.append({"subplan": name, "relations": sorted(big), "loops": node.get("Actual Loops")})
    return {"seq_scans": seq_scans, "subplan_rescans": rescans}


def allowed(page: str, relation: str, sql: str) -> str | None:
    for allowed_page, allowed_relation, pattern, reason in ALLOWED:
        if page == allowed_page and relation == allowed_relation and re.search(pattern, sql):
            return reason
    return None


def explain_page(client, page: str, url: str, indexes, sizes, *, analyze: bool) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    statements = []
    seen = set()
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or sql in seen:
            continue  # SET, SAVEPOINT, session writes: nothing to plan
        seen.add(sql)
        options = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN ({options}) {sql}")
            document = cursor.fetchone()[0]
        document = json.loads(document) if isinstance(document, str) else document
        plan = document[0]["Plan"]
        found = findings(plan, indexes, sizes)
        violations = []
        for scan in found["seq_scans"]:
            if scan["selective"]:
                reason = allowed(page, scan["relation"], sql)
                if reason:
                    scan["allowed"] = reason
                else:
                    violations.append(f"Seq Scan of {scan['relation']} filtered on {scan['indexed_filter_columns']}")
        violations += [f"{r['subplan']} over {r['relations']} re-run per row" for r in found["subplan_rescans"]]
        statements.append(
            {
                "sql": sql[:600],
                "top_node": plan["Node Type"],
                "total_cost": plan["Total Cost"],
                "plan_rows": plan["Plan Rows"],
                "execution_ms": document[0].get("Execution Time"),
                **found,
                "violations": violations,
            }
        )
    return {"url": url, "status": response.status_code, "statements": statements}


def named(page: str, names: str) -> bool:
    """``page`` is one of the comma-separated names, or a case of one (``ledger`` names ``ledger:unfiltered``)."""
    return any(page == name or page.startswith(name + ":") for name in names.split(",") if name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=common.DATABASES, default="postgres")
    parser.add_argument("--analyze", action="store_true", help="EXPLAIN ANALYZE: actual rows and times")
    parser.add_argument("--warm", action="store_true", help="explain a second request (caches filled)")
    parser.add_argument("--only", default="", help="these pages (comma-separated; ledger = every ledger case)")
    parser.add_argument("--skip", default="", help="not these pages (comma-separated, e.g. dashboard:forecast)")
    parser.add_argument("--suffix", default="", help="results in explain-<db><suffix>.json (e.g. -1m)")
    args = parser.parse_args()
    if args.db != "postgres":
        raise SystemExit("bench_explain reads PostgreSQL's plans: use --db postgres")
    common.setup(args.db)
    common.migrate()
    import bench_assessment
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    from zhaoshang.organization.models import User
    from zhaoshang.projects.models import Project

    settings.READ_THREADS = 1  # every statement on the captured connection
    settings.STATEMENT_TIMEOUT_MS = 0  # a plan to read, not a page to serve
    period, _groups = bench_assessment.ensure_period()
    project_id = Project.objects.order_by("-funds_total").values_list("pk", flat=True).first()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="bureau"))
    indexes, sizes = indexed_columns(), table_rows()
    report, failures = {}, []
    for page, url in pages(period, project_id).items():
        if (args.only and not named(page, args.only)) or (args.skip and named(page, args.skip)):
            continue
        if args.warm:
            client.get(url)  # caches filled, as the load benchmark's pages mostly are
        else:
            cache.clear()  # cold: every statement the page can issue, not just what a cached page reads
        result = explain_page(client, page, url, indexes, sizes, analyze=args.analyze)
        report[page] = result
        scans = sum(len(s["seq_scans"]) for s in result["statements"])
        print(f"{page:28} {result['status']} {len(result['statements']):3} statements, {scans} big-table seq scans")
        for statement in result["statements"]:
            for violation in statement["violations"]:
                failures.append(f"{page}: {violation}: {statement['sql'][:160]}")
    sizes = {"projects": Project.objects.count(), "database_name": common.PG_NAME}
    result = {"environment": common.environment(args.db), "data": sizes, "analyze": args.analyze, "warm": args.warm}
    path = common.write_result("explain", args.db + args.suffix, {**result, "violations": failures, "pages": report})
    print(f"written {path}")
    if failures:
        print("\nViolations:")
        for line in failures:
            print(" -", line)
        raise SystemExit(1)
    print("no violations")


if __name__ == "__main__":
    main()
