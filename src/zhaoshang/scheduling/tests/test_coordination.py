"""Coordination items: raised from a report's problems, edited and closed by the bureau, worked on by the
responsible department, overdue past the deadline, visible to the project's units and the department."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.organization.models import User
from zhaoshang.scheduling import coordination, reports, selectors
from zhaoshang.scheduling.models import CoordinationItem

from .conftest import DAY, FILLED, report_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def dept_reporter(units):
    return User.objects.create_user(username="reporter_d", password="pass-word-1", role="reporter", unit=units["dept"])


def submit(user, report, problems, today=DAY):
    reports.save_report(user=user, report=report, data={**FILLED, "problems": problems})
    reports.submit_report(user=user, report=report, today=today)
    return CoordinationItem.objects.filter(report=report).first()


@pytest.fixture
def item(open_day, users):
    return submit(users["reporter_a"], report_of(open_day, "A1"), "  需县自然资源局协调用地报批。 ")


def test_an_item_is_raised_per_report_with_problems(open_day, users, item):
    assert item.description == "需县自然资源局协调用地报批。"
    assert item.county_leader == "王副县长"  # copied from the project
    assert item.deadline == DAY + dt.timedelta(days=15)
    assert (item.status, item.department, item.raised_by) == ("open", None, users["reporter_a"])
    assert submit(users["reporter_a"], report_of(open_day, "A2"), "   ") is None
    assert CoordinationItem.objects.count() == 1


def test_a_resubmitted_report_updates_its_open_item_and_raises_no_second(open_day, users, item):
    report = item.report
    reports.return_report(user=users["bureau"], report=report, comment="写清楚需要哪个部门")
    again = submit(users["reporter_a"], report, "需县自然资源局协调用地指标。")
    assert again.pk == item.pk and again.description == "需县自然资源局协调用地指标。"
    assert CoordinationItem.objects.count() == 1


def test_lifecycle(item, users, units, dept_reporter):
    bureau = users["bureau"]
    with pytest.raises(PermissionDenied):
        coordination.update_item(user=users["reporter_a"], item=item, data={"status": "closed"})
    with pytest.raises(ValidationError):  # a township is not a department
        coordination.update_item(user=bureau, item=item, data={"department": units["b"]})
    coordination.update_item(
        user=bureau,
        item=item,
        data={"description": "用地报批", "department": units["dept"], "deadline": dt.date(2026, 11, 1)},
    )
    # The project's township reads the item but does not work it; the department does.
    with pytest.raises(PermissionDenied):
        coordination.set_item_status(user=users["reporter_a"], item=item, status="solved", note="x")
    with pytest.raises(ValidationError):  # a note is required
        coordination.set_item_status(user=dept_reporter, item=item, status="in_progress", note=" ")
    with pytest.raises(ValidationError):  # closing is the bureau's
        coordination.set_item_status(user=dept_reporter, item=item, status="closed", note="done")
    coordination.set_item_status(user=dept_reporter, item=item, status="in_progress", note="已上报市局")
    coordination.set_item_status(user=dept_reporter, item=item, status="solved", note="已批复")
    item.refresh_from_db()
    assert item.status == "solved" and item.solved_at is not None and item.note == "已批复"
    coordination.update_item(user=bureau, item=item, data={"status": "closed"})
    item.refresh_from_db()
    assert item.status == "closed" and item.closed_at is not None
    with pytest.raises(ValidationError):
        coordination.set_item_status(user=dept_reporter, item=item, status="in_progress", note="again")
    # Every change is in the history, with who made it.
    records = list(CoordinationItem.history.filter(id=item.pk).order_by("history_date", "history_id"))
    assert [(r.status, r.history_user.username) for r in records] == [
        ("open", "reporter_a"),
        ("open", "bureau"),
        ("in_progress", "reporter_d"),
        ("solved", "reporter_d"),
        ("closed", "bureau"),
    ]
    assert records[2].history_change_reason == "已上报市局"


def test_overdue(item, users, units):
    deadline = item.deadline
    assert not item.is_overdue(deadline)
    assert item.is_overdue(deadline + dt.timedelta(days=1))
    day_after = deadline + dt.timedelta(days=1)
    assert list(selectors.overdue_items(today=day_after)) == [item]
    assert list(selectors.overdue_items(today=deadline)) == []
    coordination.update_item(user=users["bureau"], item=item, data={"status": "in_progress"})
    assert list(selectors.overdue_items(today=day_after)) == [item]  # in progress is still overdue
    coordination.update_item(user=users["bureau"], item=item, data={"status": "solved"})
    assert list(selectors.overdue_items(today=day_after)) == []


def test_visibility(item, users, units, dept_reporter):
    def sees(user):
        return CoordinationItem.objects.restrict(user, "view").filter(pk=item.pk).exists()

    assert sees(users["reporter_a"]) and not sees(users["reporter_b"]) and not sees(dept_reporter)
    coordination.update_item(user=users["bureau"], item=item, data={"department": units["dept"]})
    assert sees(dept_reporter)
    assert all(sees(users[name]) for name in ("bureau", "leader", "supervisor", "admin"))
    assert list(selectors.overdue_items(today=dt.date(2027, 1, 1), user=users["reporter_b"])) == []


def test_list_filters(client, item, users, units):
    coordination.update_item(user=users["bureau"], item=item, data={"department": units["dept"]})
    client.force_login(users["bureau"])

    def listed(**params):
        response = client.get("/scheduling/items/", params)
        assert response.status_code == 200
        return [row.pk for row in response.context["page"].object_list]

    assert listed() == [item.pk]
    assert listed(status="open", department=units["dept"].pk) == [item.pk]
    assert listed(status="solved") == []
    # Overdue is measured against today: this item's deadline (2026-10-27) is past.
    assert listed(overdue="on") == [item.pk]
    coordination.update_item(user=users["bureau"], item=item, data={"deadline": dt.date(2099, 1, 1)})
    assert listed(overdue="on") == []
    assert listed(department="bogus") == []  # an invalid filter shows no rows, never all of them
