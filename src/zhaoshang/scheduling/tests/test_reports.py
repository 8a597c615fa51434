"""Progress reports: fill, submit, return with a comment, correct and resubmit; submit-all is all or nothing;
a stage reached updates the ledger under the ledger's rules, with its evidence; late and missing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zhaoshang.projects.models import Attachment, StageEvent
from zhaoshang.scheduling import reports, selectors, services
from zhaoshang.scheduling.models import CoordinationItem, ProgressReport

from .conftest import DAY, FILLED, report_of

pytestmark = pytest.mark.django_db
D = Decimal
PDF = b"%PDF-1.4\n%%EOF\n"


def fill(user, report, **changes):
    return reports.save_report(user=user, report=report, data={**FILLED, **changes})


def test_fill_then_submit(open_day, users):
    report = report_of(open_day, "A1")
    fill(users["reporter_a"], report)
    report.refresh_from_db()
    assert report.status == "due" and report.investment_completed == D("350.50")
    reports.submit_report(user=users["reporter_a"], report=report)
    report.refresh_from_db()
    assert report.status == "submitted" and report.submitted_by == users["reporter_a"]
    assert report.first_submitted_at == report.submitted_at
    with pytest.raises(ValidationError):  # submitted: no more changes
        fill(users["reporter_a"], report)


def test_submission_needs_the_progress_text(open_day, users):
    report = report_of(open_day, "A1")
    with pytest.raises(ValidationError) as error:
        reports.submit_report(user=users["reporter_a"], report=report)
    assert len(error.value.messages) == 1
    with pytest.raises(ValidationError) as error:
        fill(users["reporter_a"], report, percent_done=101, investment_completed=D("-1"))
    assert len(error.value.messages) == 2


def test_only_the_reporting_unit_fills_and_submits(open_day, users):
    report = report_of(open_day, "AB")  # reported by B; A is credited 40% and reads it
    assert ProgressReport.objects.restrict(users["reporter_a"], "view").filter(pk=report.pk).exists()
    with pytest.raises(PermissionDenied):
        fill(users["reporter_a"], report)
    with pytest.raises(PermissionDenied):
        reports.submit_report(user=users["reporter_a"], report=report)
    fill(users["reporter_b"], report)
    reports.submit_report(user=users["reporter_b"], report=report)
    # B sees nothing of A's own reports.
    assert not ProgressReport.objects.restrict(users["reporter_b"], "view").filter(project__code="A1").exists()


def test_return_and_resubmit(open_day, users):
    report = report_of(open_day, "A2")
    fill(users["reporter_a"], report)
    reports.submit_report(user=users["reporter_a"], report=report)
    first = ProgressReport.objects.get(pk=report.pk).first_submitted_at
    with pytest.raises(PermissionDenied):
        reports.return_report(user=users["reporter_a"], report=report, comment="x")
    with pytest.raises(ValidationError):
        reports.return_report(user=users["bureau"], report=report, comment=" ")
    reports.return_report(user=users["bureau"], report=report, comment="本期完成投资与台账不符，请核实。")
    report.refresh_from_db()
    assert (report.status, report.returned_by, report.return_comment) == (
        "returned",
        users["bureau"],
        "本期完成投资与台账不符，请核实。",
    )
    fill(users["reporter_a"], report, investment_completed=D("300"))
    reports.submit_report(user=users["reporter_a"], report=report)
    report.refresh_from_db()
    assert report.status == "submitted" and report.investment_completed == D("300")
    assert report.first_submitted_at == first and report.submitted_at > first
    reports.return_report(user=users["bureau"], report=report, comment="再核实一次")
    with pytest.raises(ValidationError):  # already returned
        reports.return_report(user=users["bureau"], report=report, comment="x")


def test_accept(open_day, users):
    report = report_of(open_day, "A2")
    with pytest.raises(ValidationError):
        reports.accept_report(user=users["bureau"], report=report)  # not submitted yet
    fill(users["reporter_a"], report)
    reports.submit_report(user=users["reporter_a"], report=report)
    with pytest.raises(PermissionDenied):
        reports.accept_report(user=users["leader"], report=report)
    reports.accept_report(user=users["bureau"], report=report)
    report.refresh_from_db()
    assert report.status == "accepted" and report.accepted_by == users["bureau"]


def test_submit_all_is_all_or_nothing_and_names_the_projects(open_day, users):
    a1, a2, tie = (report_of(open_day, code) for code in ("A1", "A2", "TIE"))
    fill(users["reporter_a"], a1, stage_reached="intention", stage_date=dt.date(2026, 10, 1))
    fill(users["reporter_a"], a2)
    fill(users["reporter_a"], tie, progress="", problems="用地指标不足")  # no progress text
    with pytest.raises(ValidationError) as error:
        reports.submit_all(user=users["reporter_a"], scheduling_round=open_day)
    assert len(error.value.messages) == 1 and error.value.messages[0].startswith("TIE 项目TIE: ")
    assert set(open_day.reports.filter(unit__code="T01").values_list("status", flat=True)) == {"due"}
    # Nothing of the good reports reached the ledger either.
    assert not StageEvent.objects.filter(project__code="A1").exists()
    assert not CoordinationItem.objects.exists()

    fill(users["reporter_a"], tie, progress="项目公司已注册。", problems="用地指标不足")
    submitted = reports.submit_all(user=users["reporter_a"], scheduling_round=open_day)
    assert sorted(r.project.code for r in submitted) == ["A1", "A2", "TIE"]
    assert set(open_day.reports.filter(unit__code="T01").values_list("status", flat=True)) == {"submitted"}
    assert set(open_day.reports.filter(unit__code="T02").values_list("status", flat=True)) == {"due"}
    assert StageEvent.objects.get(project__code="A1", stage="intention").date == dt.date(2026, 10, 1)
    with pytest.raises(ValidationError):  # nothing left
        reports.submit_all(user=users["reporter_a"], scheduling_round=open_day)


def test_submit_all_collects_the_ledgers_stage_errors(open_day, users):
    a2, tie = report_of(open_day, "A2"), report_of(open_day, "TIE")
    # A2 was signed on 2026-09-01: starting on 2026-08-01 would run the pipeline backwards.
    fill(users["reporter_a"], a2, stage_reached="started", stage_date=dt.date(2026, 8, 1))
    fill(users["reporter_a"], tie, stage_reached="signed", stage_date=dt.date(2026, 10, 1))  # no amount
    fill(users["reporter_a"], report_of(open_day, "A1"))
    with pytest.raises(ValidationError) as error:
        reports.submit_all(user=users["reporter_a"], scheduling_round=open_day)
    messages = error.value.messages
    assert len(messages) == 2
    assert messages[0].startswith("A2 项目A2: ") and "2026-08-01" in messages[0]
    assert messages[1].startswith("TIE 项目TIE: ")
    assert not ProgressReport.objects.filter(status="submitted").exists()


def test_a_stage_reached_updates_the_project_with_its_evidence(open_day, users):
    report = report_of(open_day, "TIE")
    upload = SimpleUploadedFile("合同.pdf", PDF, content_type="application/pdf")
    reports.save_report(
        user=users["reporter_a"],
        report=report,
        data={**FILLED, "stage_reached": "signed", "stage_date": dt.date(2026, 10, 10), "contract_amount": D("2500")},
        evidence=upload,
        evidence_kind="contract",
    )
    attachment = Attachment.objects.get(project__code="TIE")
    assert attachment.stage_event is None and attachment.kind == "contract"
    reports.submit_report(user=users["reporter_a"], report=report)
    project = report.project
    project.refresh_from_db()
    assert (project.stage, project.stage_date, project.contract_amount) == ("signed", dt.date(2026, 10, 10), D("2500"))
    event = StageEvent.objects.get(project=project, stage="signed")
    assert event.amount == D("2500") and event.recorded_by == users["reporter_a"]
    attachment.refresh_from_db()
    assert attachment.stage_event == event


def test_a_stage_without_a_date_is_reached_on_the_day_of_submission(open_day, users):
    report = report_of(open_day, "A1")
    fill(users["reporter_a"], report, stage_reached="intention")
    reports.submit_report(user=users["reporter_a"], report=report, today=dt.date(2026, 10, 12))
    assert StageEvent.objects.get(project__code="A1").date == dt.date(2026, 10, 12)


def test_the_ledgers_rules_reject_a_bad_stage_and_nothing_is_submitted(open_day, users):
    report = report_of(open_day, "TIE")
    fill(users["reporter_a"], report, stage_reached="signed", stage_date=dt.date(2026, 10, 1))
    with pytest.raises(ValidationError) as error:
        reports.submit_report(user=users["reporter_a"], report=report)
    assert len(error.value.messages) == 1  # signing needs the contract amount
    future = timezone.localdate() + dt.timedelta(days=3)
    fill(users["reporter_a"], report, stage_reached="started", stage_date=future)
    with pytest.raises(ValidationError):
        reports.submit_report(user=users["reporter_a"], report=report)
    report.refresh_from_db()
    assert report.status == "due"
    with pytest.raises(ValidationError):  # a date without a stage
        fill(users["reporter_a"], report, stage_reached="", stage_date=dt.date(2026, 10, 1))


def test_a_closed_round_takes_no_more_reports(open_day, users):
    services.close_round(user=users["bureau"], scheduling_round=open_day)
    report = report_of(open_day, "A1")
    with pytest.raises(ValidationError):
        fill(users["reporter_a"], report)
    with pytest.raises(ValidationError):
        reports.submit_all(user=users["reporter_a"], scheduling_round=report.scheduling_round)


def test_late_and_missing_on_the_board(open_day, users):
    on_time, late = report_of(open_day, "A1"), report_of(open_day, "A2")
    for report in (on_time, late):
        fill(users["reporter_a"], report)
        reports.submit_report(user=users["reporter_a"], report=report)
    # Submitted in the evening of the due day (Beijing time), and the day after.
    evening = timezone.make_aware(dt.datetime(2026, 10, 12, 23, 30))
    ProgressReport.objects.filter(pk=on_time.pk).update(first_submitted_at=evening, submitted_at=evening)
    ProgressReport.objects.filter(pk=late.pk).update(first_submitted_at=evening + dt.timedelta(hours=1))
    b1 = report_of(open_day, "B1")
    fill(users["reporter_b"], b1)
    reports.submit_report(user=users["reporter_b"], report=b1)
    reports.return_report(user=users["bureau"], report=b1, comment="补充照片")

    on_the_day = selectors.board(user=users["bureau"], scheduling_round=open_day, today=DAY)
    rows = {row.unit.code: row for row in on_the_day.rows}
    assert (rows["T01"].due, rows["T01"].submitted, rows["T01"].missing) == (3, 2, 1)
    assert (rows["T02"].due, rows["T02"].returned, rows["T02"].missing) == (2, 1, 1)
    assert on_the_day.late_unit_ids == []
    assert set(on_the_day.outstanding_unit_ids) == {rows["T01"].unit.pk, rows["T02"].unit.pk}
    assert rows["T01"].late == 1  # A2 first submitted after midnight

    after = selectors.board(user=users["bureau"], scheduling_round=open_day, today=DAY + dt.timedelta(days=1))
    rows = {row.unit.code: row for row in after.rows}
    assert rows["T01"].late == 2 and rows["T02"].late == 2  # A2 and TIE; B1 (submitted weeks later) and AB
    assert after.totals.due == 5 and after.totals.missing == 2
    assert len(after.late_unit_ids) == 2

    # A reporter's board counts only the reports they can see: A's own, and B's AB (A is credited).
    mine = selectors.board(user=users["reporter_a"], scheduling_round=open_day, today=DAY)
    assert {row.unit.code: row.due for row in mine.rows} == {"T01": 3, "T02": 1}


def test_review_many_at_once_all_or_nothing(open_day, users, client):
    """Issue 12: accept or return many reports at once; one not submitted → nothing changes, named."""
    a1, a2, due = (report_of(open_day, code) for code in ("A1", "A2", "TIE"))
    for report in (a1, a2):
        fill(users["reporter_a"], report)
        reports.submit_report(user=users["reporter_a"], report=report)
    with pytest.raises(ValidationError, match="TIE"):
        reports.review_many(user=users["bureau"], report_ids=[a1.pk, a2.pk, due.pk], accept=True)
    assert set(ProgressReport.objects.filter(pk__in=[a1.pk, a2.pk]).values_list("status", flat=True)) == {"submitted"}
    with pytest.raises(PermissionDenied):
        reports.review_many(user=users["reporter_a"], report_ids=[a1.pk], accept=True)
    with pytest.raises(ValidationError):  # returning needs the comment
        reports.review_many(user=users["bureau"], report_ids=[a1.pk], accept=False)
    with pytest.raises(ValidationError):  # a posted id that is not a number is no selection, not a crash
        reports.review_many(user=users["bureau"], report_ids=["x'1"], accept=True)
    client.force_login(users["bureau"])
    board = client.get(open_day.get_absolute_url()).content.decode()
    assert f'name="report" value="{a1.pk}" form="bulk-review"' in board
    client.post(
        f"/scheduling/rounds/{open_day.pk}/review/",
        {"report": [a1.pk, a2.pk], "action": "return", "comment": "请补充佐证材料"},
    )
    returned = ProgressReport.objects.filter(pk__in=[a1.pk, a2.pk])
    assert {(r.status, r.return_comment, r.returned_by) for r in returned} == {
        ("returned", "请补充佐证材料", users["bureau"])
    }


def test_a_returned_report_tells_its_unit_at_once(open_day, users, django_capture_on_commit_callbacks):
    """Issue 12: notifications when it concerns you, at once — the unit's reporter finds it under the bell."""
    from zhaoshang.notifications.models import Notification

    report = report_of(open_day, "A1")
    fill(users["reporter_a"], report)
    reports.submit_report(user=users["reporter_a"], report=report)
    with django_capture_on_commit_callbacks(execute=True):
        reports.return_report(user=users["bureau"], report=report, comment="请补充开工佐证")
    note = Notification.objects.get(user=users["reporter_a"])
    assert "A1" in note.title and note.body == "请补充开工佐证" and note.url == report.get_absolute_url()
    assert not Notification.objects.filter(user=users["reporter_b"]).exists()
