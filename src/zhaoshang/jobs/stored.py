"""Stored results: what is too slow for a request (the forecast, the assessment) is computed by a background job
and kept as JSON; a page reads the stored row and never computes it itself.

An app registers each kind of result in its AppConfig.ready() (this app imports no domain app)::

    stored.register("dashboard.forecast", compute_forecast, app_labels=REVISION_APPS)

``compute(params) -> dict`` returns JSON-able data (Decimal, date and datetime included: ``encode`` tags them).
A page calls ``fetch(name, params)``: it reads the row for (name, params, language) and the data revision of the
kind's apps (``core.revision.data_revision``, one query). A row at that revision is fresh. A row at another
revision is returned all the same (the page says the data changed and a recomputation runs), and a missing one
gives None (the page says it is computing and polls). Either way a refresh job is queued, debounced: it waits
RESULTS_DEBOUNCE_SECONDS, and a second request while one is queued or running adds nothing, so a burst of writes
costs one recomputation. The job reads the revision BEFORE computing: data changed during the computation leaves
the row stale, and the next read queues another refresh.

``settings.RESULTS_COMPUTE_ON_MISS`` (default False) makes ``fetch`` compute a missing or stale result in the
request, as before this module existed. Only the test settings turn it on (conftest.py), so that the many page
tests see figures at once; the tests of the asynchronous path turn it off.

Keeping warm: each row records when it was last read (``read_at``, written at most once a minute per row).
``zhaoshang refresh_results`` (the daily cron) recomputes the stale rows read within RESULTS_KEEP_WARM_DAYS and
deletes the rows unread for longer. And when a read finds a stale row it also queues one debounced
"jobs.refresh_warm" job that recomputes every stale row read in the last day (the pages people actually open),
so that after a data change the other variants (other units' forecasts, other bases) are ready before anyone
asks again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import translation
from django.utils.functional import Promise

from zhaoshang.core import clock
from zhaoshang.core.revision import data_revision

from . import registry, services
from .models import Job, StoredResult

logger = logging.getLogger(__name__)

REFRESH_KIND = "jobs.refresh_result"
WARM_KIND = "jobs.refresh_warm"
WARM_KEY = "results:warm"
READ_AT_EVERY = dt.timedelta(minutes=1)  # read_at is written at most this often per row
WARM_WINDOW = dt.timedelta(days=1)  # the warm job refreshes the stale rows read within this


@dataclass(frozen=True)
class Kind:
    name: str
    compute: Callable[[dict], dict]
    app_labels: tuple[str, ...]


_kinds: dict[str, Kind] = {}


def register(name: str, compute: Callable[[dict], dict], *, app_labels: Iterable[str]) -> None:
    _kinds[name] = Kind(name, compute, tuple(sorted(set(app_labels))))


def kind(name: str) -> Kind:
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"unknown stored result {name!r}") from None


# --- the codec: JSON with Decimal, date and datetime kept exactly ----------------------------------------------

_TAGS = ("$d", "$date", "$dt", "$o")


def _tag(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, dt.datetime):  # before date: a datetime is a date
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Promise):  # a lazy translation: its text in the job's language
        return str(value)
    if isinstance(value, dict):
        tagged = {}
        for key, item in value.items():
            if not isinstance(key, str):
                # JSON would turn it into a string silently, and the page would look up the wrong key.
                raise TypeError(f"stored results take string keys only, not {key!r}")
            tagged[key] = _tag(item)
        # A plain dict that looks like a tag (user data) is wrapped so that it is not revived as one.
        return {"$o": tagged} if len(tagged) == 1 and next(iter(tagged)) in _TAGS else tagged
    if isinstance(value, (list, tuple)):
        return [_tag(item) for item in value]
    raise TypeError(f"stored results cannot keep {type(value).__name__}")


def _revive(value: Any) -> Any:
    if isinstance(value, list):
        return [_revive(item) for item in value]
    if isinstance(value, dict):
        if len(value) == 1:
            ((tag, inner),) = value.items()
            if tag == "$d":
                return Decimal(inner)
            if tag == "$date":
                return dt.date.fromisoformat(inner)
            if tag == "$dt":
                return dt.datetime.fromisoformat(inner)
            if tag == "$o":
                return {key: _revive(item) for key, item in inner.items()}
        return {key: _revive(item) for key, item in value.items()}
    return value


def encode(value: Any) -> str:
    """Compact JSON text of ``value``; Decimal, date and datetime are tagged ({"$d": "12.30"}) to come back
    exactly; tuples come back as lists."""
    return json.dumps(_tag(value), ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def decode(text: str) -> Any:
    return _revive(json.loads(text))


def result_key(name: str, params: dict, language: str) -> str:
    return hashlib.sha256("|".join([name, language, encode(params)]).encode()).hexdigest()


# --- reading -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    data: Any  # the revived dict, or None when nothing is stored yet
    computed_at: dt.datetime | None
    revision: str
    fresh: bool  # computed at the current data revision
    refreshing: bool  # a recomputation is queued or running

    @property
    def stale(self) -> bool:
        return self.data is not None and not self.fresh

    def page_state(self) -> dict:
        """What a page says of the result (``jobs/_stored_state.html``): computing (nothing stored yet), stale (the
        data changed since; recomputing), and when it was computed, in local time."""
        return {
            "pending": self.data is None,
            "stale": self.stale,
            "refreshing": self.refreshing,
            "computed_at": self.computed_at.astimezone(clock.zone()) if self.computed_at else None,
        }


def fetch(name: str, params: dict) -> Stored:
    """The stored result of ``name`` for ``params`` in the current language; never computed here (but with
    RESULTS_COMPUTE_ON_MISS, see the module's docstring). A missing or stale one queues a debounced refresh."""
    found = kind(name)
    language = translation.get_language() or ""
    key = result_key(name, params, language)
    revision = data_revision(found.app_labels)
    row = StoredResult.objects.filter(key=key).first()
    if row is not None and row.revision == revision:
        _mark_read(row)
        return Stored(decode(row.data), row.computed_at, row.revision, fresh=True, refreshing=False)
    if settings.RESULTS_COMPUTE_ON_MISS:
        row = compute_and_store(name, params, language)
        return Stored(decode(row.data), row.computed_at, row.revision, fresh=row.revision == revision, refreshing=False)
    request_refresh(name, params, language)
    if row is None:
        return Stored(None, None, "", fresh=False, refreshing=True)
    _mark_read(row)
    request_warm()
    return Stored(decode(row.data), row.computed_at, row.revision, fresh=False, refreshing=True)


def _mark_read(row: StoredResult) -> None:
    now = clock.now()
    if row.read_at is None or now - row.read_at >= READ_AT_EVERY:
        StoredResult.objects.filter(pk=row.pk).update(read_at=now)


# --- computing ---------------------------------------------------------------------------------------------------


def compute_and_store(name: str, params: dict, language: str) -> StoredResult:
    """Compute the result now and store it with the data revision read before computing."""
    found = kind(name)
    key = result_key(name, params, language)
    revision = data_revision(found.app_labels)
    started = time.perf_counter()
    with translation.override(language or None):
        data = found.compute(params)
    text = encode(data)
    values = {
        "name": name,
        "params": json.loads(encode(params)),
        "language": language,
        "data": text,
        "revision": revision,
        "computed_at": clock.now(),
        "compute_ms": int((time.perf_counter() - started) * 1000),
    }
    try:
        with transaction.atomic():
            row, _created = StoredResult.objects.update_or_create(key=key, defaults=values)
    except IntegrityError:  # another process stored it at the same moment: store ours over it
        StoredResult.objects.filter(key=key).update(**values)
        row = StoredResult.objects.filter(key=key).first()
        if row is None:  # the other writer's row is gone after all (rolled back): what we computed stands
            row = StoredResult(key=key, **values)
    return row


def request_refresh(name: str, params: dict, language: str) -> Job:
    key = result_key(name, params, language)
    payload = {"name": name, "params": json.loads(encode(params)), "language": language}
    return services.submit_debounced(kind=REFRESH_KIND, key=f"result:{key}", payload=payload)


def request_warm(*, queued_only: bool = False) -> Job:
    return services.submit_debounced(kind=WARM_KIND, key=WARM_KEY, payload={}, queued_only=queued_only)


# --- refreshed after the data changes -------------------------------------------------------------------------
# Every write through save()/delete() of a tracked model writes a history row (decision 9). Once its transaction
# commits, the warm job is queued (debounced: a burst of writes, a reporting day's round, costs one computation),
# so that the stored results people read are recomputed before they look again, not when they look. A warm job
# already running does not count: it may have read the data before this write. The writes that leave no history
# row (the import's fast writer, ``QuerySet.update``) are caught when a stale result is read, and by the cron.
_throttle = threading.local()
QUEUE_AT_MOST_EVERY = 1.0  # seconds, per thread: a transaction writing thousands of rows queues once


def _queue_warm_after_commit() -> None:
    try:
        request_warm(queued_only=True)
    except DatabaseError:  # never fail the write that has committed: the next read or the cron catches up
        logger.warning("could not queue the refresh of the stored results", exc_info=True)


def data_written(**kwargs) -> None:
    """``post_create_historical_record`` receiver (connected in ``JobsConfig.ready``)."""
    if not settings.RESULTS_REFRESH_ON_WRITE:
        return
    now = time.monotonic()
    if now - getattr(_throttle, "at", -QUEUE_AT_MOST_EVERY) < QUEUE_AT_MOST_EVERY:
        return
    _throttle.at = now
    transaction.on_commit(_queue_warm_after_commit)


def refresh_stale(*, read_since: dt.datetime, everything: bool = False) -> int:
    """Recompute the rows read since ``read_since`` whose revision is not the current one (every such row with
    ``everything``); return how many were computed. A row whose kind is no longer registered is skipped."""
    count = 0
    revisions: dict[tuple[str, ...], str] = {}
    for row in StoredResult.objects.filter(read_at__gte=read_since).order_by("-read_at"):
        if row.name not in _kinds:
            continue
        labels = _kinds[row.name].app_labels
        if labels not in revisions:
            revisions[labels] = data_revision(labels)
        if everything or row.revision != revisions[labels]:
            try:
                compute_and_store(row.name, _revive(row.params), row.language)
            except Exception:  # one result that cannot be computed must not keep the others stale
                logger.exception("stored result %s (%s) failed", row.key, row.name)
                continue
            count += 1
    return count


def delete_unread(*, read_before: dt.datetime) -> int:
    deleted, _by_model = StoredResult.objects.filter(read_at__lt=read_before).delete()
    return deleted


def _run_refresh(job: Job, progress) -> dict:
    payload = job.payload
    row = compute_and_store(payload["name"], _revive(payload["params"]), payload.get("language", ""))
    return {"name": row.name, "compute_ms": row.compute_ms, "revision": row.revision}


def _run_warm(job: Job, progress) -> dict:
    return {"refreshed": refresh_stale(read_since=clock.now() - WARM_WINDOW)}


registry.register(REFRESH_KIND, _run_refresh)
registry.register(WARM_KIND, _run_warm)
