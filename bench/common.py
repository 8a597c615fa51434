"""Shared set-up for the benchmark scripts: choose the database, start Django, record results.

The benchmarks never touch the trial database: SQLite runs use ``bench/data/bench.sqlite3`` (git-ignored)
and PostgreSQL runs use the database ``zhaoshang_bench`` on 127.0.0.1:5432 (user postgres), created here
if it does not exist (``BENCH_PG_NAME`` names another, e.g. to keep two checkouts' data apart).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / "data"
RESULTS_DIR = BENCH_DIR / "results"
SQLITE_PATH = DATA_DIR / "bench.sqlite3"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_NAME = os.environ.get("BENCH_PG_NAME", "zhaoshang_bench")
DATABASES = ("sqlite", "postgres")

# The benchmark's size: what a prefecture-level city with a few years of history might hold.
UNITS = 300
PROJECTS = 100_000
RECEIPTS = 300_000


def database_url(db: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{SQLITE_PATH}"
    if db == "postgres":
        return f"{PG_SERVER}/{PG_NAME}"
    raise SystemExit(f"unknown database {db!r}: use one of {', '.join(DATABASES)}")


def ensure_postgres_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{PG_NAME}"')


def setup(db: str) -> None:
    """Point Django at the benchmark database and start it. Call before importing any model."""
    DATA_DIR.mkdir(exist_ok=True)
    if db == "postgres":
        ensure_postgres_database()
    os.environ["DATABASE_URL"] = database_url(db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    # Media and static files of the benchmark stay under bench/data too.
    os.environ.setdefault("ZHAOSHANG_DATA_DIR", str(DATA_DIR / "var"))
    (DATA_DIR / "var" / "static").mkdir(parents=True, exist_ok=True)
    # Pages are rendered without a collectstatic run: look static files up directly (a dict lookup in
    # the manifest either way, so the timing is the same).
    os.environ.setdefault("STATIC_MANIFEST", "0")
    src = str(ROOT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    import django

    django.setup()


def migrate() -> None:
    """Bring the benchmark database up to the code's migrations (new columns get their defaults)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def timed(function, *, runs: int, warmup: int = 2) -> dict:
    """Run ``function`` warm-up times, then ``runs`` times; return timings in milliseconds.

    Besides wall-clock time it records this process's CPU time: on a busy machine the wall clock also
    counts the time spent waiting for a CPU, while the CPU time does not. With SQLite (in-process) the
    CPU time is what the request costs on an idle machine; with PostgreSQL it leaves out the server's
    share, which the wall clock includes."""
    for _ in range(warmup):
        function()
    samples, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return {**summary(samples), "cpu_median_ms": round(statistics.median(cpu), 2)}


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95_index = max(0, round(0.95 * len(ordered)) - 1)
    return {
        "runs": len(ordered),
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[p95_index], 2),
        "min_ms": round(ordered[0], 2),
        "max_ms": round(ordered[-1], 2),
    }


def environment(db: str) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        if db == "sqlite":
            cursor.execute("select sqlite_version()")
            version = "SQLite " + cursor.fetchone()[0]
        else:
            cursor.execute("show server_version")
            version = "PostgreSQL " + cursor.fetchone()[0]
    return {
        "database": version,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        # Other work on the machine slows every figure; the load average says how busy it was.
        "load_average_1m": round(os.getloadavg()[0], 2),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def write_result(name: str, db: str, result: dict) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    other = os.environ.get("BENCH_PG_NAME", "")
    if db == "postgres" and other and other != "zhaoshang_bench":  # e.g. the million-project database
        db = f"{db}-{other.removeprefix('zhaoshang_')}"
    path = RESULTS_DIR / f"{name}-{db}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def ensure_data(db: str) -> dict:
    """Generate the benchmark data when the database holds no projects; the sizes of what is there."""
    from zhaoshang.organization.models import Unit
    from zhaoshang.projects.models import FundsReceipt, Project, StageEvent

    if not Project.objects.exists():
        import generate

        print(f"{db}: no projects; generating")
        generate.generate(projects=PROJECTS, receipts=RECEIPTS)
    return {
        "units": Unit.objects.count(),
        "projects": Project.objects.count(),
        "stage_events": StageEvent.objects.count(),
        "receipts": FundsReceipt.objects.count(),
    }
