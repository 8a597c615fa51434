"""Independent reads side by side (core.concurrency): other threads, their own connections, the caller's language
and time zone; one after the other inside a transaction or with READ_THREADS = 1."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from zhaoshang.core.concurrency import run_side_by_side
from zhaoshang.organization.models import Unit


def _where() -> dict:
    """What a task sees: its thread, language, time zone and the units in the database."""
    units = sorted(Unit.objects.values_list("code", flat=True))
    return {
        "thread": threading.get_ident(),
        "connection": connection.connection,  # the object itself: held here, its id cannot be reused by another
        "language": translation.get_language(),
        "zone": timezone.get_current_timezone_name(),
        "label": gettext("Projects signed"),
        "units": units,
    }


@pytest.mark.django_db(transaction=True)
def test_tasks_run_in_threads_of_their_own_with_the_callers_language_and_zone(settings):
    settings.READ_THREADS = 3
    Unit.objects.create(code="U1", name="一号单位", category="township")  # committed: every connection sees it
    together = threading.Barrier(3, timeout=30)  # passed only when all three run at the same time

    def task():
        together.wait()
        return _where()

    with translation.override("zh-hans"), timezone.override("Asia/Urumqi"):
        seen = run_side_by_side({"a": task, "b": task, "c": task})
    assert list(seen) == ["a", "b", "c"]
    assert seen["a"]["thread"] == threading.get_ident()  # the first task runs in the caller's thread
    assert len({seen[name]["thread"] for name in seen}) == 3
    assert len({id(seen[name]["connection"]) for name in seen}) == 3
    for found in seen.values():
        assert (found["language"], found["zone"], found["label"]) == ("zh-hans", "Asia/Urumqi", "签约项目")
        assert found["units"] == ["U1"]


@pytest.mark.django_db(transaction=True)
def test_an_error_in_a_thread_reaches_the_caller(settings):
    settings.READ_THREADS = 3

    def fails():
        raise ValueError("坏了")

    with pytest.raises(ValueError, match="坏了"):
        run_side_by_side({"a": _where, "b": fails})


@pytest.mark.django_db(transaction=True)
def test_one_after_the_other_in_a_transaction_or_when_set_to_one_thread(settings):
    settings.READ_THREADS = 3
    with transaction.atomic():
        Unit.objects.create(code="U2", name="未提交", category="township")  # only this connection sees it
        seen = run_side_by_side({"a": _where, "b": _where})
    assert {seen[name]["thread"] for name in seen} == {threading.get_ident()}
    assert seen["b"]["units"] == ["U2"]
    settings.READ_THREADS = 1
    seen = run_side_by_side({"a": _where, "b": _where})
    assert {seen[name]["thread"] for name in seen} == {threading.get_ident()}
