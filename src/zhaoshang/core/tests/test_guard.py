"""Guardrails on PostgreSQL (core.guard, issue 16): a web request's statements are limited, the limit is reset
after the request and reaches run_side_by_side's threads; a cancelled statement is a 503 "查询超时" page (JSON for
the API), logged; management commands are not limited; a dying worker cancels its connections' queries. On
SQLite the middleware does nothing."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, connections
from django.http import HttpResponse, JsonResponse
from django.urls import path

from zhaoshang.core import guard
from zhaoshang.core.concurrency import run_side_by_side

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's")


def _show() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def _sleep(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [float(request.GET.get("seconds", "2"))])
    return HttpResponse("slept")


def _limit(request):
    return JsonResponse(
        {"limit": _show() if connection.vendor == "postgresql" else "", "ms": guard.request_timeout_ms()}
    )


def _side_by_side(request):
    return JsonResponse(run_side_by_side({"a": _show, "b": _show, "c": _show}))


urlpatterns = [
    path("sleep/", _sleep),
    path("api/sleep/", _sleep),
    path("limit/", _limit),
    path("side/", _side_by_side),
]


@pytest.fixture
def limited(settings):
    settings.STATEMENT_TIMEOUT_MS = 300
    return settings


@postgres_only
@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_a_statement_over_the_limit_is_a_503_page_in_chinese_and_logged(client, users, limited, caplog):
    client.force_login(users["bureau"])
    started = time.monotonic()
    with caplog.at_level("WARNING", logger="zhaoshang.core.guard"):
        response = client.get("/sleep/?seconds=5")
    assert time.monotonic() - started < 4  # cancelled at 0.3 s, not slept through
    assert response.status_code == 503
    page = response.content.decode()
    assert "查询超时" in page and "请缩小范围或稍后再试" in page
    assert any(
        "query cancelled" in record.getMessage() and "/sleep/" in record.getMessage() for record in caplog.records
    )
    # The connection outlives the request: the limit does not stay on it.
    assert _show() == "0"
    # And it still works for the next request, which gets the limit again.
    assert client.get("/limit/").json() == {"limit": "300ms", "ms": 300}
    assert client.get("/sleep/?seconds=0.05").content == b"slept"


@postgres_only
@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_the_api_gets_the_timeout_as_json(client, users, limited):
    client.force_login(users["bureau"])
    response = client.get("/api/sleep/?seconds=5")
    assert response.status_code == 503
    assert "查询超时" in response.json()["detail"]


@postgres_only
@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_side_connections_take_the_requests_limit(client, users, limited):
    limited.READ_THREADS = 3
    client.force_login(users["bureau"])
    assert client.get("/side/").json() == {"a": "300ms", "b": "300ms", "c": "300ms"}
    # Outside a request (a job, a command) the side threads are not limited either.
    assert run_side_by_side({"a": _show, "b": _show}) == {"a": "0", "b": "0"}
    # Known to the worker_abort hook while they read, limit or not; forgotten after.
    known = run_side_by_side({"a": _show, "b": lambda: connection.connection in guard._side_connections})
    assert known == {"a": "0", "b": True}
    assert guard._side_connections == set()


@postgres_only
@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_zero_turns_the_limit_off(client, users, settings):
    settings.STATEMENT_TIMEOUT_MS = 0
    client.force_login(users["bureau"])
    assert client.get("/limit/").json() == {"limit": "0", "ms": 0}


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_management_command_is_not_limited(limited, capsys):
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('SELECT pg_sleep(0.6)')\n"
        "    c.execute('SHOW statement_timeout')\n"
        "    print('limit', c.fetchone()[0])"
    )
    call_command("shell", command=code)
    assert "limit 0" in capsys.readouterr().out


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_dying_worker_cancels_the_queries_of_its_connections():
    """What gunicorn's worker_abort does (zhaoshang.gunicorn_config): a query in a side thread is cancelled."""
    from zhaoshang import gunicorn_config

    outcome = {}
    running = threading.Event()

    def side():
        try:
            connection.ensure_connection()
            guard.register_side_connection(connection)
            running.set()
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(20)")
            outcome["error"] = None
        except OperationalError as error:
            outcome["error"] = error
        finally:
            guard.unregister_side_connection(connection)
            connections.close_all()

    thread = threading.Thread(target=side)
    started = time.monotonic()
    thread.start()
    assert running.wait(10)
    time.sleep(0.3)  # let the sleep start

    class Worker:
        class log:
            warnings = []

            @classmethod
            def warning(cls, message, *args):
                cls.warnings.append(message % args)

            @staticmethod
            def exception(message, *args):
                raise AssertionError(message % args)

    gunicorn_config.worker_abort(Worker)
    thread.join(15)
    assert not thread.is_alive()
    assert time.monotonic() - started < 10
    assert guard.is_query_cancelled(outcome["error"])
    assert Worker.log.warnings and "cancel request" in Worker.log.warnings[0]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite case")
@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_on_sqlite_the_middleware_does_nothing(client, users, limited):
    client.force_login(users["bureau"])
    assert client.get("/limit/").json() == {"limit": "", "ms": 0}
    guard.apply_timeout(100)  # no statement_timeout to set: nothing happens
    assert not guard.is_query_cancelled(ValueError("not a database error"))
