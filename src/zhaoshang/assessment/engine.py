"""The assessment engine: pure functions on plain data, no database and no callbacks into one.

The pipeline: ``selectors`` read a period's facts from the ledger (already reduced to the period by the
ledger's rules in ``projects.rules``: per project the date it reached each stage the indicators read, and
its funds, or per unit the funds sums) → ``assess_facts`` here computes for every unit each indicator's
target, actual and completion, each group's completion, a score, the rank within the unit's category and
the flags of the reward and penalty rules (the period's consequences, ``targets.consequences``: a pure rule
model, the one module of the project this engine imports) → presenters (pages, JSON, .xlsx, .docx) write
them. Every figure carries the ids of the projects or receipts behind it, except a funds figure summed per unit
in SQL: its ids are None until ``selectors.read_drill_downs`` reads them, after the engine is done.

Rules of the assessment itself:
- Thresholds are inclusive ("1000万元以上" means ≥ 1000万), period ends are inclusive.
- A project counts at most once per indicator; credit is split by unit shares (60% → 0.6 of a project
  and 60% of its amounts).
- A group is met when any of its alternatives is met; its completion is its best alternative's.
- Score = weighted mean of group completions, each capped at ``score_cap``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from zhaoshang.targets import consequences as rulebook

ZERO = Decimal("0")
ONE = Decimal("1")

FLAGS = (
    "criticised",
    "accountability_candidate",
    "referred",
    "yellow_card",
    "half_time_warning",
    "zero_achievement",
    "vetoed",
    "barred",
    "commended",
    "promoted",
)
# The flags only a scheme's own consequences set (``targets.consequences``): listed where a unit has them.
OWN_RULE_FLAGS = ("barred", "promoted")
# The tie rule, stated on the assessment page and in the bulletin: equal scores (at the 4 places shown) share a
# rank and are treated alike by every reward and penalty; the order among them on a page only follows funds in
# place, then contract amount, then unit code.
TIE_RULE = "综合完成率相同的单位名次并列，奖惩同等适用；并列单位按实际到位资金、合同金额先后排列。"
# The same under a points scheme: points compare at the 2 places shown.
POINTS_TIE_RULE = "得分（保留两位小数）相同的单位名次并列，奖惩同等适用；并列单位按实际到位资金、合同金额先后排列。"


# --- inputs -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitInfo:
    id: int
    code: str
    name: str
    category: str
    tier: int | None
    parent_id: int | None = None


# A section (科室) is ranked only among the sections of its unit (``organization.choices.Category.SECTION``).
SECTION = "section"
SECTIONS_OF = "section:"


def ranking_key(unit: UnitInfo) -> str:
    """The group a unit is ranked in by category: its category, or for a section "section:<its unit's id>", the
    sections of the same unit (never the townships). ``section_parent`` reads the unit back."""
    if unit.category == SECTION and unit.parent_id is not None:
        return f"{SECTIONS_OF}{unit.parent_id}"
    return unit.category


def section_parent(key: str) -> int | None:
    """The unit whose sections a ranking group holds (None: not a group of sections)."""
    return int(key.removeprefix(SECTIONS_OF)) if key.startswith(SECTIONS_OF) else None


@dataclass(frozen=True)
class IndicatorSpec:
    name: str
    kind: str  # count | amount | funds | foreign
    stage: str = ""
    amount_field: str = "contract_amount"  # or planned_investment
    min_amount: Decimal = ZERO
    target: Decimal = ZERO
    id: int | None = None
    # Filters a points scheme's measures add (``targets.scoring.Measure``): amount below ``max_amount`` (None:
    # no limit; the band is [min_amount, max_amount)), project kind among ``kinds``, industry section among
    # ``industries`` (empty: any), high-tech only (True) or not high-tech (False).
    max_amount: Decimal | None = None
    kinds: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    high_tech: bool | None = None
    # A points scheme's recognition conditions (``assessment.conditions.Conditions``, opaque here: anything with
    # ``holds(fact, start, until)``, hashable) and floors by unit category ((category, minimum) pairs; the
    # others' floor is ``min_amount``).
    conditions: object = None
    min_by_category: tuple[tuple[str, Decimal], ...] = ()

    @property
    def filtered(self) -> bool:
        """Reads only some projects (a minimum or maximum amount, kinds, industries, high-tech or conditions)."""
        return bool(self.min_amount or self.max_amount is not None or self.kinds or self.industries) or (
            self.high_tech is not None or self.conditions is not None or bool(self.min_by_category)
        )

    def for_category(self, category: str) -> IndicatorSpec:
        """The spec a unit of ``category`` is measured by: its category's floor as the minimum."""
        if not self.min_by_category:
            return self
        return replace(self, min_amount=dict(self.min_by_category).get(category, self.min_amount), min_by_category=())

    def variants(self) -> tuple[IndicatorSpec, ...]:
        """The specs the units of every category are measured by (itself without floors by category)."""
        if not self.min_by_category:
            return (self,)
        return (self.for_category(""), *(self.for_category(category) for category, _ in self.min_by_category))


