"""The assessment as JSON-ready data: decimals as strings, completions as ratios rounded to 4 places."""

from __future__ import annotations

from decimal import Decimal

from zhaoshang.targets import scoring

from . import engine, points


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def _ratio(value: Decimal | None) -> str | None:
    return None if value is None else str(engine.round4(value))


def indicator_data(result: engine.IndicatorResult) -> dict:
    if not result.rows_read:
        raise ValueError(f"the rows behind {result.spec.name!r} were not read: call selectors.read_drill_downs first")
    spec = result.spec
    actual = result.actual.quantize(Decimal("0.0001")).normalize() if spec.kind == "count" else result.actual
    return {
        "id": spec.id,
        "name": spec.name,
        "kind": spec.kind,
        "stage": spec.stage or None,
        "amount_field": spec.amount_field,
        "min_amount": _money(spec.min_amount),
        "target": _money(spec.target) if spec.kind != "count" else f"{spec.target.normalize():f}",
        "actual": _money(actual) if spec.kind != "count" else f"{actual:f}",
        "completion": _ratio(result.completion),
        "schedule_ratio": _ratio(result.schedule_ratio),
        "met": result.met,
        "project_ids": result.project_ids,
        "receipt_ids": result.receipt_ids,
    }


def _figure(value: Decimal | None) -> str | None:
    """A measure's figure: a count or sum at 2 places, a ratio or a share of a project at 4, no trailing zeros."""
    if value is None:
        return None
    return f"{value.quantize(Decimal('0.0001')).normalize():f}"


def item_data(item: points.ItemResult) -> dict:
    """One item of a points scheme: its signed points and the measure behind them, with the rows."""
    if not item.rows_read:
        raise ValueError(f"the rows behind {item.name!r} were not read: call selectors.read_drill_downs first")
    return {
        "code": item.code,
        "name": item.name,
        "section": item.section,
        "points": str(item.points),
        "measure": item.measure.to_json(),
        "actual": _figure(item.actual),
        "task": _figure(item.task),
        "project_ids": item.project_ids,
        "receipt_ids": item.receipt_ids,
        "occurrence_ids": item.occurrence_ids,
        **_summed_data(item),
    }


def _summed_data(item: points.ItemResult) -> dict:
    """A summed measure's rows (``scoring.SUMMED_MEASURES``): the scheduling reports behind it, and each row with
    the unit's share and the amount credited (their total is the figure). Other items carry nothing more."""
    if item.measure.what not in scoring.SUMMED_MEASURES:
        return {}
    return {
        "report_ids": item.report_ids,
        "rows": [
            {"id": row.id, "project_id": row.project_id, "share": _figure(row.share), "amount": str(row.amount)}
            for row in item.summed_rows
        ],
    }


def unit_data(result: engine.UnitResult) -> dict:
    return {
        "id": result.unit.id,
        "code": result.unit.code,
        "name": result.unit.name,
        "category": result.unit.category,
        "tier": result.unit.tier,
        "score": _ratio(result.score),
        "schedule_ratio": _ratio(result.schedule_ratio),
        "rank": result.rank,
        "rank_of": result.rank_of,
        "order": result.order,
        "flags": list(result.flags),
        "veto_reason": result.veto_reason or None,
        "points": None if result.points is None else str(result.points),
        "items": [item_data(item) for item in result.items],
        "funds": _money(result.funds),
        "contract": _money(result.contract),
        "groups": [
            {
                "name": group.spec.name,
                "weight": str(group.spec.weight),
                "met": group.met,
                "completion": _ratio(group.completion),
                "schedule_ratio": _ratio(group.schedule_ratio),
                "indicators": [indicator_data(i) for i in group.indicators],
            }
            for group in result.groups
        ],
    }


def assessment_data(assessment: engine.Assessment, *, period_code: str, basis: str) -> dict:
    return {
        "period": period_code,
        "as_of": assessment.as_of.isoformat(),
        "basis": basis,
        "start": assessment.start.isoformat(),
        "end": assessment.end.isoformat(),
        "schedule_progress": _ratio(assessment.schedule_progress),
        "units": [unit_data(u) for u in assessment.units if u.score is not None or u.points is not None],
    }
