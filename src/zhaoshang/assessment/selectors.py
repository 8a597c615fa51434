"""Feed the engine: read a period's targets, units, projects and receipts into plain facts.

A handful of queries whatever the county's size: units, target groups with indicators, the projects that
moved or received funds inside the period with their credits and stage events, and those receipts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from zhaoshang.organization.models import Unit
from zhaoshang.projects.models import FundsReceipt, Project, ProjectCredit, StageEvent
from zhaoshang.targets.models import Indicator, Period, TargetGroup, Veto

from . import engine

HUNDRED = Decimal("100")
# The project columns the engine's facts and the recognition rules read.
FACT_FIELDS = (
    "pk",
    "kind",
    "industry",
    "government_funded",
    "local_relocation",
    "second_phase",
    "planned_investment",
    "contract_amount",
    "capital_type",
    "currency",
    "exchange_rate",
    "foreign_investment",
)


def unit_infos() -> list[engine.UnitInfo]:
    return [
        engine.UnitInfo(id=pk, code=code, name=name, category=category, tier=tier)
        for pk, code, name, category, tier in Unit.objects.filter(active=True)
        .order_by("code")
        .values_list("pk", "code", "name", "category", "tier")
    ]


def group_specs(period: Period, units: list[engine.UnitInfo]) -> dict[int, list[engine.GroupSpec]]:
    """Each unit's groups: its tier's, with any group of the same name replaced by the unit's own."""
    indicators = defaultdict(list)
    for indicator in Indicator.objects.filter(group__period=period).order_by("id"):
        indicators[indicator.group_id].append(
            engine.IndicatorSpec(
                id=indicator.pk,
                name=_indicator_name(indicator),
                kind=indicator.kind,
                stage=indicator.stage,
                amount_field=indicator.amount_field,
                min_amount=indicator.min_amount,
                target=indicator.target,
            )
        )
    by_tier: dict[int, dict[str, engine.GroupSpec]] = defaultdict(dict)
    by_unit: dict[int, dict[str, engine.GroupSpec]] = defaultdict(dict)
    for group in TargetGroup.objects.filter(period=period).order_by("order", "id"):
        spec = engine.GroupSpec(name=group.name, weight=group.weight, indicators=tuple(indicators[group.pk]))
        if group.unit_id:
            by_unit[group.unit_id][group.name] = spec
        else:
            by_tier[group.tier][group.name] = spec
    result = {}
    for unit in units:
        groups = dict(by_tier.get(unit.tier, {})) if unit.tier else {}
        groups.update(by_unit.get(unit.id, {}))
        if groups:
            result[unit.id] = list(groups.values())
    return result


def _indicator_name(indicator: Indicator) -> str:
    from .naming import indicator_name

    return indicator_name(
        kind=indicator.kind,
        stage=indicator.stage,
        amount_field=indicator.amount_field,
        min_amount=indicator.min_amount,
        target=indicator.target,
    )


def excluded(period: Period, project: dict) -> bool:
    """The period's recognition rules (认定规则): does this project not count at all?"""
    if project["kind"] in period.excluded_kinds or project["industry"] in period.excluded_industries:
        return True
    if period.exclude_government_funded and project["government_funded"]:
        return True
    if period.exclude_local_relocation and project["local_relocation"]:
        return True
    if period.exclude_second_phase and project["second_phase"]:
        return True
    return period.floor_amount is not None and project["planned_investment"] < period.floor_amount


def facts(period: Period, as_of: dt.date, *, basis: str = "reported", project_ids=None):
    """Projects with a stage event or a receipt inside the period (up to ``as_of``), and those receipts."""
    if basis == "verified":
        return _verified_facts(period, as_of, project_ids=project_ids)
    if basis != "reported":
        raise ValueError(f"unknown basis {basis!r}")
    until = min(period.end, as_of)
    events_in = StageEvent.objects.filter(date__gte=period.start, date__lte=until).values("project_id")
    receipts_in = FundsReceipt.objects.filter(date__gte=period.start, date__lte=until)
    if project_ids is not None:
        receipts_in = receipts_in.filter(project_id__in=project_ids)
    moved = Project.objects.filter(pk__in=events_in) | Project.objects.filter(pk__in=receipts_in.values("project_id"))
    if project_ids is not None:
        moved = moved.filter(pk__in=project_ids)
    rows = list(moved.values(*FACT_FIELDS))
    ids = [row["pk"] for row in rows]
    credits = defaultdict(dict)
    for project_id, unit_id, share in ProjectCredit.objects.filter(project_id__in=moved.values("pk")).values_list(
        "project_id", "unit_id", "share"
    ):
        credits[project_id][unit_id] = share / HUNDRED
    stages = defaultdict(dict)
    # Events up to the as-of date only: a stage reached later did not exist yet on that day.
    for project_id, stage, date in StageEvent.objects.filter(
        project_id__in=moved.values("pk"), date__lte=until
    ).values_list("project_id", "stage", "date"):
        stages[project_id][stage] = date
    projects = [
        engine.ProjectFact(
            id=row["pk"],
            credits=credits.get(row["pk"], {}),
            stage_dates=stages.get(row["pk"], {}),
            planned_investment=row["planned_investment"],
            contract_amount=row["contract_amount"],
            foreign_usd=_foreign_usd(period, row),
            excluded=excluded(period, row),
        )
        for row in rows
    ]
    receipts = [
        engine.ReceiptFact(id=pk, project_id=project_id, date=date, amount=amount)
        for pk, project_id, date, amount in receipts_in.values_list("pk", "project_id", "date", "amount")
    ]
    return projects, receipts, len(ids)


