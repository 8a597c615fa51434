"""A small county for scheduling: projects in every stage and status, split across townships A and B.

A1  township A, negotiating (no stage recorded)       reported by A
A2  township A, signed 2026-09-01 (1200)              reported by A
B1  township B, intention 2026-08-01                  reported by B
AB  A 40% / B 60%, started 2026-07-01                 reported by B (largest share)
TIE A 50% / B 50%, intention 2026-08-15               reported by A (tie: lowest code)
LD  township A, lead only                             not reported (stage not opened)
PR  township A, producing                             not reported (stage not opened)
ST  township A, negotiating, stalled                  not reported (not active)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.projects import services as project_services

D = Decimal
DAY = dt.date(2026, 10, 12)  # a Monday; the round used by most tests
LATER = dt.date(2026, 10, 27)


@pytest.fixture
def county(users, units, make_project):
    bureau = users["bureau"]

    def make(code, credits, stage=None, date=None, amount=None, **data):
        project = project_services.create_project(
            user=bureau, data={"code": code, "name": f"项目{code}", **data}, credits=credits
        )
        if stage:
            project_services.record_stage(user=bureau, project=project, stage=stage, date=date, amount=amount)
            project.refresh_from_db()
        return project

    a, b = units["a"], units["b"]
    projects = {
        "A1": make("A1", [(a, D(100))], county_leader="王副县长"),
        "A2": make("A2", [(a, D(100))], "signed", dt.date(2026, 9, 1), D(1200)),
        "B1": make("B1", [(b, D(100))], "intention", dt.date(2026, 8, 1)),
        "AB": make("AB", [(a, D(40)), (b, D(60))], "started", dt.date(2026, 7, 1)),
        "TIE": make("TIE", [(b, D(50)), (a, D(50))], "intention", dt.date(2026, 8, 15)),
        "LD": make("LD", [(a, D(100))], "lead", dt.date(2026, 6, 1)),
        "PR": make("PR", [(a, D(100))], "producing", dt.date(2026, 5, 1)),
        "ST": make("ST", [(a, D(100))]),
    }
    project_services.set_status(user=bureau, project=projects["ST"], status="stalled", reason="资金链断裂")
    return projects


@pytest.fixture
def open_day(county, users):
    from zhaoshang.scheduling import services

    return services.open_round(user=users["bureau"], date=DAY)


def report_of(scheduling_round, code):
    return scheduling_round.reports.select_related("project", "scheduling_round").get(project__code=code)


FILLED = {
    "progress": "完成土地预审，设计方案已评审。",
    "investment_completed": D("350.50"),
    "percent_done": 20,
    "next_steps": "办理施工许可证。",
    "problems": "",
}
