"""The year-end forecast: a seeded Monte Carlo over the pipeline, scored by the real assessment engine.

1. ``load_history`` reads the ledger as it stood on ``as_of``: stage events, receipts and statuses dated up
   to that day (nothing later is even read), with the projects' credits and recognition-rule facts.
2. ``estimate`` turns that history into the county's stage-to-stage conversion rates (with young projects
   censored), the empirical days each step takes, the funds-in-place pace after signing, and the pace at
   which new projects arrive per unit.
3. ``forecast`` plays the rest of the period ``runs`` times with ``random.Random(seed)``: each live
   project advances stage by stage and receives funds; the simulated stage dates and receipts are merged
   into the real facts and ``assessment.facts.assess`` scores every unit at the period's end — the same
   shares, thresholds, OR groups, weights and cap as the assessment itself.

docs/forecast.md gives the formulas and the back-test figures.
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from zhaoshang.assessment import engine, selectors
from zhaoshang.assessment.facts import ProjectFact, ReceiptFact
from zhaoshang.assessment.facts import assess as assess_facts
from zhaoshang.organization.models import Unit
from zhaoshang.projects import rules as ledger
from zhaoshang.projects.models import FundsReceipt, Project, ProjectCredit, StageEvent

STAGES = ledger.STAGES
LAST = len(STAGES) - 1
SIGNED = STAGES.index("signed")
CENT = Decimal("0.01")
ZERO = Decimal("0")
ONE = Decimal("1")

CENSOR_QUANTILE = 0.9  # an unconverted project counts as "not converted" once older than this quantile
MONTH_DAYS = 30  # the funds pace is measured in 30-day months after signing
PACE_MONTHS = 24  # months 24 and later share one pooled bucket
ARRIVAL_WINDOW_DAYS = 365  # new projects per unit are counted over the year before as_of
STALLED_RESTART = 0.1  # chance that a stalled project resumes before the period ends


# --- history and estimates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectHistory:
    """One project as the ledger showed it on ``as_of``."""

    id: int
    stage_dates: Mapping[str, dt.date]  # events dated up to as_of only
    status: str  # active | stalled | dropped, as of as_of
    credits: Mapping[int, Decimal]  # unit id → share as a fraction
    planned_investment: Decimal
    contract_amount: Decimal | None  # known once signed (by as_of); None before
    receipts: tuple[tuple[dt.date, Decimal], ...] = ()
    excluded: bool = False  # by the period's recognition rules
    foreign_usd: Decimal = ZERO

    def reached(self, index: int) -> dt.date | None:
        """The date the project reached stage ``index`` (``projects.rules.reached_on``)."""
        return ledger.reached_on(self.stage_dates, STAGES[index])

    def stage_index(self) -> int | None:
        """The furthest stage recorded."""
        return max((ledger.STAGE_INDEX[s] for s in self.stage_dates), default=None)


@dataclass(frozen=True)
class Transition:
    """From stage ``index`` to the next: how many converted, failed or are still too young to tell."""

    index: int
    converted: int
    failed: int
    censored: int
    censor_days: int | None  # the quantile of durations past which a waiting project counts as failed
    durations: tuple[int, ...]  # days taken by the converted ones, sorted

    @property
    def name(self) -> str:
        return f"{STAGES[self.index]}→{STAGES[self.index + 1]}"

    @property
    def rate(self) -> float:
        decided = self.converted + self.failed
        return self.converted / decided if decided else 0.0

    @property
    def median_days(self) -> int | None:
        return self.durations[len(self.durations) // 2] if self.durations else None

    def given_waited(self, days: int) -> tuple[float, tuple[int, ...]]:
        """Conversion probability and the durations still possible for a project already waiting ``days``.

        P(convert | not by d) = p·S(d) / (p·S(d) + 1 − p), S(d) = share of historical durations > d.
        """
        if not self.durations:
            return 0.0, ()
        later = self.durations[bisect.bisect_right(self.durations, days) :]
        survive = len(later) / len(self.durations)
        p = self.rate
        denominator = p * survive + (1 - p)
        return (p * survive / denominator if denominator > 0 else 0.0), later


@dataclass(frozen=True)
class Estimates:
    as_of: dt.date
    transitions: tuple[Transition, ...]
    pace: tuple[tuple[Decimal, ...], ...]  # per month after signing: observed shares of the contract amount
    contract_ratios: tuple[Decimal, ...]  # contract / planned of projects signed by as_of
    arrival_rates: tuple[tuple[int, float], ...]  # (unit id, new projects per day, credit-weighted)
    arrival_templates: tuple[int, ...]  # ids of the projects that arrived in the window

    def pace_mean(self, month: int) -> float:
        bucket = self.pace[min(month, PACE_MONTHS)] if self.pace else ()
        return float(sum(bucket) / len(bucket)) if bucket else 0.0


def _status_on(status: str, status_date: dt.date | None, as_of: dt.date) -> str:
    """A stall or drop dated after as_of had not happened yet (an undated one is taken as always true)."""
    if status == "active" or (status_date is not None and status_date > as_of):
        return "active"
    return status


def load_history(period, as_of: dt.date) -> dict[int, ProjectHistory]:
    """Every project with a stage event on or before ``as_of``, with only what was recorded by then.

    Four queries. Later stage events and receipts are never read; a later stall or drop is ignored; the
    contract amount of a project not signed by ``as_of`` is unknown (None). What the ledger does not date
    (planned investment, credits, recognition-rule facts, a signed project's contract amount) is taken as
    recorded now, as the assessment does.
    """
    events = defaultdict(dict)
    rows = StageEvent.objects.filter(date__lte=as_of).values_list("project_id", "stage", "date")
    for project_id, stage, date in rows:
        events[project_id][stage] = date
    receipts = defaultdict(list)
    for project_id, date, amount in (
        FundsReceipt.objects.filter(date__lte=as_of).order_by("date", "id").values_list("project_id", "date", "amount")
    ):
        receipts[project_id].append((date, amount))
    seen = StageEvent.objects.filter(date__lte=as_of).values("project_id")
    credits = defaultdict(dict)
    for project_id, unit_id, share in ProjectCredit.objects.filter(project_id__in=seen).values_list(
        "project_id", "unit_id", "share"
    ):
        credits[project_id][unit_id] = ledger.share_fraction(share)
    result = {}
    recognition = ledger.Recognition.of(period)
    for row in Project.objects.filter(pk__in=seen).values(*selectors.FACT_FIELDS, "status", "status_date"):
        pk = row["pk"]
        stage_dates = events.get(pk, {})
        signed = ledger.reached_on(stage_dates, "signed") is not None
        result[pk] = ProjectHistory(
            id=pk,
            stage_dates=stage_dates,
            status=_status_on(row["status"], row["status_date"], as_of),
            credits=credits.get(pk, {}),
            planned_investment=row["planned_investment"],
            # The engine reads the recorded contract amount; before signing it is not known yet.
            contract_amount=row["contract_amount"] if signed else None,
            receipts=tuple(receipts.get(pk, ())),
            excluded=not ledger.recognised(recognition, row),
            foreign_usd=ledger.foreign_usd(row, period.usd_rate),
        )
    return result


def _quantile_index(n: int, q: float) -> int:
    return max(0, math.ceil(q * n) - 1)


def estimate(histories: Iterable[ProjectHistory], as_of: dt.date) -> Estimates:
    """The county's rates, durations, funds pace and arrivals from its history up to ``as_of``.

    Anything dated after ``as_of`` in the input is ignored, so the estimate cannot see the future even if
    handed it.
    """
    projects = []
    for h in histories:
        dates = {s: d for s, d in h.stage_dates.items() if d <= as_of}
        if dates:
            receipts = tuple((d, a) for d, a in h.receipts if d <= as_of)
            projects.append((h, dates, receipts))

    def reached(dates, index):
        return ledger.reached_on(dates, STAGES[index])

    transitions = []
    for index in range(LAST):
        durations, waiting = [], []
        for h, dates, _r in projects:
            start = reached(dates, index)
            if start is None:
                continue
            end = reached(dates, index + 1)
            if end is not None:
                durations.append((end - start).days)
            else:
                waiting.append(((as_of - start).days, h.status))
        durations.sort()
        censor = durations[_quantile_index(len(durations), CENSOR_QUANTILE)] if durations else None
        failed = sum(1 for age, status in waiting if status != "active" or (censor is not None and age > censor))
        transitions.append(
            Transition(
                index=index,
                converted=len(durations),
                failed=failed,
                censored=len(waiting) - failed,
                censor_days=censor,
                durations=tuple(durations),
            )
        )

    # Funds pace: in each fully observed 30-day month after signing, the share of the contract received.
    buckets: list[list[Decimal]] = [[] for _ in range(PACE_MONTHS + 1)]
    ratios = []
    for h, dates, receipts in projects:
        signed_on = reached(dates, SIGNED)
        contract = h.contract_amount
        if signed_on is None or not contract or contract <= 0:
            continue
        if h.planned_investment > 0:
            ratios.append(contract / h.planned_investment)
        months = ((as_of - signed_on).days + 1) // MONTH_DAYS  # months fully observed
        per_month = defaultdict(lambda: ZERO)
        for date, amount in receipts:
            if date >= signed_on:
                per_month[(date - signed_on).days // MONTH_DAYS] += amount
        for month in range(months):
            buckets[min(month, PACE_MONTHS)].append(per_month[month] / contract)

    # Arrivals: credit-weighted new projects per unit and day over the window before as_of.
    first_dates = [min(dates.values()) for _h, dates, _r in projects]
    window_start = max(as_of - dt.timedelta(days=ARRIVAL_WINDOW_DAYS - 1), min(first_dates, default=as_of))
    window_days = (as_of - window_start).days + 1
    rates: dict[int, float] = defaultdict(float)
    templates = []
    for (h, _dates, _r), first in zip(projects, first_dates, strict=True):
        if first >= window_start:
            templates.append(h.id)
            for unit_id, share in h.credits.items():
                rates[unit_id] += float(share) / window_days
    return Estimates(
        as_of=as_of,
        transitions=tuple(transitions),
        pace=tuple(tuple(sorted(b)) for b in buckets),
        contract_ratios=tuple(sorted(ratios)),
        arrival_rates=tuple(sorted(rates.items())),
        arrival_templates=tuple(sorted(templates)),
    )


# --- results -----------------------------------------------------------------------------------------


@dataclass
class UnitForecast:
    unit_id: int
    code: str
    name: str
    category: str
    current_score: Decimal | None
    expected_score: Decimal | None
    p10: Decimal | None
    p90: Decimal | None
    # {name, weight, current_completion, expected_completion, p10_completion, p90_completion, current_met,
    #  probability_met}; for the county see ``forecast``.
    groups: list[dict] = field(default_factory=list)
    project_ids: list[int] = field(default_factory=list)  # pipeline projects it rests on, likeliest first
    project_odds: dict[int, float] = field(default_factory=dict)  # share of runs the project added to it
    expected_new_projects: float = 0.0  # simulated arrivals credited to the unit, mean per run
    is_county: bool = False


@dataclass
class ForecastResult:
    as_of: dt.date
    period_end: dt.date
    runs: int
    seed: int
    units: list[UnitForecast]
    county: UnitForecast
    estimates: Estimates
    arrivals: bool
    elapsed_ms: float = 0.0
    simulated_projects: int = 0


# --- the simulation ----------------------------------------------------------------------------------


class _Simulator:
    """The random draws, on day numbers (``date.toordinal()``) for speed."""

    def __init__(self, estimates: Estimates, as_of: dt.date, end: dt.date, rng: random.Random):
        self.est, self.rng = estimates, rng
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
class _Live:
    """A project the simulation can move, with what every run reuses."""

    history: ProjectHistory
    stage: int  # furthest stage reached by as_of
    since: int  # the day it reached that stage (ordinal)
    first: tuple[float, tuple[int, ...]]  # its first step's odds and durations, given the days waited
    restarts: bool  # a stalled project: moves only if it restarts
    received: Decimal  # funds received by as_of (all time)
    signed: int | None  # signing day (ordinal) if signed by as_of
    units: tuple[int, ...]  # the forecast units it can still add to


def _quantile(values: list[Decimal], q: float) -> Decimal | None:
    """Linear interpolation between order statistics (values sorted)."""
    if not values:
        return None
    position = q * (len(values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(values) - 1)
    fraction = Decimal(str(round(position - low, 6)))
    return values[low] + (values[high] - values[low]) * fraction


def _summary(values: list[Decimal]) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    if not values:
        return None, None, None
    ordered = sorted(values)
    mean = sum(values, ZERO) / len(values)
    return engine.round4(mean), engine.round4(_quantile(ordered, 0.1)), engine.round4(_quantile(ordered, 0.9))


def _open_indicators(unit_result: engine.UnitResult, cap: Decimal) -> list[engine.IndicatorSpec]:
    """The indicators of groups still open: not yet met at the cap (the only ones a new event can move)."""
    return [
        indicator.spec
        for group in unit_result.groups
        if not (group.met and group.completion >= cap)
        for indicator in group.indicators
    ]


def _can_add(spec: engine.IndicatorSpec, h: ProjectHistory, stage: int) -> bool:
    """Could this project still add to the indicator (by the end of the period)?"""
    if spec.amount_field == "planned_investment" or h.contract_amount is not None:
        amount = h.planned_investment if spec.amount_field == "planned_investment" else h.contract_amount
        if amount < spec.min_amount:
            return False
    if spec.kind == "funds":
        return True
    if spec.kind == "foreign" and h.foreign_usd <= 0:
        return False
    return ledger.STAGE_INDEX[spec.stage or "signed"] > stage


@dataclass(frozen=True)
class _View:
    """What a unit's open indicators read of a simulated project, so that runs the engine cannot tell apart
    share one evaluation: whether each counted stage was reached inside the period, the new funds if a
    funds indicator is open, and an amount either exactly (an open amount-sum indicator reads it) or only
    as which thresholds it passes."""

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


class _Forecaster:
    """What every run shares (real facts per unit, the baseline, the live projects) and the runs' tallies."""

    def __init__(self, period, as_of: dt.date, unit_ids, seed: int, arrivals: bool, check: bool = False):
        self.check = check
        self.as_of, self.end = as_of, period.end
        units = selectors.unit_infos()
        self.groups = selectors.group_specs(period, units)
        self.rules = selectors.rules_for(period, as_of)
        wanted = set(unit_ids) if unit_ids is not None else None
        self.targets = [u for u in units if u.id in self.groups and (wanted is None or u.id in wanted)]
        real_projects, real_receipts, _n = selectors.facts(period, as_of)
        self.histories = load_history(period, as_of)
        self.estimates = estimate(self.histories.values(), as_of)
        self.assess_args = {"start": period.start, "end": period.end, "schedule_basis": period.schedule_basis}
        self.assess_args["rules"] = self.rules
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
        self.open = {u: _open_indicators(r, cap) for u, r in self.baseline.items()}
        self.settled = {
            (u, gi) for u, r in self.baseline.items() for gi, g in enumerate(r.groups) if g.met and g.completion >= cap
        }
        self.baseline_ids = {
            (r.unit.id, gi, ii): set(ind.project_ids)
            for r in baseline.units
            for gi, g in enumerate(r.groups)
            for ii, ind in enumerate(g.indicators)
        }
        self.real_by_id = {p.id: p for p in real_projects}
        self.real_ids_by_unit: dict[int, set[int]] = defaultdict(set)
        for p in real_projects:
            for unit_id in p.credits:
                self.real_ids_by_unit[unit_id].add(p.id)
        self.receipts_by_project: dict[int, list[ReceiptFact]] = defaultdict(list)
        for r in real_receipts:
            self.receipts_by_project[r.project_id].append(r)

        self.rng = random.Random(seed)
        self.sim = _Simulator(self.estimates, as_of, self.end, self.rng)
        self.live = self._live() if as_of < self.end else []
        self.relevant: dict[int, list[int]] = defaultdict(list)  # unit → its live projects' ids
        for item in self.live:
            for unit_id in item.units:
                self.relevant[unit_id].append(item.history.id)
        open_units = {u for u, specs in self.open.items() if specs}
        self.arrival_rates = [(u, r) for u, r in self.estimates.arrival_rates if u in open_units and r > 0]
        self.templates = [self.histories[i] for i in self.estimates.arrival_templates] if arrivals else []

        self.start = period.start.toordinal()
        self.unit_by_id = {u.id: u for u in self.targets}
        self.open_units = [u.id for u in self.targets if self.open[u.id]]
        self.views = {u: _View.of(specs) for u, specs in self.open.items()}
        self.baseline_values = {
            u: (r.score, [(g.completion, g.met) for g in r.groups]) for u, r in self.baseline.items()
        }
        self.runs = 0
        self.cache: dict[tuple, tuple] = {}
        self.scores: dict[int, list[Decimal]] = {u.id: [] for u in self.targets}
        self.completions: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
        self.met: Counter = Counter()
        self.contributed: dict[int, Counter] = defaultdict(Counter)
        self.new_projects: Counter = Counter()

    def _live(self) -> list[_Live]:
        """Projects that can still add to an open indicator of a forecast unit: counted by the rules, not
        dropped, short of the last stage or signed with funds still to come."""
        live = []
        for h in sorted(self.histories.values(), key=lambda h: h.id):  # a fixed order: same seed, same draws
            stage = h.stage_index()
            if h.excluded or h.status == "dropped" or stage is None:
                continue
            units = tuple(u for u in h.credits if any(_can_add(spec, h, stage) for spec in self.open.get(u, ())))
            received = sum((a for _d, a in h.receipts), ZERO)
            if not units or (stage == LAST and (not h.contract_amount or received >= h.contract_amount)):
                continue
            since = (h.stage_dates.get(STAGES[stage]) or h.reached(stage)).toordinal()
            first = self.estimates.transitions[stage].given_waited(self.sim.as_of - since) if stage < LAST else (0, ())
            signed = h.reached(SIGNED)
            live.append(
                _Live(h, stage, since, first, h.status == "stalled", received, signed and signed.toordinal(), units)
            )
        return live

    # one run

    def run(self) -> None:
        """One simulated world: move the live projects, add arrivals, score the units it changed."""
        self.runs += 1
        self.moved: dict[int, tuple] = {}  # project id → (stages reached, contract, receipts, funds total)
        self.arrived: dict[int, list[tuple]] = defaultdict(list)  # unit → (template, stages, contract, …)
        for item in self.live:
            self._move(item)
        for unit_id, rate in self.arrival_rates if self.templates else ():
            self._arrivals(unit_id, rate)
        if self.check:
            self._met_before = dict(self.met)
        self._score()
        if self.check:
            self._check()

    def _move(self, item: _Live) -> None:
        h, sim = item.history, self.sim
        if item.restarts:
            if self.rng.random() >= STALLED_RESTART:
                return
            reached = sim.advance(item.stage, sim.as_of + self.rng.randint(1, max(1, sim.end - sim.as_of)), None)
        else:
            reached = sim.advance(item.stage, item.since, item.first)
        signed = item.signed or next((day for stage, day in reached if stage >= SIGNED), None)
        contract, flows = h.contract_amount, []
        if signed is not None:
            contract = contract if contract is not None else sim.contract(h.planned_investment)
            flows = sim.receipts(signed, contract, item.received)
        if reached or flows:
            self.moved[h.id] = (reached, contract or ZERO, flows, self._in_period(flows))

    def _arrivals(self, unit_id: int, rate: float) -> None:
        """New projects for the unit: a Poisson process at its rate of the last year. Each copies the
        amounts and recognition facts of a project that arrived in the county in that year, enters at that
        project's first stage and then moves like any other."""
        rng, sim, day = self.rng, self.sim, self.sim.as_of
        while True:
            day += max(1, math.ceil(rng.expovariate(rate)))
            if day > sim.end:
                return
            template = rng.choice(self.templates)
            entry = min(ledger.STAGE_INDEX[s] for s in template.stage_dates)
            reached = [(entry, day), *sim.advance(entry, day, None)]
            signed = next((d for stage, d in reached if stage >= SIGNED), None)
            contract, flows = ZERO, []
            if signed is not None:
                contract = sim.contract(template.planned_investment)
                flows = sim.receipts(signed, contract, ZERO)
            self.arrived[unit_id].append((template, reached, contract, flows, self._in_period(flows)))
            self.new_projects[unit_id] += 1

    def _in_period(self, flows) -> Decimal:
        return sum((amount for day, amount in flows if day >= self.start), ZERO)

    def _key(self, unit_id: int, stages, contract, funds, template=None) -> tuple | None:
        """What the engine can read of a simulated project for this unit's open indicators (see _View);
        None when nothing of it can matter."""
        view = self.views[unit_id]
        if template is not None and template.excluded:
            return None
        reached = []
        for wanted in view.stages:
            days = [d for s, d in stages if s >= wanted]
            reached.append(bool(days) and min(days) >= self.start)
        funds = funds if view.funds else ZERO
        if not any(reached) and not funds:
            return None
        key = (tuple(reached), view.read(contract, view.contract), funds)
        if template is not None:
            foreign = template.foreign_usd if view.foreign else template.foreign_usd > 0
            key += (view.read(template.planned_investment, view.planned), foreign)
        return key

    def _score(self) -> None:
        """The engine at the period's end for each unit whose open groups the run can change, remembered by
        what it reads of the simulated projects (``_key``); the baseline for the others."""
        keys, misses = {}, []
        for unit_id in self.open_units:
            parts = []
            for pid in self.relevant.get(unit_id, ()):
                if pid in self.moved:
                    stages, contract, _flows, funds = self.moved[pid]
                    part = self._key(unit_id, stages, contract, funds)
                    if part is not None:
                        parts.append((pid, part))
            news = []
            for template, stages, contract, _flows, funds in self.arrived.get(unit_id, ()):
                part = self._key(unit_id, stages, contract, funds, template)
                if part is not None:
                    news.append(part)
            if parts or news:
                key = (unit_id, tuple(parts), tuple(sorted(news, key=repr)))
                keys[unit_id] = key
                if key not in self.cache:
                    misses.append(self.unit_by_id[unit_id])
        if misses:
            self._evaluate(misses, keys)
        for unit in self.targets:
            if unit.id in keys:
                score, groups, added = self.cache[keys[unit.id]]
                self.contributed[unit.id].update(added)
            else:
                score, groups = self.baseline_values[unit.id]
            self.scores[unit.id].append(score)
            for gi, (completion, met) in enumerate(groups):
                self.completions[(unit.id, gi)].append(completion)
                self.met[(unit.id, gi)] += met

    def _evaluate(self, misses: list[engine.UnitInfo], keys: dict) -> None:
        """``engine.assess`` on the real facts with this run's simulated projects and receipts merged in."""
        facts, receipts, simulated = {}, [], set()
        for unit in misses:
            for pid in self.real_ids_by_unit.get(unit.id, ()):
                facts[pid] = self.real_by_id[pid]
            for pid in self.relevant.get(unit.id, ()):
                if pid in self.moved:
                    simulated.add(pid)
        for pid in simulated:
            h = self.histories[pid]
            stages, contract, flows, _funds = self.moved[pid]
            facts[pid] = self._fact(pid, h.credits, h.stage_dates, stages, h, contract, flows, receipts)
        next_id = -1
        for unit in misses:
            for template, stages, contract, flows, _funds in self.arrived.get(unit.id, ()):
                facts[next_id] = self._fact(next_id, {unit.id: ONE}, {}, stages, template, contract, flows, receipts)
                next_id -= 1
        for pid in facts:
            receipts.extend(self.receipts_by_project.get(pid, ()))
        view = assess_facts(
            units=misses,
            groups_by_unit=self.groups,
            projects=list(facts.values()),
            receipts=receipts,
            as_of=self.end,
            **self.assess_args,
        )
        for result in view.units:
            self.cache[keys[result.unit.id]] = (
                result.score,
                [(g.completion, g.met) for g in result.groups],
                self._added(result.unit.id, result, simulated),
            )

    def _fact(self, fact_id, credits, stage_dates, stages, template, contract, flows, receipts) -> ProjectFact:
        """A simulated project as an engine fact; its receipts (ids below zero) go to ``receipts``."""
        dates = dict(stage_dates)
        for stage, day in stages:
            dates[STAGES[stage]] = dt.date.fromordinal(day)
        for day, amount in flows:
            receipt_id = -1 - len(receipts)
            receipts.append(
                ReceiptFact(id=receipt_id, project_id=fact_id, date=dt.date.fromordinal(day), amount=amount)
            )
        return ProjectFact(
            id=fact_id,
            credits=credits,
            stage_dates=dates,
            planned_investment=template.planned_investment,
            contract_amount=contract,
            foreign_usd=template.foreign_usd,
            excluded=template.excluded,
        )

    def _added(self, unit_id: int, result: engine.UnitResult, simulated: set[int]) -> frozenset[int]:
        """Ledger projects that added to an open group of the unit: newly counted, or with simulated funds."""
        added = set()
        for gi, group in enumerate(result.groups):
            if (unit_id, gi) in self.settled:
                continue
            for ii, indicator in enumerate(group.indicators):
                if indicator.spec.kind == "funds":
                    added.update(i for i in indicator.project_ids if i in simulated and self.moved[i][3])
                else:
                    added.update(set(indicator.project_ids) - self.baseline_ids[(unit_id, gi, ii)])
        return frozenset(i for i in added if i > 0)

    def _check(self) -> None:
        """Test aid: score this run again the plain way — every unit, every simulated project and receipt,
        no shortcuts — and insist on the same scores, and the same completions and outcomes of the open
        groups (a group met at the cap is final: its further completion is not followed)."""
        receipts, facts = [], dict(self.real_by_id)
        for pid, (stages, contract, flows, _funds) in self.moved.items():
            h = self.histories[pid]
            facts[pid] = self._fact(pid, h.credits, h.stage_dates, stages, h, contract, flows, receipts)
        next_id = -1
        for unit_id, arrived in self.arrived.items():
            for template, stages, contract, flows, _funds in arrived:
                facts[next_id] = self._fact(next_id, {unit_id: ONE}, {}, stages, template, contract, flows, receipts)
                next_id -= 1
        for pid in facts:
            receipts.extend(self.receipts_by_project.get(pid, ()))
        view = assess_facts(
            units=self.targets,
            groups_by_unit=self.groups,
            projects=list(facts.values()),
            receipts=receipts,
            as_of=self.end,
            **self.assess_args,
        )
        for result in view.units:
            unit_id = result.unit.id
            assert result.score == self.scores[unit_id][-1], (unit_id, result.score, self.scores[unit_id][-1])
            for gi, group in enumerate(result.groups):
                if (unit_id, gi) not in self.settled:
                    assert group.completion == self.completions[(unit_id, gi)][-1], (unit_id, gi)
                    met_now = self.met[(unit_id, gi)] > self._met_before.get((unit_id, gi), 0)
                    assert group.met == met_now, (unit_id, gi)

    # the result

    def result(self, seed: int, arrivals: bool, started: float) -> ForecastResult:
        runs = self.runs
        forecasts = []
        for unit in self.targets:
            now, base = self.current[unit.id], self.baseline[unit.id]
            expected, p10, p90 = _summary(self.scores[unit.id] or [base.score])
            groups = []
            for gi, group in enumerate(base.groups):
                settled = (unit.id, gi) in self.settled
                values = [group.completion] if settled else self.completions[(unit.id, gi)] or [group.completion]
                mean, low, high = _summary(values)
                chance = 1.0 if settled else self.met[(unit.id, gi)] / runs if runs else float(group.met)
                groups.append(
                    {
                        "name": group.spec.name,
                        "weight": group.spec.weight,
                        "current_completion": engine.round4(now.groups[gi].completion),
                        "current_met": now.groups[gi].met,
                        "expected_completion": mean,
                        "p10_completion": low,
                        "p90_completion": high,
                        "probability_met": chance,
                    }
                )
            ranked = sorted(self.contributed[unit.id].items(), key=lambda item: (-item[1], item[0]))
            odds = {pid: n / runs for pid, n in ranked}
            forecasts.append(
                UnitForecast(
                    unit_id=unit.id,
                    code=unit.code,
                    name=unit.name,
                    category=unit.category,
                    current_score=engine.round4(now.score),
                    expected_score=expected,
                    p10=p10,
                    p90=p90,
                    groups=groups,
                    project_ids=list(odds),
                    project_odds=odds,
                    expected_new_projects=self.new_projects[unit.id] / runs if runs else 0.0,
                )
            )
        return ForecastResult(
            as_of=self.as_of,
            period_end=self.end,
            runs=runs,
            seed=seed,
            units=forecasts,
            county=self._county(forecasts),
            estimates=self.estimates,
            arrivals=arrivals,
            elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
            simulated_projects=len(self.live),
        )

    def _county(self, forecasts: list[UnitForecast]) -> UnitForecast:
        """The county over the forecast units: its score is the units' mean score; for each group name the
        completion is the units' mean completion (capped as in the score) and ``probability_met`` the
        expected share of those units meeting it."""
        root = Unit.objects.filter(parent__isnull=True).order_by("code").first()
        runs, cap, n_units = self.runs, self.rules.score_cap, len(forecasts)
        per_run = [sum((self.scores[f.unit_id][r] for f in forecasts), ZERO) / n_units for r in range(runs)]
        current = [self.current[f.unit_id].score for f in forecasts]
        expected, p10, p90 = _summary(per_run or ([sum(current, ZERO) / n_units] if forecasts else []))
        members: dict[str, list[tuple[UnitForecast, int]]] = {}
        for f in forecasts:
            for gi, group in enumerate(f.groups):
                members.setdefault(group["name"], []).append((f, gi))
        groups = []
        for name, pairs in members.items():
            n = len(pairs)
            now = [min(self.current[f.unit_id].groups[gi].completion, cap) for f, gi in pairs]

            def completion(f, gi, r):
                if (f.unit_id, gi) in self.settled:
                    return min(self.baseline[f.unit_id].groups[gi].completion, cap)
                return min(self.completions[(f.unit_id, gi)][r], cap)

            run_means = [sum((completion(f, gi, r) for f, gi in pairs), ZERO) / n for r in range(runs)]
            mean, low, high = _summary(run_means or [sum(now, ZERO) / n])
            groups.append(
                {
                    "name": name,
                    "units": n,
                    "current_completion": engine.round4(sum(now, ZERO) / n),
                    "current_met": sum(1 for f, gi in pairs if f.groups[gi]["current_met"]) / n,
                    "expected_completion": mean,
                    "p10_completion": low,
                    "p90_completion": high,
                    "probability_met": sum(f.groups[gi]["probability_met"] for f, gi in pairs) / n,
                }
            )
        odds: dict[int, float] = {}
        for f in forecasts:
            for pid, share in f.project_odds.items():
                odds[pid] = max(odds.get(pid, 0.0), share)
        return UnitForecast(
            unit_id=root.pk if root else 0,
            code=root.code if root else "",
            name=root.name if root else "",
            category=root.category if root else "jurisdiction",
            current_score=engine.round4(sum(current, ZERO) / n_units) if forecasts else None,
            expected_score=expected,
            p10=p10,
            p90=p90,
            groups=groups,
            project_ids=sorted(odds, key=lambda pid: (-odds[pid], pid)),
            project_odds=odds,
            expected_new_projects=sum(f.expected_new_projects for f in forecasts),
            is_county=True,
        )


def forecast(
    period,
    as_of: dt.date,
    *,
    unit_ids: Iterable[int] | None = None,
    runs: int = 2000,
    seed: int = 20261121,
    arrivals: bool = True,
) -> ForecastResult:
    """Expected score, its 10–90 % range and each target group's chance at ``period.end``, per unit.

    Reads only the ledger as it stood on ``as_of`` (plus the period's targets and rules). ``unit_ids``
    limits the units forecast (a reporter's subtree, say); the county figure is then over those units.
    ``arrivals`` adds projects not yet in the ledger at each unit's pace of the last year.
    """
    started = time.perf_counter()
    forecaster = _Forecaster(period, as_of, unit_ids, seed, arrivals)
    if as_of < period.end:
        # The runs allocate many small objects and free none of them in cycles: the cyclic collector
        # would only rescan the growing tallies again and again (a third of the time at 2,000 runs).
        collecting = gc.isenabled()
        gc.disable()
        try:
            for _ in range(runs):
                forecaster.run()
        finally:
            if collecting:
                gc.enable()
    return forecaster.result(seed, arrivals, started)
