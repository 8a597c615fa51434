"""Milestones overdue and due within the upcoming window, reminded to the reporters of each project's unit (its
responsible unit, or its credited units when it has none): one message per unit and day, listing them. The key
names the unit and the day, so a second run the same day (``zhaoshang milestone_reminders`` or ``zhaoshang
remind``, which collects this module too) sends nothing new."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _

from zhaoshang.core.reminders import Reminder

from . import rules
from .models import Milestone
from .selectors import upcoming_days

MAX_LINES = 30


def due(today: dt.date) -> Iterator[Reminder]:
    days = upcoming_days()
    milestones = (
        Milestone.objects.filter(rules.overdue_q(today) | rules.upcoming_q(today, days))
        .select_related("kind", "project")
        .prefetch_related("project__credits")
        .order_by("planned_on", "project__code", "kind__order", "pk")
    )
    per_unit: dict[int, list] = defaultdict(list)
    for milestone in milestones:
        project = milestone.project
        unit_ids = (
            [project.responsible_unit_id]
            if project.responsible_unit_id
            else [credit.unit_id for credit in project.credits.all()]
        )
        for unit_id in unit_ids:
            per_unit[unit_id].append(milestone)
    for unit_id, items in sorted(per_unit.items()):
        overdue = [m for m in items if rules.overdue(m, today)]
        lines = [
            _("%(code)s %(project)s · %(milestone)s planned on %(date)s%(late)s")
            % {
                "code": m.project.code,
                "project": m.project.name,
                "milestone": m.kind.name,
                "date": m.planned_on.isoformat(),
                "late": _(" (overdue)") if rules.overdue(m, today) else "",
            }
            for m in items[:MAX_LINES]
        ]
        if len(items) > MAX_LINES:
            lines.append(_("… and %(count)s more.") % {"count": len(items) - MAX_LINES})
        yield Reminder(
            key=f"milestones:unit:{unit_id}:{today.isoformat()}",
            title=_("Milestones: %(overdue)s overdue, %(upcoming)s due within %(days)s days")
            % {"overdue": len(overdue), "upcoming": len(items) - len(overdue), "days": days},
            body="\n".join(lines),
            url=reverse("milestones:list") + "?tab=overdue",
            unit_id=unit_id,
        )
