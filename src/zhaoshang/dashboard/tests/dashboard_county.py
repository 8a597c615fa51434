"""A small hand-built county for the dashboard's tests (the fixtures are in conftest.py).

Period 2026 (2026-01-01 … 2026-12-31), viewed as of 2026-06-30: a month ago is 2026-05-30, the same date last
year 2025-06-30 (last year's span 2025-01-01 … 2025-06-30).

code  credited           events (neg, int, sig, sta, pro)                 planned contract  other
P1    T01                neg 25-11-01 int 26-01-10 sig 26-02-15 sta 26-04-01   12000   3000  C 新能源·电池 上海 hi-tech
P2    T0101 (A's section) int 26-03-05 sig 26-05-29                           2000   1500  G 物流·仓储 江苏苏州 tertiary
P3    T02                neg 26-02-01 sta 26-06-10 (skips int and sig)         6000    800  C 新能源·光伏 100 USD
P4    D01                sig 25-06-10 sta 26-01-20                             5000   2500  C 新能源 上海
P5    T01 60% / T02 40%  sig 26-06-30                                          1000   1000  no industry, chain, investor
P6    T02                sig 26-07-15 (after the as-of date)                  20000   4000  C 新能源·电池 上海
P7    T01                neg 25-12-01, stalled                                  300      0
P8    T02                int 26-02-02, dropped                                  700      0
P9    D01                sig 25-03-01 sta 25-05-01 pro 26-03-15               15000   9000  C
P10   T02                none (a lead just entered)                             100      0  agriculture

County leaders: P1 王县长, P6 李副县长.
Funds: P1 100 (2025-06-01), 500 (2026-03-01), 700 (2026-05-20); P2 300 (2026-06-15); P4 400 (2025-05-10),
250 (2026-06-30); P9 1000 (2026-02-01); P6 999 (2026-07-20, after the as-of date).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from zhaoshang.projects import services
from zhaoshang.projects.models import Investor

D = Decimal
AS_OF = dt.date(2026, 6, 30)
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def build(users, units) -> dict:
    bureau = users["bureau"]
    shanghai = Investor.objects.create(name="上海新能科技", origin="上海")
    suzhou = Investor.objects.create(name="苏州物流集团", origin="江苏苏州")
    hk = Investor.objects.create(name="香港光能", origin="香港")

    def make(code, credits, events=(), **data):
        project = services.create_project(
            user=bureau,
            data={"code": code, "name": f"项目{code}", **data},
            credits=[(units[u], D(share)) for u, share in credits],
        )
        for stage, date, amount in events:
            services.record_stage(user=bureau, project=project, stage=stage, date=date, amount=amount)
        project.refresh_from_db()
        return project

    p = {}
    p["P1"] = make(
        "P1",
        [("a", 100)],
        [
            ("negotiating", dt.date(2025, 11, 1), None),
            ("intention", dt.date(2026, 1, 10), None),
            ("signed", dt.date(2026, 2, 15), D("3000")),
            ("started", dt.date(2026, 4, 1), None),
        ],
        planned_investment=D("12000"),
        industry="C",
        industry_chain="新能源·电池",
        high_tech=True,
        county_leader="王县长",
    )
    p["P2"] = make(
        "P2",
        [("a_section", 100)],
        [("intention", dt.date(2026, 3, 5), None), ("signed", dt.date(2026, 5, 29), D("1500"))],
        planned_investment=D("2000"),
        industry="G",
        industry_chain="物流·仓储",
        kind="tertiary",
    )
    p["P3"] = make(
        "P3",
        [("b", 100)],
        [("negotiating", dt.date(2026, 2, 1), None), ("started", dt.date(2026, 6, 10), None)],
        planned_investment=D("6000"),
        contract_amount=D("800"),
        industry="C",
        industry_chain="新能源·光伏",
        capital_type="foreign",
        currency="USD",
        foreign_investment=D("100"),
    )
    p["P4"] = make(
        "P4",
        [("dept", 100)],
        [("signed", dt.date(2025, 6, 10), D("2500")), ("started", dt.date(2026, 1, 20), None)],
        planned_investment=D("5000"),
        industry="C",
        industry_chain="新能源",
    )
    p["P5"] = make(
        "P5",
        [("a", 60), ("b", 40)],
        [("signed", dt.date(2026, 6, 30), D("1000"))],
        planned_investment=D("1000"),
    )
    p["P6"] = make(
        "P6",
        [("b", 100)],
        [("signed", dt.date(2026, 7, 15), D("4000"))],
        planned_investment=D("20000"),
        industry="C",
        industry_chain="新能源·电池",
        county_leader="李副县长",
    )
    p["P7"] = make("P7", [("a", 100)], [("negotiating", dt.date(2025, 12, 1), None)], planned_investment=D("300"))
    p["P8"] = make("P8", [("b", 100)], [("intention", dt.date(2026, 2, 2), None)], planned_investment=D("700"))
    p["P9"] = make(
        "P9",
        [("dept", 100)],
        [
            ("signed", dt.date(2025, 3, 1), D("9000")),
            ("started", dt.date(2025, 5, 1), None),
            ("producing", dt.date(2026, 3, 15), None),
        ],
        planned_investment=D("15000"),
        industry="C",
    )
    p["P10"] = make("P10", [("b", 100)], planned_investment=D("100"), kind="agriculture")
    for code, investor in (("P1", shanghai), ("P2", suzhou), ("P3", hk), ("P4", shanghai), ("P6", shanghai)):
        p[code].investor = investor
        p[code].save(update_fields=["investor"])
    services.set_status(user=bureau, project=p["P7"], status="stalled", reason="资金未落实", date=dt.date(2026, 3, 1))
    services.set_status(user=bureau, project=p["P8"], status="dropped", reason="投资方撤回", date=dt.date(2026, 4, 1))
    for code, date, amount in (
        ("P1", dt.date(2025, 6, 1), "100"),
        ("P1", dt.date(2026, 3, 1), "500"),
        ("P1", dt.date(2026, 5, 20), "700"),
        ("P2", dt.date(2026, 6, 15), "300"),
        ("P4", dt.date(2025, 5, 10), "400"),
        ("P4", dt.date(2026, 6, 30), "250"),
        ("P9", dt.date(2026, 2, 1), "1000"),
        ("P6", dt.date(2026, 7, 20), "999"),
    ):
        services.add_receipt(user=bureau, project=p[code], date=date, amount=D(amount))
    return p


def make_period(users, **extra):
    from zhaoshang.targets import services as target_services

    period = target_services.save_period(
        user=users["bureau"],
        data={"code": "Y2026", "name": "2026年度", "start": START, "end": END, **extra},
    )
    target_services.apply_hundred_day_preset(user=users["bureau"], period=period, tier_one_funds=D("1000"))
    return period
