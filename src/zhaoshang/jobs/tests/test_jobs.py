"""Jobs: submitted, claimed once, run to done or failed, their files, stale jobs, the thread and the worker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from zhaoshang.core import clock
from zhaoshang.jobs import registry, runner, services
from zhaoshang.jobs.models import Job, JobStatus

ECHO, BOOM, STEPS = "test.echo", "test.boom", "test.steps"


def echo(job, progress):
    progress(1, 2, "halfway")
    data = job.input_path().read_bytes() if job.input_file else b""
    services.write_output(job, data.upper(), name="结果.txt", suffix=".txt")
    return {"payload": job.payload, "size": len(data)}


def boom(job, progress):
    raise RuntimeError("a bug")


def steps(job, progress):
    """Reports progress and reads it back from the database while still running."""
    progress(3, 10, "reading")
    seen = Job.objects.values_list("done", "total", "message").get(pk=job.pk)
    return {"seen": list(seen)}


def in_transaction(job, progress):
    """Reports progress inside its own write transaction, as the import does while it writes; with
    ``own_row`` the transaction has also locked the job's row."""
    with transaction.atomic():
        if job.payload.get("own_row"):
            Job.objects.filter(pk=job.pk).update(message="inside")
        else:
            Job.objects.create(kind="a row written by the job")  # a write: SQLite locks the file
        progress(7, 10, "writing")
        seen = Job.objects.values_list("done", flat=True).get(pk=job.pk)
    return {"seen": seen}


registry.register(ECHO, echo)
registry.register("test.in_transaction", in_transaction)
registry.register(BOOM, boom)
registry.register(STEPS, steps)


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.JOBS_RUN_IN_THREAD = False


@pytest.mark.django_db
def test_a_job_runs_to_done_keeping_its_output_not_its_input(users, tmp_path):
    job = services.submit(kind=ECHO, user=users["bureau"], payload={"n": 1}, file=b"abc", suffix=".txt")
    assert job.status == JobStatus.QUEUED and job.created_by == users["bureau"]
    assert job.input_path().parent == tmp_path / "jobs" and job.input_path().read_bytes() == b"abc"
    assert runner.run_pending() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result == {"payload": {"n": 1}, "size": 3}
    assert job.started_at <= job.finished_at and job.percent == 100
    assert not job.input_path().exists()
    assert job.output_path().read_bytes() == b"ABC" and job.output_name == "结果.txt"
    assert runner.run_pending() == 0


@pytest.mark.django_db
def test_a_job_is_claimed_once(users):
    job = services.submit(kind=ECHO, user=users["bureau"], payload={})
    claimed = runner.claim()
    assert claimed.pk == job.pk and claimed.status == JobStatus.RUNNING and claimed.heartbeat_at
    assert runner.claim() is None  # a second runner finds nothing to do
    assert runner.run_pending() == 0


@pytest.mark.django_db
def test_a_failing_job_is_failed_with_a_message_and_its_input_dropped(users):
    job = services.submit(kind=BOOM, user=users["bureau"], payload={}, file=b"x")
    runner.run_pending()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at
    assert "系统错误" in job.error and "a bug" not in job.error  # the user's message; the trace is in the log
    assert not job.input_path().exists()


@pytest.mark.django_db
def test_unknown_kinds_are_refused():
    with pytest.raises(ValueError):
        services.submit(kind="nothing.such", user=None, payload={})


@pytest.mark.django_db
def test_a_job_whose_process_died_is_failed_by_the_next_submit(users, settings):
    job = services.submit(kind=ECHO, user=users["bureau"], payload={}, file=b"x")
    runner.claim()
    Job.objects.filter(pk=job.pk).update(
        heartbeat_at=clock.now() - dt.timedelta(seconds=settings.JOBS_STALE_SECONDS + 1)
    )
    fresh = services.submit(kind=ECHO, user=users["bureau"], payload={})
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "中断" in job.error and not job.input_path().exists()
    assert Job.objects.get(pk=fresh.pk).status == JobStatus.QUEUED


