"""Overdue rectification items, reminded to their unit: on the first day past the deadline and then once a
week while the item stays open. The key names the item, its deadline and the week overdue, so running the
reminders twice a day sends nothing new, and a new deadline starts afresh."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _

from zhaoshang.core.reminders import Reminder

from .models import Rectification
from .selectors import overdue_items


def due(today: dt.date) -> Iterator[Reminder]:
    items = overdue_items(Rectification.objects.all(), today).select_related("project", "unit").order_by("id")
    for item in items:
        days = (today - item.deadline).days
        yield Reminder(
            key=f"rectification:{item.pk}:overdue:{item.deadline.isoformat()}:week:{(days - 1) // 7}",
            title=_("Rectification overdue: %(project)s") % {"project": item.project.name},
            body=_(
                "The rectification item #%(id)s of %(unit)s for project %(code)s %(project)s was due on "
                "%(deadline)s (%(days)s days ago) and is %(status)s: %(description)s"
            )
            % {
                "id": item.pk,
                "unit": item.unit.name,
                "code": item.project.code,
                "project": item.project.name,
                "deadline": item.deadline.isoformat(),
                "days": days,
                "status": item.get_status_display(),
                "description": item.description,
            },
            url=reverse("supervision:rectification_detail", args=[item.pk]),
            unit_id=item.unit_id,
        )
