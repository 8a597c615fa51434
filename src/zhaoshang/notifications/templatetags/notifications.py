"""The bell in the navbar: ``{% load notifications %}{% notification_bell %}``."""

from django import template

from zhaoshang.notifications.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/bell.html", takes_context=True)
def notification_bell(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    return {"show": True, "unread": unread_count(user)}