@dataclass(frozen=True)
class GroupSpec:
    name: str
    indicators: tuple[IndicatorSpec, ...]
    weight: Decimal = ONE


class PeriodFact(NamedTuple):
    """A recognised project reduced to what one period's assessment up to one date reads of it."""

    id: int
    credits: Mapping[int, Decimal]  # unit id → share as a fraction
    # Stage → the date the project reached it inside the period (its own event, or the first later one if
    # skipped), for the stages the indicators read and "signed"; a stage reached earlier, later or never
    # is absent.
    reached: Mapping[str, dt.date]
    planned_investment: Decimal = ZERO
    contract_amount: Decimal = ZERO
    foreign_usd: Decimal = ZERO
    funds: Decimal | None = None  # funds in place inside the period; None: no receipt then (or summed per unit)
    receipt_ids: Sequence[int] = ()  # those receipts
    kind: str = ""  # the project's kind, industry section and high-tech mark (filters of a scheme's measures)
    industry: str = ""
    high_tech: bool = False
    # What a points scheme's conditions read of the project (``assessment.conditions.FIELDS`` and ``signed_on``);
    # None when no measure sets a condition.
    conditions: Mapping | None = None


class FundsKey(NamedTuple):
    """What a funds figure summed per unit reads: the projects passing a spec's filters (``funds_key``)."""

    amount_field: str
    minimum: Decimal
    maximum: Decimal | None = None
    kinds: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    high_tech: bool | None = None
    conditions: object = None


def funds_key(spec: IndicatorSpec) -> FundsKey:
    return FundsKey(
        spec.amount_field,
        spec.min_amount,
        spec.max_amount,
        spec.kinds,
        spec.industries,
        spec.high_tech,
        spec.conditions,
    )


def passes(
    spec: IndicatorSpec | FundsKey, fact: PeriodFact, start: dt.date | None = None, until: dt.date | None = None
) -> bool:
    """Whether a project passes a spec's filters: its amount in [minimum, maximum), its kind, industry and
    high-tech mark, and a points scheme's conditions within ``start`` and ``until``."""
    if isinstance(spec, FundsKey):
        field, low, high, kinds, industries, high_tech, conditions = spec
    else:
        field, low, high = spec.amount_field, spec.min_amount, spec.max_amount
        kinds, industries, high_tech, conditions = spec.kinds, spec.industries, spec.high_tech, spec.conditions
    amount = fact.contract_amount if field == "contract_amount" else fact.planned_investment
    if amount < low or (high is not None and amount >= high):
        return False
    if kinds and fact.kind not in kinds:
        return False
    if industries and fact.industry not in industries:
        return False
    if high_tech is not None and fact.high_tech != high_tech:
        return False
    return conditions is None or conditions.holds(fact, start, until)


class UnitFunds(NamedTuple):
    """A unit's credited funds in place inside the period: in all, and of the projects passing each filtered
    funds indicator's or measure's filters (keyed by ``FundsKey``)."""

    total: Decimal
    floors: Mapping[FundsKey, Decimal]


@dataclass(frozen=True)
class PeriodFacts:
    """The facts of one period up to one date. ``projects``: the recognised projects that reached a stage
    the indicators read (or "signed") inside the period, or, when ``funds`` is None, that received funds
    in it; ``funds``: per unit sums, whose rows the engine leaves to ``selectors.read_drill_downs``."""

    projects: Sequence[PeriodFact]
    funds: Mapping[int, UnitFunds] | None = None


