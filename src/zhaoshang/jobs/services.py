"""Submitting jobs, their files, and the housekeeping (stale jobs, old files)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core import clock

from . import registry, runner
from .models import FINISHED, Job, JobStatus, jobs_dir


@transaction.atomic
def submit(
    *,
    kind: str,
    user,
    payload: dict,
    file: bytes | None = None,
    suffix: str = "",
    key: str = "",
    not_before=None,
) -> Job:
    """Queue a job of ``kind`` for ``user``; ``file`` is kept under DATA_DIR/jobs/ until the job ends. ``key``
    names it for ``jobs.stored``'s once-only submits; no runner claims it before ``not_before``.

    With ``JOBS_RUN_IN_THREAD`` (the default) a thread of this process runs it once the transaction commits;
    otherwise ``zhaoshang worker`` does.
    """
    if registry.get(kind) is None:
        raise ValueError(f"unknown job kind {kind!r}")
    fail_stale()
    job = Job.objects.create(
        kind=kind,
        payload=payload,
        created_by=user if getattr(user, "pk", None) else None,
        key=key,
        not_before=not_before,
    )
    if file is not None:
        name = f"{job.pk}-{secrets.token_hex(8)}-input{suffix}"
        (jobs_dir() / name).write_bytes(file)
        job.input_file = name
        job.save(update_fields=["input_file"])
    if settings.JOBS_RUN_IN_THREAD:
        transaction.on_commit(runner.wake)
    return job


def submit_debounced(*, kind: str, key: str, payload: dict, queued_only: bool = False) -> Job:
    """A system job of ``kind`` named ``key``, due in RESULTS_DEBOUNCE_SECONDS, unless one with that key is
    already queued (or, without ``queued_only``, running): a burst of requests for the same work costs one run
    (the stored results' refreshes, the dashboard's daily figures)."""
    waiting = (JobStatus.QUEUED,) if queued_only else (JobStatus.QUEUED, JobStatus.RUNNING)
    pending = Job.objects.filter(key=key, status__in=waiting).first()
    if pending is not None:
        return pending
    not_before = clock.now() + dt.timedelta(seconds=settings.RESULTS_DEBOUNCE_SECONDS)
    return submit(kind=kind, user=None, payload=payload, key=key, not_before=not_before)


def write_output(job: Job, data: bytes, *, name: str, suffix: str = ".xlsx") -> None:
    """Keep ``data`` as the job's output file, downloaded as ``name``."""
    file_name = f"{job.pk}-{secrets.token_hex(8)}-output{suffix}"
    (jobs_dir() / file_name).write_bytes(data)
    job.output_file, job.output_name = file_name, name
    Job.objects.filter(pk=job.pk).update(output_file=file_name, output_name=name)


def stale_before() -> dt.datetime:
    return clock.now() - dt.timedelta(seconds=settings.JOBS_STALE_SECONDS)


def fail_stale() -> int:
    """Mark failed the running jobs whose process stopped beating (it died); return how many."""
    stale = list(Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=stale_before()))
    for job in stale:
        updated = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, heartbeat_at__lt=stale_before()).update(
            status=JobStatus.FAILED,
            finished_at=clock.now(),
            error=_("The job was interrupted: the process running it stopped. Submit it again."),
        )
        if updated:
            job.drop_input()
    return len(stale)


def prune(*, days: int | None = None) -> int:
    """Delete the files of jobs that ended more than ``days`` (JOBS_KEEP_DAYS) ago, and those jobs; return how
    many jobs were removed."""
    days = settings.JOBS_KEEP_DAYS if days is None else days
    old = Job.objects.filter(status__in=FINISHED, finished_at__lt=clock.now() - dt.timedelta(days=days))
    count = 0
    for job in old:
        for path in (job.input_path(), job.output_path()):
            if path is not None:
                path.unlink(missing_ok=True)
        job.delete()
        count += 1
    return count
