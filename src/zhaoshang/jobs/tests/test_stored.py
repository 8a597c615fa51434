"""Stored results: the codec, fetch never computing in the request, the debounced refresh job, staleness after a
ledger write, keeping warm (the command)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from zhaoshang.core import clock, revision
from zhaoshang.jobs import runner, stored
from zhaoshang.jobs.models import Job, JobStatus, StoredResult

KIND = "test.sum"
calls: list[dict] = []


def compute_sum(params: dict) -> dict:
    calls.append(params)
    total = Decimal(revision_count()) + Decimal(params["base"])
    return {"total": total, "as_of": dt.date(2026, 6, 30), "rows": [{"n": Decimal("1.10")}]}


def revision_count() -> int:
    from zhaoshang.core.models import RevisionMark

    return RevisionMark.objects.filter(app_label="organization").count()


stored.register(KIND, compute_sum, app_labels=["organization"])


@pytest.fixture(autouse=True)
def _async(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.JOBS_RUN_IN_THREAD = False
    settings.RESULTS_COMPUTE_ON_MISS = False
    settings.RESULTS_DEBOUNCE_SECONDS = 10
    calls.clear()


def later(seconds: float) -> dt.datetime:
    return clock.now() + dt.timedelta(seconds=seconds)


def test_codec_round_trip_keeps_decimal_date_datetime_nested():
    moment = dt.datetime(2026, 12, 7, 1, 2, 3, 456789, tzinfo=dt.UTC)
    value = {
        "amount": Decimal("12.30"),
        "day": dt.date(2026, 2, 28),
        "at": moment,
        "rows": [{"share": Decimal("0.3333"), "days": [dt.date(2026, 1, 1), None]}, ("a", 1, 2.5, True)],
        "lookalike": {"$d": "not a decimal"},  # user data shaped like a tag stays a dict of text
        "名称": "城关镇",
    }
    text = stored.encode(value)
    assert "\n" not in text and ", " not in text  # compact
    back = stored.decode(text)
    assert back["amount"] == Decimal("12.30") and str(back["amount"]) == "12.30"
    assert back["day"] == dt.date(2026, 2, 28)
    assert back["at"] == moment and back["at"].tzinfo is not None
    assert back["rows"][0] == {"share": Decimal("0.3333"), "days": [dt.date(2026, 1, 1), None]}
    assert back["rows"][1] == ["a", 1, 2.5, True]
    assert back["lookalike"] == {"$d": "not a decimal"}
    assert back["名称"] == "城关镇"


def test_codec_refuses_what_json_would_change():
    with pytest.raises(TypeError):
        stored.encode({1: "an int key would come back as text"})
    with pytest.raises(TypeError):
        stored.encode({"x": object()})


@pytest.mark.django_db
def test_miss_queues_one_delayed_job_and_the_job_stores_the_result():
    first = stored.fetch(KIND, {"base": "2.5"})
    assert first.data is None and not first.fresh and first.refreshing
    assert calls == []  # nothing computed in the request
    job = Job.objects.get(kind=stored.REFRESH_KIND)
    assert job.status == JobStatus.QUEUED and job.created_by is None
    assert job.not_before is not None and job.not_before > clock.now() + dt.timedelta(seconds=8)

    second = stored.fetch(KIND, {"base": "2.5"})
    assert second.data is None
    assert Job.objects.filter(kind=stored.REFRESH_KIND).count() == 1  # debounced

    assert runner.run_pending() == 0  # not yet due
    assert runner.seconds_to_next() is not None
    with clock.frozen(later(11)):
        assert runner.run_pending() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert calls == [{"base": "2.5"}]

    found = stored.fetch(KIND, {"base": "2.5"})
    assert found.fresh and not found.refreshing
    assert found.data == {"total": Decimal("2.5"), "as_of": dt.date(2026, 6, 30), "rows": [{"n": Decimal("1.10")}]}
    assert found.computed_at is not None
    row = StoredResult.objects.get()
    assert row.revision == revision.data_revision(["organization"]) and row.name == KIND
    assert Job.objects.filter(kind=stored.REFRESH_KIND).count() == 1  # a fresh read queues nothing


@pytest.mark.django_db
def test_other_params_or_language_are_other_results():
    stored.fetch(KIND, {"base": "1"})
    stored.fetch(KIND, {"base": "2"})
    from django.utils import translation

    with translation.override("en"):
        stored.fetch(KIND, {"base": "1"})
    assert Job.objects.filter(kind=stored.REFRESH_KIND).count() == 3


@pytest.mark.django_db
def test_a_write_makes_it_stale_the_old_data_is_shown_and_a_refresh_queued():
    stored.compute_and_store(KIND, {"base": "1"}, "zh-hans")
    assert stored.fetch(KIND, {"base": "1"}).fresh
    revision.touch("organization")  # a ledger write moves the revision

    stale = stored.fetch(KIND, {"base": "1"})
    assert stale.data["total"] == Decimal("1") and not stale.fresh and stale.stale and stale.refreshing
    kinds = sorted(Job.objects.values_list("kind", flat=True))
    assert kinds == [stored.REFRESH_KIND, stored.WARM_KIND]
    assert stored.fetch(KIND, {"base": "1"}).data["total"] == Decimal("1")  # still the old one, no new job
    assert Job.objects.count() == 2

    with clock.frozen(later(11)):
        runner.run_pending()
    fresh = stored.fetch(KIND, {"base": "1"})
    assert fresh.fresh and fresh.data["total"] == Decimal("2")  # one mark counted


@pytest.mark.django_db
def test_compute_on_miss_computes_in_the_request(settings):
    settings.RESULTS_COMPUTE_ON_MISS = True
    found = stored.fetch(KIND, {"base": "3"})
    assert found.fresh and found.data["total"] == Decimal("3")
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_warm_job_refreshes_the_stale_rows_read_lately():
    stored.compute_and_store(KIND, {"base": "1"}, "zh-hans")
    stored.compute_and_store(KIND, {"base": "5"}, "zh-hans")
    StoredResult.objects.filter(params__base="5").update(read_at=clock.now() - dt.timedelta(days=2))
    revision.touch("organization")
    stored.request_warm()
    calls.clear()
    with clock.frozen(later(11)):
        runner.run_pending()
    assert calls == [{"base": "1"}]  # the one read lately; the other waits for the cron or a read


@pytest.mark.django_db
def test_refresh_results_command_recomputes_stale_warm_rows_and_deletes_unread(settings):
    settings.RESULTS_KEEP_WARM_DAYS = 7
    stored.compute_and_store(KIND, {"base": "1"}, "zh-hans")
    stored.compute_and_store(KIND, {"base": "2"}, "zh-hans")
    stored.compute_and_store(KIND, {"base": "3"}, "zh-hans")
    StoredResult.objects.filter(params__base="3").update(read_at=clock.now() - dt.timedelta(days=8))
    revision.touch("organization")
    calls.clear()
    call_command("refresh_results", stdout=(out := io.StringIO()))
    assert "recomputed: 2" in out.getvalue() and "deleted: 1" in out.getvalue()
    assert sorted(c["base"] for c in calls) == ["1", "2"]
    assert sorted(row.params["base"] for row in StoredResult.objects.all()) == ["1", "2"]
    current = revision.data_revision(["organization"])
    assert set(StoredResult.objects.values_list("revision", flat=True)) == {current}

    calls.clear()
    call_command("refresh_results", stdout=io.StringIO())
    assert calls == []  # nothing stale
    call_command("refresh_results", "--all", stdout=io.StringIO())
    assert len(calls) == 2


@pytest.mark.django_db
def test_a_ledger_write_queues_one_warm_refresh_after_it_commits(
    settings, users, units, django_capture_on_commit_callbacks
):
    settings.RESULTS_REFRESH_ON_WRITE = True
    stored.compute_and_store(KIND, {"base": "1"}, "zh-hans")
    stored._throttle.at = -10.0  # another test of this thread may have just queued
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        units["a"].name = "城关镇（新）"
        units["a"].save()  # a tracked model: a history row
        units["b"].name = "河口乡（新）"
        units["b"].save()  # within the same second: no second callback
    assert len(callbacks) == 1
    warm = Job.objects.get(kind=stored.WARM_KIND)
    assert warm.status == JobStatus.QUEUED and warm.not_before > clock.now()
    # A running warm job may have read the data before this write: a new one is queued beside it.
    Job.objects.filter(pk=warm.pk).update(status=JobStatus.RUNNING)
    stored._throttle.at = -10.0
    with django_capture_on_commit_callbacks(execute=True):
        units["a"].save()
    assert Job.objects.filter(kind=stored.WARM_KIND, status=JobStatus.QUEUED).count() == 1


@pytest.mark.django_db
def test_no_refresh_is_queued_after_a_write_when_switched_off(settings, units, django_capture_on_commit_callbacks):
    settings.RESULTS_REFRESH_ON_WRITE = False
    stored._throttle.at = -10.0
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        units["a"].save()
    assert callbacks == [] and not Job.objects.filter(kind=stored.WARM_KIND).exists()
