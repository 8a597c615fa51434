"""Time the Excel import: a 10,000-row 项目 sheet through ``zhaoshang.transfer.importer.import_workbook``.

    .venv/bin/python bench/bench_import.py --db sqlite
    .venv/bin/python bench/bench_import.py --db postgres

Runs against the benchmark database of bench/generate.py (300 units, 100,000 projects), so the importer
meets a full-size ledger. The sheet (bench/data/import-10000.xlsx) holds valid new projects credited to
existing units. Measured, each ``--runs`` times (median reported):

* ``dry_run``: read and validate the whole file, write nothing;
* ``create``: read, validate and write the 10,000 new projects with their credits, stage events and
  history in one transaction — then the rows are removed again so every run starts from the same data;
* ``unchanged``: import the same file a second time, when every row matches what is stored.

Target: ≥ 1,000 rows/s for ``create``. Results go to bench/results/import-<db>.json.

``--profile`` adds one ``create`` run under cProfile after the timed ones (not counted in the figures):
the functions taking the most time are printed and the profile is saved to bench/data/import-<db>.prof.

``--writer orm`` writes through django-simple-history's ``bulk_create_with_history`` and
``bulk_update_with_history`` (Django's ``bulk_create``/``bulk_update``, then the history rows) instead of
``transfer.fastwrite``, the same rows and history otherwise: what the fast writer gains (decision record 9).
Results go to bench/results/import-orm-<db>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

ROWS = 10_000
TARGET_ROWS_PER_SECOND = 1000
SEED = 1259
CODE_PREFIX = "IMP-"


def write_sheet(path: Path, rows: int, receipts: int = 0) -> None:
    """A 项目 sheet of ``rows`` valid new projects, written the way the import template lays it out, and with
    ``receipts`` a 到位资金 sheet of that many receipts of the signed ones (dated from their signing on)."""
    from openpyxl import Workbook

    from zhaoshang.demo import data
    from zhaoshang.organization.models import Unit
    from zhaoshang.projects.choices import INDUSTRY_NAME, KIND_XLSX
    from zhaoshang.projects.models import Investor
    from zhaoshang.transfer import columns as c

    rng = random.Random(SEED)
    kind_label = {kind: label for label, kind in KIND_XLSX.items()}
    units = list(Unit.objects.exclude(category="jurisdiction").values_list("code", flat=True))
    existing = set(Investor.objects.values_list("name", flat=True))
    investors = []
    while len(investors) < rows // 3:
        origin, city, _w = rng.choice(data.DOMESTIC_ORIGINS)
        name = f"{city}{rng.choice(data.BRANDS)}{rng.choice(data.BRANDS)}{rng.choice(data.BRANDS)}科技有限公司"
        if name not in existing:
            existing.add(name)
            investors.append((name, origin))
    today = dt.date.today()
    start = dt.date(2023, 1, 1)
    headers = [column.header for column in c.PROJECT_COLUMNS]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(c.PROJECT_SHEET)
    sheet.append(headers)
    stages = list(c.STAGE_DATE_HEADERS)
    signed_projects = []  # (code, signing date, contract amount)
    for number in range(1, rows + 1):
        link = rng.choice(data.LINKS)
        investor, origin = rng.choice(investors)
        reached = stages[: rng.randint(1, len(stages))]
        day = start + dt.timedelta(days=rng.randint(0, (today - start).days - 400))
        dates = {}
        for stage in reached:
            dates[c.STAGE_DATE_HEADERS[stage]] = day
            day = min(day + dt.timedelta(days=rng.randint(10, 90)), today)
        planned = Decimal(max(300, round(math.exp(math.log(1800) + 1.15 * rng.gauss(0, 1)) * link.scale / 10) * 10))
        signed = "signed" in reached
        credits = rng.choice(units)
        if rng.random() < 0.1:
            other = rng.choice(units)
            if other != credits:
                credits = f"{credits}:60;{other}:40"
        values = {
            c.P_CODE: f"{CODE_PREFIX}{number:06d}",
            c.P_NAME: rng.choice(link.templates).format(n=rng.choice(link.sizes)),
            c.P_INVESTOR: investor,
            c.P_ORIGIN: origin,
            c.P_CAPITAL: "内资",
            c.P_INDUSTRY: INDUSTRY_NAME[link.industry] if rng.random() < 0.5 else link.industry,
            c.P_KIND: kind_label[link.kind],
            c.P_PLANNED: planned,
            c.P_CONTRACT: planned if signed else None,
            c.P_REGISTERED: None,
            c.P_LAND: Decimal(rng.randint(5, 300)) if link.kind == "industrial" else None,
            c.P_CREDITS: credits,
            c.P_STAGE: c.STAGE_LABEL[reached[-1]],
            c.P_LEADER: rng.choice(data.COUNTY_LEADERS) if planned >= 5000 else "",
            c.P_RESPONSIBLE: rng.choice(units),
            c.P_REMARKS: rng.choice(data.CHANNELS) if rng.random() < 0.3 else "",
            **dates,
        }
        sheet.append([_cell(values.get(header)) for header in headers])
        if signed:
            signed_projects.append((values[c.P_CODE], dates[c.STAGE_DATE_HEADERS["signed"]], planned))
    if receipts:
        funds = workbook.create_sheet(c.RECEIPT_SHEET)
        funds.append([column.header for column in c.RECEIPT_COLUMNS if not column.optional])
        for number in range(receipts):
            code, signed_on, contract = signed_projects[number % len(signed_projects)]
            day = min(signed_on + dt.timedelta(days=rng.randint(0, 300)), today)
            amount = Decimal(max(1, round(float(contract) * rng.uniform(0.01, 0.1))))
            funds.append(
                [code, day, _cell(amount), rng.choice(("自有资金", "银行贷款", "股东投资")), f"PZ{number:07d}"]
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def _cell(value):
    return float(value) if isinstance(value, Decimal) else value


class Watermarks:
    """The highest ids before an import, so that whatever the import added can be removed again."""

    def __init__(self):
        from django.db.models import Max

        self.marks = {}
        for model in _models():
            field = "history_id" if model.__name__.startswith("Historical") else "id"
            self.marks[model] = (field, model.objects.aggregate(top=Max(field))["top"] or 0)

    def remove_added(self) -> None:
        from django.db import connection, transaction

        with transaction.atomic(), connection.cursor() as cursor:
            for model, (field, top) in self.marks.items():
                cursor.execute(
                    f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} WHERE {field} > %s", [top]
                )


def _models():
    from zhaoshang.projects.models import FundsReceipt, Investor, Project, ProjectCredit, StageEvent

    # Children first so that foreign keys never point at a removed row.
    live = [FundsReceipt, StageEvent, ProjectCredit, Project, Investor]
    return live + [model.history.model for model in live]


def profile(db: str, create, project_model) -> None:
    """One ``create`` under cProfile; the rows it adds are removed again."""
    import cProfile
    import pstats

    marks = Watermarks()
    profiler = cProfile.Profile()
    try:
        profiler.enable()
        result = create()
        profiler.disable()
        assert result.ok, result.errors[:5]
    finally:
        marks.remove_added()
    assert not project_model.objects.filter(code__startswith=CODE_PREFIX).exists()
    path = common.DATA_DIR / f"import-{db}.prof"
    profiler.dump_stats(path)
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    print(f"profile saved to {path.relative_to(common.ROOT)}")


def use_orm_writer() -> None:
    """Make the importer write with the ORM's bulk operations and simple-history's bulk helpers."""
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    from zhaoshang.transfer import writing
    from zhaoshang.transfer.columns import CHANGE_REASON
    from zhaoshang.transfer.fastwrite import NewRow

    def instance(model, obj):
        if not isinstance(obj, NewRow):
            return obj
        values = {
            (f"{name}_id" if isinstance(value, NewRow) else name): (value.pk if isinstance(value, NewRow) else value)
            for name, value in obj.__dict__.items()
        }
        return model(**values)

    def create(objs, model, user):
        rows = [instance(model, obj) for obj in objs]
        user = user if getattr(user, "pk", None) else None
        bulk_create_with_history(rows, model, batch_size=500, default_user=user, default_change_reason=CHANGE_REASON)
        for obj, row in zip(objs, rows, strict=True):
            obj.pk = row.pk

    def update(objs, model, fields, user):
        user = user if getattr(user, "pk", None) else None
        bulk_update_with_history(
            objs, model, sorted(fields), batch_size=500, default_user=user, default_change_reason=CHANGE_REASON
        )

    writing._create, writing._update = create, update


LARGE_ROWS = 50_000
LARGE_TARGETS = {"sqlite": 3000, "postgres": 2000}  # rows/s (issue 15)
LARGE_RSS_TARGET_MB = 400


def child_run(db: str, path: Path, dry_run: bool) -> None:
    """In a process of its own: one import of ``path``; prints its time and the process's peak RSS as JSON."""
    import json
    import resource

    common.setup(db)
    from zhaoshang.organization.models import User
    from zhaoshang.transfer.importer import import_workbook

    bureau = User.objects.get(username="bureau")
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    result = import_workbook(path, user=bureau, dry_run=dry_run)
    elapsed = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    errors = [str(error) for error in result.errors[:5]]
    print(
        json.dumps(
            {
                "elapsed_s": elapsed,
                "peak_rss_kb": peak,
                "baseline_rss_kb": baseline,
                "errors": errors,
                "error_count": len(result.errors),
                "counts": result.counts,
            }
        )
    )