@dataclass(frozen=True)
class Rules:
    score_cap: Decimal = ONE
    criticise_bottom: Mapping[str, int] = field(default_factory=dict)  # category → N; default 3
    commend_top: Mapping[str, int] = field(default_factory=dict)
    # Never more than a third of a category is criticised, unless the bureau says so for the period.
    criticise_beyond_third: bool = False
    yellow_card_ratio: Decimal = Decimal("0.7")
    half_time_check: bool = True
    vetoes: Mapping[int, str] = field(default_factory=dict)  # unit id → reason
    # Units criticised in the issued bulletin just before this assessment: criticised again now, they are
    # candidates for accountability (责任追究), which a person decides with a reason (never this engine);
    # vertical departments are referred to their superior instead.
    previously_criticised: frozenset[int] = frozenset()
    # The categories whose units are referred to their superior rather than held accountable here (the vertical
    # departments, given by ``selectors.rules_for``).
    referred_categories: frozenset[str] = frozenset()
    default_n: int = 3
    # A points scheme: units are ranked by points (equal at 2 places share a rank) within these groups (unit id
    # → group; a unit in none is not ranked); None: by completion score within each category.
    ranking_groups: Mapping[int, str] | None = None
    # What a veto does under a points scheme: bar_honours (as always), zero (points 0), last (ranked last).
    veto_effect: str = "bar_honours"
    # The consequences (``targets.consequences``); None: the default set (decision 18).
    consequences: tuple | None = None
    # The units criticised in each earlier issued bulletin, the most recent first, as deep as the rules read
    # (``consecutive_criticisms``); empty: ``previously_criticised`` alone.
    criticised_history: tuple[frozenset[int], ...] = ()


# --- outputs ------------------------------------------------------------------------------------------


@dataclass
class IndicatorResult:
    """One indicator of one unit. ``project_ids`` and ``receipt_ids`` are the rows behind the figure; for a
    funds figure summed per unit they are None until ``selectors.read_drill_downs`` reads them."""

    spec: IndicatorSpec
    actual: Decimal
    completion: Decimal
    schedule_ratio: Decimal | None
    met: bool
    project_ids: list[int] | None = field(default_factory=list)
    receipt_ids: list[int] | None = field(default_factory=list)
    # (amount, share) of each project behind a stage figure, for a points scheme's banded items (``amounts``).
    amounts: list[tuple[Decimal, Decimal]] = field(default_factory=list)

    @property
    def rows_read(self) -> bool:
        return self.project_ids is not None


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
    rank: int | None = None  # shared by equal scores (1, 1, 3, …)
    rank_of: int | None = None
    order: int | None = None  # position on a page inside the category: rank, then the tie order
    flags: list[str] = field(default_factory=list)
    veto_reason: str = ""
    # A points scheme (``assessment.points``): the measures its items read (measure key → figure), the unit's
    # points in all (None: not scored) and per item.
    measured: dict[str, IndicatorResult] = field(default_factory=dict)
    points: Decimal | None = None
    items: list = field(default_factory=list)
    ranking_group: str | None = None  # the group the unit is ranked in (its category without a points scheme)


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


def _all_specs(groups_by_unit: Mapping[int, Sequence[GroupSpec]], measures: Iterable[IndicatorSpec]):
    for groups in groups_by_unit.values():
        for group in groups:
            yield from group.indicators
    yield from measures


def stages_read(groups_by_unit: Mapping[int, Sequence[GroupSpec]], measures: Iterable[IndicatorSpec] = ()) -> set[str]:
    """The stages whose reaching the indicators (and a points scheme's measures) read, and "signed" (the
    headline contract amount)."""
    stages = {"signed"}
    stages.update(spec.stage or "signed" for spec in _all_specs(groups_by_unit, measures) if spec.kind != "funds")
    return stages


def funds_floors(
    groups_by_unit: Mapping[int, Sequence[GroupSpec]], measures: Iterable[IndicatorSpec] = ()
) -> set[FundsKey]:
    """The filters (``FundsKey``) of every funds indicator or measure that reads only some projects."""
    return {
        funds_key(variant)
        for spec in _all_specs(groups_by_unit, measures)
        if spec.kind == "funds" and spec.filtered
        for variant in spec.variants()
        if variant.filtered
    }


