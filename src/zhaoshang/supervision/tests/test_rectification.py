"""Rectification items: opened by rejections and adjustments for the reporting unit, answered by the unit,
closed or reopened by the supervisor; overdue items and their reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.core.reminders import collect
from zhaoshang.projects.models import Project, ProjectCredit
from zhaoshang.supervision import reminders, selectors, services
from zhaoshang.supervision.models import Rectification

from .support import D, event, receipt

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def reject(users, batch, subject, comment="无银行回单", **kwargs):
    key = "receipt" if hasattr(subject, "voucher_no") else "stage_event"
    return services.verify(
        user=users["supervisor"], batch=batch, result="rejected", comment=comment, **{key: subject}, **kwargs
    )


def test_descriptions_in_chinese_take_chinese_punctuation(users, units, batch, ledger):
    from django.utils import translation

    with translation.override("zh-hans"):
        reject(users, batch, receipt(ledger["P1"], "300"))
        services.verify(
            user=users["supervisor"],
            batch=batch,
            stage_event=event(ledger["P2"], "signed"),
            result="adjusted",
            amount=D("1000"),
            comment="合同额为1000万",
        )
    first, second = Rectification.objects.order_by("id")
    assert first.description.endswith("：不予认定。无银行回单"), first.description
    assert second.description.endswith("：核定为金额1,000.00。合同额为1000万"), second.description


def test_rejections_and_adjustments_open_items_confirmations_do_not(users, units, batch, ledger):
    services.verify(user=users["supervisor"], batch=batch, receipt=receipt(ledger["P1"], "500"), result="confirmed")
    assert not Rectification.objects.exists()
    rejection = reject(users, batch, receipt(ledger["P1"], "300"))
    adjustment = services.verify(
        user=users["supervisor"],
        batch=batch,
        stage_event=event(ledger["P2"], "signed"),
        result="adjusted",
        amount=D("1000"),
        comment="合同额为1000万",
    )
    first, second = Rectification.objects.order_by("id")
    assert (first.verification, first.unit, first.project) == (rejection, units["a"], ledger["P1"])
    assert first.status == "open"
    assert first.deadline == TODAY + dt.timedelta(days=30)
    assert "300.00" in first.description and "无银行回单" in first.description
    # P2 is credited 60% to T02 and 40% to D01: the unit with the largest share answers for it.
    assert (second.verification, second.unit) == (adjustment, units["b"])
    assert "1,000.00" in second.description and "合同额为1000万" in second.description
    assert first.created_by == users["supervisor"] and first.history.get().history_user == users["supervisor"]


def test_reporting_unit_ties_go_to_the_lowest_code_then_the_responsible_unit(users, units, ledger):
    project = ledger["P2"]
    ProjectCredit.objects.filter(project=project).update(share=D("50"))
    assert services.reporting_unit(project) == units["dept"]  # a 50–50 tie: D01 comes before T02
    orphan = Project.objects.create(code="X", name="x", responsible_unit=units["dept"])
    assert services.reporting_unit(orphan) == units["dept"]
    assert services.reporting_unit(Project.objects.create(code="Y", name="y")) is None


def test_a_chosen_deadline_and_no_past_deadlines(users, batch, ledger):
    item_deadline = TODAY + dt.timedelta(days=10)
    reject(users, batch, receipt(ledger["P1"], "300"), deadline=item_deadline)
    assert Rectification.objects.get().deadline == item_deadline
    with pytest.raises(ValidationError, match="past"):
        reject(users, batch, receipt(ledger["P1"], "500"), deadline=TODAY - dt.timedelta(days=1))


def test_the_lifecycle_open_submitted_reopened_submitted_closed(users, batch, ledger):
    reject(users, batch, receipt(ledger["P1"], "300"))
    item = Rectification.objects.get()
    with pytest.raises(ValidationError, match="Only a submitted"):
        services.review_rectification(user=users["supervisor"], item=item, close=True)
    with pytest.raises(ValidationError, match="Explain"):
        services.submit_rectification(user=users["reporter_a"], item=item, explanation=" ")
    item = services.submit_rectification(user=users["reporter_a"], item=item, explanation="已补交银行回单")
    assert (item.status, item.submitted_by, item.explanation) == ("submitted", users["reporter_a"], "已补交银行回单")
    with pytest.raises(ValidationError, match="Only an open"):
        services.submit_rectification(user=users["reporter_a"], item=item, explanation="again")
    with pytest.raises(ValidationError, match="reopened"):
        services.review_rectification(user=users["supervisor"], item=item, close=False, comment="")
    item = services.review_rectification(user=users["supervisor"], item=item, close=False, comment="回单不清晰")
    assert (item.status, item.review_comment, item.reviewed_by) == ("reopened", "回单不清晰", users["supervisor"])
    item = services.submit_rectification(user=users["reporter_a"], item=item, explanation="已补交清晰回单")
    item = services.review_rectification(user=users["supervisor"], item=item, close=True)
    assert item.status == "closed"
    history = [(r.status, r.history_user.username) for r in item.history.order_by("history_id")]
    assert history == [
        ("open", "supervisor"),
        ("submitted", "reporter_a"),
        ("reopened", "supervisor"),
        ("submitted", "reporter_a"),
        ("closed", "supervisor"),
    ]
    entries = selectors.rectification_history(item)
    assert len(entries) == 6  # five item records and the verification


def test_who_may_answer_and_review(users, batch, ledger):
    reject(users, batch, receipt(ledger["P1"], "300"))
    item = Rectification.objects.get()
    for name in ("reporter_b", "bureau", "leader", "supervisor"):
        with pytest.raises(PermissionDenied):
            services.submit_rectification(user=users[name], item=item, explanation="x")
    item = services.submit_rectification(user=users["reporter_a"], item=item, explanation="x")
    for name in ("reporter_a", "bureau", "leader"):
        with pytest.raises(PermissionDenied):
            services.review_rectification(user=users[name], item=item, close=True)
        with pytest.raises(PermissionDenied):
            services.set_deadline(user=users[name], item=item, deadline=TODAY)


def test_a_new_rejection_of_the_same_record_reuses_the_unclosed_item(users, batch, ledger):
    subject = receipt(ledger["P1"], "300")
    reject(users, batch, subject, comment="第一次")
    item = services.submit_rectification(user=users["reporter_a"], item=Rectification.objects.get(), explanation="已改")
    second = reject(users, batch, subject, comment="第二次")
    item.refresh_from_db()
    assert Rectification.objects.count() == 1
    assert (item.status, item.verification) == ("reopened", second)
    assert "第二次" in item.description
    services.submit_rectification(user=users["reporter_a"], item=item, explanation="已改")
    services.review_rectification(user=users["supervisor"], item=item, close=True)
    reject(users, batch, subject, comment="第三次")
    assert Rectification.objects.count() == 2  # the first was closed: a new one opens


def test_overdue_is_past_the_deadline_and_not_closed(users, batch, ledger):
    reject(users, batch, receipt(ledger["P1"], "300"))
    reject(users, batch, receipt(ledger["P1"], "500"))
    late, closed = Rectification.objects.order_by("id")
    deadline = late.deadline
    assert not late.is_overdue(deadline) and late.is_overdue(deadline + dt.timedelta(days=1))
    services.submit_rectification(user=users["reporter_a"], item=closed, explanation="x")
    services.review_rectification(user=users["supervisor"], item=closed, close=True)
    closed.refresh_from_db()
    assert not closed.is_overdue(deadline + dt.timedelta(days=1))
    after = deadline + dt.timedelta(days=1)
    overdue = selectors.rectification_list(user=users["supervisor"], overdue=True, today=after)
    assert list(overdue) == [late]


def test_reminders_for_overdue_items_are_stable_and_weekly(users, units, batch, ledger):
    reject(users, batch, receipt(ledger["P1"], "300"))
    item = Rectification.objects.get()
    assert list(reminders.due(item.deadline)) == []
    day1 = list(reminders.due(item.deadline + dt.timedelta(days=1)))
    assert len(day1) == 1
    reminder = day1[0]
    assert reminder.unit_id == units["a"].pk
    assert reminder.url == f"/supervision/rectifications/{item.pk}/"
    assert reminder.key == f"rectification:{item.pk}:overdue:{item.deadline.isoformat()}:week:0"
    # The same key all first week (sent once), a new one in the second week.
    assert [r.key for r in reminders.due(item.deadline + dt.timedelta(days=7))] == [reminder.key]
    assert [r.key for r in reminders.due(item.deadline + dt.timedelta(days=8))] == [
        f"rectification:{item.pk}:overdue:{item.deadline.isoformat()}:week:1"
    ]
    assert reminder.key in {r.key for r in collect(item.deadline + dt.timedelta(days=1))}
    services.submit_rectification(user=users["reporter_a"], item=item, explanation="x")
    services.review_rectification(user=users["supervisor"], item=item, close=True)
    assert list(reminders.due(item.deadline + dt.timedelta(days=1))) == []


def test_deleting_a_receipt_or_project_takes_its_verifications_along(users, batch, ledger):
    from zhaoshang.projects import services as projects
    from zhaoshang.supervision.models import Verification

    reject(users, batch, receipt(ledger["P1"], "300"))
    projects.delete_receipt(user=users["bureau"], receipt=receipt(ledger["P1"], "300"))
    assert not Verification.objects.exists()
    item = Rectification.objects.get()
    assert item.verification is None and item.receipt is None  # the item and its history stay
    projects.delete_project(user=users["bureau"], project=ledger["P1"])
    assert not Rectification.objects.exists()
    assert Rectification.history.filter(history_type="-").count() == 1
