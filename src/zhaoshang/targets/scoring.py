"""Points-based scoring schemes (考核办法 as data): pure functions on plain data, no database (issue 13).

A county's 招商引资考核办法 scores each unit item by item out of a full score: base items (分值 for meeting the
task), bonus items (加分项, capped) and deductions (扣分项, capped), each rounded to its places (2 by default,
half up) and then summed. Each item reads one *measure* per unit (a count, an amount, funds in place, a ratio
of two measures, late reports…; computed from the ledger by the selectors, by the ledger's rules) and turns it
into points by one *scoring function*:

- ``ratio``: actual ÷ task × 分值, capped (at 分值 unless the item sets ``cap``); a unit without a task gets 分值
  when it has anything, else 0 (``ratio_points``).
- ``efficacy`` (功效系数) across the ranking group: 60% × 分值 + 40% × 分值 × (x − min) ÷ (max − min); when every
  unit of the group has the same value, each gets 分值 if it is above zero and 60% of it if zero
  (``efficacy_points``).
- ``step``: ``base`` points for meeting the task, ± ``per_step`` for every full ``step`` (10 percentage points by
  default) of completion above or below it, within ``up`` and ``down`` limits (``step_points``).
- ``per_count``: ``base`` points for meeting the task, ± ``per_above`` / ``per_below`` per project (or unit of the
  measure) above or below it, within limits (``per_count_points``).
- ``banded``: points per project by the band its amount falls in ([low, high): 以上 includes the number), summed
  and capped (``banded_points``).
- ``per_occurrence``: points per occurrence (a late report, a criticism, a figure found inflated), capped; used by
  deductions (``per_occurrence_points``).
- ``threshold``: 分值 when the measure reaches the task, else 0 (``threshold_points``).
- ``stretch`` (任务 and 力争): ``base`` share of 分值 (80% by default) for reaching the task, full 分值 for reaching
  the 力争 (the target of the unit's group named ``params.stretch_group``), linear in between; below the task
  actual ÷ task × base share (``stretch_points``).

Bonus points are added and deductions subtracted after each item's own cap; the total is not capped at the full
score unless the scheme says so (``cap_total``): a 双百分制 of 200 is a full score of 100 plus bonus points.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal

from zhaoshang.organization.choices import Category
from zhaoshang.projects.choices import DIVISIONS, EVENT_LEVEL_ORDER

ZERO = Decimal("0")
ONE = Decimal("1")
SIXTY = Decimal("0.6")

SECTIONS = ("base", "bonus", "deduction")
FUNCTIONS = ("ratio", "efficacy", "step", "per_count", "banded", "per_occurrence", "threshold", "stretch")


def gettext_noop(message: str) -> str:
    """Marks a message for the translation catalogue; the Django layer translates it (this module is pure)."""
    return message


class SchemeError(ValueError):
    """A scheme that cannot be computed: ``message`` (English, translated by the caller with ``gettext``) with
    ``params``; ``params["item"]`` names the item."""

    def __init__(self, message: str, **params):
        super().__init__(message % params)
        self.message, self.params = message, params
        self.item = params.get("item", "")


@dataclass(frozen=True)
class Band:
    """Projects with an amount in [low, high) (high None: no upper limit) earn ``points`` each."""

    low: Decimal
    high: Decimal | None
    points: Decimal

    def holds(self, amount: Decimal) -> bool:
        return amount >= self.low and (self.high is None or amount < self.high)


@dataclass(frozen=True)
class Item:
    """One line of a scheme's 评分细则."""

    code: str
    name: str
    function: str
    points: Decimal = ZERO  # 分值: full points of a base item; points per step/occurrence are in params
    section: str = "base"
    cap: Decimal | None = None  # at most this many points (bonus) or this many deducted (deduction)
    places: int = 2
    # Function parameters: step (Decimal, 0.1), per_step, up, down, base, per_above, per_below, each, bands.
    params: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class Value:
    """What a measure gives one unit for one item: the figure, the task it is held against (None: no task),
    and for ``banded`` items the amounts of the projects behind it (each with the unit's share)."""

    actual: Decimal = ZERO
    task: Decimal | None = None
    amounts: Sequence[tuple[Decimal, Decimal]] = ()  # (amount, share)
    stretch: Decimal | None = None  # 力争: the target of the item's ``stretch_group`` (``stretch`` items)


