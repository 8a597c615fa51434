"""The demo county at work: scheduling rounds, coordination items, a supervision batch and bulletins, all
written through the apps' services and consistent with the ledger and with each other."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

import pytest
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from zhaoshang.bulletins.choices import Status as BulletinStatus
from zhaoshang.bulletins.models import Bulletin
from zhaoshang.demo.builder import PASSWORD, build_demo
from zhaoshang.organization.choices import Role
from zhaoshang.organization.models import User
from zhaoshang.projects.models import Project, StageEvent
from zhaoshang.projects.selectors import derived_columns_out_of_step
from zhaoshang.scheduling import selectors
from zhaoshang.scheduling.choices import FINISHED, ItemStatus, ReportStatus, RoundStatus
from zhaoshang.scheduling.models import CoordinationItem, ProgressReport, SchedulingConfig, SchedulingRound
from zhaoshang.supervision import services as supervision
from zhaoshang.supervision.choices import Method, RectificationStatus, Result
from zhaoshang.supervision.models import Rectification, SupervisionBatch, Verification

from .checks import run_checks

pytestmark = pytest.mark.django_db

# A fixed day, so the calendar is known: rounds on 12 and 27 September, October and November.
TODAY = dt.date(2026, 11, 21)


def _bureau_client(client):
    client.login(username="bureau", password=PASSWORD)
    return client


def check_calendar_and_rounds(demo, today):
    config = SchedulingConfig.load()
    assert config.days_of_month == [12, 27]
    assert SchedulingConfig.history.filter(history_user__username="bureau").exists()
    rounds = list(SchedulingRound.objects.order_by("date"))
    assert [r.date for r in rounds if r.date <= today] == [
        dt.date(2026, 9, 12),
        dt.date(2026, 9, 27),
        dt.date(2026, 10, 12),
        dt.date(2026, 10, 27),
        dt.date(2026, 11, 12),
    ]
    statuses = [r.status for r in rounds]
    assert statuses[:4] == [RoundStatus.CLOSED] * 4
    assert statuses[4] == RoundStatus.OPEN
    assert set(statuses[5:]) == {RoundStatus.PLANNED}  # the rest of this month and the next
    for closed, following in itertools.pairwise(rounds[:5]):
        # Opened on its day; closed when the next one opened, as the services do.
        assert timezone.localdate(closed.opened_at) == closed.date
        assert closed.closed_at == following.opened_at
    for scheduling_round in rounds[:5]:
        assert scheduling_round.reports.count() >= 100
    # Nothing happened after "now".
    end_of_today = dt.datetime.combine(today, dt.time(23, 59), tzinfo=timezone.get_current_timezone())
    assert not ProgressReport.objects.filter(submitted_at__gt=end_of_today).exists()
    assert not ProgressReport.history.filter(history_date__gt=end_of_today).exists()


def check_reports_follow_the_ledger_and_their_reporters(demo):
    reports = ProgressReport.objects.select_related("scheduling_round", "project", "unit", "submitted_by")
    for report in reports:
        # Only projects that existed and were active on the day owe a report.
        assert timezone.localdate(report.project.created_at) <= report.due_date
        if report.project.status_date:
            assert report.project.status_date > report.due_date
        if report.status == ReportStatus.DUE:
            assert report.first_submitted_at is None and not report.progress
            continue
        assert report.progress and report.next_steps
        assert report.submitted_by.role == Role.REPORTER
        # Submitted by the reporter of the unit (or of the township above its section).
        assert report.submitted_by.unit_id in (report.unit_id, report.unit.parent_id)
        if report.stage_reached:
            event = StageEvent.objects.get(project=report.project, stage=report.stage_reached)
            assert event.date == report.stage_date
    assert ProgressReport.objects.exclude(stage_reached="").count() >= 10
    history = ProgressReport.history.exclude(history_type="+")
    assert history.exists() and not history.filter(history_user=None).exists()


def check_projects_carry_their_stage_dates_and_last_reports(demo):
    """The columns the dashboard, assessment and stalled rule read instead of the events and reports."""
    assert derived_columns_out_of_step() == []
    latest = (
        ProgressReport.objects.filter(submitted_at__isnull=False).values("project_id").annotate(at=Max("submitted_at"))
    )
    expected = {row["project_id"]: timezone.localdate(row["at"]) for row in latest}
    assert len(expected) >= 100
    assert dict(Project.objects.filter(last_report_on__isnull=False).values_list("pk", "last_report_on")) == expected


def check_round_board_adds_up_and_shows_late_units(demo, client, today):
    bureau = User.objects.get(username="bureau")
    open_round = SchedulingRound.objects.get(status=RoundStatus.OPEN)
    board = selectors.board(user=bureau, scheduling_round=open_round, today=today)
    counts = Counter(open_round.reports.values_list("status", flat=True))
    totals = board.totals
    assert totals.due == open_round.reports.count() == sum(row.due for row in board.rows)
    assert totals.due == totals.missing + totals.submitted + totals.returned + totals.accepted
    assert (totals.missing, totals.submitted, totals.returned, totals.accepted) == (
        counts[ReportStatus.DUE],
        counts[ReportStatus.SUBMITTED],
        counts[ReportStatus.RETURNED],
        counts[ReportStatus.ACCEPTED],
    )
    assert totals.missing > 0 and totals.accepted > 0 and totals.submitted > 0
    assert totals.returned >= 1  # sent back, not yet corrected
    # The demo's reporter login has reports to fill and one sent back to correct.
    reporter = User.objects.get(username="reporter")
    own = Counter(
        ProgressReport.objects.restrict(reporter, "change")
        .filter(scheduling_round=open_round)
        .values_list("status", flat=True)
    )
    assert own[ReportStatus.RETURNED] >= 1 and own[ReportStatus.DUE] >= 1
    assert len(board.late_unit_ids) >= 3
    assert totals.late >= totals.missing
    # Closed rounds: everything submitted was reviewed; some reports were returned and corrected.
    closed = ProgressReport.objects.filter(scheduling_round__status=RoundStatus.CLOSED)
    assert set(closed.values_list("status", flat=True)) == {ReportStatus.ACCEPTED, ReportStatus.DUE}
    corrected = closed.exclude(return_comment="")
    assert corrected.exists()
    for report in corrected:
        kinds = list(ProgressReport.history.filter(id=report.pk).order_by("history_date").values_list("status"))
        assert (ReportStatus.RETURNED,) in kinds and kinds[-1] == (ReportStatus.ACCEPTED,)
    response = _bureau_client(client).get(reverse("scheduling:round", args=[open_round.pk]))
    assert response.status_code == 200
    assert response.context["board"].totals.due == totals.due


def check_stalled_rule_finds_projects_missing_two_rounds(demo, today):
    bureau = User.objects.get(username="bureau")
    stalled = selectors.stalled_projects(user=bureau, today=today)
    missing_two = [s for s in stalled if s.missed_rounds]
    assert 3 <= len(missing_two) <= 10
    for entry in missing_two:
        assert entry.missed_rounds == [dt.date(2026, 10, 27), dt.date(2026, 10, 12)]


def check_coordination_items(demo, client, today):
    items = list(CoordinationItem.objects.select_related("department", "report", "project"))
    assert 6 <= len(items) <= 10
    assert {item.status for item in items} == set(ItemStatus.values)
    overdue = [item for item in items if item.is_overdue(today)]
    assert 2 <= len(overdue) <= 3
    for item in items:
        assert item.report.problems == item.description
        assert item.report.project_id == item.project_id
        assert item.department.category in ("department", "vertical")
        assert item.county_leader == item.project.county_leader != ""
        assert item.raised_at == item.report.first_submitted_at
        history = list(CoordinationItem.history.filter(id=item.pk).order_by("history_date"))
        assert len(history) >= 2  # raised, then given to its department
        assert all(row.history_user_id for row in history)
        assert history[0].history_user_id == item.report.submitted_by_id
        if item.status in FINISHED:
            assert item.solved_at or item.closed_at
    response = _bureau_client(client).get(reverse("scheduling:item_list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "暂无协调事项" not in text
    assert items[0].description[:10] in text


def check_supervision_batch(demo, client, today):
    batch = SupervisionBatch.objects.get()
    assert batch.method == Method.SAMPLE and batch.seed is not None
    assert (batch.start, batch.end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    # The stored selection is the one the seed gives.
    candidates = supervision.candidate_ids(end=batch.end, method=Method.SAMPLE)
    assert batch.candidate_count == len(candidates)
    selected = sorted(batch.projects.values_list("pk", flat=True))
    assert selected == supervision.sample_ids(candidates, batch.sample_size, batch.seed)
    results = Counter(Verification.objects.values_list("result", flat=True))
    assert results[Result.CONFIRMED] > results[Result.REJECTED] + results[Result.ADJUSTED]
    assert results[Result.REJECTED] >= 1 and results[Result.ADJUSTED] >= 1
    assert not Verification.objects.exclude(result=Result.CONFIRMED).filter(comment="").exists()
    for verification in Verification.objects.all():
        subject = verification.stage_event or verification.receipt
        assert batch.start <= subject.date <= batch.end
        assert verification.verified_by.username == "supervisor"
        assert batch.created_at < verification.verified_at
    items = Rectification.objects.all()
    assert items.count() == results[Result.REJECTED] + results[Result.ADJUSTED]
    statuses = Counter(items.values_list("status", flat=True))
    assert statuses[RectificationStatus.CLOSED] == 1 and statuses[RectificationStatus.SUBMITTED] == 1
    for item in items.exclude(status=RectificationStatus.OPEN):
        assert item.explanation and item.submitted_by.role == Role.REPORTER
    client.login(username="supervisor", password=PASSWORD)
    assert client.get(reverse("supervision:batch_detail", args=[batch.pk])).status_code == 200
    assert client.get(reverse("supervision:rectification_list")).status_code == 200


def check_bulletins(demo, client, today):
    issued = Bulletin.objects.get(status=BulletinStatus.ISSUED)
    assert issued.month == dt.date(2026, 10, 1)
    assert issued.number == "招商通〔2026〕10号"
    assert issued.snapshot and issued.detail is not None
    assert "调度日" in issued.requirements
    assert issued.period.code == "ND2026"
    assert timezone.localdate(issued.issued_at) == issued.date <= today
    draft = Bulletin.objects.get(status=BulletinStatus.DRAFT)
    assert draft.month == dt.date(2026, 11, 1) and draft.snapshot is None
    assert Bulletin.history.filter(history_user__username="bureau").count() >= 4
    response = _bureau_client(client).get(reverse("bulletins:detail", args=[issued.pk]))
    assert response.status_code == 200
    assert "招商通〔2026〕10号" in response.content.decode()
    assert client.get(reverse("bulletins:detail", args=[draft.pk])).status_code == 200


def test_the_county_at_work(client):
    """Every check above on one build of the county (building it takes seconds; the checks only read it)."""
    demo = build_demo(today=TODAY)
    ran = run_checks(globals(), demo=demo, client=client, today=TODAY)
    assert len(ran) == 8, ran
