#!/usr/bin/env bash
# Generate the benchmark data (when it is not there yet) and run the ledger and import benchmarks on
# SQLite and PostgreSQL. Results: bench/results/*.json. See bench/README.md.
#
#   bench/run.sh                      # both databases
#   BENCH_DBS=sqlite bench/run.sh     # one of them
#   BENCH_RUNS=40 bench/run.sh        # more timed runs per ledger case (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
DBS=${BENCH_DBS:-sqlite postgres}
RUNS=${BENCH_RUNS:-20}

for db in $DBS; do
  if [ "$db" = postgres ] && ! "$PY" -c "import psycopg; psycopg.connect('postgres://postgres@127.0.0.1:5432/postgres', connect_timeout=3).close()" 2>/dev/null; then
    echo "postgres: no server on 127.0.0.1:5432 (user postgres); skipped" >&2
    continue
  fi
  "$PY" bench/generate.py --db "$db"
  "$PY" bench/bench_ledger.py --db "$db" --runs "$RUNS"
  "$PY" bench/bench_import.py --db "$db"
  "$PY" bench/bench_assessment.py --db "$db"
  "$PY" bench/bench_bulletin.py --db "$db"
  "$PY" bench/bench_dashboard.py --db "$db"
done
# The forecast runs on the demo county in a temporary SQLite database of its own, whatever BENCH_DBS says.
"$PY" bench/bench_forecast.py
