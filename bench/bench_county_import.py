"""Time the import of a county's own 50,000-row ledger sheet (issue 15): rows/s and peak RSS.

    .venv/bin/python bench/bench_county_import.py --db sqlite|postgres [--runs 3] [--rows 50000] [--profile]

Runs against the benchmark database of bench/generate.py (300 units, 100,000 projects). The sheet
(bench/data/county-<rows>.xlsx) is laid out as a county keeps it, not as the template: a title row, a
"单位：万元 截至2025年6月30日" row, the header 序号 / 项目名称 / 投资主体 / 总投资(亿元) /
签约时间 (months such as 2025年3月 and days) / 开工时间 / 累计到位资金 / 项目进展情况 / 包抓领导 / 责任单位 (the bench's
unit names, some written as short forms whose aliases the bench first records with
``organization.aliases.confirm_alias``), and a 合计 row.

It goes through ``zhaoshang.transfer.county_import.import_county_file(data, filename, user=bureau, dry_run=…)`` with
the mapping proposed from the headers, each import in a child process of its own (``--child``) so that the peak RSS
(``ru_maxrss``) is the import's own:

* ``dry_run``: read, map and check every row, write nothing;
* ``create``: the same, then write the new projects, their credits, stage events, opening balances and history;
* ``unchanged``: the same file again right after ``create``, every row now a recorded project.

After each run the rows added are removed. Targets (issue 15): ``create`` ≥ 3,000 rows/s on SQLite and ≥ 2,000
on PostgreSQL, peak RSS ≤ 400 MB. Results: bench/results/import-county-<db>.json. ``--profile`` adds one
``create`` under cProfile in this process (not counted) and saves bench/data/import-county-<db>.prof.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
from bench_import import Watermarks

ROWS = 50_000
TARGETS = {"sqlite": 3000, "postgres": 2000}  # rows/s of create (issue 15)
RSS_TARGET_MB = 400
SEED = 1515
NAME_PREFIX = "县台账"  # every project name of the sheet starts with it: new, and easy to check
AS_OF = dt.date(2025, 6, 30)
HEADERS = [
    "序号",
    "项目名称",
    "投资主体",
    "总投资(亿元)",
    "签约时间",
    "开工时间",
    "累计到位资金",
    "项目进展情况",
    "包抓领导",
    "责任单位",
]
PROGRESS = ("已签约，正在办理前期手续", "土地已摘牌", "主体施工中", "设备安装调试", "已投产", "在建", "")


def unit_names() -> list[tuple[object, str]]:
    """(unit, the name the sheet writes): every township, department and park whose name is its own, and for
    every third township its short form (城关镇 → 城关), recorded as an alias first."""
    from zhaoshang.organization.aliases import UnitResolver, alias_errors, confirm_alias
    from zhaoshang.organization.models import Unit, User

    bureau = User.objects.get(username="bureau")
    units = list(Unit.objects.filter(category__in=("township", "department", "park")).order_by("code"))
    counted: dict[str, int] = {}
    for unit in units:
        counted[unit.name] = counted.get(unit.name, 0) + 1
    named = []
    resolver = UnitResolver()
    for index, unit in enumerate(units):
        if counted[unit.name] != 1:
            continue
        named.append((unit, unit.name))
        short = unit.name[:-1]
        if unit.category == "township" and index % 3 == 0 and len(short) >= 2:
            if not alias_errors(short, unit, resolver):
                confirm_alias(alias=short, unit=unit, user=bureau)
                named.append((unit, short))
    return named


def write_sheet(path: Path, rows: int) -> dict:
    """The county's sheet of ``rows`` new signed projects; what it holds, for the JSON."""
    from openpyxl import Workbook

    from zhaoshang.demo import data

    rng = random.Random(SEED)
    names = unit_names()
    investors = [
        f"{rng.choice(data.DOMESTIC_ORIGINS)[1]}{rng.choice(data.BRANDS)}{rng.choice(data.BRANDS)}实业有限公司"
        for _ in range(rows // 4)
    ]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("重点项目推进情况")
    sheet.append(["XX县2025年招商引资重点项目推进情况调度表"])
    sheet.append(["单位：万元 截至2025年6月30日"])
    sheet.append(HEADERS)
    start = dt.date(2023, 1, 1)
    span = (AS_OF - start).days
    month_dates = started = short_forms = total_yi = 0
    for number in range(1, rows + 1):
        link = rng.choice(data.LINKS)
        signed = start + dt.timedelta(days=rng.randint(0, span - 120))
        if rng.random() < 0.4:
            signed_cell = f"{signed.year}年{signed.month}月"
            month_dates += 1
        else:
            signed_cell = signed
        start_cell = None
        if rng.random() < 0.5:
            began = min(signed + dt.timedelta(days=rng.randint(30, 400)), AS_OF)
            start_cell = f"{began.year}年{began.month}月" if rng.random() < 0.4 else began
            if isinstance(start_cell, str) and isinstance(signed_cell, dt.date) and began.month == signed.month:
                start_cell = began  # a month no earlier than the signing day's month, but never read as before it
            started += 1
        planned_yi = round(rng.lognormvariate(-1.2, 1.0) * link.scale / 10, 2) or 0.05
        total_yi += planned_yi
        funds = round(planned_yi * 10_000 * rng.uniform(0, 0.6)) if rng.random() < 0.7 else None
        unit, written = rng.choice(names)
        short_forms += written != unit.name
        sheet.append(
            [
                number,
                f"{NAME_PREFIX}{rng.choice(link.templates).format(n=rng.choice(link.sizes))}{number:06d}",
                rng.choice(investors),
                planned_yi,
                signed_cell,
                start_cell,
                funds,
                rng.choice(PROGRESS),
                rng.choice(data.COUNTY_LEADERS) if planned_yi >= 0.5 else None,
                written,
            ]
        )
    sheet.append(["合计", None, None, round(total_yi, 2)])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return {
        "rows": rows,
        "month_signing_dates": month_dates,
        "started": started,
        "unit_names_written_short": short_forms,
        "units_named": len({unit.pk for unit, _w in names}),
        "aliases": sum(1 for unit, written in names if written != unit.name),
    }


def _import(path: Path, dry_run: bool):
    from zhaoshang.organization.models import User
    from zhaoshang.transfer.county_import import import_county_file

    bureau = User.objects.get(username="bureau")
    return import_county_file(path.read_bytes(), path.name, user=bureau, dry_run=dry_run)


def child_run(db: str, path: Path, phase: str) -> None:
    """In a process of its own: one import (two for ``unchanged``: create, then the timed second import); prints
    its time and the process's peak RSS as JSON."""
    import resource

    common.setup(db)
    from zhaoshang.organization.models import User

    User.objects.get(username="bureau")  # the connection and the models loaded before the baseline
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if phase == "unchanged":
        first = _import(path, dry_run=False)
        assert first.ok, [str(e) for e in first.errors[:5]]
    began, began_cpu = time.perf_counter(), time.process_time()
    result = _import(path, dry_run=phase == "dry_run")
    elapsed, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    output = {
        "elapsed_s": elapsed,
        "cpu_s": cpu,
        "peak_rss_kb": peak,
        "baseline_rss_kb": baseline,
        "errors": [str(error) for error in result.errors[:5]],
        "error_count": len(result.errors),
        "counts": result.counts,
        "rows_read": result.sheet.rows if result.sheet else 0,
        "skipped": len(result.sheet.skipped) if result.sheet else 0,
    }
    print(json.dumps(output, ensure_ascii=False))


def profile(db: str, path: Path) -> None:
    import cProfile
    import pstats

    marks = Watermarks()
    profiler = cProfile.Profile()
    try:
        profiler.enable()
        result = _import(path, dry_run=False)
        profiler.disable()
        assert result.ok, [str(e) for e in result.errors[:5]]
    finally:
        marks.remove_added()
    out = common.DATA_DIR / f"import-county-{db}.prof"
    profiler.dump_stats(out)
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(45)
    print(f"profile saved to {out.relative_to(common.ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=common.DATABASES, default="sqlite")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--profile", action="store_true", help="profile one more create with cProfile")
    parser.add_argument("--child", choices=("dry_run", "create", "unchanged"), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_run(args.db, Path(args.file), args.child)
        return
    common.setup(args.db)
    common.migrate()
    from zhaoshang.projects.models import Project

    total = Project.objects.count()
    if total < common.PROJECTS:
        raise SystemExit(f"{args.db}: only {total} projects; run bench/generate.py --db {args.db} first")
    ours = Project.objects.filter(name__startswith=NAME_PREFIX)
    if ours.exists():
        raise SystemExit(f"{args.db}: projects {NAME_PREFIX}… are left from an interrupted run; regenerate the data")
    path = common.DATA_DIR / f"county-{args.rows}.xlsx"
    started = time.monotonic()
    sheet = write_sheet(path, args.rows)
    write_seconds = time.monotonic() - started
    samples: dict[str, list] = {"dry_run": [], "create": [], "unchanged": []}
    loads = []
    for _ in range(args.runs):
        for phase in samples:
            loads.append(round(os.getloadavg()[0], 2))
            marks = Watermarks()
            try:
                command = [sys.executable, __file__, "--db", args.db, "--child", phase, "--file", str(path)]
                done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
                if done.returncode:
                    raise SystemExit(f"{phase} failed:\n{done.stderr[-3000:]}")
                measured = json.loads(done.stdout.strip().splitlines()[-1])
                if measured["error_count"]:
                    raise SystemExit(f"the import reported {measured['error_count']} errors: {measured['errors']}")
                if phase != "dry_run":
                    assert ours.count() == args.rows, ours.count()
                samples[phase].append(measured)
            finally:
                marks.remove_added()
            assert not ours.exists()
    loads.append(round(os.getloadavg()[0], 2))
    if args.profile:
        profile(args.db, path)
    phases = {}
    for phase, measured in samples.items():
        ordered = sorted(measured, key=lambda m: m["elapsed_s"])
        median = ordered[len(ordered) // 2]
        phases[phase] = {
            "runs": len(ordered),
            "median_s": round(median["elapsed_s"], 2),
            "min_s": round(ordered[0]["elapsed_s"], 2),
            "max_s": round(ordered[-1]["elapsed_s"], 2),
            "cpu_median_s": round(sorted(m["cpu_s"] for m in measured)[len(measured) // 2], 2),
            "rows_per_s": round(args.rows / median["elapsed_s"]),
            "peak_rss_mb": round(max(m["peak_rss_kb"] for m in measured) / 1024),
            "rss_after_django_setup_mb": round(min(m["baseline_rss_kb"] for m in measured) / 1024),
            "counts": median["counts"],
        }
        print(
            f"{args.db:8} county import {args.rows} rows {phase:9} {phases[phase]['median_s']:6.2f} s  "
            f"{phases[phase]['rows_per_s']:>6} rows/s (cpu {phases[phase]['cpu_median_s']:.2f} s)  "
            f"peak RSS {phases[phase]['peak_rss_mb']} MB (after set-up {phases[phase]['rss_after_django_setup_mb']} MB)"
        )
    output = {
        "benchmark": "import-county",
        "rows": args.rows,
        "existing_projects": total,
        "sheet": sheet,
        "target_rows_per_s": TARGETS[args.db],
        "target_peak_rss_mb": RSS_TARGET_MB,
        "meets_target": phases["create"]["rows_per_s"] >= TARGETS[args.db]
        and max(p["peak_rss_mb"] for p in phases.values()) <= RSS_TARGET_MB,
        "sheet_write_s": round(write_seconds, 1),
        "file_mb": round(path.stat().st_size / 1024 / 1024, 1),
        "phases": phases,
        "load_average_1m_during_runs": loads,
        "environment": common.environment(args.db),
    }
    result = common.write_result("import-county", args.db, output)
    print(f"written {result.relative_to(common.ROOT)}")


if __name__ == "__main__":
    main()
