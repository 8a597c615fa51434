"""Measure the double-claim check on the independent labelled ledger ``tests/data/claims/labelled_ledger.csv``.

Loads the CSV into a fresh temporary SQLite database (migrated; units, investors, projects through the ORM), then
runs ``zhaoshang double_claims --format json`` (the county-wide check) as a separate process on a copy of that
database, once at the default threshold and once per ``--threshold`` (through ``ZHAOSHANG_DOUBLE_CLAIM_THRESHOLD``).
Reports recall (pairs within a duplicate group that are flagged), the false-flag share (flagged pairs not within one
group, over all flagged) and lists the missed and false pairs; writes ``bench/results/claims_eval_csv.json``.

    PYTHONPATH=src .venv/bin/python bench/claims_eval_csv.py
    PYTHONPATH=src .venv/bin/python bench/claims_eval_csv.py --threshold 0.55 --threshold 0.75
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULT = BENCH_DIR / "results" / "claims_eval_csv.json"


def run_check(database: Path, data_dir: Path, threshold: str | None) -> tuple[list[dict], float]:
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{database}", ZHAOSHANG_DATA_DIR=str(data_dir), ZHAOSHANG_TRIAL="1")
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("ZHAOSHANG_DOUBLE_CLAIM_THRESHOLD", None)
    if threshold is not None:
        env["ZHAOSHANG_DOUBLE_CLAIM_THRESHOLD"] = threshold
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "zhaoshang", "double_claims", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", action="append", default=[], help="also run at this threshold (repeatable)")
    parser.add_argument("--csv", default=None, help="another labelled ledger of the same columns")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="claims-eval-csv-") as tmp:
        tmp = Path(tmp)
        database = tmp / "ledger.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
        os.environ["DJANGO_SETTINGS_MODULE"] = "zhaoshang.settings"
        os.environ["ZHAOSHANG_DATA_DIR"] = str(tmp / "var")
        os.environ.setdefault("ZHAOSHANG_TRIAL", "1")
        os.environ.pop("ZHAOSHANG_DOUBLE_CLAIM_THRESHOLD", None)  # the default is the settings' own
        (tmp / "var").mkdir()
        sys.path.insert(0, str(ROOT / "src"))
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        from zhaoshang.claims.tests.labelled import CSV_PATH, load_ledger, read_rows, score

        path = Path(args.csv) if args.csv else CSV_PATH
        rows = read_rows(path)
        call_command("migrate", interactive=False, verbosity=0)
        loaded = load_ledger(rows)
        from django.db import connections

        connections.close_all()
        default = str(settings.DOUBLE_CLAIM_THRESHOLD)
        runs = []
        for threshold in [None, *args.threshold]:
            copy = tmp / f"run-{len(runs)}.sqlite3"
            # SQLite's backup API, not a file copy: pages still in the write-ahead log are copied too.
            with sqlite3.connect(database) as source, sqlite3.connect(copy) as target:
                source.backup(target)
            flagged, seconds = run_check(copy, tmp / "var", threshold)
            figures = score(rows, flagged)
            runs.append({"threshold": threshold or default, "default": threshold is None, "seconds": round(seconds, 1)})
            runs[-1] |= figures
            print(
                f"threshold {runs[-1]['threshold']}{' (default)' if threshold is None else ''}: "
                f"{figures['found']}/{figures['duplicate_pairs']} duplicate pairs found "
                f"(recall {figures['recall']:.1%}), {figures['flagged']} flagged, {figures['false']} false "
                f"({figures['false_share']:.1%}); {seconds:.1f} s"
            )
            if figures["false_by_kind"]:
                print("  false by kind:", figures["false_by_kind"])
            if figures["missed_by_variation"]:
                print("  missed by variation:", figures["missed_by_variation"])

    groups = {row["group"] for row in rows if row["group"]}
    hard = {}
    for row in rows:
        if row["label_note"].startswith("hard:"):
            hard[row["label_note"]] = hard.get(row["label_note"], 0) + 1
    result = {
        "csv": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
        "rows": len(rows),
        "loaded": loaded,
        "duplicate_groups": len(groups),
        "rows_in_groups": sum(1 for row in rows if row["group"]),
        "hard_negative_rows": hard,
        "runs": runs,
    }
    RESULT.parent.mkdir(exist_ok=True)
    RESULT.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
