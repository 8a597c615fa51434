from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from zhaoshang.projects import services
from zhaoshang.projects.models import Project
from zhaoshang.projects.selectors import derived_columns_out_of_step

fill_stage_dates = importlib.import_module("zhaoshang.projects.migrations.0006_stage_dates").fill_stage_dates
fill_last_activity = importlib.import_module("zhaoshang.projects.migrations.0007_last_activity").fill_last_activity

pytestmark = pytest.mark.django_db
D = Decimal


def test_stages_may_be_skipped_and_set_current_stage(users, make_project):
    project = make_project()
    services.record_stage(
        user=users["bureau"], project=project, stage="signed", date=dt.date(2026, 3, 1), amount=D("1500")
    )
    project.refresh_from_db()
    assert (project.stage, project.stage_date, project.contract_amount) == ("signed", dt.date(2026, 3, 1), D("1500"))
    services.record_stage(user=users["bureau"], project=project, stage="started", date=dt.date(2026, 3, 1))
    project.refresh_from_db()
    assert project.stage == "started"


def test_dates_never_run_backwards(users, make_project):
    project = make_project()
    services.record_stage(
        user=users["bureau"], project=project, stage="signed", date=dt.date(2026, 5, 1), amount=D("100")
    )
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        services.record_stage(user=users["bureau"], project=project, stage="started", date=dt.date(2026, 4, 30))
    assert "开工" in error.value.messages[0] and "签约" in error.value.messages[0]
    # An earlier stage recorded later must still come before the later stage's date.
    with pytest.raises(ValidationError):
        services.record_stage(user=users["bureau"], project=project, stage="intention", date=dt.date(2026, 6, 1))
    services.record_stage(user=users["bureau"], project=project, stage="intention", date=dt.date(2026, 4, 1))
    project.refresh_from_db()
    assert project.stage == "signed"
    assert project.stage_events.count() == 2


def test_signing_needs_an_amount_and_future_dates_are_refused(users, make_project):
    project = make_project()
    with pytest.raises(ValidationError):
        services.record_stage(user=users["bureau"], project=project, stage="signed", date=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError):
        services.record_stage(
            user=users["bureau"], project=project, stage="intention", date=dt.date.today() + dt.timedelta(days=1)
        )
    assert project.stage_events.count() == 0


def test_deleting_the_latest_stage_steps_back(users, make_project):
    project = make_project()
    services.record_stage(user=users["bureau"], project=project, stage="intention", date=dt.date(2026, 1, 1))
    event = services.record_stage(
        user=users["bureau"], project=project, stage="signed", date=dt.date(2026, 2, 1), amount=D("10")
    )
    services.delete_stage_event(user=users["bureau"], event=event)
    project.refresh_from_db()
    assert (project.stage, project.stage_date) == ("intention", dt.date(2026, 1, 1))


@pytest.mark.parametrize(
    "shares,ok",
    [(["100"], True), (["60", "40"], True), (["60", "30"], False), (["60", "50"], False), (["0", "100"], False)],
)
def test_credit_shares_sum_to_100(units, shares, ok):
    pool = [units["a"], units["b"], units["dept"]]
    errors = services.credit_errors([(pool[i], D(s)) for i, s in enumerate(shares)])
    assert (errors == []) is ok


@pytest.mark.parametrize("shares,total", [(["60", "30"], "90"), (["60", "50"], "110"), (["33.5", "33"], "66.5")])
def test_the_shares_total_reads_as_a_plain_number(units, shares, total):
    pool = [units["a"], units["b"]]
    with translation.override("zh-hans"):
        errors = services.credit_errors([(pool[i], D(s)) for i, s in enumerate(shares)])
    assert errors == [f"各引进单位份额合计为{total}%，不等于100%。"]


def test_credited_twice_is_an_error(units):
    assert services.credit_errors([(units["a"], D("50")), (units["a"], D("50"))])


