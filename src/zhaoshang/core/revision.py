"""Results computed from the ledger, kept until the data behind them changes.

Every create, change and delete of a tracked model writes a history row (django-simple-history; the services and
the importer's fast writer write them for bulk changes too), so the latest history row id of each tracked model
is a revision of the data. The writes that leave no history row (the derived columns the services keep with
``QuerySet.update``, the demo's flush) call ``touch`` in their own transaction, which adds a ``RevisionMark``;
and a migration adds a row to ``django_migrations``. The latest of all of these, read in one query of index
lookups, changes whenever anything a result depends on may have changed: a result cached under its arguments and
that revision is never stale, however it was changed.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import translation
from simple_history.utils import get_history_model_for_model

from .models import RevisionMark

T = TypeVar("T")

# Kept a day at most: the key changes with the data, so the timeout only returns memory.
TIMEOUT_SECONDS = 24 * 3600


@functools.cache
def _history_tables(app_labels: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The history tables (and their key columns) of these apps' tracked models: looked up once per process."""
    tables = []
    for label in app_labels:
        for model in apps.get_app_config(label).get_models():
            if hasattr(model._meta, "simple_history_manager_attribute"):
                history = get_history_model_for_model(model)
                tables.append((history._meta.db_table, history._meta.pk.column))
    return tuple(tables)


def touch(*app_labels: str) -> None:
    """Move these apps' data revision: call it in the transaction of a write that leaves no history row (an
    ``update()`` or ``bulk_update`` of their rows, a raw SQL write, a flush), so that no result computed before
    it is read from the cache after it commits."""
    RevisionMark.objects.bulk_create([RevisionMark(app_label=label) for label in app_labels])


def data_revision(app_labels: Iterable[str]) -> str:
    """The latest history row of every tracked model of these apps, their latest revision marks and the latest
    migration applied, as one string (one query); empty for no app."""
    labels = tuple(sorted(set(app_labels)))
    if not labels:
        return ""
    quote = connection.ops.quote_name
    latest = [f"(SELECT MAX({quote(pk)}) FROM {quote(table)})" for table, pk in _history_tables(labels)]
    marks = quote(RevisionMark._meta.db_table)
    latest += [f"(SELECT MAX(id) FROM {marks} WHERE app_label = %s)"] * len(labels)
    latest.append(f"(SELECT MAX(id) FROM {quote(MigrationRecorder.Migration._meta.db_table)})")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(latest)}", labels)
        row = cursor.fetchone()
    return ".".join("0" if value is None else str(value) for value in row)


def cached(name: str, parts: Iterable[object], compute: Callable[[], T], *, app_labels: Iterable[str]) -> T:
    """``compute()``, or its result kept from an earlier call with the same ``parts``, language and data revision
    (Django's cache: per process by default, shared when CACHE_URL names Redis)."""
    key_text = "|".join([name, translation.get_language() or "", *map(str, parts), data_revision(app_labels)])
    key = f"zhaoshang:{name}:{hashlib.sha256(key_text.encode()).hexdigest()}"
    result = cache.get(key)
    if result is None:
        result = compute()
        cache.set(key, result, TIMEOUT_SECONDS)
    return result