def _verified_facts(period: Period, as_of: dt.date, *, project_ids=None):
    """The verified basis (核实数): only the stage events and receipts whose latest verification by
    supervision confirmed or adjusted them count, at the verified (corrected) dates; an adjusted signing
    amount replaces the project's contract amount and an adjusted receipt amount the receipt's. Unverified
    and rejected records do not count. Four queries: verified events, verified receipts, projects, credits."""
    from zhaoshang.supervision.selectors import verified_receipts, verified_stage_events

    until = min(period.end, as_of)
    events = verified_stage_events(project_ids, until=until)
    receipts_in = verified_receipts(project_ids, start=period.start, until=until)
    moved_ids = {e.project_id for e in events if e.date >= period.start} | {r.project_id for r in receipts_in}
    stages, contract = defaultdict(dict), {}
    for event in events:
        stages[event.project_id][event.stage] = event.date
        if event.stage == "signed" and event.amount is not None:
            contract[event.project_id] = event.amount
    rows = list(Project.objects.filter(pk__in=moved_ids).values(*FACT_FIELDS))
    credits = defaultdict(dict)
    for project_id, unit_id, share in ProjectCredit.objects.filter(project_id__in=moved_ids).values_list(
        "project_id", "unit_id", "share"
    ):
        credits[project_id][unit_id] = share / HUNDRED
    projects = [
        engine.ProjectFact(
            id=row["pk"],
            credits=credits.get(row["pk"], {}),
            stage_dates=stages.get(row["pk"], {}),
            planned_investment=row["planned_investment"],
            contract_amount=contract.get(row["pk"], row["contract_amount"]),
            foreign_usd=_foreign_usd(period, row),
            excluded=excluded(period, row),
        )
        for row in rows
    ]
    receipts = [
        engine.ReceiptFact(id=r.receipt_id, project_id=r.project_id, date=r.date, amount=r.amount) for r in receipts_in
    ]
    return projects, receipts, len(rows)


def _foreign_usd(period: Period, row: dict) -> Decimal:
    """Foreign capital in 10k US dollars: as recorded if in USD, else through yuan at the period's rate."""
    if row["capital_type"] != "foreign" or not row["foreign_investment"]:
        return Decimal("0")
    if row["currency"] == "USD":
        return row["foreign_investment"]
    if row["currency"] == "CNY":
        return row["foreign_investment"] / period.usd_rate
    return row["foreign_investment"] * (row["exchange_rate"] or Decimal("0")) / period.usd_rate


def previously_criticised(period: Period, before: dt.date) -> frozenset[int]:
    """Units criticised in the last issued bulletin of the period before ``before`` (empty until bulletins)."""
    try:
        from zhaoshang.bulletins.selectors import criticised_in_last_issued
    except ImportError:
        return frozenset()
    return criticised_in_last_issued(period, before)


def rules_for(period: Period, as_of: dt.date) -> engine.Rules:
    return engine.Rules(
        score_cap=period.score_cap,
        criticise_bottom={k: int(v) for k, v in period.criticise_bottom.items()},
        commend_top={k: int(v) for k, v in period.commend_top.items()},
        yellow_card_ratio=period.yellow_card_ratio,
        half_time_check=period.half_time_check,
        vetoes=dict(Veto.objects.filter(period=period).values_list("unit_id", "reason")),
        previously_criticised=previously_criticised(period, as_of),
    )


def assess_period(period: Period, as_of: dt.date, *, basis: str = "reported") -> engine.Assessment:
    units = unit_infos()
    groups = group_specs(period, units)
    projects, receipts, _count = facts(period, as_of, basis=basis)
    return engine.assess(
        units=units,
        groups_by_unit=groups,
        projects=projects,
        receipts=receipts,
        start=period.start,
        end=period.end,
        as_of=as_of,
        schedule_basis=period.schedule_basis,
        rules=rules_for(period, as_of),
    )