def large_case(db: str, runs: int, rows: int) -> None:
    """The 50,000-row case of issue 15: a 项目 sheet and a 到位资金 sheet of ``rows // 2`` rows each, each import
    in a child process (dry run, then create), so that its peak RSS (``ru_maxrss``) is the import's own."""
    import json
    import subprocess

    from zhaoshang.projects.models import Project

    projects, receipts = rows // 2, rows - rows // 2
    path = common.DATA_DIR / f"import-{projects}-projects-{receipts}-receipts.xlsx"
    started = time.monotonic()
    write_sheet(path, projects, receipts)
    write_seconds = time.monotonic() - started
    samples = {"dry_run": [], "create": []}
    for _ in range(runs):
        for phase in samples:
            marks = Watermarks()
            try:
                command = [sys.executable, __file__, "--db", db, "--child", phase, "--file", str(path)]
                done = subprocess.run(command, check=True, capture_output=True, text=True, env=os.environ.copy())
                measured = json.loads(done.stdout.strip().splitlines()[-1])
                if measured["error_count"]:
                    raise SystemExit(f"the import reported {measured['error_count']} errors: {measured['errors']}")
                if phase == "create":
                    assert Project.objects.filter(code__startswith=CODE_PREFIX).count() == projects
                samples[phase].append(measured)
            finally:
                marks.remove_added()
            assert not Project.objects.filter(code__startswith=CODE_PREFIX).exists()
    phases = {}
    for phase, measured in samples.items():
        ordered = sorted(measured, key=lambda m: m["elapsed_s"])
        median = ordered[len(ordered) // 2]
        phases[phase] = {
            "runs": len(ordered),
            "median_s": round(median["elapsed_s"], 2),
            "rows_per_s": round(rows / median["elapsed_s"]),
            "peak_rss_mb": round(max(m["peak_rss_kb"] for m in measured) / 1024),
            "rss_after_django_setup_mb": round(min(m["baseline_rss_kb"] for m in measured) / 1024),
        }
        print(
            f"{db:8} import {rows} rows {phase:8} {phases[phase]['median_s']:6.2f} s  "
            f"{phases[phase]['rows_per_s']:>6} rows/s  peak RSS {phases[phase]['peak_rss_mb']} MB "
            f"(after Django's set-up {phases[phase]['rss_after_django_setup_mb']} MB)"
        )
    create = phases["create"]
    output = {
        "benchmark": "import-large",
        "rows": rows,
        "projects": projects,
        "receipts": receipts,
        "counts": samples["create"][0]["counts"] if samples["create"] else {},
        "target_rows_per_s": LARGE_TARGETS[db],
        "target_peak_rss_mb": LARGE_RSS_TARGET_MB,
        "meets_target": create["rows_per_s"] >= LARGE_TARGETS[db]
        and max(p["peak_rss_mb"] for p in phases.values()) <= LARGE_RSS_TARGET_MB,
        "sheet_write_s": round(write_seconds, 1),
        "file_mb": round(path.stat().st_size / 1024 / 1024, 1),
        "phases": phases,
        "environment": common.environment(db),
    }
    result = common.write_result("import-large", db, output)
    print(f"written {result.relative_to(common.ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=common.DATABASES, default="sqlite")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--profile", action="store_true", help="profile one more create run with cProfile")
    parser.add_argument("--writer", choices=("fast", "orm"), default="fast", help="the import's writer (see above)")
    parser.add_argument(
        "--large",
        action="store_true",
        help=f"the {LARGE_ROWS:,}-row case (项目 + 到位资金), each import in a child process",
    )
    parser.add_argument("--child", choices=("dry_run", "create"), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_run(args.db, Path(args.file), args.child == "dry_run")
        return
    common.setup(args.db)
    common.migrate()
    if args.writer == "orm":
        use_orm_writer()
    from zhaoshang.organization.models import User
    from zhaoshang.projects.models import Project
    from zhaoshang.transfer.importer import import_workbook

    total = Project.objects.count()
    if total < common.PROJECTS:
        raise SystemExit(f"{args.db}: only {total} projects; run bench/generate.py --db {args.db} first")
    leftovers = Project.objects.filter(code__startswith=CODE_PREFIX)
    if leftovers.exists():
        raise SystemExit(f"{args.db}: projects {CODE_PREFIX}… are left from an interrupted run; regenerate the data")
    if args.large:
        large_case(args.db, args.runs, args.rows if args.rows != ROWS else LARGE_ROWS)
        return
    bureau = User.objects.get(username="bureau")
    path = common.DATA_DIR / f"import-{args.rows}.xlsx"
    started = time.monotonic()
    write_sheet(path, args.rows)
    write_seconds = time.monotonic() - started

    def run(dry_run: bool):
        began, began_cpu = time.perf_counter(), time.process_time()
        result = import_workbook(path, user=bureau, dry_run=dry_run)
        elapsed = time.perf_counter() - began
        cpu[dry_run].append(time.process_time() - began_cpu)
        if not result.ok:
            shown = "; ".join(str(error) for error in result.errors[:5])
            raise SystemExit(f"the import reported {len(result.errors)} errors: {shown}")
        return elapsed, result

    timings = {"dry_run": [], "create": [], "unchanged": []}
    cpu = {True: [], False: []}  # this process's CPU time: dry runs, and writing runs (create, unchanged)
    counts = {}
    loads = []  # the 1-minute load average before each run: how busy the machine was
    for _ in range(args.runs):
        loads.append(round(os.getloadavg()[0], 2))
        timings["dry_run"].append(run(True)[0])
        marks = Watermarks()
        try:
            elapsed, result = run(False)
            timings["create"].append(elapsed)
            counts = result.counts
            assert Project.objects.filter(code__startswith=CODE_PREFIX).count() == args.rows
            timings["unchanged"].append(run(False)[0])
        finally:
            marks.remove_added()
        assert not Project.objects.filter(code__startswith=CODE_PREFIX).exists()
    loads.append(round(os.getloadavg()[0], 2))
    if args.profile:
        profile(args.db, lambda: import_workbook(path, user=bureau), Project)

    phases = {}
    for name, samples in timings.items():
        ordered = sorted(samples)
        median = ordered[len(ordered) // 2]
        phases[name] = {
            "runs": len(ordered),
            "median_s": round(median, 2),
            "min_s": round(ordered[0], 2),
            "max_s": round(ordered[-1], 2),
            "rows_per_s": round(args.rows / median),
        }
    # Wall-clock time also counts waiting for a CPU on a busy machine; CPU time of this process does not
    # (with SQLite it is the whole cost; with PostgreSQL the server's share is left out).
    for name, samples in (("dry_run", cpu[True]), ("create", cpu[False][0::2]), ("unchanged", cpu[False][1::2])):
        phases[name]["cpu_median_s"] = round(sorted(samples)[len(samples) // 2], 2)
    output = {
        "benchmark": "import",
        "writer": args.writer,
        "rows": args.rows,
        "existing_projects": total,
        "target_rows_per_s": TARGET_ROWS_PER_SECOND,
        "meets_target": phases["create"]["rows_per_s"] >= TARGET_ROWS_PER_SECOND,
        "sheet_write_s": round(write_seconds, 1),
        "counts": counts,
        "phases": phases,
        "load_average_1m_during_runs": loads,
        "environment": common.environment(args.db),
    }
    for name, phase in phases.items():
        print(
            f"{args.db:8} import {name:9} {phase['median_s']:6.2f} s  {phase['rows_per_s']:>6} rows/s  "
            f"(cpu {phase['cpu_median_s']:.2f} s)"
        )
    path = common.write_result("import" if args.writer == "fast" else "import-orm", args.db, output)
    print(f"written {path.relative_to(common.ROOT)}")


if __name__ == "__main__":
    main()
