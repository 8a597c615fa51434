"""Writes to coordination items (需协调解决的问题): raised from a report's problems, given to a responsible
department and the project's county leader with a deadline, followed until solved and closed by the bureau."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core import clock
from zhaoshang.core.history import as_user
from zhaoshang.notifications.services import notify_on_commit
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit

from .choices import DEPARTMENT_CATEGORIES, DEPARTMENT_STATUSES, ItemStatus
from .models import CoordinationItem, ProgressReport, SchedulingConfig

ITEM_FIELDS = ("description", "department", "deadline", "status", "note")


def _user_or_none(user):
    return user if getattr(user, "pk", None) else None


def raise_from_report(*, user, report: ProgressReport, today: dt.date) -> CoordinationItem | None:
    """One item per report with problems. A resubmitted report updates its item's text while the item is
    still open, and never raises a second one."""
    text = report.problems.strip()
    item = CoordinationItem.objects.filter(report=report).first()
    if item is not None:
        if text and item.status == ItemStatus.OPEN and item.description != text:
            item.description = text
            as_user(item, user).save()
        return item
    if not text:
        return None
    project = report.project
    item = CoordinationItem(
        project=project,
        report=report,
        description=text,
        county_leader=project.county_leader,
        deadline=today + dt.timedelta(days=SchedulingConfig.load().item_deadline_days),
        raised_by=_user_or_none(user),
    )
    as_user(item, user).save()
    return item


def _set_status_times(item: CoordinationItem, status: str) -> None:
    now = clock.now()
    if status == ItemStatus.SOLVED and item.status != ItemStatus.SOLVED:
        item.solved_at = now
    if status == ItemStatus.CLOSED and item.status != ItemStatus.CLOSED:
        item.closed_at = now
    if status in (ItemStatus.OPEN, ItemStatus.IN_PROGRESS):
        item.solved_at = item.closed_at = None
    item.status = status


@transaction.atomic
def update_item(*, user, item: CoordinationItem, data: dict) -> CoordinationItem:
    """The bureau edits the item: its text, the responsible department, the deadline, the status (closing too)."""
    if not access.edits_everything(user):
        raise PermissionDenied
    errors = []
    if "description" in data and not (data["description"] or "").strip():
        errors.append(_("Describe the problem."))
    department: Unit | None = data.get("department", item.department)
    if department is not None and department.category not in DEPARTMENT_CATEGORIES:
        errors.append(_("%(unit)s is not a county or vertical department.") % {"unit": department.name})
    status = data.get("status", item.status)
    if status not in ItemStatus.values:
        errors.append(_("Unknown status %(status)s.") % {"status": status})
    if "deadline" in data and data["deadline"] is None:
        errors.append(_("Give the deadline."))
    if errors:
        raise ValidationError(errors)
    if "description" in data:
        item.description = data["description"].strip()
    assigned = "department" in data and department is not None and department.pk != item.department_id
    if "department" in data:
        item.department = department
    if "deadline" in data:
        item.deadline = data["deadline"]
    if "note" in data:
        item.note = (data["note"] or "").strip()
    _set_status_times(item, status)
    as_user(item, user).save()
    if assigned:
        notify_on_commit(
            unit_ids=[department.pk],
            title=_("Coordination item assigned to you: %(project)s") % {"project": item.project.code},
            body=item.description,
            url=item.get_absolute_url(),
            key=f"coordination:{item.pk}:assigned:{department.pk}",
        )
    return item


@transaction.atomic
def set_item_status(*, user, item: CoordinationItem, status: str, note: str) -> CoordinationItem:
    """The responsible department reports work in progress or the problem solved, with a note."""
    if not CoordinationItem.objects.restrict(user, "change").filter(pk=item.pk).exists():
        raise PermissionDenied
    errors = []
    if status not in DEPARTMENT_STATUSES and not access.edits_everything(user):
        errors.append(_("A department can mark an item in progress or solved; the bureau closes it."))
    if item.status == ItemStatus.CLOSED and not access.edits_everything(user):
        errors.append(_("This item is closed."))
    if not note.strip():
        errors.append(_("Add a note on what was done."))
    if errors:
        raise ValidationError(errors)
    item.note = note.strip()
    item._change_reason = item.note
    _set_status_times(item, status)
    as_user(item, user).save()
    return item