class _Own:
    """One unit's facts, sorted once: per stage the projects that reached it inside the period, the
    projects with funds in it (each with the unit's share), and the headline sums."""

    __slots__ = ("contract", "funded", "funds", "reached")

    def __init__(self):
        self.reached: dict[str, list[tuple[Decimal, PeriodFact]]] = defaultdict(list)
        self.funded: list[tuple[Decimal, PeriodFact]] = []
        self.funds = ZERO
        self.contract = ZERO


_NOBODY = _Own()


def _by_unit(facts: PeriodFacts, start: dt.date, until: dt.date) -> dict[int, _Own]:
    own: dict[int, _Own] = {}
    for fact in facts.projects:
        stages = [stage for stage, on in fact.reached.items() if start <= on <= until]
        signed = "signed" in stages
        funds = fact.funds
        for unit_id, share in fact.credits.items():
            mine = own.get(unit_id)
            if mine is None:
                mine = own[unit_id] = _Own()
            if signed:
                mine.contract += share * fact.contract_amount
            if funds is not None:
                mine.funds += share * funds
            if not share:  # no share, nothing counted (but the headline sums above are zero anyway)
                continue
            for stage in stages:
                mine.reached[stage].append((share, fact))
            if funds is not None:
                mine.funded.append((share, fact))
    return own


def _evaluate(
    spec: IndicatorSpec,
    unit_id: int,
    mine: _Own,
    facts: PeriodFacts,
    progress: Decimal,
    start: dt.date | None = None,
    until: dt.date | None = None,
) -> IndicatorResult:
    actual = ZERO
    project_ids: list[int] = []
    receipt_ids: list[int] = []
    amounts: list[tuple[Decimal, Decimal]] = []
    by_contract = spec.amount_field == "contract_amount"
    # Filters beyond a minimum amount come only with a points scheme's measures: the plain path stays as fast.
    filtered = (
        spec.max_amount is not None
        or spec.kinds
        or spec.industries
        or spec.high_tech is not None
        or spec.conditions is not None
    )
    if spec.kind == "funds":
        if facts.funds is not None:  # summed per unit; the rows are read after the engine (read_drill_downs)
            sums = facts.funds.get(unit_id)
            if sums is not None:
                actual = sums.floors[funds_key(spec)] if spec.filtered else sums.total
                project_ids = receipt_ids = None
        else:
            for share, fact in mine.funded:
                if spec.filtered and not passes(spec, fact, start, until):
                    continue
                actual += share * fact.funds
                project_ids.append(fact.id)
                receipt_ids.extend(fact.receipt_ids)
    else:
        kind, floor = spec.kind, spec.min_amount
        for share, fact in mine.reached.get(spec.stage or "signed", ()):
            amount = fact.contract_amount if by_contract else fact.planned_investment
            if amount < floor or (filtered and not passes(spec, fact, start, until)):
                continue
            if kind == "count":
                actual += share
            elif kind == "amount":
                actual += share * amount
            elif kind == "foreign":
                if fact.foreign_usd <= 0:
                    continue
                actual += share * fact.foreign_usd
            project_ids.append(fact.id)
            amounts.append((amount, share))
    completion = ratio(actual, spec.target)
    return IndicatorResult(
        spec=spec,
        actual=actual,
        completion=completion,
        schedule_ratio=ratio(completion, progress) if progress else None,
        met=actual >= spec.target,
        project_ids=project_ids,
        receipt_ids=receipt_ids,
        amounts=amounts,
    )


