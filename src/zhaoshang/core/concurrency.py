"""Independent reads run side by side, each in its own database connection.

A cold dashboard asks the database for a few independent things (the figures, the lists, the ranking); one after
the other their times add up, side by side the page waits for the slowest. ``run_side_by_side`` runs the first
task in the calling thread and the others in threads of their own, with the caller's language and time zone, and
closes the connections those threads opened. It runs them one after the other instead when
``settings.READ_THREADS`` is 1 or the caller is inside a transaction (another connection would not see what the
transaction wrote, and a test's data lives in one). The tasks must only read.

A side connection takes the statement timeout of the request that started it (``core.guard``) and is known to
``guard.cancel_running_queries`` while it reads, so a killed worker's side queries are cancelled too.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone, translation

from . import guard


def _parallel_allowed() -> bool:
    return getattr(settings, "READ_THREADS", 1) > 1 and not connection.in_atomic_block


def run_side_by_side(tasks: dict[str, Callable[[], object]]) -> dict[str, object]:
    """Each task's result by name; an exception in any task is raised here."""
    names = list(tasks)
    if len(names) < 2 or not _parallel_allowed():
        return {name: tasks[name]() for name in names}
    language = translation.get_language()
    zone = timezone.get_current_timezone()
    limit = guard.request_timeout_ms()

    def in_thread(task: Callable[[], object]) -> object:
        try:
            connection.ensure_connection()  # opened now (the task would) so that a dying worker can cancel it
            guard.register_side_connection(connection)
            if limit:
                guard.apply_timeout(limit)  # this thread's connection is closed below: no reset
            with translation.override(language), timezone.override(zone):
                return task()
        finally:
            guard.unregister_side_connection(connection)
            connections.close_all()  # this thread's connections only

    workers = min(len(names) - 1, settings.READ_THREADS - 1)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="zhaoshang-read") as pool:
        futures = {name: pool.submit(in_thread, tasks[name]) for name in names[1:]}
        results = {names[0]: tasks[names[0]]()}
        results.update((name, future.result()) for name, future in futures.items())
    return {name: results[name] for name in names}
