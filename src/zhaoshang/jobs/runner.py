"""Running queued jobs: ``run_pending()`` claims and runs them one by one, in the calling thread.

Three callers: the background thread that ``wake()`` starts after a submit (``JOBS_RUN_IN_THREAD``, the default:
``zhaoshang serve`` and gunicorn need nothing else), ``zhaoshang worker`` (a systemd service, with the setting
off), and tests. A job is claimed with ``UPDATE … WHERE status='queued'``, so two runners never run the same one.

Progress and heartbeat are written through a connection of their own in autocommit, so that they are seen
while the job's transaction is open (PostgreSQL). On SQLite a write transaction locks the file: a progress
update that finds it locked is skipped rather than waited for (busy timeout of 0.1 s), so the job never
waits on itself; the page shows the last figures written until the write is over. On PostgreSQL the same
holds if the job's transaction locks the job's own row (lock timeout of 0.1 s).
"""

from __future__ import annotations

import copy
import logging
import threading
import time

from django.db import DatabaseError, OperationalError, close_old_connections, connection, connections
from django.db.models import Q
from django.db.utils import load_backend
from django.utils.translation import gettext as _
from django.utils.translation import override

from zhaoshang.core import clock

from . import registry
from .models import Job, JobStatus

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.5  # seconds between two progress writes


class ProgressWriter:
    """``progress(done, total, message="")`` for a job: writes at most every PROGRESS_INTERVAL seconds."""

    def __init__(self, job: Job, *, clock=time.monotonic):
        self.job = job
        self.clock = clock
        self.last: float | None = None
        self.side = None
        self.writes = 0

    def __call__(self, done: int, total: int, message: str = "") -> None:
        now = self.clock()
        if self.last is not None and now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        self.job.done, self.job.total, self.job.message = done, total, str(message)[:200]
        self.write()

    def write(self) -> None:
        job = self.job
        self.writes += 1
        try:
            with self._connection().cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Job._meta.db_table} SET done = %s, total = %s, message = %s, heartbeat_at = %s "
                    "WHERE id = %s",
                    [max(0, job.done), max(0, job.total), job.message, clock.now(), job.pk],
                )
        except DatabaseError:  # locked by the job's own write (SQLite's file, PostgreSQL's row): skip this report
            logger.debug("progress of job %s not written", job.pk, exc_info=True)

    def _connection(self):
        if self.side is None:
            alias = connection.alias
            settings_dict = copy.deepcopy(connections.settings[alias])
            if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
                settings_dict.setdefault("OPTIONS", {})["timeout"] = 0.1
                settings_dict["OPTIONS"].pop("transaction_mode", None)
            if connection.settings_dict.get("NAME") != settings_dict.get("NAME"):  # a test database
                settings_dict["NAME"] = connection.settings_dict["NAME"]
            self.side = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
            if self.side.vendor == "postgresql":
                # The job's own transaction may hold the job's row (a job writing its own row): skip, never wait.
                with self.side.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '100ms'")
        return self.side

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def _due():
    """The queued jobs that may run now: those without ``not_before`` or whose time has come."""
    return Job.objects.filter(status=JobStatus.QUEUED).filter(
        Q(not_before__isnull=True) | Q(not_before__lte=clock.now())
    )


def claim() -> Job | None:
    """The oldest queued job that is due, now marked running by this runner; None when none is."""
    for pk in _due().order_by("created_at", "pk").values_list("pk", flat=True):
        now = clock.now()
        if Job.objects.filter(pk=pk, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=now, heartbeat_at=now
        ):
            return Job.objects.get(pk=pk)
    return None


MAX_WAIT = 60.0  # seconds a runner sleeps at most before looking again for a delayed job


def seconds_to_next() -> float | None:
    """Seconds until the earliest delayed queued job is due (bounded by MAX_WAIT); None when none waits."""
    earliest = (
        Job.objects.filter(status=JobStatus.QUEUED, not_before__isnull=False)
        .order_by("not_before")
        .values_list("not_before", flat=True)
        .first()
    )
    if earliest is None:
        return None
    return min(MAX_WAIT, max(0.0, (earliest - clock.now()).total_seconds()))


def run_job(job: Job) -> Job:
    """Run a claimed job to its end: done with its result, or failed with a message for the user."""
    kind = registry.get(job.kind)
    progress = ProgressWriter(job)
    try:
        with override(job.payload.get("language") or None):
            if kind is None:
                raise LookupError(job.kind)
            result = kind.func(job, progress)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE, result=result or {}, finished_at=clock.now(), done=job.done, total=job.total
        )
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            finished_at=clock.now(),
            error=_("The job failed because of an error in the system; nothing was written. Tell the administrator."),
        )
    finally:
        progress.close()
        job.drop_input()
    job.refresh_from_db()
    return job


def run_pending(*, limit: int | None = None) -> int:
    """Run queued jobs until none is left (or ``limit`` jobs ran); return how many ran."""
    ran = 0
    while limit is None or ran < limit:
        job = claim()
        if job is None:
            break
        run_job(job)
        ran += 1
    return ran


# --- the in-process thread ------------------------------------------------------------------------------------

_lock = threading.Lock()
_state: dict = {"running": False, "wanted": False, "thread": None}


def wake() -> None:
    """Make sure a thread of this process runs the queued jobs (one thread at most: jobs run one at a time)."""
    with _lock:
        _state["wanted"] = True
        if _state["running"]:
            return
        _state["running"] = True
    thread = threading.Thread(target=_thread_main, name="zhaoshang-jobs", daemon=True)
    _state["thread"] = thread
    thread.start()


LOCKED_RETRIES = 20  # a claim that meets a locked database (SQLite) is tried again, a quarter second apart
LOCKED_WAIT = 0.25


def _run_pending_retrying() -> None:
    """Run the queued jobs; a database that is locked for a moment (a request writing on SQLite) delays the claim
    instead of leaving the job queued until the next submission."""
    for attempt in range(LOCKED_RETRIES):
        try:
            close_old_connections()
            run_pending()
            return
        except OperationalError:
            if attempt == LOCKED_RETRIES - 1:
                logger.exception("running the queued jobs failed")
                return
            connection.close()
            time.sleep(LOCKED_WAIT)
        except Exception:  # the thread must live on to run the next job
            logger.exception("running the queued jobs failed")
            return


def _waiting() -> float | None:
    try:
        return seconds_to_next()
    except Exception:  # (a database gone for a moment) the next submit wakes the thread again
        logger.exception("looking for delayed jobs failed")
        return None


def _thread_main() -> None:
    try:
        while True:
            with _lock:
                _state["wanted"] = False
            _run_pending_retrying()
            wait = _waiting()
            if wait is not None:  # a delayed job (a debounced refresh): sleep until it is due, then run it
                time.sleep(wait + 0.05)
                continue
            with _lock:
                if not _state["wanted"]:
                    _state["running"] = False
                    return
    finally:
        connection.close()