def quantize(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# --- scoring functions ------------------------------------------------------------------------------


def ratio_points(actual: Decimal, task: Decimal | None, points: Decimal, cap: Decimal | None = None) -> Decimal:
    """actual ÷ task × 分值, capped at ``cap`` (分值 when not set); never below zero."""
    ceiling = points if cap is None else cap
    if not task:
        return ceiling if actual > 0 else ZERO
    return max(ZERO, min(actual / task * points, ceiling))


def efficacy_points(values: Mapping[object, Decimal], points: Decimal) -> dict[object, Decimal]:
    """功效系数 across a ranking group: 60% × 分值 + 40% × 分值 × (x − min) ÷ (max − min)."""
    if not values:
        return {}
    low, high = min(values.values()), max(values.values())
    if high == low:
        return {key: points if value > 0 else SIXTY * points for key, value in values.items()}
    spread = high - low
    return {key: SIXTY * points + (ONE - SIXTY) * points * (value - low) / spread for key, value in values.items()}


def step_points(
    actual: Decimal,
    task: Decimal | None,
    *,
    base: Decimal,
    per_step: Decimal,
    step: Decimal = Decimal("0.1"),
    up: Decimal | None = None,
    down: Decimal | None = None,
) -> Decimal:
    """``base`` for meeting the task; ± ``per_step`` per full ``step`` of completion above or below it, the
    bonus at most ``up`` and the loss at most ``down`` (None: no limit; never below zero in all)."""
    if not task:
        return base if actual > 0 else ZERO
    completion = actual / task
    steps = ((completion - ONE) / step).to_integral_value(rounding=ROUND_DOWN)  # full steps, towards zero
    change = steps * per_step
    if up is not None:
        change = min(change, up)
    if down is not None:
        change = max(change, -down)
    return max(ZERO, base + change)


def per_count_points(
    actual: Decimal,
    task: Decimal | None,
    *,
    base: Decimal = ZERO,
    per_above: Decimal = ZERO,
    per_below: Decimal = ZERO,
    up: Decimal | None = None,
    down: Decimal | None = None,
) -> Decimal:
    """``base`` for meeting the task; + ``per_above`` per whole unit above it (at most ``up``); − ``per_below``
    per whole unit below it (at most ``down``). Shares count as their fraction; only whole units earn."""
    difference = actual - (task or ZERO)
    # Above: whole units only (2.6 above earns 2); below: any part of a unit short is a unit short (1.6 short
    # loses 2), as "每少1个扣…" reads of shared projects.
    if difference >= 0:
        whole = difference.to_integral_value(rounding=ROUND_DOWN)
    else:
        whole = -(-difference).to_integral_value(rounding=ROUND_UP)
    if whole >= 0:
        change = whole * per_above
        if up is not None:
            change = min(change, up)
    else:
        change = whole * per_below
        if down is not None:
            change = max(change, -down)
    return max(ZERO, base + change)


def banded_points(amounts: Sequence[tuple[Decimal, Decimal]], bands: Sequence[Band], cap: Decimal | None) -> Decimal:
    """Per project, the points of the band its amount falls in (times the unit's share), summed, capped."""
    total = ZERO
    for amount, share in amounts:
        band = next((b for b in bands if b.holds(amount)), None)
        if band is not None:
            total += band.points * share
    return total if cap is None else min(total, cap)


def per_occurrence_points(count: Decimal, each: Decimal, cap: Decimal | None) -> Decimal:
    total = count * each
    return total if cap is None else min(total, cap)


def threshold_points(actual: Decimal, task: Decimal | None, points: Decimal) -> Decimal:
    """分值 when the measure reaches the task (without a task: when it is above zero), else nothing."""
    if not task:
        return points if actual > 0 else ZERO
    return points if actual >= task else ZERO


# Share of 分值 a ``stretch`` item gives for reaching the task (任务) when the item does not set ``base``.
STRETCH_BASE = Decimal("0.8")


def stretch_points(
    actual: Decimal, task: Decimal | None, stretch: Decimal | None, points: Decimal, base: Decimal = STRETCH_BASE
) -> Decimal:
    """任务 and 力争: ``base`` × 分值 at the task, 分值 at the 力争 (``stretch``) and above, linear in between; below
    the task actual ÷ task × base × 分值. Without a task: 分值 when the measure is above zero (as ``ratio``). A unit
    without a 力争 above its task has its task as 力争 (分值 on reaching it). Not rounded here: the item's points
    are rounded to its places, half up, like every item's (``score``)."""
    if not task:
        return points if actual > 0 else ZERO
    if actual < task:
        return max(ZERO, actual / task * base * points)
    if stretch is None or stretch <= task or actual >= stretch:
        return points
    return base * points + (ONE - base) * points * (actual - task) / (stretch - task)


# --- a scheme -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scheme:
    items: tuple[Item, ...]
    full_score: Decimal = Decimal("100")
    cap_total: bool = False


def _dec(params: Mapping, key: str, default: Decimal | None = None) -> Decimal | None:
    value = params.get(key, default)
    return None if value is None else Decimal(str(value))


def bands_of(item: Item) -> list[Band]:
    bands = []
    for raw in item.params.get("bands", ()):
        if isinstance(raw, Band):
            bands.append(raw)
        else:
            low, high, points = raw
            bands.append(Band(Decimal(str(low)), None if high is None else Decimal(str(high)), Decimal(str(points))))
    return bands


def check(scheme: Scheme) -> None:
    """Refuse a scheme that cannot be computed (``SchemeError`` naming the item and the reason, in Chinese)."""
    codes = set()
    for item in scheme.items:
        label = item.name or item.code
        if item.code in codes:
            raise SchemeError(
                gettext_noop("Item %(item)s: the code %(code)s is used twice."), item=label, code=item.code
            )
        codes.add(item.code)
        if item.function not in FUNCTIONS:
            raise SchemeError(
                gettext_noop("Item %(item)s: unknown scoring function %(function)s."),
                item=label,
                function=item.function,
            )
        if item.section not in SECTIONS:
            raise SchemeError(
                gettext_noop("Item %(item)s: unknown section %(section)s."), item=label, section=item.section
            )
        if item.points < 0:
            raise SchemeError(gettext_noop("Item %(item)s: the points cannot be negative."), item=label)
        if item.cap is not None and item.cap < 0:
            raise SchemeError(gettext_noop("Item %(item)s: the cap cannot be below zero."), item=label)
        if not 0 <= item.places <= 4:
            raise SchemeError(gettext_noop("Item %(item)s: the decimal places must be between 0 and 4."), item=label)
        if item.function == "banded":
            bands = sorted(bands_of(item), key=lambda b: b.low)
            if not bands:
                raise SchemeError(gettext_noop("Item %(item)s scores by amount bands but has none."), item=label)
            for band in bands:
                if band.high is not None and band.high <= band.low:
                    raise SchemeError(
                        gettext_noop("Item %(item)s: the band %(low)s–%(high)s ends before it starts."),
                        item=label,
                        low=band.low,
                        high=band.high,
                    )
            for before, after in itertools.pairwise(bands):
                if before.high is None or before.high > after.low:
                    raise SchemeError(gettext_noop("Item %(item)s: the amount bands overlap."), item=label)
        if item.function == "step" and (_dec(item.params, "step", Decimal("0.1")) or ZERO) <= 0:
            raise SchemeError(gettext_noop("Item %(item)s: the step must be above zero."), item=label)
        if item.function == "stretch":
            check_stretch(item, label)


def check_stretch(item: Item, label: str) -> None:
    """A ``stretch`` item names the target group of its 力争 and gives the task a share of 分值 in (0, 1]."""
    if not str(item.params.get("stretch_group") or "").strip():
        raise SchemeError(
            gettext_noop("Item %(item)s scores 任务 and 力争 but names no target group for the 力争."), item=label
        )
    base = _dec(item.params, "base", STRETCH_BASE)
    if not ZERO < base <= ONE:
        raise SchemeError(
            gettext_noop(
                "Item %(item)s: the share of the points for meeting the task must be above 0%% and at most 100%%."
            ),
            item=label,
        )


def item_points(item: Item, values: Mapping[object, Value], group_of: Mapping[object, object]) -> dict[object, Decimal]:
    """The points of one item for every unit (before rounding and the sign of a deduction)."""
    params = item.params
    if item.function == "efficacy":
        by_group: dict[object, dict[object, Decimal]] = {}
        for unit, value in values.items():
            by_group.setdefault(group_of.get(unit), {})[unit] = value.actual
        points: dict[object, Decimal] = {}
        for members in by_group.values():
            points.update(efficacy_points(members, item.points))
        return points
    result = {}
    for unit, value in values.items():
        if item.function == "ratio":
            got = ratio_points(value.actual, value.task, item.points, item.cap)
        elif item.function == "step":
            got = step_points(
                value.actual,
                value.task,
                base=_dec(params, "base", item.points),
                per_step=_dec(params, "per_step", ZERO),
                step=_dec(params, "step", Decimal("0.1")),
                up=_dec(params, "up"),
                down=_dec(params, "down"),
            )
        elif item.function == "per_count":
            got = per_count_points(
                value.actual,
                value.task,
                base=_dec(params, "base", ZERO),
                per_above=_dec(params, "per_above", ZERO),
                per_below=_dec(params, "per_below", ZERO),
                up=_dec(params, "up"),
                down=_dec(params, "down"),
            )
        elif item.function == "banded":
            got = banded_points(value.amounts, bands_of(item), item.cap)
        elif item.function == "per_occurrence":
            got = per_occurrence_points(value.actual, _dec(params, "each", item.points), item.cap)
        elif item.function == "threshold":
            got = threshold_points(value.actual, value.task, item.points)
        elif item.function == "stretch":
            got = stretch_points(
                value.actual, value.task, value.stretch, item.points, _dec(params, "base", STRETCH_BASE)
            )
        else:  # refused by check()
            raise SchemeError(
                gettext_noop("Item %(item)s: unknown scoring function %(function)s."),
                item=item.name,
                function=item.function,
            )
        if item.cap is not None and item.function not in {"ratio", "banded", "per_occurrence"}:
            got = min(got, item.cap)
        result[unit] = got
    return result


@dataclass
class UnitPoints:
    items: dict[str, Decimal]  # item code → signed, rounded points (deductions negative)
    total: Decimal


def score(
    scheme: Scheme,
    values: Mapping[str, Mapping[object, Value]],
    group_of: Mapping[object, object],
) -> dict[object, UnitPoints]:
    """Every unit's points per item and in all. ``values``: item code → unit → ``Value`` (every unit assessed
    appears under every item); ``group_of``: unit → its ranking group (功效系数 compares within it)."""
    check(scheme)
    units = {unit for by_unit in values.values() for unit in by_unit} | set(group_of)
    out = {unit: UnitPoints(items={}, total=ZERO) for unit in units}
    for item in scheme.items:
        by_unit = {unit: values.get(item.code, {}).get(unit, Value()) for unit in units}
        points = item_points(item, by_unit, group_of)
        sign = -1 if item.section == "deduction" else 1
        for unit in units:
            got = quantize(points.get(unit, ZERO), item.places) * sign
            out[unit].items[item.code] = got
            out[unit].total += got
    if scheme.cap_total:
        for unit_points in out.values():
            unit_points.total = min(unit_points.total, scheme.full_score)
    return out


# --- measures ---------------------------------------------------------------------------------------------

# What an item measures per unit. Ledger measures are read by the ledger's rules (``projects.rules``) through the
# assessment's facts; occurrences are counted by the apps that record them.
LEDGER_MEASURES = ("count", "amount", "funds", "foreign")
OCCURRENCE_MEASURES = ("late_reports", "missing_reports", "criticisms", "findings", "double_claims")
# Sums per unit of rows other than projects' stage events (``assessment.selectors.summed``), each row credited
# by the unit's share of its project: 实际利用外资 from receipts (万美元), 本期完成投资 and 出口创汇 from
# scheduling reports.
SUMMED_MEASURES = ("foreign_received", "investment_completed", "export_earnings")
MEASURES = (*LEDGER_MEASURES, "ratio", *OCCURRENCE_MEASURES, *SUMMED_MEASURES)


@dataclass(frozen=True)
class Measure:
    """One unit's figure for an item, as data (stored as JSON on the item).

    - ``count`` / ``amount`` / ``foreign``: recognised projects that reached ``stage`` inside the period (credited
      by the unit's share), whose ``amount_field`` lies in [low, high) (high None: no limit); filtered further by
      ``kinds``, ``industries`` (GB/T 4754 section letters), ``high_tech`` (True: only high-tech).
    - Recognition conditions of a ledger measure (认定条件, read by ``assessment.conditions`` with the ledger's rules):
      ``event_level`` (signed at a promotion event of that level or higher), ``private`` (民营 only),
      ``registered_land_paid`` (company registered and land premium paid, both within the period's start and
      the as-of date), ``within_years`` (signed within N years: by the as-of date and on or after the same day N
      years before the period's start), ``exclude_divisions`` (GB/T 4754 大类 codes left out, e.g. 70 房地产业);
      ``low_by_category`` (unit category → the amount floor for that category's units; ``low`` for the others).
    - ``funds``: funds in place inside the period, of projects whose amount lies in [low, high).
    - ``ratio``: ``numerator`` ÷ ``denominator`` (开工率 = started ÷ signed; 资金到位率 = funds ÷ contract amount).
    - ``late_reports`` / ``missing_reports``: the unit's scheduling reports submitted late / never, in the period;
      ``criticisms``: times criticised in bulletins issued in the period; ``findings``: figures supervision found
      inflated (弄虚作假) in the period; ``double_claims``: projects the unit claimed that another unit had (重复申报,
      decided "same project" by the bureau in the period).
    """

    what: str
    stage: str = "signed"
    amount_field: str = "contract_amount"
    low: Decimal = ZERO
    high: Decimal | None = None
    kinds: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    high_tech: bool | None = None
    numerator: Measure | None = None
    denominator: Measure | None = None
    # Recognition conditions (认定条件) and floors by unit category; ``low_by_category`` as sorted (category, floor)
    # pairs (hashable), {category: floor} in JSON.
    event_level: str = ""
    private: bool = False
    registered_land_paid: bool = False
    within_years: int | None = None
    exclude_divisions: tuple[str, ...] = ()
    low_by_category: tuple[tuple[str, Decimal], ...] = ()

    @property
    def has_conditions(self) -> bool:
        return bool(
            self.event_level or self.private or self.registered_land_paid or self.within_years or self.exclude_divisions
        )

    def low_for(self, category: str) -> Decimal:
        """The amount floor for a unit of ``category``."""
        return dict(self.low_by_category).get(category, self.low)

    @classmethod
    def from_json(cls, data: Mapping | None, *, item: str = "") -> Measure:
        """A measure from its JSON form; ``SchemeError`` naming the item when it cannot be read."""
        if not data or data.get("what") not in MEASURES:
            raise SchemeError(
                gettext_noop("Item %(item)s: unknown measure %(what)s."), item=item, what=(data or {}).get("what")
            )
        try:
            low = Decimal(str(data.get("low") or 0))
            high = None if data.get("high") in (None, "") else Decimal(str(data["high"]))
        except (ArithmeticError, ValueError):
            raise SchemeError(gettext_noop("Item %(item)s: an amount limit is not a number."), item=item) from None
        measure = cls(
            what=data["what"],
            stage=data.get("stage") or "signed",
            amount_field=data.get("amount_field") or "contract_amount",
            low=low,
            high=high,
            kinds=tuple(data.get("kinds") or ()),
            industries=tuple(data.get("industries") or ()),
            high_tech=data.get("high_tech"),
            numerator=cls.from_json(data["numerator"], item=item) if data.get("numerator") else None,
            denominator=cls.from_json(data["denominator"], item=item) if data.get("denominator") else None,
            **_conditions_from_json(data, item),
        )
        measure.check(item)
        return measure

    def check(self, item: str = "") -> None:
        if self.what == "ratio":
            if self.numerator is None or self.denominator is None:
                raise SchemeError(
                    gettext_noop("Item %(item)s is a ratio but its numerator or denominator is missing."), item=item
                )
        if self.low < 0 or (self.high is not None and self.high <= self.low):
            raise SchemeError(gettext_noop("Item %(item)s: the amount range is empty or negative."), item=item)
        self._check_conditions(item)

    def _check_conditions(self, item: str) -> None:
        if self.event_level and self.event_level not in EVENT_LEVEL_ORDER:
            raise SchemeError(
                gettext_noop("Item %(item)s: unknown event level %(level)s."), item=item, level=self.event_level
            )
        if self.within_years is not None and self.within_years < 1:
            raise SchemeError(gettext_noop("Item %(item)s: the years must be a whole number from 1."), item=item)
        for division in self.exclude_divisions:
            if division not in DIVISIONS:
                raise SchemeError(
                    gettext_noop("Item %(item)s: %(division)s is not a GB/T 4754 division (two digits)."),
                    item=item,
                    division=division,
                )
        for category, low in self.low_by_category:
            if category not in Category.values:
                raise SchemeError(
                    gettext_noop("Item %(item)s: unknown unit category %(category)s."), item=item, category=category
                )
            if low < 0 or (self.high is not None and self.high <= low):
                raise SchemeError(gettext_noop("Item %(item)s: the amount range is empty or negative."), item=item)

    def to_json(self) -> dict:
        data: dict = {"what": self.what}
        if self.what in LEDGER_MEASURES:
            data.update(stage=self.stage, amount_field=self.amount_field, low=str(self.low))
            if self.high is not None:
                data["high"] = str(self.high)
            if self.kinds:
                data["kinds"] = list(self.kinds)
            if self.industries:
                data["industries"] = list(self.industries)
            if self.high_tech is not None:
                data["high_tech"] = self.high_tech
        if self.what == "ratio":
            data.update(numerator=self.numerator.to_json(), denominator=self.denominator.to_json())
        if self.what in LEDGER_MEASURES:
            data.update(self._conditions_json())
        return data

    def _conditions_json(self) -> dict:
        data: dict = {}
        if self.event_level:
            data["event_level"] = self.event_level
        if self.private:
            data["private"] = True
        if self.registered_land_paid:
            data["registered_land_paid"] = True
        if self.within_years is not None:
            data["within_years"] = self.within_years
        if self.exclude_divisions:
            data["exclude_divisions"] = list(self.exclude_divisions)
        if self.low_by_category:
            data["low_by_category"] = {category: str(low) for category, low in self.low_by_category}
        return data


def _conditions_from_json(data: Mapping, item: str) -> dict:
    """The recognition conditions and floors by category of a measure's JSON form (``Measure`` fields)."""
    try:
        years = data.get("within_years")
        years = None if years in (None, "") else int(years)
    except (TypeError, ValueError):
        raise SchemeError(gettext_noop("Item %(item)s: the years must be a whole number from 1."), item=item) from None
    try:
        floors = tuple(
            sorted((str(category), Decimal(str(low))) for category, low in (data.get("low_by_category") or {}).items())
        )
    except (ArithmeticError, ValueError, AttributeError):
        raise SchemeError(gettext_noop("Item %(item)s: an amount limit is not a number."), item=item) from None
    return {
        "event_level": data.get("event_level") or "",
        "private": bool(data.get("private")),
        "registered_land_paid": bool(data.get("registered_land_paid")),
        "within_years": years,
        "exclude_divisions": tuple(str(d) for d in data.get("exclude_divisions") or ()),
        "low_by_category": floors,
    }


def check_measure(item: Item, measure: Measure) -> None:
    """Refuse an item whose scoring function cannot read its measure: points by amount band need each project's
    amount, which funds in place and the summed measures (receipts, reports) do not have."""
    if item.function == "banded" and measure.what in ("funds", *SUMMED_MEASURES):
        raise SchemeError(
            gettext_noop(
                "Item %(item)s: points by amount band need each project's amount; funds in place, foreign capital "
                "received, investment completed and export earnings are sums without one."
            ),
            item=item.name or item.code,
        )


def item_spec(*, code, name, function, points, section="base", cap=None, places=2, params=None) -> Item:
    """An ``Item`` from stored values (a model row, an imported row)."""
    return Item(
        code=code,
        name=name,
        function=function,
        points=Decimal(points),
        section=section,
        cap=None if cap is None else Decimal(cap),
        places=int(places),
        params=dict(params or {}),
    )