def assess_facts(
    *,
    units: Iterable[UnitInfo],
    groups_by_unit: Mapping[int, Sequence[GroupSpec]],
    facts: PeriodFacts,
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    schedule_basis: str = "day",
    rules: Rules = Rules(),
    measures: Mapping[str, IndicatorSpec] | None = None,
    points: Callable[[list[UnitResult]], None] | None = None,
) -> Assessment:
    """Assess from facts already reduced to the period (``PeriodFacts``). A points scheme gives the
    ``measures`` its items read (each unit's figure lands in ``UnitResult.measured`` under the same key) and
    ``points``, a pure callable setting each result's ``points`` and ``items`` from them (``assessment.points``),
    called before ranking."""
    progress = schedule_progress(start, end, as_of, schedule_basis)
    until = min(end, as_of)
    own = _by_unit(facts, start, until)
    measured = list((measures or {}).items())
    results = []
    for unit in units:
        mine = own.get(unit.id, _NOBODY)
        group_results = []
        for group in groups_by_unit.get(unit.id, ()):
            indicators = [_evaluate(spec, unit.id, mine, facts, progress) for spec in group.indicators]
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
        if facts.funds is None:
            funds = mine.funds
        else:
            sums = facts.funds.get(unit.id)
            funds = ZERO if sums is None else sums.total
        results.append(
            UnitResult(
                unit=unit,
                groups=group_results,
                score=score,
                schedule_ratio=ratio(score, progress) if score is not None and progress else None,
                funds=funds,
                contract=mine.contract,
                measured={
                    key: _evaluate(spec.for_category(unit.category), unit.id, mine, facts, progress, start, until)
                    for key, spec in measured
                },
            )
        )
    if points is not None:
        points(results)
    _rank_and_flag(results, progress, rules)
    return Assessment(start=start, end=end, as_of=as_of, schedule_progress=progress, units=results)


def _value(result: UnitResult) -> Decimal:
    """What ranks a unit: its points at the 2 places shown (a points scheme), else its completion score at 4."""
    if result.points is not None:
        return result.points.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return round4(result.score)


def _groups(results: list[UnitResult], rules: Rules) -> dict[str, list[UnitResult]]:
    """The ranking groups: by category on the completion score, or a points scheme's groups on points."""
    groups: dict[str, list[UnitResult]] = defaultdict(list)
    for result in results:
        if rules.ranking_groups is None:
            if result.score is not None:
                groups[ranking_key(result.unit)].append(result)
        elif result.points is not None and result.unit.id in rules.ranking_groups:
            groups[rules.ranking_groups[result.unit.id]].append(result)
    return groups


def _rank_and_flag(results: list[UnitResult], progress: Decimal, rules: Rules) -> None:
    if rules.ranking_groups is not None and rules.veto_effect == "zero":
        for result in results:
            if result.unit.id in rules.vetoes and result.points is not None:
                result.points = ZERO
    for category, ranked in _groups(results, rules).items():
        # Higher score first. Scores compare at the precision shown (4 places; points at 2), so 28-digit Decimal
        # noise cannot break a real tie; tied units share a rank (``TIE_RULE``). A points scheme whose veto ranks
        # last puts vetoed units after every other.
        last = rules.veto_effect == "last" and rules.ranking_groups is not None
        ranked.sort(key=lambda r: (last and r.unit.id in rules.vetoes, -_value(r), -r.funds, -r.contract, r.unit.code))
        for position, result in enumerate(ranked, start=1):
            result.order, result.rank_of, result.ranking_group = position, len(ranked), category
            before = ranked[position - 2] if position > 1 else None
            same = (
                before is not None
                and _value(before) == _value(result)
                and (not last or (before.unit.id in rules.vetoes) == (result.unit.id in rules.vetoes))
            )
            result.rank = before.rank if same else position
        for result in ranked:
            if result.score is not None and rules.half_time_check and progress >= HALF and result.score < HALF:
                result.flags.append("half_time_warning")
            if result.funds == 0 and not _any_actual(result):
                result.flags.append("zero_achievement")
            if result.unit.id in rules.vetoes:
                result.flags.append("vetoed")
                result.veto_reason = rules.vetoes[result.unit.id]
        _apply_consequences(ranked, progress, rules, category)
        for result in ranked:
            result.flags.sort(key=FLAGS.index)


HALF = Decimal("0.5")


def _completion(result: UnitResult) -> Decimal | None:
    """The weighted completion of the unit's target groups, not capped (``completion_at_least``)."""
    if not result.groups:
        return None
    total = sum((g.spec.weight for g in result.groups), ZERO)
    if not total:
        return ZERO
    return sum((g.spec.weight * g.completion for g in result.groups), ZERO) / total


