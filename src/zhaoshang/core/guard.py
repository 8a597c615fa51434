"""Guardrails for web requests on PostgreSQL: a statement timeout, and a cancelled query when a worker dies.

A request that asks PostgreSQL for something slow (a query shape that stopped fitting ``work_mem``, a year of
a million projects) must not hold a gunicorn worker and a database backend for minutes. ``StatementTimeoutMiddleware``
sets ``statement_timeout`` (``settings.STATEMENT_TIMEOUT_MS``, below gunicorn's ``--timeout``) on the request's
connection when the request starts and resets it when it ends: connections outlive requests (``CONN_MAX_AGE``),
and migrations, management commands, the job runner's thread and ``zhaoshang worker`` have their own connections
and must keep running however long their work takes. The side connections of ``core.concurrency.run_side_by_side``
take the limit of the request that started them (``request_timeout_ms`` / ``apply_timeout``).

A statement cancelled by the limit (or by ``cancel_running_queries``) reaches the user as a 503 page in plain
words, and the log as one warning line with the path, rather than a 500 and a stack trace.

``cancel_running_queries`` is what gunicorn's ``worker_abort`` hook calls (``zhaoshang.gunicorn_config``): when
gunicorn kills a worker that overran its timeout, PostgreSQL would otherwise go on running the orphaned query.
"""

from __future__ import annotations

import contextvars
import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# The limit in force for the request being served in this thread (0: none). A context variable rather than a
# connection attribute: run_side_by_side reads it in the caller's thread and hands it to its side threads.
_request_timeout: contextvars.ContextVar[int] = contextvars.ContextVar("zhaoshang_statement_timeout", default=0)

# Raw connections of side threads currently reading for a request: a worker being killed cancels their queries
# too (its signal handler runs in the main thread, which only sees its own Django connections).
_side_connections: set = set()
_side_lock = threading.Lock()


def _limited(conn) -> bool:
    return conn.vendor == "postgresql" and getattr(settings, "STATEMENT_TIMEOUT_MS", 0) > 0


def request_timeout_ms() -> int:
    """The statement timeout of the request this thread serves, in milliseconds (0: none)."""
    return _request_timeout.get()


def apply_timeout(milliseconds: int, conn=None) -> None:
    """Limit every statement of ``conn`` (this thread's default connection) to ``milliseconds`` (0: no limit)."""
    conn = conn or connection
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        # SET takes no bind parameters; the value is an int.
        cursor.execute(f"SET statement_timeout = {int(milliseconds)}")


def register_side_connection(conn) -> None:
    """Remember a side thread's raw connection so that ``cancel_running_queries`` can reach it."""
    raw = getattr(conn, "connection", None)
    if conn.vendor == "postgresql" and raw is not None:
        with _side_lock:
            _side_connections.add(raw)


def unregister_side_connection(conn) -> None:
    raw = getattr(conn, "connection", None)
    if raw is not None:
        with _side_lock:
            _side_connections.discard(raw)


def cancel_running_queries() -> int:
    """Ask PostgreSQL to cancel whatever this process's connections are running; the number of requests sent.

    Safe from a signal handler: ``cancel()`` opens a separate short connection to the server and does not touch
    the connection's own state, so a query stuck in another frame is interrupted, not corrupted."""
    raws = [conn.connection for conn in connections.all(initialized_only=True) if conn.vendor == "postgresql"]
    with _side_lock:
        raws.extend(_side_connections)
    sent = 0
    for raw in raws:
        if raw is None or getattr(raw, "closed", True):
            continue
        try:
            raw.cancel()
            sent += 1
        except Exception:
            logger.exception("could not cancel a running query")
    return sent


def is_query_cancelled(error: BaseException) -> bool:
    """True when ``error`` is PostgreSQL's "canceling statement" (timeout or cancel request), however wrapped."""
    import psycopg

    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, psycopg.errors.QueryCanceled):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


class StatementTimeoutMiddleware:
    """Limit each request's statements on PostgreSQL; turn a cancelled statement into a 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _limited(connection):
            return self.get_response(request)
        milliseconds = settings.STATEMENT_TIMEOUT_MS
        apply_timeout(milliseconds)
        token = _request_timeout.set(milliseconds)
        try:
            return self.get_response(request)
        finally:
            _request_timeout.reset(token)
            self._reset()

    @staticmethod
    def _reset() -> None:
        """Back to the server's default for whatever uses this connection next (connections persist)."""
        if connection.connection is None:
            return  # closed during the request: the next one starts with the default
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET statement_timeout")
        except DatabaseError:
            if connection.in_atomic_block:
                return  # an aborted outer transaction (a test's): its rollback undoes the SET
            # An unusable connection must not carry the limit to its next user: drop it.
            connection.close()

    def process_exception(self, request, exception):
        if not is_query_cancelled(exception):
            return None
        logger.warning(
            "query cancelled (statement timeout %s ms or worker timeout): %s %s",
            request_timeout_ms() or settings.STATEMENT_TIMEOUT_MS,
            request.method,
            request.get_full_path()[:300],
        )
        return timeout_response(request)


def timeout_response(request):
    from django.utils.translation import gettext as _

    message = _("Query timed out: the server stopped this query. Please narrow the range or try again later.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=503, json_dumps_params={"ensure_ascii": False})
    # A page without the database (like 500.html): the connection has just failed a statement.
    return HttpResponse(render_to_string("503_timeout.html", {"message": message}), status=503)
