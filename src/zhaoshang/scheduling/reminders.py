"""What scheduling needs reminded on a day (collected by ``zhaoshang remind``, see core/reminders.py):

- before a scheduling day (offsets from the settings, default 3 and 1 days): every unit with reports due in
  the round of that day; when the round is not opened yet (planned, or a calendar day with no round yet),
  every unit that reports for a project the round will ask about;
- on the day: the units still missing reports (due or returned for correction);
- overdue coordination items: to the responsible department, escalated to the project's county leader (the
  account of ``Project.leader``; the bureau when there is none), once a week while overdue.

Keys name the day and what the reminder is about, so a second run on the same day sends nothing new; a
moved day gets reminders for its new date."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zhaoshang.core.reminders import Reminder

from . import selectors, services
from .choices import OUTSTANDING, RoundStatus
from .models import ProgressReport, SchedulingConfig, SchedulingRound

REMINDER_LANGUAGE = "zh-hans"


def due(today: dt.date) -> list[Reminder]:
    with translation.override(REMINDER_LANGUAGE):
        config = SchedulingConfig.load()
        found = list(_before_day(today, config))
        found += list(_on_day(today))
        found += list(_overdue_items(today))
        return found


def _units_owing(scheduling_round: SchedulingRound, statuses) -> Counter:
    return Counter(
        ProgressReport.objects.filter(scheduling_round=scheduling_round, status__in=statuses).values_list(
            "unit_id", flat=True
        )
    )


def _before_day(today: dt.date, config: SchedulingConfig) -> Iterator[Reminder]:
    for offset in sorted(set(config.reminder_offsets), reverse=True):
        if offset <= 0:
            continue
        day = today + dt.timedelta(days=offset)
        scheduling_round = SchedulingRound.objects.filter(date=day).first()
        if scheduling_round is not None and scheduling_round.status == RoundStatus.CLOSED:
            continue
        if scheduling_round is not None and scheduling_round.status == RoundStatus.OPEN:
            counts = _units_owing(scheduling_round, OUTSTANDING)
            url = scheduling_round.get_absolute_url()
        else:
            if scheduling_round is None:
                moved_away = SchedulingRound.objects.filter(planned_date=day).exclude(date=day).exists()
                if day not in services.plan_days(day.year, day.month, config=config) or moved_away:
                    continue
                stages = config.stages
                url = reverse("scheduling:round_list")
            else:
                stages = scheduling_round.stages
                url = scheduling_round.get_absolute_url()
            counts = Counter(services.reporting_units(services.reportable_projects(stages)).values())
        for unit_id, count in sorted(counts.items()):
            yield Reminder(
                key=f"scheduling:{day.isoformat()}:before:{offset}d:unit:{unit_id}",
                title=ngettext(
                    "Scheduling day %(date)s in %(days)d day", "Scheduling day %(date)s in %(days)d days", offset
                )
                % {"date": day.isoformat(), "days": offset},
                body=ngettext(
                    "Your unit has %(count)d project progress report due on %(date)s.",
                    "Your unit has %(count)d project progress reports due on %(date)s.",
                    count,
                )
                % {"count": count, "date": day.isoformat()},
                url=url,
                unit_id=unit_id,
            )


def _on_day(today: dt.date) -> Iterator[Reminder]:
    scheduling_round = SchedulingRound.objects.filter(date=today, status=RoundStatus.OPEN).first()
    if scheduling_round is None:
        return
    for unit_id, count in sorted(_units_owing(scheduling_round, OUTSTANDING).items()):
        yield Reminder(
            key=f"scheduling:{today.isoformat()}:due:unit:{unit_id}",
            title=_("Progress reports due today (%(date)s)") % {"date": today.isoformat()},
            body=ngettext(
                "Your unit still has %(count)d progress report to submit today.",
                "Your unit still has %(count)d progress reports to submit today.",
                count,
            )
            % {"count": count},
            url=scheduling_round.get_absolute_url(),
            unit_id=unit_id,
        )


def leader_account(project) -> int | None:
    """The id of the active account of the project's county leader (``Project.leader``), or None."""
    person = project.leader
    user = person.user if person is not None else None
    return user.pk if user is not None and user.is_active else None


def _overdue_items(today: dt.date) -> Iterator[Reminder]:
    year, week, _weekday = today.isocalendar()
    for item in selectors.overdue_items(today=today).select_related("project__leader__user"):
        days = (today - item.deadline).days
        title = ngettext(
            "Coordination item overdue by %(days)d day: %(project)s",
            "Coordination item overdue by %(days)d days: %(project)s",
            days,
        ) % {
            "days": days,
            "project": item.project.name,
        }
        body = _("%(problem)s — deadline %(deadline)s, responsible: %(department)s.") % {
            "problem": item.description,
            "deadline": item.deadline.isoformat(),
            "department": item.department.name if item.department else _("not assigned yet"),
        }
        # The project's county leader as linked in the register (``Project.leader``), by their account; with
        # none (no leader linked, or one without an active account) the bureau, who passes it on. Never a guess by name.
        leader = leader_account(item.project)
        yield Reminder(
            # Once a week while overdue; a new deadline starts again.
            key=f"coordination:{item.pk}:overdue:{item.deadline.isoformat()}:week:{year}-{week:02d}",
            title=title,
            body=body,
            url=item.get_absolute_url(),
            unit_id=item.department_id,
            user_ids=(leader,) if leader else (),
            to_bureau=item.department_id is None or leader is None,
        )
