"""A small ledger for the third quarter of 2026, built through the real services.

Units and users come from the root conftest (T01 tier 1, T02 and D01 tier 2). Amounts in 万元, dates 2026:

    P1  T01           planned 3000  signed 07-10 (contract 2000), started 08-20   500@07-20  300@08-15
    P2  T02 60% D01 40%  planned 1500  signed 08-01 (contract 1200)                  400@09-10
    P3  T01           planned  800  signed 09-05 (contract 800)                       200@09-20
    P4  D01           planned  100  intention 07-05
    P5  T02           planned 5000  signed 10-10 (contract 5000)                      100@10-15  (after Q3)
    P6  T01           planned 2000  nothing recorded (nothing to verify)

Period Q3: 2026-07-01 … 2026-09-30; targets — tier 1: 签约 (count ≥1000 of 2, or contract total 4000) and
到位资金 1000; tier 2: 签约 (count ≥1000 of 1, or contract total 1000) and 到位资金 500.
"""

from __future__ import annotations

import pytest

from .support import Q3_END, Q3_START, D, d, event, receipt


@pytest.fixture(autouse=True)
def _english_messages():
    """Service errors are matched on their English source text, whatever the catalogue holds today."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def ledger(units, users, make_project):
    from zhaoshang.projects import services

    bureau = users["bureau"]
    projects = {}

    def add(key, unit, planned, *, stages=(), receipts=(), credits=None):
        if credits:
            project = services.create_project(
                user=bureau,
                data={"code": key, "name": f"项目{key}", "planned_investment": D(planned)},
                credits=[(units[u], D(share)) for u, share in credits],
            )
        else:
            project = make_project(units[unit], code=key, name=f"项目{key}", planned_investment=D(planned))
        for stage, when, amount in stages:
            services.record_stage(
                user=bureau, project=project, stage=stage, date=d(when), amount=D(amount) if amount else None
            )
        for amount, when in receipts:
            services.add_receipt(user=bureau, project=project, date=d(when), amount=D(amount))
        project.refresh_from_db()
        projects[key] = project
        return project

    add("P1", "a", "3000", stages=[("signed", "07-10", "2000"), ("started", "08-20", None)],
        receipts=[("500", "07-20"), ("300", "08-15")])  # fmt: skip
    add("P2", None, "1500", stages=[("signed", "08-01", "1200")], receipts=[("400", "09-10")],
        credits=[("b", "60"), ("dept", "40")])  # fmt: skip
    add("P3", "a", "800", stages=[("signed", "09-05", "800")], receipts=[("200", "09-20")])
    add("P4", "dept", "100", stages=[("intention", "07-05", None)])
    add("P5", "b", "5000", stages=[("signed", "10-10", "5000")], receipts=[("100", "10-15")])
    add("P6", "a", "2000")
    return projects


@pytest.fixture
def period(users):
    from zhaoshang.targets import services as targets
    from zhaoshang.targets.services import IndicatorData

    bureau = users["bureau"]
    period = targets.save_period(user=bureau, data={"code": "Q3", "name": "第三季度", "start": Q3_START, "end": Q3_END})
    for tier, count, total, funds in ((1, "2", "4000", "1000"), (2, "1", "1000", "500")):
        targets.save_group(
            user=bureau,
            period=period,
            tier=tier,
            name="签约",
            order=1,
            indicators=[
                IndicatorData(kind="count", stage="signed", min_amount=D("1000"), target=D(count)),
                IndicatorData(kind="amount", stage="signed", target=D(total)),
            ],
        )
        targets.save_group(
            user=bureau,
            period=period,
            tier=tier,
            name="到位资金",
            order=2,
            indicators=[IndicatorData(kind="funds", target=D(funds))],
        )
    return period


@pytest.fixture
def batch(users, ledger):
    """All candidates of Q3 (P1–P4: threshold 0; P5's records are after the quarter, P6 has none)."""
    from zhaoshang.supervision import services

    return services.create_batch(
        user=users["supervisor"], name="Q3督查", start=Q3_START, end=Q3_END, method="threshold", min_amount=D("0")
    )


@pytest.fixture
def supervised(users, batch, ledger):
    """The batch verified as described in test_verified_basis.py's docstring."""
    from zhaoshang.supervision import services

    def verify(subject, result, **kwargs):
        key = "receipt" if hasattr(subject, "voucher_no") else "stage_event"
        if result != "confirmed":
            kwargs.setdefault("comment", "核查意见")
        services.verify(user=users["supervisor"], batch=batch, result=result, **{key: subject}, **kwargs)

    p1, p2, p3, p4 = (ledger[k] for k in ("P1", "P2", "P3", "P4"))
    verify(event(p1, "signed"), "adjusted", amount=D("1500"))
    verify(event(p1, "started"), "confirmed")
    verify(receipt(p1, "500"), "confirmed")
    verify(receipt(p1, "300"), "rejected")
    verify(event(p3, "signed"), "adjusted", date=d("10-08"))
    verify(receipt(p3, "200"), "adjusted", amount=D("150"))
    verify(event(p2, "signed"), "confirmed")
    verify(event(p4, "intention"), "confirmed")
    return ledger
