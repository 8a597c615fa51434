#!/usr/bin/env bash
# Exit 0 when the PostgreSQL server named by the URL in $1 answers.
url="${1:-postgres://postgres@127.0.0.1:5432/test}"
exec "$(dirname "$0")/../.venv/bin/python" - "$url" <<'PY'
import sys

import psycopg

try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://", 1), connect_timeout=3).close()
except Exception as error:  # noqa: BLE001 - any failure means "not ready"
    print(f"PostgreSQL not ready: {error}", file=sys.stderr)
    sys.exit(1)
PY
