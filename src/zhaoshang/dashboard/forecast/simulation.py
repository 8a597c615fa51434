"""The Monte Carlo: one seeded ``random.Random`` plays the rest of the period, run after run.

Each run moves the live projects stage by stage (on the estimated conversion rates and durations), lets the
signed ones receive funds at the estimated pace and adds new projects at each unit's pace of the last year.
What a run produces is plain data (``World``); scoring it is ``scoring``'s business. Everything is on day
numbers (``date.toordinal()``) for speed. docs/forecast.md, section 3, gives the rules of a run.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from zhaoshang.assessment import engine
from zhaoshang.projects import rules as ledger

from .history import LAST, MONTH_DAYS, PACE_MONTHS, SIGNED, STAGES, ZERO, Estimates, ProjectHistory

CENT = Decimal("0.01")
STALLED_RESTART = 0.1  # chance that a stalled project resumes before the period ends


class Simulator:
    """The random draws of one project's future: its next stages, its contract amount, its receipts."""

    def __init__(self, estimates: Estimates, as_of: dt.date, end: dt.date, rng: random.Random):
        self.rng = rng
        self.as_of, self.end = as_of.toordinal(), end.toordinal()
        self.steps = [(t.rate, t.durations) for t in estimates.transitions]
        # Each month's shares split into "nothing came" and the non-zero shares: one draw, same distribution.
        self.pace = [
            (sum(1 for x in b if not x) / len(b), tuple(x for x in b if x)) if b else (1.0, ()) for b in estimates.pace
        ]
        self.ratios = estimates.contract_ratios

    def contract(self, planned: Decimal) -> Decimal:
        ratio = self.rng.choice(self.ratios) if self.ratios else Decimal("1")
        return (planned * ratio).quantize(CENT)

    def advance(self, stage: int, day: int, first: tuple[float, tuple[int, ...]] | None) -> list[tuple[int, int]]:
        """The stages (index, day) reached after ``stage`` up to the period's end. ``first`` replaces the
        first step's rate and durations (a project that has already waited at its stage)."""
        rng, reached = self.rng, []
        while stage < LAST:
            p, durations = first or self.steps[stage]
            first = None
            if not durations or rng.random() >= p:
                break
            day += rng.choice(durations)
            if day > self.end:
                break
            stage += 1
            reached.append((stage, day))
        return reached

    def receipts(self, signed: int, contract: Decimal, received: Decimal) -> list[tuple[int, Decimal]]:
        """Funds after as_of: each 30-day month after signing draws a share of the contract from the shares
        projects received in that month of their life; the total never passes the contract amount."""
        if contract <= 0 or received >= contract:
            return []
        rng, out = self.rng, []
        for month in range(max(0, (self.as_of - signed) // MONTH_DAYS), (self.end - signed) // MONTH_DAYS + 1):
            nothing, shares = self.pace[min(month, PACE_MONTHS)]
            if not shares or rng.random() < nothing:
                continue
            share = rng.choice(shares)
            day = signed + month * MONTH_DAYS + rng.randrange(MONTH_DAYS)
            if day <= self.as_of or day > self.end:
                continue
            amount = min((contract * share).quantize(CENT), contract - received)
            if amount > 0:
                out.append((day, amount))
                received += amount
        return out


@dataclass
class Live:
    """A project the simulation can move, with what every run reuses."""

    history: ProjectHistory
    stage: int  # furthest stage reached by as_of
    since: int  # the day it reached that stage (ordinal)
    first: tuple[float, tuple[int, ...]]  # its first step's odds and durations, given the days waited
    restarts: bool  # a stalled project: moves only if it restarts
    received: Decimal  # funds received by as_of (all time)
    signed: int | None  # signing day (ordinal) if signed by as_of
    units: tuple[int, ...]  # the forecast units it can still add to


def can_add(spec: engine.IndicatorSpec, h: ProjectHistory, stage: int) -> bool:
    """Could this project still add to the indicator (by the end of the period)? Decides what is simulated
    at all; what a simulated project does add is the engine's to say."""
    if spec.amount_field == "planned_investment" or h.contract_amount is not None:
        amount = h.planned_investment if spec.amount_field == "planned_investment" else h.contract_amount
        if amount < spec.min_amount:
            return False
    if spec.kind == "funds":
        return True
    if spec.kind == "foreign" and h.foreign_usd <= 0:
        return False
    return ledger.STAGE_INDEX[spec.stage or "signed"] > stage


class Future(NamedTuple):
    """A project's simulated future: the stages it reaches after as_of (index, day), its contract amount,
    its receipts after as_of (day, amount) and their sum inside the period. ``project`` is the ledger
    project itself, or for a new project the one it copies."""

    project: ProjectHistory
    stages: list[tuple[int, int]]
    contract: Decimal
    flows: list[tuple[int, Decimal]]
    funds: Decimal


@dataclass
class World:
    """One run's outcome: the ledger projects that moved, by id, and the new projects, by unit."""

    moved: dict[int, Future]
    arrived: dict[int, list[Future]]


class Pipeline:
    """The live projects and the arrival paces every run shares, and the seeded draws of each run."""

    def __init__(
        self,
        histories: Mapping[int, ProjectHistory],
        estimates: Estimates,
        open_specs: Mapping[int, Sequence[engine.IndicatorSpec]],
        *,
        start: dt.date,
        as_of: dt.date,
        end: dt.date,
        seed: int,
        arrivals: bool,
    ):
        self.estimates = estimates
        self.rng = random.Random(seed)
        self.sim = Simulator(estimates, as_of, end, self.rng)
        self.start = start.toordinal()
        self.live = self._live(histories, open_specs) if as_of < end else []
        self.relevant: dict[int, list[int]] = defaultdict(list)  # unit → its live projects' ids
        for item in self.live:
            for unit_id in item.units:
                self.relevant[unit_id].append(item.history.id)
        open_units = {u for u, specs in open_specs.items() if specs}
        self.arrival_rates = [(u, r) for u, r in estimates.arrival_rates if u in open_units and r > 0]
        self.templates = [histories[i] for i in estimates.arrival_templates] if arrivals else []

    def _live(self, histories, open_specs) -> list[Live]:
        """Projects that can still add to an open indicator of a forecast unit: counted by the rules, not
        dropped, short of the last stage or signed with funds still to come."""
        live = []
        for h in sorted(histories.values(), key=lambda h: h.id):  # a fixed order: same seed, same draws
            stage = h.stage_index()
            if h.excluded or h.status == "dropped" or stage is None:
                continue
            units = tuple(u for u in h.credits if any(can_add(spec, h, stage) for spec in open_specs.get(u, ())))
            received = sum((a for _d, a in h.receipts), ZERO)
            if not units or (stage == LAST and (not h.contract_amount or received >= h.contract_amount)):
                continue
            since = (h.stage_dates.get(STAGES[stage]) or h.reached(stage)).toordinal()
            transitions = self.estimates.transitions
            first = transitions[stage].given_waited(self.sim.as_of - since) if stage < LAST else (0, ())
            signed = h.reached(SIGNED)
            live.append(
                Live(h, stage, since, first, h.status == "stalled", received, signed and signed.toordinal(), units)
            )
        return live

    def run(self) -> World:
        """One simulated world: move the live projects (by id), then add arrivals (unit by unit)."""
        world = World(moved={}, arrived=defaultdict(list))
        for item in self.live:
            moved = self._move(item)
            if moved is not None:
                world.moved[item.history.id] = moved
        for unit_id, rate in self.arrival_rates if self.templates else ():
            world.arrived[unit_id].extend(self._arrivals(rate))
        return world

    def _move(self, item: Live) -> Future | None:
        h, sim = item.history, self.sim
        if item.restarts:
            if self.rng.random() >= STALLED_RESTART:
                return None
            reached = sim.advance(item.stage, sim.as_of + self.rng.randint(1, max(1, sim.end - sim.as_of)), None)
        else:
            reached = sim.advance(item.stage, item.since, item.first)
        signed = item.signed or next((day for stage, day in reached if stage >= SIGNED), None)
        contract, flows = h.contract_amount, []
        if signed is not None:
            contract = contract if contract is not None else sim.contract(h.planned_investment)
            flows = sim.receipts(signed, contract, item.received)
        if reached or flows:
            return Future(h, reached, contract or ZERO, flows, self._in_period(flows))
        return None

    def _arrivals(self, rate: float) -> list[Future]:
        """New projects for a unit: a Poisson process at its rate of the last year. Each copies the amounts
        and recognition facts of a project that arrived in the county in that year, enters at that project's
        first stage and then moves like any other."""
        rng, sim, day, out = self.rng, self.sim, self.sim.as_of, []
        while True:
            day += max(1, math.ceil(rng.expovariate(rate)))
            if day > sim.end:
                return out
            template = rng.choice(self.templates)
            entry = min(ledger.STAGE_INDEX[s] for s in template.stage_dates)
            reached = [(entry, day), *sim.advance(entry, day, None)]
            signed = next((d for stage, d in reached if stage >= SIGNED), None)
            contract, flows = ZERO, []
            if signed is not None:
                contract = sim.contract(template.planned_investment)
                flows = sim.receipts(signed, contract, ZERO)
            out.append(Future(template, reached, contract, flows, self._in_period(flows)))

    def _in_period(self, flows) -> Decimal:
        return sum((amount for day, amount in flows if day >= self.start), ZERO)
