"""A small county for the 100-day competition (seed 001), built through the real services.

Units: the root fixture's C00 county, T01 (tier 1), its section T0101 (tier 1), T02 (tier 2), D01
(department, tier 2), plus T03 (tier 3), T04 (tier 4), D02 (department, tier 3) and the park P01.
Period BR100: 2026-06-01 … 2026-09-08 (100 days; day 50 is 2026-07-20), reported basis, by day;
recognition rules: exclude industry K, government-funded, local relocations, second phases, and projects
whose planned investment is below 100万. One township, one department and no park criticised; one of each
commended. D02 is vetoed.

Projects (contract / planned investment in 万元; dates 2026; receipts as amount@date):

    P1  T01        2500 / 3000   signed 06-10, started 07-01   600@06-20  400@07-20  1000@09-08
    P2  T01        1000 / 1200   signed 06-01                   100@05-31
    P3  T01      999.99 / 999.99 signed 06-15
    P4  T01        5000 / 5000   signed 06-20                   government-funded: excluded
    P15 T01        3000 / 3000   signed 08-15
    P5  T02 60% D01 40%  3000 / 3000   signed 06-05, started 07-10   1000@07-01
    P6  D01        4000 / 4000   signed 05-20, started 06-15
    P11 T02        5000 / 5000   signed 09-09 (the day after the end)
    P7  T03        1500 / 1500   started 07-05 (signing skipped)   250@07-15
    P12 T03        2000 / 2000   signed 06-20                   local relocation: excluded
    P13 T03        2000 / 2000   signed 06-21                   second phase: excluded
    P14 T03          50 / 50                                    100@07-01   below the floor: excluded
    P8  T04         800 / 800    signed 06-10                   300@06-30   industry K: excluded
    P10 D02        1200 / 1200   signed 06-10                   500@06-30
    P9  P01        8000 / 8000   signed 06-02, started 07-15   2000@07-01
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

D = Decimal
START, END, DAY_50 = dt.date(2026, 6, 1), dt.date(2026, 9, 8), dt.date(2026, 7, 20)


def d(text: str) -> dt.date:
    """'06-10' → 2026-06-10."""
    month, day = text.split("-")
    return dt.date(2026, int(month), int(day))


@pytest.fixture
def county(units, users, make_project):
    from zhaoshang.organization.models import Unit
    from zhaoshang.projects import services
    from zhaoshang.targets import services as targets

    bureau = users["bureau"]
    all_units = dict(units)
    root = units["county"]
    for key, code, name, category, tier in [
        ("t3", "T03", "石桥镇", "township", 3),
        ("t4", "T04", "柳林乡", "township", 4),
        ("dept2", "D02", "县商务局", "department", 3),
        ("park", "P01", "经济开发区招商局", "park", None),
    ]:
        all_units[key] = Unit.objects.create(code=code, name=name, parent=root, category=category, tier=tier)

    period = targets.save_period(
        user=bureau,
        data={
            "code": "BR100",
            "name": "百日竞赛",
            "start": START,
            "end": END,
            "schedule_basis": "day",
            "excluded_industries": ["K"],
            "exclude_government_funded": True,
            "exclude_local_relocation": True,
            "exclude_second_phase": True,
            "floor_amount": D("100"),
            "criticise_bottom": {"township": 1, "department": 1, "park": 0},
            "commend_top": {"township": 1, "department": 1, "park": 1},
        },
    )
    groups_set = targets.apply_hundred_day_preset(user=bureau, period=period, tier_one_funds=D("2000"))

    projects = {}

    def add(key, unit, contract, planned, *, stages=(), receipts=(), **flags):
        project = make_project(
            all_units[unit], code=key, contract_amount=D(contract), planned_investment=D(planned), **flags
        )
        for stage, when in stages:
            services.record_stage(user=bureau, project=project, stage=stage, date=d(when))
        for amount, when in receipts:
            services.add_receipt(user=bureau, project=project, date=d(when), amount=D(amount))
        projects[key] = project
        return project

    add("P1", "a", "2500", "3000", stages=[("signed", "06-10"), ("started", "07-01")])
    add("P2", "a", "1000", "1200", stages=[("signed", "06-01")], receipts=[("100", "05-31")])
    add("P3", "a", "999.99", "999.99", stages=[("signed", "06-15")])
    add("P4", "a", "5000", "5000", stages=[("signed", "06-20")], government_funded=True)
    add("P15", "a", "3000", "3000", stages=[("signed", "08-15")])
    for amount, when in [("600", "06-20"), ("400", "07-20"), ("1000", "09-08")]:
        services.add_receipt(user=bureau, project=projects["P1"], date=d(when), amount=D(amount))

    shared = services.create_project(
        user=bureau,
        data={"code": "P5", "name": "共建项目", "contract_amount": D("3000"), "planned_investment": D("3000")},
        credits=[(all_units["b"], D("60")), (all_units["dept"], D("40"))],
    )
    services.record_stage(user=bureau, project=shared, stage="signed", date=d("06-05"))
    services.record_stage(user=bureau, project=shared, stage="started", date=d("07-10"))
    services.add_receipt(user=bureau, project=shared, date=d("07-01"), amount=D("1000"))
    projects["P5"] = shared

    add("P6", "dept", "4000", "4000", stages=[("signed", "05-20"), ("started", "06-15")])
    add("P11", "b", "5000", "5000", stages=[("signed", "09-09")])
    add("P7", "t3", "1500", "1500", stages=[("started", "07-05")], receipts=[("250", "07-15")])
    add("P12", "t3", "2000", "2000", stages=[("signed", "06-20")], local_relocation=True)
    add("P13", "t3", "2000", "2000", stages=[("signed", "06-21")], second_phase=True)
    add("P14", "t3", "50", "50", receipts=[("100", "07-01")])
    add("P8", "t4", "800", "800", stages=[("signed", "06-10")], receipts=[("300", "06-30")], industry="K")
    add("P10", "dept2", "1200", "1200", stages=[("signed", "06-10")], receipts=[("500", "06-30")])
    add("P9", "park", "8000", "8000", stages=[("signed", "06-02"), ("started", "07-15")], receipts=[("2000", "07-01")])

    targets.set_veto(user=bureau, period=period, unit=all_units["dept2"], reason="安全生产事故")
    return {"period": period, "units": all_units, "projects": projects, "groups_set": groups_set}
