"""A small county with known numbers, for the bulletin of February 2025.

Period Y2025 (2025-01-01 … 2025-12-31); tiers 1 and 2 have the same two groups:
  签约:     2 projects signed at ≥1000万 (contract) | or their contract total 4000万
  到位资金: funds in place 1000万
Criticised: the last township (1); commended: the first township (1); departments neither.

Projects (credit 100% unless said):
  P1 T01  planned 6000, contract 3000: signed 2025-01-15, started 2025-02-10; receipts 01-20 500, 02-05 300
  P2 T02  contract 1500: signed 2025-02-20; receipt 02-25 200
  P3 D01  contract 800 (below the floor): signed 2025-02-03
  P4 T01 60% / T02 40%, contract 2000: signed 2025-02-12; receipt 02-14 1000
  P5 T02  contract 1200: signed 2024-06-01, stalled since 2025-01-10 ("资金链断裂")
  P6 D01  contract 1000: signed 2024-02-05; receipt 2024-02-10 100

As of 2025-02-28: T01 score 1.0 (签约 4200/4000 capped, funds 1400/1000 capped), rank 1, commended;
T02 score 0.65 (签约 count 1.4/2 = 0.7, funds 600/1000), rank 2; T0101 score 0, rank 3, criticised and
zero achievement; D01 score 0 (P3 under the floor), zero achievement.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.projects import services as project_services
from zhaoshang.targets import services as target_services
from zhaoshang.targets.services import IndicatorData

D = Decimal
FEB = dt.date(2025, 2, 1)
JAN = dt.date(2025, 1, 1)


@pytest.fixture
def period(users):
    bureau = users["bureau"]
    period = target_services.save_period(
        user=bureau,
        data={
            "code": "Y2025",
            "name": "2025年度",
            "start": dt.date(2025, 1, 1),
            "end": dt.date(2025, 12, 31),
            "criticise_bottom": {"township": 1, "department": 0},
            "commend_top": {"township": 1, "department": 0},
        },
    )
    for tier in (1, 2):
        target_services.save_group(
            user=bureau,
            period=period,
            tier=tier,
            name="签约",
            order=1,
            indicators=[
                IndicatorData(kind="count", stage="signed", min_amount=D(1000), target=D(2)),
                IndicatorData(kind="amount", stage="signed", min_amount=D(1000), target=D(4000)),
            ],
        )
        target_services.save_group(
            user=bureau,
            period=period,
            tier=tier,
            name="到位资金",
            order=2,
            indicators=[IndicatorData(kind="funds", amount_field="planned_investment", target=D(1000))],
        )
    return period


def _signed(user, project, date, started=None):
    project_services.record_stage(user=user, project=project, stage="signed", date=date)
    if started:
        project_services.record_stage(user=user, project=project, stage="started", date=started)


@pytest.fixture
def ledger(units, users, make_project):
    bureau = users["bureau"]
    p1 = make_project(
        units["a"], code="P1", name="年产10万吨新材料项目", planned_investment=D(6000), contract_amount=D(3000)
    )
    _signed(bureau, p1, dt.date(2025, 1, 15), started=dt.date(2025, 2, 10))
    project_services.add_receipt(user=bureau, project=p1, date=dt.date(2025, 1, 20), amount=D(500))
    project_services.add_receipt(user=bureau, project=p1, date=dt.date(2025, 2, 5), amount=D(300))
    p2 = make_project(
        units["b"], code="P2", name="农产品冷链物流项目", planned_investment=D(2000), contract_amount=D(1500)
    )
    _signed(bureau, p2, dt.date(2025, 2, 20))
    project_services.add_receipt(user=bureau, project=p2, date=dt.date(2025, 2, 25), amount=D(200))
    p3 = make_project(units["dept"], code="P3", name="小型加工项目", planned_investment=D(900), contract_amount=D(800))
    _signed(bureau, p3, dt.date(2025, 2, 3))
    p4 = project_services.create_project(
        user=bureau,
        data={"code": "P4", "name": "光伏组件项目", "planned_investment": D(3000), "contract_amount": D(2000)},
        credits=[(units["a"], D(60)), (units["b"], D(40))],
    )
    _signed(bureau, p4, dt.date(2025, 2, 12))
    project_services.add_receipt(user=bureau, project=p4, date=dt.date(2025, 2, 14), amount=D(1000))
    p5 = make_project(units["b"], code="P5", name="停滞的酒店项目", planned_investment=D(5000), contract_amount=D(1200))
    _signed(bureau, p5, dt.date(2024, 6, 1))
    p5.refresh_from_db()  # record_stage saved its own copy (stage and stage date)
    project_services.set_status(
        user=bureau, project=p5, status="stalled", reason="资金链断裂", date=dt.date(2025, 1, 10)
    )
    p6 = make_project(
        units["dept"], code="P6", name="去年签约项目", planned_investment=D(1000), contract_amount=D(1000)
    )
    _signed(bureau, p6, dt.date(2024, 2, 5))
    project_services.add_receipt(user=bureau, project=p6, date=dt.date(2024, 2, 10), amount=D(100))
    for project in (p1, p2, p3, p4, p6):
        project.refresh_from_db()
    return {"p1": p1, "p2": p2, "p3": p3, "p4": p4, "p5": p5, "p6": p6}


@pytest.fixture
def draft(period, ledger, users):
    from zhaoshang.bulletins import services

    return services.create_draft(user=users["bureau"], period=period, month=FEB, date=dt.date(2025, 3, 3))


@pytest.fixture
def issued(draft, users):
    from zhaoshang.bulletins import services

    return services.issue(user=users["bureau"], bulletin=draft)


def units_by_code(snapshot: dict) -> dict[str, dict]:
    return {unit["code"]: unit for unit in snapshot["assessment"]["units"]}