def _meets(condition, result: UnitResult, progress: Decimal, rules: Rules, history) -> bool:
    kind = condition.kind
    if kind == "behind_schedule":
        return _behind(result, progress)
    if kind == "on_schedule":
        return not _behind(result, progress)
    if kind == "completion_below":
        ratio_ = rules.yellow_card_ratio if condition.value is None else condition.value
        return result.score is not None and progress > 0 and result.score < ratio_ * progress
    if kind == "completion_at_least":
        completion = _completion(result)
        return completion is not None and round4(completion) >= condition.value
    if kind in ("points_below", "points_at_least"):
        if result.points is None:
            return False
        points = result.points.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return points < condition.value if kind == "points_below" else points >= condition.value
    if kind == "consecutive_criticisms":
        earlier = condition.n - 1
        return (
            "criticised" in result.flags
            and len(history) >= earlier
            and all(result.unit.id in history[i] for i in range(earlier))
        )
    if kind == "vetoed":
        return result.unit.id in rules.vetoes
    if kind == "zero_achievement":
        return "zero_achievement" in result.flags
    raise ValueError(kind)


def _apply_consequences(ranked: list[UnitResult], progress: Decimal, rules: Rules, group: str) -> None:
    """Each rule's action on the units of one ranking group meeting all its conditions, the actions in the order
    of ``targets.consequences.ACTIONS`` (honours last, held back by the penalties)."""
    book = rulebook.DEFAULT if rules.consequences is None else rules.consequences
    history = rules.criticised_history or (rules.previously_criticised,)
    for action in rulebook.ACTIONS:
        chosen: dict[int, UnitResult] = {}
        for rule in book:
            if rule.action != action:
                continue
            units = ranked
            if action in rulebook.HONOURS:
                # The best units no rule holds back: not vetoed, criticised, carded, barred or blank.
                units = [r for r in units if not rulebook.NO_HONOURS.intersection(r.flags) and _value(r) > 0]
            units = [
                r for r in units if all(_meets(c, r, progress, rules, history) for c in rule.conditions if not c.rank)
            ]
            rank = rule.rank
            if rank is not None and rank.kind == "rank_top":
                units = _first(units, rank.group_n(group, rules.commend_top, rules.default_n))
            elif rank is not None:
                units = _bottom(ranked, units, rank, rules, group)
            for result in units:
                chosen.setdefault(id(result), result)
        flag = rulebook.ACTION_FLAGS[action]
        for result in ranked:  # in rank order
            if id(result) not in chosen:
                continue
            this = flag
            if action == "accountability_candidate" and result.unit.category in rules.referred_categories:
                this = "referred"
            if this not in result.flags:
                result.flags.append(this)


def _behind(result: UnitResult, progress: Decimal) -> bool:
    """Behind its schedule progress (时序进度): the only units that can be criticised. Under a points scheme too
    this reads the completion score; a unit with no target groups (no score) is never behind."""
    return result.score is not None and round4(result.score) < round4(progress)


def _first(units: list[UnitResult], n: int) -> list[UnitResult]:
    """The first ``n`` of ``units`` (in the order a rule reads them), with every unit tied with the n-th: ties
    are treated alike."""
    if n <= 0 or not units:
        return []
    cut = units[: min(n, len(units))]
    last = _value(cut[-1])
    return cut + [u for u in units[len(cut) :] if _value(u) == last]


def _bottom(ranked: list[UnitResult], units: list[UnitResult], rank, rules: Rules, group: str) -> list[UnitResult]:
    """The bottom N of ``units`` (those of the group ``ranked`` meeting the rule's other conditions; 通报批评: the
    units behind their schedule), N per group (the period's, 3 where not set), never more than a third of the group
    unless the rule or the bureau allows it. Units tied with the last one taken are taken alike; when that would
    pass the third, the tied units at the boundary are all left out (the cap is a promise to the units)."""
    n = rank.group_n(group, rules.criticise_bottom, rules.default_n)
    beyond = rules.criticise_beyond_third if rank.third is None else not rank.third
    cap = len(ranked) if beyond else len(ranked) // 3
    n = min(n, cap)
    worst_first = list(reversed(units))
    chosen = _first(worst_first, n)
    if len(chosen) > cap:
        last = _value(worst_first[n - 1])
        chosen = [r for r in chosen if _value(r) != last]
    return chosen


def _any_actual(result: UnitResult) -> bool:
    return any(i.actual > 0 for g in result.groups for i in g.indicators) or any(
        m.actual > 0 for m in result.measured.values()
    )
