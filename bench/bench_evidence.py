"""Time the assessment of a period with the evidence gate on (issue 17) against the same period with it off, on
the benchmark data (300 units, 100,000 projects, 300,000 receipts), without changing that data.

    .venv/bin/python bench/bench_evidence.py --db postgres [--runs 5]
    BENCH_PG_NAME=other_db .venv/bin/python bench/bench_evidence.py --db postgres

Everything runs inside one transaction that is rolled back at the end: the period ``BENCH-2026`` of
``bench_assessment`` (created or refreshed there), and evidence attached in SQL to most of the stage events that
need it and most receipts (all but every ``SKIP``-th row, by id: a contract to a signing, a photo to a start or
production, a bank receipt to a receipt), so that the gate removes a realistic part of the figures. Measured,
median of ``--runs`` after a warm-up: ``assess`` with the gate off (``selectors.period_facts``, SQL) and on
(the gated facts read through ``selectors.facts`` and reduced in Python), and ``no_evidence``
(``water.no_evidence_report``, the page's 已报无佐证 table). Checked before timing: every unit's gated figure is at
most its ungated one, and the gated funds figure of the unit with the most rows equals the sum of its drill-down.
Results go to bench/results/evidence-<db>.json.
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_assessment
import common

SKIP = 7  # every 7th event or receipt (by id) is left without evidence: about 14%


def attach_evidence() -> dict:
    from django.db import connection

    from zhaoshang.projects import rules

    counts = {}
    common_columns = "project_id, kind, file, original_name, size, content_type, sha256, uploaded_at"
    with connection.cursor() as cursor:
        for stage, kinds in rules.EVIDENCE_KINDS.items():
            cursor.execute(
                f"""INSERT INTO projects_attachment ({common_columns}, stage_event_id)
                SELECT project_id, %s, 'bench.pdf', 'bench.pdf', 1, 'application/pdf', '', NOW(), id
                FROM projects_stageevent WHERE stage = %s AND id %% {SKIP} <> 0""",
                [kinds[-1], stage],
            )
            counts[stage] = cursor.rowcount
        cursor.execute(
            f"""INSERT INTO projects_attachment ({common_columns}, receipt_id)
            SELECT project_id, %s, 'bench.pdf', 'bench.pdf', 1, 'application/pdf', '', NOW(), id
            FROM projects_fundsreceipt WHERE id %% {SKIP} <> 0""",
            [rules.RECEIPT_EVIDENCE_KINDS[0]],
        )
        counts["receipts"] = cursor.rowcount
        cursor.execute("ANALYZE projects_attachment")
    return counts


def check(period, ungated, gated) -> dict:
    from zhaoshang.assessment import selectors
    from zhaoshang.projects.models import FundsReceipt

    before = {r.unit.id: r for r in ungated.units}
    for result in gated.units:
        assert result.contract <= before[result.unit.id].contract, result.unit.code
        assert result.funds <= before[result.unit.id].funds, result.unit.code
    busiest = max(gated.units, key=lambda r: r.funds)
    funds = [
        i for g in busiest.groups for i in g.indicators if i.spec.kind == "funds" and not i.spec.filtered and i.actual
    ]
    assert funds, "the busiest unit has a funds figure"
    for indicator in funds:  # the figure is its rows: each receipt by the unit's share of its project
        rows = FundsReceipt.objects.filter(pk__in=indicator.receipt_ids).values_list("project_id", "amount")
        rows = list(rows)
        assert len(rows) == len(indicator.receipt_ids)
        shares = selectors.credit_shares(period, {project_id for project_id, _amount in rows})
        total = sum((amount * shares[project_id][busiest.unit.id] for project_id, amount in rows), Decimal(0))
        assert abs(total - indicator.actual) < Decimal("0.01"), (total, indicator.actual)
    return {
        "unit": busiest.unit.code,
        "funds_ungated": str(before[busiest.unit.id].funds),
        "funds_gated": str(busiest.funds),
        "contract_all_units_ungated": str(sum((r.contract for r in ungated.units), Decimal(0))),
        "contract_all_units_gated": str(sum((r.contract for r in gated.units), Decimal(0))),
        "funds_all_units_ungated": str(sum((r.funds for r in ungated.units), Decimal(0))),
        "funds_all_units_gated": str(sum((r.funds for r in gated.units), Decimal(0))),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=common.DATABASES, default="postgres")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    common.setup(args.db)
    common.migrate()
    from django.db import transaction

    from zhaoshang.assessment import selectors, water
    from zhaoshang.targets.models import Period

    counts = common.ensure_data(args.db)
    as_of = bench_assessment.END
    with transaction.atomic():
        period, _groups = bench_assessment.ensure_period()
        attached = attach_evidence()
        Period.objects.filter(pk=period.pk).update(evidence_gate=False)
        period.refresh_from_db()
        ungated = selectors.assess_period(period, as_of)
        off_t = common.timed(lambda: selectors.assess_period(period, as_of), runs=args.runs, warmup=1)
        Period.objects.filter(pk=period.pk).update(evidence_gate=True)
        period.refresh_from_db()
        gated = selectors.assess_period(period, as_of)
        checked = check(period, ungated, gated)
        on_t = common.timed(lambda: selectors.assess_period(period, as_of), runs=args.runs, warmup=1)
        no_evidence_t = common.timed(
            lambda: water.no_evidence_report(user=None, period=period, as_of=as_of),
            runs=max(2, args.runs // 2),
            warmup=0,
        )
        transaction.set_rollback(True)
    output = {
        "benchmark": "evidence",
        "database": args.db,
        "data": counts,
        "attached_in_the_rolled_back_transaction": attached,
        "assess_gate_off": off_t,
        "assess_gate_on": on_t,
        "ratio_on_to_off": round(on_t["median_ms"] / off_t["median_ms"], 2),
        "no_evidence_report": no_evidence_t,
        "checked": checked,
        "environment": common.environment(args.db),
    }
    path = common.write_result("evidence", args.db, output)
    print(path.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
