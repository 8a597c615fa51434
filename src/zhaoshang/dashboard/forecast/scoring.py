"""Scoring simulated worlds through the assessment engine itself.

``Scoring`` reads the period as the assessment does (``assessment.selectors``: units, groups, rules, the
facts as of ``as_of``), scores today's standing and the baseline (the same facts read at the period's end:
the outcome if nothing moves), and then scores each run: the simulated stage dates and receipts are merged
into the real facts as ``ProjectFact`` and ``ReceiptFact`` rows — the types the verified assessment reads —
and ``assessment.facts.assess`` scores every unit the run touched at the period's end. Shares, thresholds,
OR groups, weights, the cap and the recognition rules are the engine's; nothing here restates them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import NamedTuple

from zhaoshang.assessment import engine, selectors
from zhaoshang.assessment.facts import ProjectFact, ReceiptFact
from zhaoshang.assessment.facts import assess as assess_facts

from .history import STAGES
from .simulation import Future, World

ONE = Decimal("1")


class Outcome(NamedTuple):
    """One unit at the end of one run: its score, each group's (completion, met), and the ledger projects
    that added to its open groups."""

    score: Decimal | None
    groups: list[tuple[Decimal, bool]]
    added: frozenset[int]


def open_indicators(unit_result: engine.UnitResult, cap: Decimal) -> list[engine.IndicatorSpec]:
    """The indicators of groups still open: not yet met at the cap (a group met at the cap is final)."""
    return [
        indicator.spec
        for group in unit_result.groups
        if not (group.met and group.completion >= cap)
        for indicator in group.indicators
    ]


class Scoring:
    """The period as the engine sees it on ``as_of`` and at its end, and the engine on each run's world."""

    def __init__(self, period, as_of: dt.date, unit_ids: Collection[int] | None = None):
        self.as_of, self.end = as_of, period.end
        units = selectors.unit_infos()
        self.groups = selectors.group_specs(period, units)
        self.rules = selectors.rules_for(period, as_of)
        wanted = set(unit_ids) if unit_ids is not None else None
        self.targets = [u for u in units if u.id in self.groups and (wanted is None or u.id in wanted)]
        self.unit_by_id = {u.id: u for u in self.targets}
        real_projects, real_receipts, _n = selectors.facts(period, as_of)
        self.assess_args = {
            "start": period.start,
            "end": period.end,
            "schedule_basis": period.schedule_basis,
            "rules": self.rules,
        }
        # Today's standing, and the same facts read at the period's end: the outcome if nothing moves.
        current = assess_facts(
            units=units,
            groups_by_unit=self.groups,
            projects=real_projects,
            receipts=real_receipts,
            as_of=as_of,
            **self.assess_args,
        )
        self.current = {r.unit.id: r for r in current.units}
        baseline = assess_facts(
            units=self.targets,
            groups_by_unit=self.groups,
            projects=real_projects,
            receipts=real_receipts,
            as_of=max(self.end, as_of),
            **self.assess_args,
        )
        self.baseline = {r.unit.id: r for r in baseline.units}
        cap = self.rules.score_cap
        self.open = {u: open_indicators(r, cap) for u, r in self.baseline.items()}
        self.open_units = [u.id for u in self.targets if self.open[u.id]]
        self.settled = {
            (u, gi) for u, r in self.baseline.items() for gi, g in enumerate(r.groups) if g.met and g.completion >= cap
        }
        self.baseline_ids = {
            (r.unit.id, gi, ii): set(ind.project_ids)
            for r in baseline.units
            for gi, g in enumerate(r.groups)
            for ii, ind in enumerate(g.indicators)
        }
        self.baseline_outcomes = {
            u: Outcome(r.score, [(g.completion, g.met) for g in r.groups], frozenset())
            for u, r in self.baseline.items()
        }
        self.real_by_id = {p.id: p for p in real_projects}
        self.real_ids_by_unit: dict[int, set[int]] = defaultdict(set)
        for p in real_projects:
            for unit_id in p.credits:
                self.real_ids_by_unit[unit_id].add(p.id)
        self.receipts_by_project: dict[int, list[ReceiptFact]] = defaultdict(list)
        for r in real_receipts:
            self.receipts_by_project[r.project_id].append(r)

    def score(self, world: World, relevant: Mapping[int, Sequence[int]]) -> dict[int, Outcome]:
        """Every forecast unit at the period's end in this world: the engine for the units whose live
        projects (``relevant``: unit → ids) moved or that received new projects, the baseline for the others."""
        touched = [
            self.unit_by_id[u]
            for u in self.open_units
            if world.arrived.get(u) or any(pid in world.moved for pid in relevant.get(u, ()))
        ]
        outcomes = dict(self.baseline_outcomes)
        if not touched:
            return outcomes
        simulated = {pid for unit in touched for pid in relevant.get(unit.id, ()) if pid in world.moved}
        projects, receipts = self.facts(world, touched, simulated)
        view = assess_facts(
            units=touched,
            groups_by_unit=self.groups,
            projects=projects,
            receipts=receipts,
            as_of=self.end,
            **self.assess_args,
        )
        for result in view.units:
            outcomes[result.unit.id] = Outcome(
                result.score,
                [(g.completion, g.met) for g in result.groups],
                self._added(result, world, simulated),
            )
        return outcomes

    def facts(
        self, world: World, units: Sequence[engine.UnitInfo], simulated: Collection[int]
    ) -> tuple[list[ProjectFact], list[ReceiptFact]]:
        """The engine's facts of ``units`` in this world: their real projects and receipts, with the
        ``simulated`` ledger projects' futures and the units' new projects (ids below zero) merged in."""
        facts: dict[int, ProjectFact] = {}
        receipts: list[ReceiptFact] = []
        for unit in units:
            for pid in self.real_ids_by_unit.get(unit.id, ()):
                facts[pid] = self.real_by_id[pid]
        for pid in simulated:
            future = world.moved[pid]
            facts[pid] = _fact(pid, future.project.credits, future.project.stage_dates, future, receipts)
        next_id = -1
        for unit in units:
            for future in world.arrived.get(unit.id, ()):
                facts[next_id] = _fact(next_id, {unit.id: ONE}, {}, future, receipts)
                next_id -= 1
        for pid in facts:
            receipts.extend(self.receipts_by_project.get(pid, ()))
        return list(facts.values()), receipts

    def _added(self, result: engine.UnitResult, world: World, simulated: Collection[int]) -> frozenset[int]:
        """Ledger projects that added to an open group of the unit: newly counted, or with simulated funds."""
        unit_id, added = result.unit.id, set()
        for gi, group in enumerate(result.groups):
            if (unit_id, gi) in self.settled:
                continue
            for ii, indicator in enumerate(group.indicators):
                if indicator.spec.kind == "funds":
                    added.update(i for i in indicator.project_ids if i in simulated and world.moved[i].funds)
                else:
                    added.update(set(indicator.project_ids) - self.baseline_ids[(unit_id, gi, ii)])
        return frozenset(i for i in added if i > 0)


def _fact(fact_id: int, credits, stage_dates, future: Future, receipts: list[ReceiptFact]) -> ProjectFact:
    """A simulated project as an engine fact; its simulated receipts (ids below zero) go to ``receipts``."""
    dates = dict(stage_dates)
    for stage, day in future.stages:
        dates[STAGES[stage]] = dt.date.fromordinal(day)
    for day, amount in future.flows:
        receipt_id = -1 - len(receipts)
        receipts.append(ReceiptFact(id=receipt_id, project_id=fact_id, date=dt.date.fromordinal(day), amount=amount))
    template = future.project
    return ProjectFact(
        id=fact_id,
        credits=credits,
        stage_dates=dates,
        planned_investment=template.planned_investment,
        contract_amount=future.contract,
        foreign_usd=template.foreign_usd,
        excluded=template.excluded,
    )
