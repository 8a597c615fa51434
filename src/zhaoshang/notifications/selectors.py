"""Reads for a user: their own notifications; the robots and the delivery log for the bureau."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Delivery, Notification, Webhook


def notifications_for(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    queryset = Notification.objects.restrict(user, "view")
    return queryset.unread() if unread_only else queryset


def unread_count(user) -> int:
    return Notification.objects.restrict(user, "view").unread().count()


def webhooks_for(user) -> QuerySet[Webhook]:
    return Webhook.objects.restrict(user, "change").select_related("unit")


def deliveries_for(user, *, status: str = "", channel: str = "") -> QuerySet[Delivery]:
    queryset = Delivery.objects.restrict(user, "change").select_related("user", "webhook", "webhook__unit")
    if status:
        queryset = queryset.filter(status=status)
    if channel:
        queryset = queryset.filter(channel=channel)
    return queryset
