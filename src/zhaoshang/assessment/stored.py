"""The period's assessment as a stored result (``jobs.stored``): computed by a background job, read by the
assessment page and the dashboard's ranking, which used to assess every unit in each request.

What is stored is every unit's figures the ranking tables show (unit, rank, order, ranking group, score, points,
schedule ratio, funds, flags, per group its name, completion and met, per item its code, name and points), not
the drill-down (the rows behind each figure): the unit page computes its one unit as before. ``revive`` turns the
stored data back into the engine's own classes (``engine.Assessment`` of ``UnitResult``…) without their
indicators, so that the pages' table-building code and templates read them with the same paths as before.

The bulletins, the xlsx export and supervision keep calling ``selectors.assess_period`` (jobs or downloads).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from zhaoshang.targets.scoring import SchemeError

from . import engine

PERIOD_RESULT = "assessment.period"
# The apps the assessment reads (core.revision); the dashboard's figures read the same (dashboard.lists).
REVISION_APPS = ("organization", "projects", "targets", "supervision", "bulletins", "scheduling", "claims")


@dataclass(frozen=True)
class StoredItem:
    """An item of a points scheme as the ranking shows it (its code, name and the unit's points)."""

    code: str
    name: str
    points: Decimal | None


def params(period, as_of, basis: str) -> dict:
    return {"period": period.pk, "as_of": as_of, "basis": basis}


def compute_period(params: dict) -> dict:
    """The stored data of the assessment of ``params["period"]`` as of ``params["as_of"]`` on ``basis``; a scheme
    that cannot be computed is stored as its reason (in the job's language) and no unit."""
    from zhaoshang.targets.models import Period

    from . import selectors

    period = Period.objects.get(pk=params["period"])
    no_evidence = _no_evidence(period, params["as_of"]) if period.evidence_gate else None
    try:
        assessment = selectors.assess_period(period, params["as_of"], basis=params["basis"])
    except SchemeError as error:
        return {
            "start": period.start,
            "end": period.end,
            "as_of": params["as_of"],
            "schedule_progress": Decimal("0"),
            "scheme_error": gettext(error.message) % error.params,
            "units": [],
            "no_evidence": no_evidence,
        }
    return {
        "start": assessment.start,
        "end": assessment.end,
        "as_of": assessment.as_of,
        "schedule_progress": assessment.schedule_progress,
        "scheme_error": "",
        "units": [_unit(result) for result in assessment.units],
        "no_evidence": no_evidence,
    }


@dataclass(frozen=True)
class NoEvidenceUnit:
    """已报无佐证 of one unit as the assessment page shows it: its sums and how many rows are behind them (the
    rows themselves are the 水分 page's)."""

    unit_id: int
    code: str
    name: str
    contract: Decimal
    funds: Decimal
    rows: int


def _no_evidence(period, as_of) -> list[dict]:
    """Per unit, what the period's reported figures count only without its evidence gate (``water``): a read of
    whole facts twice, so computed here, in the job, never in the page's request."""
    from .water import no_evidence_report

    return [
        {
            "unit_id": w.unit.pk,
            "code": w.unit.code,
            "name": w.unit.name,
            "contract": w.no_evidence_contract,
            "funds": w.no_evidence_funds,
            "rows": len(w.no_evidence_rows),
        }
        for w in no_evidence_report(user=None, period=period, as_of=as_of)
    ]


def no_evidence_of(data: dict | None, visible_unit_ids) -> list[NoEvidenceUnit] | None:
    """The stored 已报无佐证 of the units a user may see (all for None); None when not computed (an ungated
    period, or a result stored before the gate was switched on)."""
    rows = (data or {}).get("no_evidence")
    if rows is None:
        return None
    return [NoEvidenceUnit(**row) for row in rows if visible_unit_ids is None or row["unit_id"] in visible_unit_ids]


def _unit(result: engine.UnitResult) -> dict:
    unit = result.unit
    return {
        "unit": {
            "id": unit.id,
            "code": unit.code,
            "name": unit.name,
            "category": unit.category,
            "tier": unit.tier,
            "parent_id": unit.parent_id,
        },
        "groups": [
            {
                "name": group.spec.name,
                "weight": group.spec.weight,
                "completion": group.completion,
                "met": group.met,
                "schedule_ratio": group.schedule_ratio,
            }
            for group in result.groups
        ],
        "score": result.score,
        "schedule_ratio": result.schedule_ratio,
        "funds": result.funds,
        "contract": result.contract,
        "rank": result.rank,
        "rank_of": result.rank_of,
        "order": result.order,
        "flags": list(result.flags),
        "veto_reason": result.veto_reason,
        "points": result.points,
        "items": [{"code": item.code, "name": item.name, "points": item.points} for item in result.items],
        "ranking_group": result.ranking_group,
    }


def revive(data: dict) -> tuple[engine.Assessment, str]:
    """The stored data as the engine's assessment (without indicators and drill-downs) and the scheme's error."""
    units = []
    for row in data["units"]:
        groups = [
            engine.GroupResult(
                spec=engine.GroupSpec(name=g["name"], indicators=(), weight=g["weight"]),
                indicators=[],
                completion=g["completion"],
                met=g["met"],
                schedule_ratio=g["schedule_ratio"],
            )
            for g in row["groups"]
        ]
        units.append(
            engine.UnitResult(
                unit=engine.UnitInfo(**row["unit"]),
                groups=groups,
                score=row["score"],
                schedule_ratio=row["schedule_ratio"],
                funds=row["funds"],
                contract=row["contract"],
                rank=row["rank"],
                rank_of=row["rank_of"],
                order=row["order"],
                flags=list(row["flags"]),
                veto_reason=row["veto_reason"],
                points=row["points"],
                items=[StoredItem(**item) for item in row["items"]],
                ranking_group=row["ranking_group"],
            )
        )
    assessment = engine.Assessment(data["start"], data["end"], data["as_of"], data["schedule_progress"], units)
    return assessment, data["scheme_error"]
