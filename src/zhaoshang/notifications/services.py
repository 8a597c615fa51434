"""Sending notifications once each, and the bureau's upkeep of group robots.

``notify_units`` is what other apps call (and ``deliver`` for a core.reminders.Reminder): it works out
the recipients, then for each (key, channel, recipient) claims a Delivery row before sending and marks
it sent or failed after. A second call with the same key sends nothing already sent and retries what
failed, which is what makes ``zhaoshang remind`` safe to run twice.

Unlike the other services, sending is not one transaction: every claim and every result is its own
short write, committed before the next message goes out, so a slow robot never holds the database
(SQLite takes its write lock for the whole of a transaction) and a failure on one channel never undoes
the record of another.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from zhaoshang.core import clock
from zhaoshang.core.history import as_user
from zhaoshang.core.reminders import Reminder
from zhaoshang.organization import access
from zhaoshang.organization.models import User

from . import transports
from .choices import Channel, Platform, Status
from .models import Delivery, Notification, Webhook
from .transports import Message, SendError

logger = logging.getLogger(__name__)

# A claim older than this whose sender never reported back (the process died) is sent again.
STALE_CLAIM = dt.timedelta(minutes=15)


# --- who receives what --------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    channel: str
    recipient: str  # "user:12" or "webhook:3": with the key and channel, what the log makes unique
    label: str
    user: User | None = None
    webhook: Webhook | None = None
    address: str = ""


@dataclass
class Outcome:
    """What one call did; ``planned`` lists (target, state) pairs for --dry-run."""

    sent: Counter = field(default_factory=Counter)  # channel -> count
    failed: Counter = field(default_factory=Counter)
    skipped: int = 0  # already sent (or being sent by another run)
    unmatched_leaders: list[str] = field(default_factory=list)
    planned: list[tuple[Target, str]] = field(default_factory=list)

    def add(self, other: Outcome) -> Outcome:
        self.sent.update(other.sent)
        self.failed.update(other.failed)
        self.skipped += other.skipped
        self.unmatched_leaders += other.unmatched_leaders
        self.planned += other.planned
        return self


def _user_targets(users: Iterable[User]) -> list[Target]:
    targets = []
    for user in users:
        label = str(user)
        targets.append(Target(Channel.INAPP, f"user:{user.pk}", label, user=user))
        if user.email:
            targets.append(Target(Channel.EMAIL, f"user:{user.pk}", label, user=user, address=user.email))
    return targets


def recipients(
    *,
    unit_ids: Iterable[int],
    leader_names: Iterable[str] = (),
    to_bureau: bool = False,
    user_ids: Iterable[int] = (),
) -> tuple[list[Target], list[str]]:
    """The targets of a message, and the leader names that matched no account.

    * each unit: its active reporters (users of exactly that unit: a sub-unit's reporter sees only the
      sub-unit's projects) and its active group robots;
    * each leader name: the active county leaders whose display name (or user name) it is. A name that
      matches nobody sends the message to the bureau instead — its users and its group robots — who
      can pass it on: copying every leader would be noise, and a guess could reach the wrong one;
    * ``to_bureau``: the active bureau staff and the bureau's group robots;
    * ``user_ids``: those accounts, when active (a project's county leader, linked in the register).
    """
    unit_ids = sorted(set(unit_ids))
    names = sorted({name.strip() for name in leader_names if name and name.strip()})
    users = list(User.objects.filter(access.reporters_q(), is_active=True, unit_id__in=unit_ids).order_by("pk"))
    unmatched: list[str] = []
    if user_ids:
        users += list(User.objects.filter(is_active=True, pk__in=sorted(set(user_ids))).order_by("pk"))
    if names:
        leaders = list(
            User.objects.filter(access.leaders_q(), is_active=True)
            .filter(Q(display_name__in=names) | Q(username__in=names))
            .order_by("pk")
        )
        found = {leader.display_name for leader in leaders} | {leader.username for leader in leaders}
        unmatched = [name for name in names if name not in found]
        users += leaders
    bureau = to_bureau or bool(unmatched)
    if bureau:
        users += list(User.objects.filter(access.bureau_q(), is_active=True).order_by("pk"))
    robots = Q(unit_id__in=unit_ids)
    if bureau:
        robots |= Q(unit__isnull=True)
    webhooks = Webhook.objects.filter(robots, active=True).select_related("unit").order_by("pk")

    targets, seen = [], set()
    for target in _user_targets(users) + [
        Target(Channel.WEBHOOK, f"webhook:{hook.pk}", str(hook), webhook=hook) for hook in webhooks
    ]:
        if (target.channel, target.recipient) not in seen:
            seen.add((target.channel, target.recipient))
            targets.append(target)
    return targets, unmatched


# --- sending once -------------------------------------------------------------------------------


def _claim(key: str, target: Target, title: str, existing: Delivery | None) -> Delivery | None:
    """Mark the delivery as being sent by this run; None if it was sent or another run has it."""
    now = clock.now()
    if existing is None:
        try:
            with transaction.atomic():
                return Delivery.objects.create(
                    key=key,
                    channel=target.channel,
                    recipient=target.recipient,
                    user=target.user,
                    webhook=target.webhook,
                    address=target.address or target.label,
                    title=title[:200],
                    status=Status.PENDING,
                    attempts=1,
                    updated_at=now,
                )
        except IntegrityError:
            return None  # another run claimed it a moment ago
    if existing.status == Status.SENT:
        return None
    if existing.status == Status.PENDING and existing.updated_at > now - STALE_CLAIM:
        return None
    # A failed (or abandoned) delivery: retry it, unless another run has just taken it.
    taken = Delivery.objects.filter(pk=existing.pk, status=existing.status, updated_at=existing.updated_at).update(
        status=Status.PENDING, attempts=F("attempts") + 1, updated_at=now, address=target.address or target.label
    )
    if not taken:
        return None
    existing.refresh_from_db()
    return existing


def _finish(delivery: Delivery, error: str = "") -> None:
    now = clock.now()
    delivery.status = Status.FAILED if error else Status.SENT
    delivery.error = error
    delivery.updated_at = now
    delivery.sent_at = None if error else now
    delivery.save(update_fields=["status", "error", "updated_at", "sent_at"])


def _state(existing: Delivery | None) -> str:
    if existing is None:
        return "new"
    if existing.status == Status.SENT:
        return "sent"
    return "retry" if existing.status == Status.FAILED else "pending"


def notify_units(
    *,
    unit_ids: Iterable[int],
    title: str,
    body: str,
    url: str = "",
    key: str,
    leader_names: Iterable[str] = (),
    to_bureau: bool = False,
    user_ids: Iterable[int] = (),
    dry_run: bool = False,
) -> Outcome:
    """In-app notification, mail and group robot message for the units (see ``recipients``), once per key.

    A failing mail server or robot is logged and recorded as failed; the other channels still go out,
    and the next call with the same key retries only the failed ones.
    """
    if not key:
        raise ValueError("notify_units needs a key: it is what prevents sending twice")
    message = Message(title=title, body=body, url=url)
    targets, unmatched = recipients(
        unit_ids=unit_ids, leader_names=leader_names, to_bureau=to_bureau, user_ids=user_ids
    )
    outcome = Outcome(unmatched_leaders=unmatched)
    if unmatched:
        logger.warning("reminder %s: no leader account named %s; sent to the bureau instead", key, unmatched)
    existing = {(d.channel, d.recipient): d for d in Delivery.objects.filter(key=key)}
    if dry_run:
        for target in targets:
            state = _state(existing.get((target.channel, target.recipient)))
            outcome.planned.append((target, state))
            if state in {"sent", "pending"}:
                outcome.skipped += 1
        return outcome

    with transports.Mailer() as mailer:
        for target in targets:
            delivery = _claim(key, target, title, existing.get((target.channel, target.recipient)))
            if delivery is None:
                outcome.skipped += 1
                continue
            error = ""
            try:
                if target.channel == Channel.INAPP:
                    Notification.objects.get_or_create(
                        user=target.user, key=key, defaults={"title": title[:200], "body": body, "url": url}
                    )
                elif target.channel == Channel.EMAIL:
                    mailer.send(target.address, message)
                else:
                    transports.send_webhook(target.webhook, message)
            except SendError as failure:
                error = str(failure) or failure.__class__.__name__
                logger.warning("reminder %s: %s to %s failed: %s", key, target.channel, target.label, error)
            except Exception as failure:  # a bug in one channel must not stop the others either
                error = f"{failure.__class__.__name__}: {failure}"[:500]
                logger.exception("reminder %s: %s to %s failed", key, target.channel, target.label)
            _finish(delivery, error)
            (outcome.failed if error else outcome.sent)[target.channel] += 1
    return outcome


def notify_on_commit(**message) -> None:
    """``notify_units(**message)`` once the current transaction commits: a change that concerns a unit (a report
    returned, a rectification opened, an item assigned) tells it at once, and never for a change rolled back."""
    transaction.on_commit(lambda: notify_units(**message))


def deliver(reminder: Reminder, *, dry_run: bool = False) -> Outcome:
    """Send one reminder from core.reminders: to its unit, or to the bureau when it names no unit."""
    return notify_units(
        unit_ids=[reminder.unit_id] if reminder.unit_id else [],
        title=reminder.title,
        body=reminder.body,
        url=reminder.url,
        key=reminder.key,
        leader_names=reminder.leader_names,
        user_ids=reminder.user_ids,
        to_bureau=reminder.to_bureau or reminder.unit_id is None,
        dry_run=dry_run,
    )


# --- reading notifications ----------------------------------------------------------------------


@transaction.atomic
def mark_read(*, user, notification: Notification) -> Notification:
    if notification.user_id != getattr(user, "pk", None):
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def mark_all_read(*, user) -> int:
    return Notification.objects.restrict(user, "change").unread().update(read_at=clock.now())


# --- group robots -------------------------------------------------------------------------------

WEBHOOK_FIELDS = ("unit", "name", "platform", "url", "active")


def _check_bureau(user) -> None:
    if user is None or not user.is_authenticated or not access.edits_everything(user):
        raise PermissionDenied


def webhook_errors(*, platform: str, url: str, secret: str) -> list[str]:
    errors = []
    parts = urlsplit(url or "")
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        errors.append(_("The webhook URL must start with https:// (or http://)."))
    if platform not in Platform.values:
        errors.append(_("Unknown platform %(platform)s.") % {"platform": platform})
    elif platform == Platform.WECOM and secret:
        errors.append(_("A WeCom group robot has no signing secret: its key is in the URL."))
    return errors


@transaction.atomic
def save_webhook(*, user, webhook: Webhook | None = None, data: dict, secret: str | None = None) -> Webhook:
    """Create or change a group robot. ``secret=None`` keeps the current secret, ``""`` removes it."""
    _check_bureau(user)
    webhook = webhook or Webhook()
    for name in WEBHOOK_FIELDS:
        if name in data:
            setattr(webhook, name, data[name])
    if secret is not None:
        webhook.secret = secret.strip()
    webhook.url = (webhook.url or "").strip()
    errors = webhook_errors(platform=webhook.platform, url=webhook.url, secret=webhook.secret)
    if errors:
        raise ValidationError(errors)
    as_user(webhook, user).save()
    return webhook


@transaction.atomic
def delete_webhook(*, user, webhook: Webhook) -> None:
    _check_bureau(user)
    as_user(webhook, user).delete()


def send_test(*, user, webhook: Webhook) -> None:
    """Send a test message to one robot now (nothing is logged); SendError says what went wrong."""
    _check_bureau(user)
    title = _("Test message from the investment promotion system")
    body = _("%(user)s checked that %(robot)s receives reminders.") % {"user": user, "robot": webhook}
    transports.send_webhook(webhook, Message(title=title, body=body, url=reverse("notifications:list")))
