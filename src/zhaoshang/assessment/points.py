"""A points scheme (考核办法 as data, ``targets.scoring``) computed on the assessment's results: pure, no database.

The selectors read the scheme and what the engine cannot know (occurrences counted by other apps); the
engine measures each item's ledger measures per unit with the same facts and rules as the indicators
(``measure_specs`` → ``engine.assess_facts(measures=…)``), then calls ``Points`` to turn the figures into points
(``targets.scoring.score``) before ranking by them.

Rules of the points scheme in the assessment (decision 20):
- An item's task is the target of the unit's target group named by the item (its first indicator; the unit's
  own group replaces its tier's, as ``selectors.group_specs`` resolves them); no task group: no task.
- ``ratio`` measures are numerator ÷ denominator per unit, 0 when the denominator is 0.
- Which units are scored: when any item reads a task, the units with target groups in the period (as the
  completion scheme assesses them); when none does, every active unit.
- Occurrences (late or missing scheduling reports, criticisms in issued bulletins, figures supervision found
  inflated) are counted per unit by the selectors and passed in with the ids of the rows behind them.
- Summed measures (foreign capital received, investment completed, export earnings) are summed per unit by
  ``selectors.summed``, each row credited by the unit's share, and passed in with their rows; the figure is the
  total of the rows' credited amounts.
- A ``stretch`` item's 力争 is the target of the unit's group named by ``params.stretch_group``, read as the task.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from zhaoshang.targets import scoring

from . import conditions, engine

ZERO = Decimal("0")


@dataclass(frozen=True)
class SchemeLine:
    """One scheme item as the assessment reads it: how it scores, what it measures, where its task is."""

    item: scoring.Item
    measure: scoring.Measure
    task_group: str = ""


@dataclass(frozen=True)
class SummedRow:
    """One row behind a summed measure of one unit: a receipt (foreign capital received) or a scheduling report
    (investment completed, export earnings), its project, the unit's credit share (a fraction) and the amount
    credited to the unit (the row's amount × the share); the unit's figure is the total of these amounts."""

    id: int
    project_id: int
    share: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Summed:
    """A summed measure of one unit: the figure and the rows behind it (``selectors.summed``)."""

    actual: Decimal
    rows: tuple[SummedRow, ...] = ()


def summed_of(rows: Sequence[SummedRow]) -> Summed:
    """The figure is the total of the rows' credited amounts."""
    return Summed(actual=sum((row.amount for row in rows), ZERO), rows=tuple(rows))


@dataclass
class ItemResult:
    """One item of one unit: its signed points and the figure behind them, with the rows behind the figure
    (projects and receipts for a ledger measure — None until ``selectors.read_drill_downs`` reads a funds
    figure summed per unit —, ``occurrence_ids`` for late/missing reports, criticising bulletins, findings)."""

    code: str
    name: str
    section: str
    measure: scoring.Measure
    points: Decimal
    actual: Decimal
    task: Decimal | None
    project_ids: list[int] | None = field(default_factory=list)
    receipt_ids: list[int] | None = field(default_factory=list)
    occurrence_ids: list[int] = field(default_factory=list)
    key: str = ""  # the key of the measured figure (``UnitResult.measured``) for a ledger measure
    # A summed measure (``scoring.SUMMED_MEASURES``): the scheduling reports behind it (receipts are in
    # ``receipt_ids``), and every row with the unit's share and the amount credited to the unit.
    report_ids: list[int] = field(default_factory=list)
    summed_rows: list[SummedRow] = field(default_factory=list)

    @property
    def rows_read(self) -> bool:
        return self.project_ids is not None


def ledger_spec(measure: scoring.Measure, key: str) -> engine.IndicatorSpec:
    """The engine's spec of a ledger measure (count, amount, funds, foreign) with its filters."""
    return engine.IndicatorSpec(
        name=key,
        kind=measure.what,
        stage="" if measure.what == "funds" else measure.stage,
        amount_field=measure.amount_field,
        min_amount=measure.low,
        max_amount=measure.high,
        kinds=tuple(measure.kinds),
        industries=tuple(measure.industries),
        high_tech=measure.high_tech,
        **condition_fields(measure),
    )


def condition_fields(measure: scoring.Measure) -> dict:
    """The engine spec's recognition conditions and floors by unit category of a measure."""
    return {"conditions": conditions.of(measure), "min_by_category": measure.low_by_category}


def _leaves(measure: scoring.Measure, key: str):
    """(key, measure) of every measure a measure reads: itself, or a ratio's numerator and denominator."""
    if measure.what == "ratio":
        yield from _leaves(measure.numerator, key + ".n")
        yield from _leaves(measure.denominator, key + ".d")
    else:
        yield key, measure


def measure_specs(lines: Sequence[SchemeLine]) -> dict[str, engine.IndicatorSpec]:
    """The ledger measures the engine evaluates per unit, keyed by item code (``.n``/``.d`` for a ratio's
    parts)."""
    return {
        key: ledger_spec(measure, key)
        for line in lines
        for key, measure in _leaves(line.measure, line.item.code)
        if measure.what in scoring.LEDGER_MEASURES
    }


def occurrences_read(lines: Sequence[SchemeLine]) -> set[str]:
    """The occurrence measures (late_reports, criticisms…) the scheme reads."""
    return {
        measure.what
        for line in lines
        for _key, measure in _leaves(line.measure, line.item.code)
        if measure.what in scoring.OCCURRENCE_MEASURES
    }


def summed_read(lines: Sequence[SchemeLine]) -> set[str]:
    """The summed measures (foreign_received, investment_completed, export_earnings) the scheme reads."""
    return {
        measure.what
        for line in lines
        for _key, measure in _leaves(line.measure, line.item.code)
        if measure.what in scoring.SUMMED_MEASURES
    }


def ratio_of(numerator: Decimal, denominator: Decimal) -> Decimal:
    """numerator ÷ denominator; 0 when the denominator is 0 (nothing signed: a 开工率 of nothing is 0, not
    full marks)."""
    return ZERO if not denominator else numerator / denominator


def task_of(result: engine.UnitResult, task_group: str) -> Decimal | None:
    """The target of the unit's group named ``task_group`` (its first indicator); None without one."""
    if not task_group:
        return None
    for group in result.groups:
        if group.spec.name == task_group and group.spec.indicators:
            return group.spec.indicators[0].target
    return None


@dataclass
class Points:
    """The pure callable the engine calls before ranking (``engine.assess_facts(points=…)``): every scored
    unit's points per item and in all."""

    scheme: scoring.Scheme
    lines: Sequence[SchemeLine]
    group_of: Mapping[int, object]  # unit id → ranking group (功效系数 compares within it)
    # what → unit id → (row id, project id or None) of each occurrence: a report, a bulletin, a verification.
    occurrences: Mapping[str, Mapping[int, Sequence[tuple[int, int | None]]]] = field(default_factory=dict)
    # what → unit id → the unit's summed figure and its rows (``selectors.summed``).
    summed: Mapping[str, Mapping[int, Summed]] = field(default_factory=dict)

    def _summed(self, result: engine.UnitResult, measure: scoring.Measure) -> Summed:
        return self.summed.get(measure.what, {}).get(result.unit.id, Summed(actual=ZERO))

    def _figure(self, result: engine.UnitResult, measure: scoring.Measure, key: str):
        """(actual, the key of the ledger figure whose rows stand behind it or "", occurrence ids) of one
        measure of one unit; a ratio shows its numerator's rows."""
        if measure.what == "ratio":
            top = self._figure(result, measure.numerator, key + ".n")
            bottom = self._figure(result, measure.denominator, key + ".d")
            return ratio_of(top[0], bottom[0]), top[1], top[2]
        if measure.what in scoring.OCCURRENCE_MEASURES:
            rows = list(self.occurrences.get(measure.what, {}).get(result.unit.id, ()))
            return Decimal(len(rows)), "", rows
        if measure.what in scoring.SUMMED_MEASURES:
            return self._summed(result, measure).actual, "", []
        return result.measured[key].actual, key, []

    def __call__(self, results: list[engine.UnitResult]) -> None:
        needs_task = any(line.task_group for line in self.lines)
        scored = [r for r in results if r.groups or not needs_task]
        values: dict[str, dict[int, scoring.Value]] = {}
        details: dict[int, list[ItemResult]] = {r.unit.id: [] for r in scored}
        for line in self.lines:
            code = line.item.code
            by_unit = values[code] = {}
            for result in scored:
                actual, key, occurrence_ids = self._figure(result, line.measure, code)
                task = task_of(result, line.task_group)
                measured = result.measured.get(code)
                rows = result.measured[key] if key else None
                projects = sorted({p for _o, p in occurrence_ids if p is not None}, reverse=True)
                by_unit[result.unit.id] = scoring.Value(
                    actual=actual,
                    task=task,
                    amounts=measured.amounts if measured is not None else (),
                    stretch=stretch_of(result, line.item),
                )
                if line.measure.what in scoring.SUMMED_MEASURES:
                    details[result.unit.id].append(summed_item(line, self._summed(result, line.measure), task))
                    continue
                details[result.unit.id].append(
                    ItemResult(
                        code=code,
                        name=line.item.name,
                        section=line.item.section,
                        measure=line.measure,
                        points=ZERO,
                        actual=actual,
                        task=task,
                        project_ids=rows.project_ids if rows is not None else projects,
                        receipt_ids=rows.receipt_ids if rows is not None else [],
                        occurrence_ids=[o for o, _p in occurrence_ids],
                        key=key,
                    )
                )
        group_of = {r.unit.id: self.group_of.get(r.unit.id) for r in scored}
        points = scoring.score(self.scheme, values, group_of)
        for result in scored:
            got = points[result.unit.id]
            result.points = got.total
            result.items = details[result.unit.id]
            for item in result.items:
                # + 0 turns a deduction of nothing (−0.00, a signed zero) into 0.00 on every page and file.
                item.points = got.items[item.code] + 0


def stretch_of(result: engine.UnitResult, item: scoring.Item) -> Decimal | None:
    """A ``stretch`` item's 力争: the target of the unit's group named by ``params.stretch_group``."""
    if item.function != "stretch":
        return None
    return task_of(result, str(item.params.get("stretch_group") or ""))


def summed_item(line: SchemeLine, figure: Summed, task: Decimal | None) -> ItemResult:
    """The item of a summed measure with its rows: receipts for foreign capital received, scheduling reports for
    investment completed and export earnings; its projects newest first, as a ledger figure lists them."""
    ids = [row.id for row in figure.rows]
    receipts = line.measure.what == "foreign_received"
    return ItemResult(
        code=line.item.code,
        name=line.item.name,
        section=line.item.section,
        measure=line.measure,
        points=ZERO,
        actual=figure.actual,
        task=task,
        project_ids=sorted({row.project_id for row in figure.rows}, reverse=True),
        receipt_ids=ids if receipts else [],
        report_ids=[] if receipts else ids,
        summed_rows=list(figure.rows),
    )


def fill_rows(result: engine.UnitResult) -> None:
    """Copy into the items the rows ``selectors.read_drill_downs`` read for their funds figures."""
    for item in result.items:
        if item.key and item.project_ids is None:
            figure = result.measured[item.key]
            item.project_ids, item.receipt_ids = figure.project_ids, figure.receipt_ids
