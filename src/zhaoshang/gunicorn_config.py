"""gunicorn settings for Zhaoshang: ``gunicorn -c python:zhaoshang.gunicorn_config zhaoshang.wsgi:application``.

``zhaoshang serve`` uses it; README's production command line names it. Command-line options (``--bind``,
``--workers``) override what is set here.

When a worker overruns ``timeout`` the arbiter sends it SIGABRT and gunicorn calls ``worker_abort`` in the worker
before it exits. A query that worker was waiting for would go on running in PostgreSQL, holding a backend and
its locks, with nobody to read the answer (issue 16: an orphaned facts query ran for over 11 minutes). The hook
sends PostgreSQL a cancel request for each of the worker's connections first. (psycopg 3 itself cancels the
query of the main thread when the SystemExit that follows interrupts its wait; the queries of the side threads of
``core.concurrency.run_side_by_side``, a cold dashboard's, are reached only by this hook: checked with a real
gunicorn and ``--timeout 3``, a side thread's ``pg_sleep(30)`` ran on without it and was cancelled with it.)
The request's statement timeout (``ZHAOSHANG_STATEMENT_TIMEOUT_MS``, 30 s) normally ends such a query long
before this; the hook is the last line for the rest (a limit turned off, many slow statements in one request).
"""

from __future__ import annotations

# Issuing a bulletin or importing a large workbook at 100,000 projects can take longer than gunicorn's 30 s.
timeout = 120
accesslog = "-"


def worker_abort(worker) -> None:
    try:
        from zhaoshang.core import guard

        sent = guard.cancel_running_queries()
    except Exception:
        worker.log.exception("worker_abort: could not cancel the running queries")
        return
    if sent:
        worker.log.warning("worker_abort: sent PostgreSQL %s cancel request(s) for the worker's queries", sent)
