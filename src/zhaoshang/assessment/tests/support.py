"""Small builders for engine tests: plain dataclasses, no database.

The standard period is a 100-day campaign, 2026-06-01 … 2026-09-08 (June 30 + July 31 + August 31 +
8 days of September = 100 days, both ends inclusive): day 50 is 2026-07-20.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from zhaoshang.assessment import engine, facts

D = Decimal
ONE = D("1")
START = dt.date(2026, 6, 1)
END = dt.date(2026, 9, 8)
DAY_50 = dt.date(2026, 7, 20)


def day(n: int) -> dt.date:
    """Day ``n`` of the standard period (day 1 is the start)."""
    return START + dt.timedelta(days=n - 1)


def unit(pk: int, code: str | None = None, *, category: str = "township", tier: int | None = 1) -> engine.UnitInfo:
    return engine.UnitInfo(id=pk, code=code or f"U{pk:02d}", name=f"单位{pk}", category=category, tier=tier)


def project(
    pk: int,
    credits: dict[int, str | Decimal] | int = 1,
    *,
    signed: dt.date | None = None,
    started: dt.date | None = None,
    producing: dt.date | None = None,
    intention: dt.date | None = None,
    contract: str | Decimal = "0",
    planned: str | Decimal = "0",
    foreign_usd: str | Decimal = "0",
    excluded: bool = False,
) -> facts.ProjectFact:
    """A project fact; ``credits`` is a unit id (100%) or {unit id: share as a fraction}."""
    shares = {credits: ONE} if isinstance(credits, int) else {k: D(v) for k, v in credits.items()}
    stages = {"intention": intention, "signed": signed, "started": started, "producing": producing}
    return facts.ProjectFact(
        id=pk,
        credits=shares,
        stage_dates={k: v for k, v in stages.items() if v is not None},
        planned_investment=D(planned),
        contract_amount=D(contract),
        foreign_usd=D(foreign_usd),
        excluded=excluded,
    )


def receipt(pk: int, project_id: int, date: dt.date, amount: str | Decimal) -> facts.ReceiptFact:
    return facts.ReceiptFact(id=pk, project_id=project_id, date=date, amount=D(amount))


def count(target="3", *, stage="signed", floor="1000", field="contract_amount", name="count") -> engine.IndicatorSpec:
    return engine.IndicatorSpec(
        name=name, kind="count", stage=stage, amount_field=field, min_amount=D(floor), target=D(target)
    )


def total(target="6000", *, stage="signed", floor="1000", field="contract_amount", name="sum") -> engine.IndicatorSpec:
    return engine.IndicatorSpec(
        name=name, kind="amount", stage=stage, amount_field=field, min_amount=D(floor), target=D(target)
    )


def funds(target="1000", *, floor="0", field="planned_investment", name="funds") -> engine.IndicatorSpec:
    return engine.IndicatorSpec(name=name, kind="funds", amount_field=field, min_amount=D(floor), target=D(target))


def foreign(target="100", *, stage="signed", floor="0", name="foreign") -> engine.IndicatorSpec:
    return engine.IndicatorSpec(name=name, kind="foreign", stage=stage, min_amount=D(floor), target=D(target))


def group(name: str, *indicators: engine.IndicatorSpec, weight: str | Decimal = "1") -> engine.GroupSpec:
    return engine.GroupSpec(name=name, indicators=tuple(indicators), weight=D(weight))


def run(
    units,
    groups,
    projects=(),
    receipts=(),
    *,
    as_of: dt.date = END,
    start: dt.date = START,
    end: dt.date = END,
    basis: str = "day",
    rules: engine.Rules | None = None,
) -> dict[int, engine.UnitResult]:
    """Assess; ``groups`` is a list of GroupSpec given to every unit, or {unit id: [GroupSpec]}.
    Returns the unit results by unit id."""
    units = list(units)
    by_unit = groups if isinstance(groups, dict) else {u.id: list(groups) for u in units}
    assessment = facts.assess(
        units=units,
        groups_by_unit=by_unit,
        projects=list(projects),
        receipts=list(receipts),
        start=start,
        end=end,
        as_of=as_of,
        schedule_basis=basis,
        rules=rules or engine.Rules(),
    )
    return {result.unit.id: result for result in assessment.units}


def indicator(spec: engine.IndicatorSpec, projects=(), receipts=(), *, unit_id: int = 1, as_of: dt.date = END):
    """The one indicator's result for unit ``unit_id`` (in a one-group, one-indicator assessment)."""
    results = run([unit(unit_id)], [group("g", spec)], projects, receipts, as_of=as_of)
    return results[unit_id].groups[0].indicators[0]


def ranked(results: dict[int, engine.UnitResult], category: str = "township") -> list[str]:
    """Unit codes of one category in page order (rank, then the tie order)."""
    rows = [r for r in results.values() if r.unit.category == category and r.rank is not None]
    return [r.unit.code for r in sorted(rows, key=lambda r: r.order)]


def flags(results: dict[int, engine.UnitResult]) -> dict[str, list[str]]:
    return {r.unit.code: r.flags for r in results.values()}
