"""Reading milestones: the lists of overdue and upcoming ones in a user's scope, and a project's plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from zhaoshang.core import clock
from zhaoshang.organization.selectors import subtree_ids
from zhaoshang.projects.models import Project

from . import rules
from .models import Milestone, MilestoneKind

TABS = ("overdue", "upcoming", "all")


def upcoming_days() -> int:
    return int(settings.MILESTONE_UPCOMING_DAYS)


def milestone_list(
    *, user, tab: str = "overdue", today: dt.date | None = None, unit=None, leader=None, project_ids=None
) -> QuerySet:
    """The milestones the user may see, narrowed to the tab (overdue, upcoming, all) on ``today``, a unit (and its
    sub-units) and a leader's projects; by planned date."""
    today = today or clock.today()
    milestones = Milestone.objects.restrict(user).select_related("kind", "project", "evidence")
    if tab == "overdue":
        milestones = milestones.filter(rules.overdue_q(today))
    elif tab == "upcoming":
        milestones = milestones.filter(rules.upcoming_q(today, upcoming_days()))
    if unit is not None:
        milestones = milestones.filter(Milestone.unit_scope_q(frozenset(subtree_ids(unit.pk))))
    if leader is not None:
        from zhaoshang.leaders.selectors import leader_q

        milestones = milestones.filter(project__in=Project.objects.filter(leader_q(leader)).values("pk"))
    if project_ids is not None:
        milestones = milestones.filter(project_id__in=project_ids)
    return milestones.order_by("planned_on", "project__code", "kind__order", "pk")


def counts(*, user, today: dt.date | None = None, unit=None, leader=None) -> dict[str, int]:
    """How many overdue and upcoming milestones ``milestone_list`` shows under each tab."""
    return {
        tab: milestone_list(user=user, tab=tab, today=today, unit=unit, leader=leader).count()
        for tab in ("overdue", "upcoming")
    }


@dataclass
class PlanRow:
    kind: MilestoneKind
    milestone: Milestone  # unsaved when the plan has no row of this kind yet

    @property
    def actual(self) -> dt.date | None:
        return rules.actual_date(self.milestone)


def plan_rows(project: Project) -> list[PlanRow]:
    """One row per active kind (and per inactive kind the project already planned), in the list's order; a kind
    not planned yet has an unsaved milestone."""
    existing = {m.kind_id: m for m in project.milestones.select_related("kind", "evidence")}
    kinds = MilestoneKind.objects.filter(active=True) | MilestoneKind.objects.filter(pk__in=list(existing))
    rows = []
    for kind in kinds.distinct().order_by("order", "pk"):
        milestone = existing.get(kind.pk) or Milestone(project=project, kind=kind)
        milestone.project = project
        rows.append(PlanRow(kind=kind, milestone=milestone))
    return rows