def test_shared_credit_is_stored(users, units):
    project = services.create_project(
        user=users["bureau"],
        data={"code": "S1", "name": "共享"},
        credits=[(units["a"], D("60")), (units["b"], D("40"))],
    )
    assert sorted(project.credits.values_list("unit__code", "share")) == [("T01", D("60")), ("T02", D("40"))]
    services.update_project(user=users["bureau"], project=project, data={}, credits=[(units["b"], D("100"))])
    assert list(project.credits.values_list("unit__code", flat=True)) == ["T02"]


def test_negative_amounts_are_refused(users, units):
    with pytest.raises(ValidationError):
        services.create_project(
            user=users["bureau"],
            data={"code": "N", "name": "n", "planned_investment": D("-1")},
            credits=[(units["a"], D("100"))],
        )
    assert not Project.objects.filter(code="N").exists()


def test_funds_total_follows_receipts(users, make_project, today):
    project = make_project()
    first = services.add_receipt(user=users["bureau"], project=project, date=today, amount=D("100.10"))
    services.add_receipt(user=users["bureau"], project=project, date=today, amount=D("0.20"), voucher_no="V2")
    project.refresh_from_db()
    assert project.funds_total == D("100.30")
    services.update_receipt(user=users["bureau"], receipt=first, amount=D("50"))
    services.delete_receipt(user=users["bureau"], receipt=project.receipts.get(voucher_no="V2"))
    project.refresh_from_db()
    assert project.funds_total == D("50.00")
    with pytest.raises(ValidationError):
        services.add_receipt(user=users["bureau"], project=project, date=today, amount=D("0"))


def test_status_needs_a_reason(users, make_project):
    project = make_project()
    with pytest.raises(ValidationError):
        services.set_status(user=users["bureau"], project=project, status="stalled")
    services.set_status(user=users["bureau"], project=project, status="dropped", reason="投资方撤资")
    project.refresh_from_db()
    assert (project.status, project.status_reason) == ("dropped", "投资方撤资")
    services.set_status(user=users["bureau"], project=project, status="active")
    project.refresh_from_db()
    assert project.status_reason == "" and project.status_date is None


def test_attachment_checksum_and_limits(users, make_project, settings):
    import hashlib

    project = make_project()
    content = b"%PDF-1.4\nhello\n%%EOF\n"
    attachment = services.add_attachment(
        user=users["bureau"],
        project=project,
        uploaded=SimpleUploadedFile("合同.pdf", content, content_type="application/pdf"),
        kind="contract",
    )
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.size == len(content) and attachment.original_name == "合同.pdf"
    with attachment.file.open("rb") as handle:
        assert handle.read() == content
    with pytest.raises(ValidationError):
        services.add_attachment(
            user=users["bureau"],
            project=project,
            uploaded=SimpleUploadedFile("virus.exe", b"MZ", content_type="application/x-msdownload"),
        )
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        services.add_attachment(
            user=users["bureau"],
            project=project,
            uploaded=SimpleUploadedFile("big.pdf", b"x" * 11, content_type="application/pdf"),
        )
    assert project.attachments.count() == 1


def test_the_same_content_is_stored_once(users, make_project, settings):
    content = b"%PDF-1.4\nsame bank slip\n%%EOF\n"
    first, second = (
        services.add_attachment(
            user=users["bureau"],
            project=make_project(),
            uploaded=SimpleUploadedFile(name, content, content_type="application/pdf"),
        )
        for name in ("回单.pdf", "回单（复印件）.pdf")
    )
    assert first.file.name == second.file.name == f"evidence/{first.sha256[:2]}/{first.sha256}"
    assert (first.original_name, second.original_name) == ("回单.pdf", "回单（复印件）.pdf")
    stored = list((settings.MEDIA_ROOT / "evidence" / first.sha256[:2]).iterdir())
    assert [path.name for path in stored] == [first.sha256]
    with second.file.open("rb") as handle:
        assert handle.read() == content


def test_attachment_must_belong_to_the_same_project(users, make_project, today):
    one, two = make_project(), make_project()
    receipt = services.add_receipt(user=users["bureau"], project=two, date=today, amount=D("1"))
    with pytest.raises(ValidationError):
        services.add_attachment(
            user=users["bureau"],
            project=one,
            receipt=receipt,
            uploaded=SimpleUploadedFile("r.pdf", b"%PDF", content_type="application/pdf"),
        )


