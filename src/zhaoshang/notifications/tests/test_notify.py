"""notify_units and deliver: who receives what, once, with failures recorded and retried."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zhaoshang.core.reminders import Reminder
from zhaoshang.notifications import services
from zhaoshang.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db


def notify(units, key="round:1:unit:a", **extra):
    data = {"unit_ids": [units["a"].pk], "title": "调度提醒", "body": "请填报进展。", "url": "/r/1/", "key": key}
    return services.notify_units(**(data | extra))


def test_a_unit_reminder_reaches_its_reporters_mail_and_robot(units, with_emails, robots, inbox, receiver):
    outcome = notify(units)
    assert (outcome.sent["inapp"], outcome.sent["email"], outcome.sent["webhook"]) == (1, 1, 1)
    assert not outcome.failed and outcome.skipped == 0
    (note,) = Notification.objects.all()
    assert (note.user, note.title, note.body, note.url) == (
        with_emails["reporter_a"],
        "调度提醒",
        "请填报进展。",
        "/r/1/",
    )
    assert inbox.to() == ["reporter_a@county.example"]
    assert [post.path for post in receiver.posts] == ["/wecom"]  # township A's robot only
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_sub_units_inactive_users_and_other_roles_are_left_out(units, users, robots, inbox, receiver):
    from zhaoshang.organization.models import User

    User.objects.create_user("section", role="reporter", unit=units["a_section"], email="s@county.example")
    User.objects.create_user("gone", role="reporter", unit=units["a"], email="g@county.example", is_active=False)
    targets, unmatched = services.recipients(unit_ids=[units["a"].pk])
    assert {t.label for t in targets if t.channel == "inapp"} == {"reporter_a"}
    assert unmatched == []


def test_the_second_call_sends_nothing(units, with_emails, robots, inbox, receiver):
    notify(units)
    again = notify(units)
    assert not again.sent and not again.failed and again.skipped == 3
    assert len(inbox.messages) == 1 and len(receiver.posts) == 1
    assert Notification.objects.count() == 1


def test_a_new_key_is_a_new_message(units, with_emails, robots, inbox, receiver):
    notify(units)
    notify(units, key="round:2:unit:a")
    assert len(inbox.messages) == 2 and len(receiver.posts) == 2 and Notification.objects.count() == 2


def test_a_failing_robot_is_recorded_and_retried_without_blocking_the_others(
    units, with_emails, robots, inbox, receiver
):
    receiver.answers["/wecom"] = (500, {"error": "down"})
    first = notify(units)
    assert first.sent["inapp"] == 1 and first.sent["email"] == 1 and first.failed["webhook"] == 1
    failed = Delivery.objects.get(channel="webhook")
    assert failed.status == "failed" and "500" in failed.error and failed.attempts == 1 and failed.sent_at is None

    receiver.answers.clear()
    second = notify(units)
    assert second.sent == {"webhook": 1} and second.skipped == 2
    failed.refresh_from_db()
    assert failed.status == "sent" and failed.error == "" and failed.attempts == 2 and failed.sent_at
    assert len(inbox.messages) == 1 and len(receiver.to("/wecom")) == 2


def test_a_dead_mail_server_is_recorded_and_retried(units, with_emails, robots, inbox, receiver, settings):
    import socket

    live_port = settings.EMAIL_PORT
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = sock.getsockname()[1]
    first = notify(units)
    assert first.failed == {"email": 1} and first.sent["webhook"] == 1 and first.sent["inapp"] == 1
    assert Delivery.objects.get(channel="email").status == "failed"
    settings.EMAIL_PORT = live_port
    assert notify(units).sent == {"email": 1}
    assert inbox.to() == ["reporter_a@county.example"]


def test_leaders_are_matched_by_display_name(units, with_emails, robots, inbox, receiver):
    outcome = notify(units, leader_names=("王县长",))
    assert outcome.unmatched_leaders == []
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["leader", "reporter_a"]
    assert inbox.to() == ["leader@county.example", "reporter_a@county.example"]
    assert [post.path for post in receiver.posts] == ["/wecom"]  # the bureau is not copied


def test_an_unknown_leader_name_goes_to_the_bureau(units, with_emails, robots, inbox, receiver):
    outcome = notify(units, leader_names=("李副县长",))
    assert outcome.unmatched_leaders == ["李副县长"]
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["bureau", "reporter_a"]
    assert sorted(post.path for post in receiver.posts) == ["/feishu/hook", "/wecom"]


def test_to_bureau_copies_bureau_staff_and_robot(units, with_emails, robots, inbox, receiver):
    notify(units, to_bureau=True)
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["bureau", "reporter_a"]
    assert inbox.to() == ["bureau@county.example", "reporter_a@county.example"]
    assert sorted(post.path for post in receiver.posts) == ["/feishu/hook", "/wecom"]


def test_inactive_robots_are_skipped(units, users, robots, receiver, inbox):
    robots["wecom"].active = False
    robots["wecom"].save()
    assert notify(units).sent["webhook"] == 0 and receiver.posts == []


def test_deliver_a_reminder_without_unit_goes_to_the_bureau(units, with_emails, robots, inbox, receiver):
    reminder = Reminder(key="items:overdue:2026-05-08", title="逾期事项", body="2项协调事项已逾期。", url="/items/")
    outcome = services.deliver(reminder)
    assert outcome.sent == {"inapp": 1, "email": 1, "webhook": 1}
    assert Notification.objects.get().user == with_emails["bureau"]
    assert receiver.posts[0].path == "/feishu/hook"


def test_deliver_passes_unit_leaders_and_copy(units, with_emails, robots, inbox, receiver):
    reminder = Reminder(
        key="item:7:overdue",
        title="协调事项逾期",
        body="",
        unit_id=units["b"].pk,
        leader_names=("王县长",),
        to_bureau=True,
    )
    services.deliver(reminder)
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["bureau", "leader", "reporter_b"]
    assert sorted(post.path for post in receiver.posts) == ["/dingtalk", "/feishu/hook"]


def test_dry_run_sends_nothing_and_says_what_would_go(units, with_emails, robots, inbox, receiver):
    notify(units)  # sent once
    receiver.reset()
    plan = notify(units, dry_run=True, to_bureau=True)
    states = {(t.channel, t.label): state for t, state in plan.planned}
    assert states[("inapp", "reporter_a")] == "sent" and states[("email", "bureau")] == "new"
    assert receiver.posts == [] and len(inbox.messages) == 1


def test_a_key_is_required(units):
    with pytest.raises(ValueError):
        notify(units, key="")


def test_a_claim_in_progress_is_left_alone_until_stale(units, users, robots, receiver):
    target = next(t for t in services.recipients(unit_ids=[units["a"].pk])[0] if t.channel == "webhook")
    claim = services._claim("k", target, "t", None)
    assert claim.status == "pending"
    # Another run a moment later: it neither sends nor steals the claim.
    assert services._claim("k", target, "t", Delivery.objects.get(pk=claim.pk)) is None
    assert services._claim("k", target, "t", None) is None  # unique (key, channel, recipient)
    # The first run died: a quarter of an hour later the delivery is sent again.
    Delivery.objects.filter(pk=claim.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=16))
    retried = services._claim("k", target, "t", Delivery.objects.get(pk=claim.pk))
    assert retried is not None and retried.attempts == 2
