"""Verifying stage events and receipts: results, their rules, the latest one counting, history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.projects import services as projects
from zhaoshang.supervision import selectors, services
from zhaoshang.supervision.models import Rectification, Verification

from .support import Q3_END, Q3_START, D, d, event, receipt

pytestmark = pytest.mark.django_db


def verify(users, batch, subject, result, **kwargs):
    key = "receipt" if hasattr(subject, "voucher_no") else "stage_event"
    return services.verify(user=users["supervisor"], batch=batch, result=result, **{key: subject}, **kwargs)


def test_confirmed_copies_the_reported_figures(users, batch, ledger):
    signed = verify(users, batch, event(ledger["P1"], "signed"), "confirmed")
    assert (signed.reported_date, signed.reported_amount) == (d("07-10"), D("2000"))
    assert (signed.verified_date, signed.verified_amount, signed.counts) == (d("07-10"), D("2000"), True)
    started = verify(users, batch, event(ledger["P1"], "started"), "confirmed")
    assert started.reported_amount is None  # only signing carries an amount
    funds = verify(users, batch, receipt(ledger["P1"], "500"), "confirmed")
    assert (funds.reported_date, funds.reported_amount, funds.project) == (d("07-20"), D("500"), ledger["P1"])
    assert not Rectification.objects.exists()


def test_adjusted_and_rejected_need_a_comment(users, batch, ledger):
    subject = receipt(ledger["P1"], "300")
    for result, extra in (("rejected", {}), ("adjusted", {"amount": D("200")})):
        with pytest.raises(ValidationError, match="comment"):
            verify(users, batch, subject, result, comment="  ", **extra)
    assert not Verification.objects.exists()


@pytest.mark.parametrize(
    ("project", "subject", "kwargs", "message"),
    [
        ("P1", "receipt:300", {"result": "adjusted", "comment": "x"}, "corrected amount or the corrected date"),
        ("P1", "receipt:300", {"result": "adjusted", "comment": "x", "amount": D("300")}, "confirm instead"),
        ("P1", "receipt:300", {"result": "adjusted", "comment": "x", "amount": D("0")}, "greater than zero"),
        ("P1", "started", {"result": "adjusted", "comment": "x", "amount": D("10")}, "Only a signing"),
        ("P1", "receipt:300", {"result": "confirmed", "amount": D("10")}, "only with the result 'adjusted'"),
        ("P1", "receipt:300", {"result": "adjusted", "comment": "x", "date": dt.date(2099, 1, 1)}, "future"),
        ("P1", "receipt:300", {"result": "maybe"}, "Unknown result"),
    ],
)
def test_verification_errors(users, batch, ledger, project, subject, kwargs, message):
    if subject.startswith("receipt:"):
        target = {"receipt": receipt(ledger[project], subject.split(":")[1])}
    else:
        target = {"stage_event": event(ledger[project], subject)}
    with pytest.raises(ValidationError, match=message):
        services.verify(user=users["supervisor"], batch=batch, **target, **kwargs)


def test_only_the_batch_projects_records_up_to_its_end_in_an_open_batch(users, batch, ledger):
    with pytest.raises(ValidationError, match="not in this batch"):
        verify(users, batch, receipt(ledger["P5"], "100"), "confirmed")  # P5 was not selected
    september = services.create_batch(
        user=users["supervisor"], start=Q3_START, end=d("08-31"), method="threshold", min_amount=D("0")
    )
    with pytest.raises(ValidationError, match="batch's end"):
        verify(users, september, receipt(ledger["P2"], "400"), "confirmed")  # dated 09-10
    services.set_batch_status(user=users["supervisor"], batch=batch, status="closed")
    with pytest.raises(ValidationError, match="closed"):
        verify(users, batch, receipt(ledger["P1"], "500"), "confirmed")
    with pytest.raises(ValidationError, match="either"):
        services.verify(user=users["supervisor"], batch=september, result="confirmed")


def test_only_supervisors_and_admins_verify(users, batch, ledger):
    subject = receipt(ledger["P1"], "500")
    for name in ("bureau", "leader", "reporter_a"):
        with pytest.raises(PermissionDenied):
            services.verify(user=users[name], batch=batch, receipt=subject, result="confirmed")
    assert services.verify(user=users["admin"], batch=batch, receipt=subject, result="confirmed").pk


def test_the_latest_verification_counts(users, batch, ledger):
    subject = receipt(ledger["P1"], "300")
    verify(users, batch, subject, "rejected", comment="无银行回单")
    assert selectors.verified_receipts([ledger["P1"].pk]) == []
    latest = verify(users, batch, subject, "confirmed")
    assert [(r.receipt_id, r.amount, r.verification_id) for r in selectors.verified_receipts()] == [
        (subject.pk, D("300"), latest.pk)
    ]
    verify(users, batch, subject, "adjusted", amount=D("250"), comment="回单金额250万")
    assert [r.amount for r in selectors.verified_receipts()] == [D("250")]
    verify(users, batch, subject, "rejected", comment="再次核查：资金已退回")
    assert selectors.verified_receipts() == []
    events, receipts = selectors.latest_by_subject([ledger["P1"].pk])
    assert receipts[subject.pk].result == "rejected" and events == {}


def test_the_latest_counts_across_batches(users, batch, ledger):
    subject = event(ledger["P2"], "signed")
    verify(users, batch, subject, "rejected", comment="合同未盖章")
    second = services.create_batch(
        user=users["supervisor"], start=Q3_START, end=Q3_END, method="units", units=[ledger["P2"].credits.first().unit]
    )
    verify(users, second, subject, "confirmed")
    assert [(e.event_id, e.date, e.amount) for e in selectors.verified_stage_events()] == [
        (subject.pk, d("08-01"), D("1200"))
    ]


def test_verified_figures_are_the_ones_seen_even_if_the_ledger_changes(users, batch, ledger):
    subject = receipt(ledger["P1"], "500")
    verify(users, batch, subject, "confirmed")
    projects.update_receipt(user=users["reporter_a"], receipt=subject, amount=D("900"))
    assert [r.amount for r in selectors.verified_receipts()] == [D("500")]
    rows = selectors.batch_projects(batch, [ledger["P1"]])[0].rows
    changed = [row for row in rows if row.kind == "receipt" and row.subject.pk == subject.pk]
    assert changed[0].changed_since and not any(row.changed_since for row in rows if row is not changed[0])


def test_adjusting_a_signing_corrects_the_contract_amount_and_date(users, batch, ledger):
    verify(users, batch, event(ledger["P1"], "signed"), "adjusted", amount=D("1500"), comment="合同额1500万")
    verify(users, batch, event(ledger["P3"], "signed"), "adjusted", date=d("10-08"), comment="实际10月8日签约")
    found = {e.project_id: (e.stage, e.date, e.amount) for e in selectors.verified_stage_events()}
    assert found == {
        ledger["P1"].pk: ("signed", d("07-10"), D("1500")),
        ledger["P3"].pk: ("signed", d("10-08"), D("800")),
    }
    assert selectors.verified_stage_events(until=d("09-30")) == [
        e for e in selectors.verified_stage_events() if e.project_id == ledger["P1"].pk
    ]


def test_verifications_are_in_the_history_with_who_and_when(users, batch, ledger):
    v = verify(users, batch, receipt(ledger["P1"], "300"), "rejected", comment="无回单")
    record = Verification.history.get(id=v.pk)
    assert (record.history_type, record.history_user, record.result) == ("+", users["supervisor"], "rejected")
    entries = selectors.batch_history(batch)
    assert {(e.model_label, e.who) for e in entries} >= {
        (str(Verification._meta.verbose_name), users["supervisor"]),
        (str(Rectification._meta.verbose_name), users["supervisor"]),
    }


def test_batch_progress_counts_records_and_results(users, batch, ledger):
    verify(users, batch, receipt(ledger["P1"], "300"), "rejected", comment="无回单")
    verify(users, batch, receipt(ledger["P1"], "500"), "confirmed")
    # P1: 2 events + 2 receipts, P2: 1 + 1, P3: 1 + 1, P4: 1 event → 9 records.
    assert selectors.batch_progress(batch) == {
        "total": 9,
        "verifications": 2,
        "confirmed": 1,
        "rejected": 1,
        "adjusted": 0,
    }


def test_the_figures_copied_are_read_afresh(users, units, make_project):
    # The verification reads the event's figures from the database, not from any instance in memory.
    project = make_project(units["a"], code="FRESH", planned_investment=D("100"))
    projects.record_stage(user=users["bureau"], project=project, stage="signed", date=d("07-01"), amount=D("700"))
    batch = services.create_batch(
        user=users["supervisor"], start=Q3_START, end=Q3_END, method="threshold", min_amount=D("0")
    )
    stale_event = project.stage_events.get(stage="signed")
    stale_event.amount = D("1")  # an unsaved change in memory must not be what is verified
    verification = verify(users, batch, stale_event, "confirmed")
    assert verification.reported_amount == D("700")


def test_confirm_many_at_once_all_or_none(users, batch, ledger, client):
    """Issue 12: tick the records that match their evidence and confirm them together; a stale row stops them all."""
    from zhaoshang.supervision.services import subject_version

    signed, started = event(ledger["P1"], "signed"), event(ledger["P1"], "started")
    funds = receipt(ledger["P1"], "500")
    version = {
        "signed": subject_version(signed, D("2000"), None),
        "started": subject_version(started, None, None),
        "funds": subject_version(funds, D("500"), None),
    }
    stale = [("event", signed.pk, version["signed"]), ("receipt", funds.pk, "not-a-signed-version")]
    with pytest.raises(ValidationError):
        services.confirm_many(user=users["supervisor"], batch=batch, rows=stale)
    assert not Verification.objects.exists()
    with pytest.raises(PermissionDenied):
        services.confirm_many(user=users["reporter_a"], batch=batch, rows=stale[:1])
    client.force_login(users["supervisor"])
    page = client.get(batch.get_absolute_url()).content.decode()
    assert 'form="bulk-verify"' in page and 'id="confirm-selected"' in page
    rows = [
        f"event:{signed.pk}:{version['signed']}",
        f"event:{started.pk}:{version['started']}",
        f"receipt:{funds.pk}:{version['funds']}",
    ]
    client.post(f"/supervision/batches/{batch.pk}/verify-many/", {"row": rows})
    assert sorted(Verification.objects.values_list("result", flat=True)) == ["confirmed"] * 3
    assert {v.verified_by for v in Verification.objects.all()} == {users["supervisor"]}


def test_a_rectification_tells_its_unit_at_once(users, batch, ledger, django_capture_on_commit_callbacks):
    from zhaoshang.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        verify(users, batch, receipt(ledger["P1"], "500"), "rejected", comment="回单与金额不符")
    item = Rectification.objects.get()
    note = Notification.objects.get(user=users["reporter_a"], key=f"rectification:{item.pk}:opened")
    assert note.url == item.get_absolute_url() and "P1" in note.title
