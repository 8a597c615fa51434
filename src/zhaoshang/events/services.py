"""Writing the register of events (the bureau's): an event renamed or re-levelled saves the projects linked to it
through the history, so their ``signing_event`` and ``signing_event_level`` (what the schemes read) follow it
(decision 44: ``Project.save`` copies them)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core import limits
from zhaoshang.core.history import as_user
from zhaoshang.organization import access

from .models import Event

EVENT_FIELDS = ("name", "level", "organiser", "unit", "starts_on", "ends_on", "place", "description")


def may_edit(user) -> bool:
    """The bureau (and admins) keep the register; everyone else reads it."""
    return access.is_active(user) and access.edits_everything(user)


def event_errors(data: dict) -> list[str]:
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    for day in (starts_on, ends_on):
        if day:
            limits.check_day(day)
    if starts_on and ends_on and ends_on < starts_on:
        return [_("The last day of an event cannot be before its first day.")]
    return []


@transaction.atomic
def save_event(*, user, event: Event | None = None, data: dict) -> Event:
    """Create or change an event (the bureau only). When its name or level changes, every project linked to it is
    saved again, with the user in its history, so its copies follow."""
    if not may_edit(user):
        raise PermissionDenied
    errors = event_errors(data)
    if errors:
        raise ValidationError(errors)
    creating = event is None
    event = event or Event(created_by=user if getattr(user, "pk", None) else None)
    before = (event.name, event.level)
    for name in EVENT_FIELDS:
        if name in data:
            setattr(event, name, data[name].strip() if isinstance(data[name], str) else data[name])
    event.full_clean()
    as_user(event, user).save()
    if not creating and (event.name, event.level) != before:
        for project in event.projects.select_for_update().order_by("pk"):
            project.event = event
            as_user(project, user).save(update_fields=["event", "updated_at"])
    return event
