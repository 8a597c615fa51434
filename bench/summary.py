"""Print the latest results in bench/results/ as Markdown tables (pasted into bench/README.md).

.venv/bin/python bench/summary.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common


def _load(name: str) -> dict | None:
    path = common.RESULTS_DIR / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def ledger_table() -> list[str]:
    lines = [
        "| database | case | rows matched | ORM median / p95 / min (ms) | raw SQL median / p95 / min (ms) "
        "| ORM ÷ raw | HTTP median / p95 / min (ms) | HTTP CPU (ms) | table + form render (ms) "
        "| queries ORM / HTTP |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for db in common.DATABASES:
        result = _load(f"ledger-{db}")
        if result is not None:
            for case, r in result["cases"].items():

                def t(key, r=r):
                    return f"{r[key]['median_ms']:.0f} / {r[key]['p95_ms']:.0f} / {r[key]['min_ms']:.0f}"

                lines.append(
                    f"| {db} | {case} | {r['matching_projects']:,} | {t('orm')} | {t('raw')} "
                    f"| {r['orm_over_raw']:.1f} | {t('http')} | {r['http'].get('cpu_median_ms', 0):.0f} "
                    f"| {r['render_table_ms']:.0f} + {r['render_filter_form_ms']:.0f} "
                    f"| {len(r['orm_queries'])} / {len(r['http_queries'])} |"
                )
    return lines


def import_table() -> list[str]:
    lines = [
        "| database | phase | median (s) | min (s) | rows/s (median) | CPU of this process (s) |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for db in common.DATABASES:
        result = _load(f"import-{db}")
        if result is None:
            continue
        for phase, r in result["phases"].items():
            lines.append(
                f"| {db} | {phase} | {r['median_s']:.1f} | {r['min_s']:.1f} | {r['rows_per_s']:,} "
                f"| {r.get('cpu_median_s', 0):.1f} |"
            )
    return lines


def _ms(r: dict) -> str:
    return f"{r['median_ms']:,.0f} ({r['cpu_median_ms']:,.0f})"


def dashboard_table() -> list[str]:
    lines = [
        "| database | page, county / township / reporter (ms) | stalled | ranking | full data, cold "
        "| full data, cold, one thread | full data, warm | HTTP page, cold / warm |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for db in common.DATABASES:
        r = _load(f"dashboard-{db}")
        if r is None or "warm" not in r:
            continue
        pages = " / ".join(f"{case['page']['median_ms']:,.0f}" for case in r["cases"].values())
        serial = _ms(r["full_bureau_one_thread"]) if "full_bureau_one_thread" in r else "–"
        lines.append(
            f"| {db} | {pages} | {_ms(r['stalled_bureau'])} | {_ms(r['ranking_bureau'])} | {_ms(r['full_bureau'])} "
            f"| {serial} | {_ms(r['warm']['full'])} | {r['http_bureau']['median_ms']:,.0f} "
            f"/ {r['warm']['http']['median_ms']:,.0f} |"
        )
    return lines


def bulletin_table() -> list[str]:
    lines = [
        "| database | files: docx + xlsx annex (ms) | docx | xlsx | snapshot, issuing (ms) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for db in common.DATABASES:
        r = _load(f"bulletin-{db}")
        if r is None:
            continue
        lines.append(f"| {db} | {_ms(r['files'])} | {_ms(r['docx'])} | {_ms(r['xlsx'])} | {_ms(r['snapshot'])} |")
    return lines


def assessment_table() -> list[str]:
    """The year's assessment by completion and by the 10-item points scheme, each against its hand-written SQL;
    in brackets the CPU time of the benchmark process."""
    lines = [
        "| database | scheme | assess median / p95 (ms) | hand-written SQL (ms) | assess ÷ SQL, wall / CPU "
        "| ÷ SQL in pairs | figures checked | load average |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for db in common.DATABASES:
        # With PostgreSQL the SQL's CPU is the server's, which this process does not see: no CPU ratio.
        def cpu_ratio(value, db=db):
            return f"{value:.2f}" if db == "sqlite" else "–"

        r = _load(f"assessment-{db}")
        if r is None:
            continue
        load = r["environment"].get("load_average_1m", "?")
        checked = r["checked_against_sql"]
        lines.append(
            f"| {db} | completion | {_ms(r['assess'])} / {r['assess']['p95_ms']:,.0f} | {_ms(r['raw'])} "
            f"| {r['ratio']:.2f} / {cpu_ratio(r['ratio_cpu'])} | – "
            f"| {checked['units'] + checked['signed_counts'] + checked['signed_sums']:,} | {load} |"
        )
        points = r.get("points")
        if points and "hand_sql" in points:
            assess, hand = points["assess"], points["hand_sql"]
            paired = points.get("ratio_to_hand_sql_paired") or {"wall_median": 0, "wall_range": [0, 0]}
            lines.append(
                f"| {db} | points, {points['items']} items | {_ms(assess)} / {assess['p95_ms']:,.0f} | {_ms(hand)} "
                f"| {points['ratio_to_hand_sql']:.2f} / {cpu_ratio(points['ratio_to_hand_sql_cpu'])} "
                f"| {paired['wall_median']:.2f} ({paired['wall_range'][0]:.2f}–{paired['wall_range'][1]:.2f}) "
                f"| {points['checked_against_hand_sql']['figures']:,} | {load} |"
            )
    return lines


def environments() -> list[str]:
    lines = []
    names = ("ledger", "import", "assessment", "dashboard", "bulletin")
    for name in (f"{n}-{db}" for n in names for db in common.DATABASES):
        result = _load(name)
        if result:
            env = result["environment"]
            lines.append(
                f"- {name}: {env['database']}, Python {env['python']}, {env['machine']}, "
                f"load average {env.get('load_average_1m', '?')}, {env['date']}"
            )
    return lines


if __name__ == "__main__":
    tables = [ledger_table(), import_table(), assessment_table(), dashboard_table(), bulletin_table()]
    tables.append(environments())
    print("\n\n".join("\n".join(table) for table in tables))
