"""Whole facts: projects with every stage date and receipts, reduced to one period for the engine.

The reported basis reads a period's facts already reduced in SQL (``selectors.period_facts``); what needs
whole projects — the verified basis, the forecast's simulated projects, the engine's tests — builds
``ProjectFact`` and ``ReceiptFact`` rows and reduces them here with the same ledger rules
(``projects.rules``): a stage reached within the dates, funds within the dates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from zhaoshang.projects import rules as ledger

from . import conditions, engine

ZERO = Decimal("0")


@dataclass(frozen=True)
class ProjectFact:
    id: int
    credits: Mapping[int, Decimal]  # unit id → share as a fraction (0.6 for 60%)
    stage_dates: Mapping[str, dt.date]
    planned_investment: Decimal = ZERO
    contract_amount: Decimal = ZERO
    foreign_usd: Decimal = ZERO  # foreign capital in 10k USD; zero for domestic projects
    excluded: bool = False  # by the period's recognition rules
    kind: str = ""  # what a points scheme's measures filter on
    industry: str = ""
    high_tech: bool = False
    # What a points scheme's conditions read of the project (``conditions.FIELDS``); None: not read.
    conditions: Mapping | None = None

    def reached_on(self, stage: str, until: dt.date | None = None) -> dt.date | None:
        """The date the project reached ``stage`` (``projects.rules.reached_on``)."""
        return ledger.reached_on(self.stage_dates, stage, until)


@dataclass(frozen=True)
class ReceiptFact:
    id: int
    project_id: int
    date: dt.date
    amount: Decimal
    opening_balance: bool = False  # 期初结转: never within a period (``rules.received_within``)


def summarize(
    projects: Iterable[ProjectFact],
    receipts: Iterable[ReceiptFact],
    start: dt.date,
    until: dt.date,
    stages: Iterable[str],
) -> engine.PeriodFacts:
    """Reduce whole projects and receipts to the period from ``start`` to ``until``: excluded projects
    drop out, each project keeps the dates it reached ``stages`` inside the period and its funds there."""
    in_period: dict[int, list[ReceiptFact]] = defaultdict(list)
    for receipt in receipts:
        if ledger.received_within(receipt.date, start, until, receipt.opening_balance):
            in_period[receipt.project_id].append(receipt)
    wanted = sorted(stages, key=ledger.STAGE_INDEX.__getitem__)
    facts: list[engine.PeriodFact] = []
    for project in projects:
        if project.excluded:
            continue
        reached = {}
        for stage in wanted:
            if ledger.reached_within(project.stage_dates, stage, start, until):
                reached[stage] = ledger.reached_on(project.stage_dates, stage, until)
        own = in_period.get(project.id)
        if not reached and own is None:
            continue
        facts.append(
            engine.PeriodFact(
                id=project.id,
                credits=project.credits,
                reached=reached,
                planned_investment=project.planned_investment,
                contract_amount=project.contract_amount,
                foreign_usd=project.foreign_usd,
                funds=None if own is None else sum((r.amount for r in own), ZERO),
                receipt_ids=() if own is None else [r.id for r in own],
                kind=project.kind,
                industry=project.industry,
                high_tech=project.high_tech,
                conditions=_conditions(project, until),
            )
        )
    return engine.PeriodFacts(projects=facts)


def _conditions(project: ProjectFact, until: dt.date) -> dict | None:
    """What a scheme's conditions read of a project: its fields and the date it reached "signed" up to ``until``."""
    if project.conditions is None:
        return None
    return conditions.fact_row(project.conditions, ledger.reached_on(project.stage_dates, "signed", until))


def assess(
    *,
    units: Iterable[engine.UnitInfo],
    groups_by_unit: Mapping[int, Sequence[engine.GroupSpec]],
    projects: Sequence[ProjectFact],
    receipts: Sequence[ReceiptFact],
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    schedule_basis: str = "day",
    rules: engine.Rules = engine.Rules(),  # noqa: B008 - frozen, never mutated
) -> engine.Assessment:
    """Assess from whole projects and receipts: ``summarize``, then ``engine.assess_facts``."""
    facts = summarize(projects, receipts, start, min(end, as_of), engine.stages_read(groups_by_unit))
    return engine.assess_facts(
        units=units,
        groups_by_unit=groups_by_unit,
        facts=facts,
        start=start,
        end=end,
        as_of=as_of,
        schedule_basis=schedule_basis,
        rules=rules,
    )
