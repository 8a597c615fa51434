"""Notifications in the app, the group robots they are also sent to, and the log that sends each once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.core import clock
from zhaoshang.core.fields import ClockDateTimeField
from zhaoshang.core.permissions import RestrictedModel, RestrictedQuerySet

from .choices import Channel, Platform, Status


class NotificationQuerySet(RestrictedQuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(RestrictedModel):
    """A message in one user's list (the bell in the navbar counts the unread ones).

    No history: the only change a user makes is reading it, and ``read_at`` records that.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    key = models.CharField(_("key"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=clock.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()
    # A notification is private to its user, whatever their role: the bureau reads only its own too.
    private_to = "user"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~models.Q(key=""), name="one_notification_per_user_and_key"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("notifications:open", args=[self.pk])

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @classmethod
    def owner_may(cls, action) -> bool:
        return action in {"view", "change"}  # change: mark as read; they are written by the system only


class Webhook(RestrictedModel):
    """A group robot of a unit (or of the bureau when ``unit`` is empty); kept by the bureau and admins."""

    unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="webhooks",
        help_text=_("Leave empty for the bureau's own group."),
    )
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("E.g. the group's name."))
    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    url = models.URLField(_("webhook URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk: the SEC… secret of 加签; Feishu: the secret of 签名校验. WeCom has none."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)
    updated_at = ClockDateTimeField(_("updated"), auto_now=True)
    # The secret is a credential: it stays out of the history tables (the URL, which holds WeCom's key
    # and DingTalk's token, is kept: who pointed a unit's reminders where is worth knowing).
    history = HistoricalRecords(excluded_fields=["secret", "updated_at"])

    class Meta:
        ordering = ["unit__code", "platform", "id"]
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")

    def __str__(self) -> str:
        owner = self.unit.name if self.unit_id else _("Bureau")
        return f"{owner} · {self.name or self.get_platform_display()}"

    @classmethod
    def unit_scope_q(cls, unit_ids):
        return models.Q(unit_id__in=unit_ids)

    @classmethod
    def reporter_may(cls, action) -> bool:
        return False  # the URL and the secret are credentials: bureau and admin only


class Delivery(RestrictedModel):
    """One message of one reminder on one channel to one recipient: what makes sending idempotent.

    ``(key, channel, recipient)`` is unique. A row is written (``pending``) before the message goes out
    and marked ``sent`` or ``failed`` after; a later run skips what was sent and retries what failed.
    """

    key = models.CharField(_("key"), max_length=200)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=50)  # "user:12" or "webhook:3"
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    webhook = models.ForeignKey(
        Webhook, verbose_name=_("group robot"), null=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    address = models.CharField(_("address"), max_length=254, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), default=clock.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["key", "channel", "recipient"], name="one_delivery_per_key_and_recipient")
        ]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.key} → {self.recipient}"

    @classmethod
    def unit_scope_q(cls, unit_ids):
        return models.Q(user__unit_id__in=unit_ids) | models.Q(webhook__unit_id__in=unit_ids)

    @classmethod
    def reporter_may(cls, action) -> bool:
        return False
