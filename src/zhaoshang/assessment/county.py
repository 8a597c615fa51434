"""The county's completion against its own targets, handed down from above (``targets.CountyTarget``).

One selector, ``county_completion``: for each of the period's county targets, the sum over the units that roll
up into no other unit (every unit when the period's roll-up is off) of its credited figure, computed by the engine
from the same facts the units' assessment reads (credit shares over all units sum to 100%, so each recognised
project counts once), its completion of the target from above and its schedule progress; and the rows behind each
figure (projects, receipts) whose credited total equals it.
Also ``unit_target_split``: the sum of the units' targets of the same indicator, as ``selectors.group_specs``
resolves them (a tier's groups for each unit of the tier, replaced by a unit's own group of the same name).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from zhaoshang.organization.models import Unit
from zhaoshang.targets.models import CountyTarget, Period, indicator_key

from . import engine, selectors
from .facts import summarize
from .naming import indicator_name

ZERO = Decimal("0")


@dataclass
class CountyFigure:
    target: CountyTarget
    name: str
    actual: Decimal
    completion: Decimal
    schedule_ratio: Decimal | None
    project_ids: list[int] = field(default_factory=list)
    receipt_ids: list[int] = field(default_factory=list)


@dataclass
class CountyCompletion:
    as_of: dt.date
    schedule_progress: Decimal
    figures: list[CountyFigure]

    @property
    def headline(self) -> CountyFigure | None:
        """The first target from above (the period's main one, e.g. the 招商引资 amount)."""
        return self.figures[0] if self.figures else None


def _spec(target: CountyTarget) -> engine.IndicatorSpec:
    return engine.IndicatorSpec(
        id=target.pk,
        name=_name(target),
        kind=target.kind,
        stage=target.stage,
        amount_field=target.amount_field,
        min_amount=target.min_amount,
        target=target.target,
    )


def _name(target: CountyTarget) -> str:
    return indicator_name(
        kind=target.kind,
        stage=target.stage,
        amount_field=target.amount_field,
        min_amount=target.min_amount,
        target=target.target,
    )


def _all_units() -> list[engine.UnitInfo]:
    """Every unit, active or not: a project credited to a unit since closed still counts for the county."""
    return [
        engine.UnitInfo(id=pk, code=code, name=name, category=category, tier=tier)
        for pk, code, name, category, tier in Unit.objects.order_by("code").values_list(
            "pk", "code", "name", "category", "tier"
        )
    ]


def county_completion(period: Period, as_of: dt.date, *, basis: str = "reported") -> CountyCompletion | None:
    """The county's figure, completion and schedule progress per target from above, up to ``as_of`` (None: the
    period has no target from above)."""
    targets = list(CountyTarget.objects.filter(period=period).order_by("id"))
    if not targets:
        return None
    # With the roll-up on, a unit's figure holds the units below it: the county sums the units nothing rolls up
    # into another (each credit counted once, in its top unit); with it off, every unit.
    above = selectors.roll_up(period)
    units = [unit for unit in _all_units() if unit.id not in above]
    specs = tuple(_spec(target) for target in targets)
    groups = {unit.id: [engine.GroupSpec(name="county", indicators=specs)] for unit in units}
    common = {
        "units": units,
        "groups_by_unit": groups,
        "start": period.start,
        "end": period.end,
        "as_of": as_of,
        "schedule_basis": period.schedule_basis,
    }
    if basis == "reported":
        assessment = engine.assess_facts(facts=selectors.period_facts(period, as_of, groups), **common)
        selectors.read_drill_downs(period, assessment)
    else:
        projects, receipts, _count = selectors.facts(period, as_of, basis=basis)
        reduced = summarize(projects, receipts, period.start, min(period.end, as_of), engine.stages_read(groups))
        assessment = engine.assess_facts(facts=reduced, **common)
    progress = assessment.schedule_progress
    figures = []
    for index, target in enumerate(targets):
        actual, project_ids, receipt_ids = ZERO, {}, {}
        for result in assessment.units:
            indicator = result.groups[0].indicators[index]
            actual += indicator.actual
            project_ids.update(dict.fromkeys(indicator.project_ids or ()))
            receipt_ids.update(dict.fromkeys(indicator.receipt_ids or ()))
        completion = engine.ratio(actual, target.target)
        figures.append(
            CountyFigure(
                target=target,
                name=specs[index].name,
                actual=actual,
                completion=completion,
                schedule_ratio=engine.ratio(completion, progress) if progress else None,
                project_ids=list(project_ids),
                receipt_ids=list(receipt_ids),
            )
        )
    return CountyCompletion(as_of=as_of, schedule_progress=progress, figures=figures)


def unit_target_split(period: Period) -> dict[tuple, Decimal]:
    """Indicator key (``targets.models.indicator_key``) → the sum of the active units' targets of that indicator
    (a unit with two alternatives of the same key counts its larger target once)."""
    totals: dict[tuple, Decimal] = {}
    for groups in selectors.group_specs(period, selectors.unit_infos()).values():
        mine: dict[tuple, Decimal] = {}
        for group in groups:
            for spec in group.indicators:
                key = indicator_key(spec)
                mine[key] = max(mine.get(key, ZERO), spec.target)
        for key, target in mine.items():
            totals[key] = totals.get(key, ZERO) + target
    return totals
