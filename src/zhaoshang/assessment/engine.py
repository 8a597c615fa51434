"""The assessment engine: pure functions on plain data, no database.

Given the units, their target groups, the projects and receipts (already reduced to facts by the
selectors) and the period's rules, it computes for every unit each indicator's target, actual and
completion, each group's completion, a score, the rank within the unit's category and the flags of the
reward and penalty rules. Every figure carries the ids of the projects or receipts behind it.

Rules, as the seeds and DOMAIN.md give them:
- Thresholds are inclusive ("1000万元以上" means ≥ 1000万), period ends are inclusive.
- A project "reaches" a stage on the date of that stage's event, or, if the stage was skipped, on the
  date of the first later stage recorded (a project that started has signed).
- A project counts at most once per indicator; credit is split by unit shares (60% → 0.6 of a project
  and 60% of its amounts).
- A group is met when any of its alternatives is met; its completion is its best alternative's.
- Score = weighted mean of group completions, each capped at ``score_cap``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
ONE = Decimal("1")
STAGES = ("lead", "negotiating", "intention", "signed", "started", "producing")
STAGE_INDEX = {stage: i for i, stage in enumerate(STAGES)}

FLAGS = ("criticised", "accountability", "yellow_card", "half_time_warning", "zero_achievement", "vetoed", "commended")


# --- inputs -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitInfo:
    id: int
    code: str
    name: str
    category: str
    tier: int | None


@dataclass(frozen=True)
class IndicatorSpec:
    name: str
    kind: str  # count | amount | funds | foreign
    stage: str = ""
    amount_field: str = "contract_amount"  # or planned_investment
    min_amount: Decimal = ZERO
    target: Decimal = ZERO
    id: int | None = None


@dataclass(frozen=True)
class GroupSpec:
    name: str
    indicators: tuple[IndicatorSpec, ...]
    weight: Decimal = ONE


@dataclass(frozen=True)
class ProjectFact:
    id: int
    credits: Mapping[int, Decimal]  # unit id → share as a fraction (0.6 for 60%)
    stage_dates: Mapping[str, dt.date]
    planned_investment: Decimal = ZERO
    contract_amount: Decimal = ZERO
    foreign_usd: Decimal = ZERO  # foreign capital in 10k USD; zero for domestic projects
    excluded: bool = False  # by the period's recognition rules

    def reached_on(self, stage: str) -> dt.date | None:
        """The date the project reached ``stage``: its own event, or the first later one if skipped."""
        wanted = STAGE_INDEX[stage]
        dates = [d for s, d in self.stage_dates.items() if STAGE_INDEX[s] >= wanted]
        return min(dates) if dates else None


@dataclass(frozen=True)
class ReceiptFact:
    id: int
    project_id: int
    date: dt.date
    amount: Decimal


@dataclass(frozen=True)
class Rules:
    score_cap: Decimal = ONE
    criticise_bottom: Mapping[str, int] = field(default_factory=dict)  # category → N; default 3
    commend_top: Mapping[str, int] = field(default_factory=dict)
    yellow_card_ratio: Decimal = Decimal("0.7")
    half_time_check: bool = True
    vetoes: Mapping[int, str] = field(default_factory=dict)  # unit id → reason
    # Units criticised in the issued bulletin just before this assessment (for accountability).
    previously_criticised: frozenset[int] = frozenset()
    default_n: int = 3


# --- outputs ------------------------------------------------------------------------------------------


@dataclass
class IndicatorResult:
    spec: IndicatorSpec
    actual: Decimal
    completion: Decimal
    schedule_ratio: Decimal | None
    met: bool
    project_ids: list[int] = field(default_factory=list)
    receipt_ids: list[int] = field(default_factory=list)


@dataclass
class GroupResult:
    spec: GroupSpec
    indicators: list[IndicatorResult]
    completion: Decimal
    met: bool
    schedule_ratio: Decimal | None


@dataclass
class UnitResult:
    unit: UnitInfo
    groups: list[GroupResult]
    score: Decimal | None  # None when the unit has no targets in the period
    schedule_ratio: Decimal | None
    funds: Decimal  # credited funds in place in the period (tie-breaker, headline)
    contract: Decimal  # credited contract amount of projects signed in the period (tie-breaker)
    counted_projects: int
    rank: int | None = None
    rank_of: int | None = None
    flags: list[str] = field(default_factory=list)
    veto_reason: str = ""


@dataclass
class Assessment:
    start: dt.date
    end: dt.date
    as_of: dt.date
    schedule_progress: Decimal
    units: list[UnitResult]


# --- schedule -----------------------------------------------------------------------------------------


def schedule_progress(start: dt.date, end: dt.date, as_of: dt.date, basis: str = "day") -> Decimal:
    """Share of the period elapsed on ``as_of``: by day (both ends inclusive) or by completed months."""
    if as_of < start:
        return ZERO
    if basis == "month":
        total = (end.year - start.year) * 12 + end.month - start.month + 1
        done = 0
        for index in range(total):
            year, month = divmod(start.month - 1 + index, 12)
            last_day = _month_end(start.year + year, month + 1)
            if min(last_day, end) <= as_of:
                done += 1
        return Decimal(done) / Decimal(total)
    total_days = (end - start).days + 1
    elapsed = min((as_of - start).days + 1, total_days)
    return Decimal(elapsed) / Decimal(total_days)


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal:
    if denominator == 0:
        return ONE if numerator >= 0 else ZERO
    return numerator / denominator


def round4(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


# --- the engine ---------------------------------------------------------------------------------------


def _amount(project: ProjectFact, amount_field: str) -> Decimal:
    return project.contract_amount if amount_field == "contract_amount" else project.planned_investment


def evaluate_indicator(
    spec: IndicatorSpec,
    unit_id: int,
    projects: Sequence[ProjectFact],
    receipts_by_project: Mapping[int, Sequence[ReceiptFact]],
    start: dt.date,
    until: dt.date,
    progress: Decimal,
) -> IndicatorResult:
    actual = ZERO
    project_ids: list[int] = []
    receipt_ids: list[int] = []
    for project in projects:
        share = project.credits.get(unit_id)
        if not share or project.excluded:
            continue
        if spec.kind == "funds":
            if spec.min_amount and _amount(project, spec.amount_field) < spec.min_amount:
                continue
            counted = False
            for receipt in receipts_by_project.get(project.id, ()):
                if start <= receipt.date <= until:
                    actual += share * receipt.amount
                    receipt_ids.append(receipt.id)
                    counted = True
            if counted:
                project_ids.append(project.id)
            continue
        reached = project.reached_on(spec.stage or "signed")
        if reached is None or not (start <= reached <= until):
            continue
        amount = _amount(project, spec.amount_field)
        if amount < spec.min_amount:
            continue
        if spec.kind == "count":
            actual += share
        elif spec.kind == "amount":
            actual += share * amount
        elif spec.kind == "foreign":
            if project.foreign_usd <= 0:
                continue
            actual += share * project.foreign_usd
        project_ids.append(project.id)
    completion = ratio(actual, spec.target)
    return IndicatorResult(
        spec=spec,
        actual=actual,
        completion=completion,
        schedule_ratio=ratio(completion, progress) if progress else None,
        met=actual >= spec.target,
        project_ids=project_ids,
        receipt_ids=receipt_ids,
    )


def assess(
    *,
    units: Iterable[UnitInfo],
    groups_by_unit: Mapping[int, Sequence[GroupSpec]],
    projects: Sequence[ProjectFact],
    receipts: Sequence[ReceiptFact],
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    schedule_basis: str = "day",
    rules: Rules = Rules(),
) -> Assessment:
    progress = schedule_progress(start, end, as_of, schedule_basis)
    until = min(end, as_of)
    receipts_by_project: dict[int, list[ReceiptFact]] = defaultdict(list)
    for receipt in receipts:
        receipts_by_project[receipt.project_id].append(receipt)
    projects_by_unit: dict[int, list[ProjectFact]] = defaultdict(list)
    for project in projects:
        for unit_id in project.credits:
            projects_by_unit[unit_id].append(project)

    results = []
    for unit in units:
        own = projects_by_unit.get(unit.id, [])
        group_results = []
        for group in groups_by_unit.get(unit.id, ()):
            indicators = [
                evaluate_indicator(spec, unit.id, own, receipts_by_project, start, until, progress)
                for spec in group.indicators
            ]
            completion = max((i.completion for i in indicators), default=ZERO)
            group_results.append(
                GroupResult(
                    spec=group,
                    indicators=indicators,
                    completion=completion,
                    met=any(i.met for i in indicators),
                    schedule_ratio=ratio(completion, progress) if progress else None,
                )
            )
        score = None
        if group_results:
            total_weight = sum((g.spec.weight for g in group_results), ZERO)
            score = sum((g.spec.weight * min(g.completion, rules.score_cap) for g in group_results), ZERO)
            score = score / total_weight if total_weight else ZERO
        funds, contract, counted = _headline(unit.id, own, receipts_by_project, start, until)
        results.append(
            UnitResult(
                unit=unit,
                groups=group_results,
                score=score,
                schedule_ratio=ratio(score, progress) if score is not None and progress else None,
                funds=funds,
                contract=contract,
                counted_projects=counted,
            )
        )
    _rank_and_flag(results, progress, rules)
    return Assessment(start=start, end=end, as_of=as_of, schedule_progress=progress, units=results)


def _headline(unit_id, projects, receipts_by_project, start, until) -> tuple[Decimal, Decimal, int]:
    """Credited funds in place and contract amount signed in the period, and how many projects moved."""
    funds = contract = ZERO
    moved = 0
    for project in projects:
        if project.excluded:
            continue
        share = project.credits[unit_id]
        for receipt in receipts_by_project.get(project.id, ()):
            if start <= receipt.date <= until:
                funds += share * receipt.amount
        signed = project.reached_on("signed")
        if signed is not None and start <= signed <= until:
            contract += share * project.contract_amount
        if any(start <= d <= until for d in project.stage_dates.values()):
            moved += 1
    return funds, contract, moved


def _rank_and_flag(results: list[UnitResult], progress: Decimal, rules: Rules) -> None:
    by_category: dict[str, list[UnitResult]] = defaultdict(list)
    for result in results:
        if result.score is not None:
            by_category[result.unit.category].append(result)
    for category, ranked in by_category.items():
        # Higher score first; ties by funds in place, then contract amount, then unit code. Scores compare
        # at the precision shown (4 places), so 28-digit Decimal noise cannot break a real tie.
        ranked.sort(key=lambda r: (-round4(r.score), -r.funds, -r.contract, r.unit.code))
        for position, result in enumerate(ranked, start=1):
            result.rank, result.rank_of = position, len(ranked)
        bottom = rules.criticise_bottom.get(category, rules.default_n)
        for result in ranked[max(0, len(ranked) - bottom) :] if bottom > 0 else []:
            result.flags.append("criticised")
            if result.unit.id in rules.previously_criticised:
                result.flags.append("accountability")
        for result in ranked:
            score = result.score
            if progress > 0 and score < rules.yellow_card_ratio * progress:
                result.flags.append("yellow_card")
            if rules.half_time_check and progress >= Decimal("0.5") and score < Decimal("0.5"):
                result.flags.append("half_time_warning")
            if result.funds == 0 and not _any_actual(result):
                result.flags.append("zero_achievement")
            if result.unit.id in rules.vetoes:
                result.flags.append("vetoed")
                result.veto_reason = rules.vetoes[result.unit.id]
        top = rules.commend_top.get(category, rules.default_n)
        # Commendation goes to the best units no rule holds back: not vetoed, criticised, carded or blank.
        barred = {"vetoed", "zero_achievement", "criticised", "yellow_card"}
        eligible = [r for r in ranked if not barred.intersection(r.flags) and r.score > 0]
        for result in eligible[:top]:
            result.flags.append("commended")
        for result in ranked:
            result.flags.sort(key=FLAGS.index)


def _any_actual(result: UnitResult) -> bool:
    return any(i.actual > 0 for g in result.groups for i in g.indicators)