@pytest.mark.django_db
def test_a_running_job_with_a_recent_heartbeat_is_left_alone(users):
    job = services.submit(kind=ECHO, user=users["bureau"], payload={})
    runner.claim()
    assert services.fail_stale() == 0
    assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING


@pytest.mark.django_db
def test_old_jobs_and_their_files_are_pruned(users, settings):
    old = services.submit(kind=ECHO, user=users["bureau"], payload={}, file=b"x")
    recent = services.submit(kind=ECHO, user=users["bureau"], payload={}, file=b"y")
    runner.run_pending()
    old.refresh_from_db()
    output = old.output_path()
    Job.objects.filter(pk=old.pk).update(finished_at=clock.now() - dt.timedelta(days=settings.JOBS_KEEP_DAYS + 1))
    assert services.prune() == 1
    assert not Job.objects.filter(pk=old.pk).exists() and not output.exists()
    assert Job.objects.get(pk=recent.pk).output_path().exists()


@pytest.mark.django_db
def test_progress_is_written_at_most_every_half_second(users):
    job = services.submit(kind=ECHO, user=users["bureau"], payload={})
    now = [100.0]
    progress = runner.ProgressWriter(job, clock=lambda: now[0])
    for done in range(1000):  # a thousand rows within the same instant: one write
        progress(done, 1000, "reading")
    assert progress.writes == 1
    now[0] += runner.PROGRESS_INTERVAL
    progress(1000, 1000, "writing")
    assert progress.writes == 2
    progress.close()


@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_while_the_job_runs(users):
    """Progress goes through a connection of its own, committed at once, so other requests see it."""
    job = services.submit(kind=STEPS, user=users["bureau"], payload={})
    runner.run_pending()
    job.refresh_from_db()
    assert job.result == {"seen": [3, 10, "reading"]}


@pytest.mark.django_db(transaction=True)
def test_progress_inside_the_jobs_transaction_never_waits_for_it(users):
    """PostgreSQL: progress written while the job's transaction is open is committed at once (seen by others).
    SQLite: the file is locked by the job's own write; the progress write is skipped instead of waiting, and
    the job finishes."""
    job = services.submit(kind="test.in_transaction", user=users["bureau"], payload={})
    locks_row = services.submit(kind="test.in_transaction", user=users["bureau"], payload={"own_row": True})
    assert runner.run_pending(limit=2) == 2
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.result == {"seen": 7 if connection.vendor == "postgresql" else 0}
    locks_row.refresh_from_db()  # its own row locked: skipped on both, not waited for
    assert locks_row.status == JobStatus.DONE and locks_row.result == {"seen": 0}


@pytest.mark.django_db(transaction=True)
def test_the_thread_started_on_submit_runs_the_job(users, settings):
    settings.JOBS_RUN_IN_THREAD = True
    job = services.submit(kind=ECHO, user=users["bureau"], payload={"t": 1}, file=b"abc")
    thread = runner._state["thread"]
    assert thread is not None
    thread.join(timeout=60)
    assert not thread.is_alive()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result["size"] == 3


@pytest.mark.django_db
def test_the_worker_runs_what_is_queued_and_exits(users, capsys):
    jobs = [services.submit(kind=ECHO, user=users["bureau"], payload={"i": i}) for i in range(3)]
    call_command("worker", "--once")
    assert "jobs run: 3" in capsys.readouterr().out
    assert {Job.objects.get(pk=job.pk).status for job in jobs} == {JobStatus.DONE}


@pytest.mark.django_db(transaction=True)
def test_the_thread_waits_for_a_delayed_job_then_runs_it(users, settings):
    """A debounced job (jobs.stored's refresh): no runner claims it early, the thread sleeps until it is due."""
    settings.JOBS_RUN_IN_THREAD = True
    due = clock.now() + dt.timedelta(seconds=3)
    job = services.submit(kind=ECHO, user=None, payload={"t": 2}, key="once", not_before=due)
    assert runner.claim() is None  # not claimed before it is due
    assert runner.seconds_to_next() > 0
    thread = runner._state["thread"]
    thread.join(timeout=60)
    assert not thread.is_alive()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.started_at >= due and job.key == "once"