def test_delete_project_removes_children(users, make_project, today):
    project = make_project()
    services.add_receipt(user=users["bureau"], project=project, date=today, amount=D("1"))
    services.delete_project(user=users["bureau"], project=project)
    assert not Project.objects.filter(pk=project.pk).exists()


def test_the_callers_project_instance_follows_a_recorded_stage(users, make_project):
    project = make_project()
    services.record_stage(
        user=users["bureau"], project=project, stage="signed", date=dt.date(2026, 2, 1), amount=D("700")
    )
    assert (project.stage, project.contract_amount) == ("signed", D("700"))
    services.set_status(user=users["bureau"], project=project, status="stalled", reason="资金未落实")
    project.refresh_from_db()
    assert (project.stage, project.status) == ("signed", "stalled")


def test_projects_carry_each_stage_date_as_recorded_corrected_and_deleted(users, make_project):
    """signed_on and the other stage-date columns follow the stage events through every service, and the
    migration derives the same values from the events."""
    project = make_project()
    bureau = users["bureau"]
    services.record_stage(user=bureau, project=project, stage="intention", date=dt.date(2026, 1, 10))
    signed = services.record_stage(
        user=bureau, project=project, stage="signed", date=dt.date(2026, 2, 1), amount=D("300")
    )
    services.record_stage(user=bureau, project=project, stage="producing", date=dt.date(2026, 3, 1))
    # The caller's instance and the row agree.
    assert (project.intention_on, project.signed_on, project.started_on, project.producing_on) == (
        dt.date(2026, 1, 10),
        dt.date(2026, 2, 1),
        None,
        dt.date(2026, 3, 1),
    )
    project.refresh_from_db()
    assert (project.signed_on, project.producing_on, project.stage_date) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 1),
    )
    services.record_stage(user=bureau, project=project, stage="signed", date=dt.date(2026, 1, 20))  # corrected
    services.delete_stage_event(user=bureau, event=project.stage_events.get(stage="producing"))
    project.refresh_from_db()
    assert (project.signed_on, project.producing_on, project.stage, project.stage_date) == (
        dt.date(2026, 1, 20),
        None,
        "signed",
        dt.date(2026, 1, 20),
    )
    other = make_project(code="P-OTHER")
    assert derived_columns_out_of_step() == []
    # Not in the project's history: the stage events' own history records every change.
    assert not hasattr(Project.history.model, "signed_on")
    # The migration's backfill gives the same columns.
    Project.objects.update(intention_on=None, signed_on=dt.date(2020, 1, 1), producing_on=dt.date(2020, 1, 1))
    assert [(d.project_id, d.column) for d in derived_columns_out_of_step()] == [
        (project.pk, "intention_on"),
        (project.pk, "signed_on"),
        (project.pk, "producing_on"),
        (other.pk, "signed_on"),
        (other.pk, "producing_on"),
    ]
    fill_stage_dates(django_apps, None)
    assert derived_columns_out_of_step() == []
    # Last activity: the latest of entry, stage date and last report; the second migration derives it too.
    assert project.last_activity_on == max(dt.date.today(), dt.date(2026, 1, 20))
    services.mark_reported(other, dt.date.today() + dt.timedelta(days=1))
    assert Project.objects.get(pk=other.pk).last_activity_on == dt.date.today() + dt.timedelta(days=1)
    # (Marked reported without a progress report: no report gives that date, so it is out of step too.)
    assert [d.column for d in derived_columns_out_of_step()] == ["last_report_on", "last_activity_on"]
    Project.objects.update(last_report_on=None, last_activity_on=dt.date(2020, 1, 1))
    assert [(d.project_id, d.column) for d in derived_columns_out_of_step()] == [
        (project.pk, "last_activity_on"),
        (other.pk, "last_activity_on"),
    ]
    fill_last_activity(django_apps, None)
    assert derived_columns_out_of_step() == []
    assert signed.pk == project.stage_events.get(stage="signed").pk
