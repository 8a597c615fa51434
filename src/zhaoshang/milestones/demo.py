"""The demo county's milestone plans: for its signed projects, planned dates counted from the signing (倒排工期),
actual dates for the milestones of their own that are on the way (some late, some not reached: overdue), none
for 开工 and 投产, whose dates are the projects' stages (never recorded here: the ledger's figures stay)."""

from __future__ import annotations

import datetime as dt
import random

from zhaoshang.projects.models import Project

from .models import Milestone, MilestoneKind

# Days after signing each milestone is planned, by its place in the list (the defaults' order).
OFFSETS = (30, 45, 60, 80, 100, 120, 300, 360, 400)
MAX_PROJECTS = 80


def build_demo(rng: random.Random, today: dt.date, *, user=None) -> int:
    """Plans for up to MAX_PROJECTS signed projects; returns the milestones written."""
    Milestone.history.all().delete()
    Milestone.objects.all().delete()
    kinds = list(MilestoneKind.objects.filter(active=True).order_by("order", "pk"))
    signed = list(Project.objects.filter(signed_on__isnull=False, status="active").order_by("code"))
    chosen = sorted(rng.sample(signed, min(MAX_PROJECTS, len(signed))), key=lambda p: p.code)
    rows = []
    for project in chosen:
        for index, kind in enumerate(kinds):
            offset = OFFSETS[min(index, len(OFFSETS) - 1)] + rng.randint(-10, 20)
            planned = project.signed_on + dt.timedelta(days=offset)
            actual = None
            if not kind.stage and planned <= today and rng.random() < 0.7:
                actual = min(today, planned + dt.timedelta(days=rng.randint(-10, 25)))
            rows.append(
                Milestone(
                    project=project,
                    kind=kind,
                    planned_on=planned,
                    actual_on=actual,
                    note=rng.choice(["", "", "", "已上报县指挥部", "待部门审批", "资料已齐"]),
                    updated_by=user,
                )
            )
    Milestone.objects.bulk_create(rows, batch_size=500)
    saved = list(Milestone.objects.all())
    Milestone.history.bulk_history_create(saved, batch_size=500, default_user=user)
    return len(saved)
