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
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from zhaoshang.assessment import engine, selectors
from zhaoshang.assessment.facts import ProjectFact, ReceiptFact, summarize
from zhaoshang.assessment.facts import assess as assess_facts
from zhaoshang.projects import rules as ledger

from .history import STAGES
from .simulation import Future, World

ONE = Decimal("1")
ZERO = Decimal("0")


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
        # unit id → the units its credits roll up to (``selectors.roll_up``; empty with the roll-up off)
        self.rolls_into = selectors.roll_up(period)
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
        # The real facts reduced to the period at its end once (``facts.summarize``, as ``facts.assess`` does
        # on every call): each run reduces only its simulated projects.
        self.stages = engine.stages_read(self.groups)
        reduced = summarize(real_projects, real_receipts, period.start, self.end, self.stages)
        self.real_reduced = {fact.id: fact for fact in reduced.projects}
        # Runs the engine cannot tell apart share one evaluation (``_key``), whose outcome is kept here.
        self.start = period.start.toordinal()
        self.views = {u: _View.of(specs) for u, specs in self.open.items()}
        self.cache: dict[tuple, Outcome] = {}

    def score(self, world: World, relevant: Mapping[int, Sequence[int]]) -> dict[int, Outcome]:
        """Every forecast unit at the period's end in this world: the engine for the units whose open groups
        the run can change, remembered by what the engine can read of the simulated projects (``_key``);
        the baseline for the others."""
        outcomes = dict(self.baseline_outcomes)
        keys, misses = {}, []
        for unit_id in self.open_units:
            parts = []
            for pid in relevant.get(unit_id, ()):
                future = world.moved.get(pid)
                if future is not None:
                    part = self._key(unit_id, future)
                    if part is not None:
                        parts.append((pid, part))
            news = []
            for future in world.arrived.get(unit_id, ()):
                part = self._key(unit_id, future, new=True)
                if part is not None:
                    news.append(part)
            if parts or news:
                key = (unit_id, tuple(parts), tuple(sorted(news, key=repr)))
                keys[unit_id] = key
                if key not in self.cache:
                    misses.append(self.unit_by_id[unit_id])
        if misses:
            self._evaluate(world, relevant, misses, keys)
        for unit_id, key in keys.items():
            outcomes[unit_id] = self.cache[key]
        return outcomes

    def _evaluate(self, world: World, relevant, misses: list[engine.UnitInfo], keys: dict) -> None:
        """``facts.assess`` for ``misses`` on their real facts with this world merged in; the real facts are
        reduced once (``self.real_reduced``), only the simulated ones here — the same reduction, the same
        order of facts."""
        simulated = {pid for unit in misses for pid in relevant.get(unit.id, ()) if pid in world.moved}
        projects, receipts = self.facts(world, misses, simulated)
        fresh = [p for p in projects if p.id < 0 or p.id in simulated]
        own = [r for r in receipts if r.project_id < 0 or r.project_id in simulated]
        reduced = {f.id: f for f in summarize(fresh, own, self.assess_args["start"], self.end, self.stages).projects}
        period_facts = []
        for p in projects:
            fact = reduced.get(p.id) if p.id < 0 or p.id in simulated else self.real_reduced.get(p.id)
            if fact is not None:
                period_facts.append(fact)
        view = engine.assess_facts(
            units=misses,
            groups_by_unit=self.groups,
            facts=engine.PeriodFacts(projects=period_facts),
            as_of=self.end,
            **self.assess_args,
        )
        for result in view.units:
            self.cache[keys[result.unit.id]] = Outcome(
                result.score,
                [(g.completion, g.met) for g in result.groups],
                self._added(result, world, simulated),
            )

    def _key(self, unit_id: int, future: Future, *, new: bool = False) -> tuple | None:
        """What the unit's open indicators can tell apart of a simulated project (see ``_View``); None when
        nothing of it can matter."""
        view = self.views[unit_id]
        template = future.project
        if new and template.excluded:
            return None
        reached = []
        for wanted in view.stages:
            days = [d for s, d in future.stages if s >= wanted]
            reached.append(bool(days) and min(days) >= self.start)
        funds = future.funds if view.funds else ZERO
        if not any(reached) and not funds:
            return None
        key = (tuple(reached), view.read(future.contract, view.contract), funds)
        if new:
            foreign = template.foreign_usd if view.foreign else template.foreign_usd > 0
            key += (view.read(template.planned_investment, view.planned), foreign)
        return key

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


@dataclass(frozen=True)
class _View:
    """What a unit's open indicators read of a simulated project, so that runs the engine cannot tell apart
    share one evaluation: whether each counted stage was reached inside the period, the new funds if a
    funds indicator is open, and an amount either exactly (an open amount-sum indicator reads it) or only
    as which thresholds it passes. A cache key only: every outcome is the engine's."""

    stages: tuple[int, ...]
    funds: bool
    contract: tuple[Decimal, ...] | None  # None: read exactly
    planned: tuple[Decimal, ...] | None
    foreign: bool  # an open foreign-capital indicator reads the exact amount

    @classmethod
    def of(cls, specs: list[engine.IndicatorSpec]) -> _View:
        def amounts(name):
            if any(s.kind == "amount" and s.amount_field == name for s in specs):
                return None
            return tuple(sorted({s.min_amount for s in specs if s.amount_field == name}))

        return cls(
            stages=tuple(sorted({ledger.STAGE_INDEX[s.stage or "signed"] for s in specs if s.kind != "funds"})),
            funds=any(s.kind == "funds" for s in specs),
            contract=amounts("contract_amount"),
            planned=amounts("planned_investment"),
            foreign=any(s.kind == "foreign" for s in specs),
        )

    @staticmethod
    def read(amount: Decimal, thresholds: tuple[Decimal, ...] | None):
        return amount if thresholds is None else tuple(amount >= t for t in thresholds)
