"""``zhaoshang remind``: the day's reminders from the providers, delivered once, safe to run twice.

The providers (scheduling, supervision…) are replaced by a fixed list through core.reminders.collect;
everything after it — the command, the log, SMTP and HTTP — is real.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from zhaoshang.core import reminders
from zhaoshang.core.reminders import Reminder
from zhaoshang.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 5, 9)


@pytest.fixture
def due(monkeypatch, units):
    """Two reminders for DAY: township A before a scheduling day, an overdue item escalated."""
    asked: list[dt.date] = []

    def collect(today):
        asked.append(today)
        if today != DAY:
            return []
        return [
            Reminder(
                key="round:12:before:3d:unit:a",
                title="第12期调度：3天后截止",
                body="城关镇尚有2个项目未填报进展。",
                url="/scheduling/rounds/12/",
                unit_id=units["a"].pk,
            ),
            Reminder(
                key="item:5:overdue:unit:b",
                title="协调事项逾期",
                body="河口乡：土地报批（截止2026-05-01）。",
                url="/scheduling/items/5/",
                unit_id=units["b"].pk,
                leader_names=("王县长",),
                to_bureau=True,
            ),
        ]

    monkeypatch.setattr(reminders, "collect", collect)
    return asked


def remind(*args) -> str:
    out = StringIO()
    call_command("remind", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_run_twice_one_mail_and_one_post_per_channel(due, with_emails, robots, inbox, receiver, settings):
    settings.LANGUAGE_CODE = "en"
    first = remind("--date", "2026-05-09")
    assert due == [DAY]
    # A: reporter_a; B: reporter_b, the leader, the bureau (copied).
    assert inbox.to() == [
        "bureau@county.example",
        "leader@county.example",
        "reporter_a@county.example",
        "reporter_b@county.example",
    ]
    assert sorted(post.path for post in receiver.posts) == ["/dingtalk", "/feishu/hook", "/wecom"]
    assert Notification.objects.count() == 4
    assert "2026-05-09: 2 reminders" in first and "4 sent" in first

    second = remind("--date", "2026-05-09")
    assert len(inbox.messages) == 4 and len(receiver.posts) == 3 and Notification.objects.count() == 4
    assert "11 already sent before" in second
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_a_failing_robot_is_retried_by_the_next_run(due, with_emails, robots, inbox, receiver):
    receiver.answers["/dingtalk"] = (500, {"errcode": -1, "errmsg": "system busy"})
    remind("--date", "2026-05-09")
    failed = Delivery.objects.get(channel="webhook", webhook=robots["dingtalk"])
    assert failed.status == "failed" and "500" in failed.error
    assert len(receiver.to("/wecom")) == 1 and len(receiver.to("/feishu/hook")) == 1  # the others went out

    receiver.answers.clear()
    remind("--date", "2026-05-09")
    failed.refresh_from_db()
    assert failed.status == "sent" and failed.attempts == 2
    assert len(receiver.to("/dingtalk")) == 2  # the failed try and the retry
    assert len(receiver.to("/wecom")) == 1 and len(receiver.to("/feishu/hook")) == 1
    assert len(inbox.messages) == 4


def test_dry_run_sends_nothing(due, with_emails, robots, inbox, receiver, settings):
    settings.LANGUAGE_CODE = "en"
    out = remind("--date", "2026-05-09", "--dry-run")
    assert inbox.messages == [] and receiver.posts == [] and not Delivery.objects.exists()
    assert "round:12:before:3d:unit:a" in out and "would send" in out and "11 messages to send" in out


def test_a_day_with_nothing_due(due, users):
    out = remind("--date", "2026-05-10")
    assert due == [dt.date(2026, 5, 10)] and "2026-05-10" in out and not Delivery.objects.exists()


def test_today_by_default(due, users):
    from django.utils import timezone

    remind()
    assert due == [timezone.localdate()]


def test_a_bad_date_is_refused(due):
    with pytest.raises(CommandError):
        remind("--date", "9 May")


def test_the_real_collect_runs_the_installed_providers(users):
    # Whatever apps provide reminders today, collecting and delivering them on an empty county works.
    out = StringIO()
    call_command("remind", "--date", "2026-05-09", "--dry-run", stdout=out)
    assert "2026-05-09" in out.getvalue()
