"""Feed the engine: read a period's targets, units, projects and receipts into plain facts.

A handful of queries whatever the county's size. ``assess_period`` on the reported basis reads the period's
facts already reduced in SQL (``period_facts``): per recognised project the date it reached each stage the
indicators read, per unit the credited funds in place, per unit the projects that moved; the receipts behind
a funds figure are read only when a drill-down asks for them. ``facts`` reads whole projects (every stage
event up to the as-of date) and receipts, for what needs them: the verified basis, the bulletins' detail
lookup and the Excel export, the water report and the forecast.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from functools import partial

from django.db import connection

from zhaoshang.core.expressions import earliest_sql
from zhaoshang.organization.models import Unit
from zhaoshang.projects.models import STAGE_DATE_FIELDS, FundsReceipt, Project, ProjectCredit, StageEvent
from zhaoshang.targets.models import Indicator, Period, TargetGroup, Veto

from . import engine

HUNDRED = Decimal("100")
ZERO = Decimal("0")
# An indicator's amount field → the project column (the engine reads planned investment for any other).
AMOUNT_COLUMN = defaultdict(lambda: "planned_investment", contract_amount="contract_amount")
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
    credits = _credit_shares(moved.values("pk"))
    stages = defaultdict(dict)
    # Events up to the as-of date only: a stage reached later did not exist yet on that day.
    for project_id, stage, date in StageEvent.objects.filter(
        project_id__in=moved.values("pk"), date__lte=until
    ).values_list("project_id", "stage", "date"):
        stages[project_id][stage] = date
    projects = _project_facts(period, rows, credits, stages)
    receipts = [
        engine.ReceiptFact(id=pk, project_id=project_id, date=date, amount=amount)
        for pk, project_id, date, amount in receipts_in.values_list("pk", "project_id", "date", "amount")
    ]
    return projects, receipts, len(ids)


def _credit_shares(project_ids) -> dict[int, dict[int, Decimal]]:
    """Project id → {unit id: share as a fraction} for these projects (ids or a subquery)."""
    credits = defaultdict(dict)
    for project_id, unit_id, share in ProjectCredit.objects.filter(project_id__in=project_ids).values_list(
        "project_id", "unit_id", "share"
    ):
        credits[project_id][unit_id] = share / HUNDRED
    return credits


def _project_facts(period: Period, rows, credits, stages, *, contract=None) -> list[engine.ProjectFact]:
    """The engine's view of each project row; ``contract`` replaces contract amounts (verified signings)."""
    contract = contract or {}
    return [
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
    projects = _project_facts(period, rows, _credit_shares(moved_ids), stages, contract=contract)
    receipts = [
        engine.ReceiptFact(id=r.receipt_id, project_id=r.project_id, date=r.date, amount=r.amount) for r in receipts_in
    ]
    return projects, receipts, len(rows)


def recognition_sql(period: Period, alias: str = "p") -> tuple[str, list]:
    """``excluded`` as SQL: the conditions (joined with AND, each starting with " AND ") a project row
    ``alias`` must meet to count, and their parameters."""
    parts, params = [], []
    for column, values in (("kind", period.excluded_kinds), ("industry", period.excluded_industries)):
        if values:
            parts.append(f"{alias}.{column} NOT IN ({', '.join(['%s'] * len(values))})")
            params.extend(values)
    for flag, column in (
        (period.exclude_government_funded, "government_funded"),
        (period.exclude_local_relocation, "local_relocation"),
        (period.exclude_second_phase, "second_phase"),
    ):
        if flag:
            parts.append(f"NOT {alias}.{column}")
    if period.floor_amount is not None:
        parts.append(f"{alias}.planned_investment >= %s")
        params.append(period.floor_amount)
    return "".join(f" AND {part}" for part in parts), params


class _Dialect:
    """What differs between the databases in the period's aggregate queries. SQLite keeps decimals as
    floating point, so its money is summed as integer cents (exact) and turned back into Decimals here;
    PostgreSQL's numeric is exact as it is. Either way a value comes back with two decimal places, as the
    ORM gives it."""

    def __init__(self):
        self.sqlite = connection.vendor == "sqlite"

    def money(self, expression: str) -> str:
        return f"CAST(ROUND({expression} * 100) AS INTEGER)" if self.sqlite else expression

    def decimal(self, value) -> Decimal:
        return Decimal(value).scaleb(-2) if self.sqlite else value

    @staticmethod
    def date(value) -> dt.date:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _in(values) -> str:
    return f"({', '.join(['%s'] * len(values))})"


def period_facts(period: Period, as_of: dt.date, groups_by_unit) -> engine.PeriodFacts:
    """The period's facts up to ``as_of`` on the reported basis, reduced in SQL (two queries):

    - the recognised projects that reached a stage the indicators read (or "signed") inside the period,
      with that date per stage (the first event at or after the stage up to ``as_of``, read from the
      project's own stage-date columns, not from the events), their credits and amounts, newest first as
      ``facts`` reads them;
    - per unit and share, the funds in place inside the period of its recognised projects, in all and of
      the projects at or above each funds indicator's minimum.

    Per unit, the recognised projects with any stage event inside the period are counted when first asked
    for (a third query), and the rows behind a funds figure are read when asked for (``FundsDrillDown``).
    """
    until = min(period.end, as_of)
    sql = _Dialect()
    rules, rule_params = recognition_sql(period)
    stages = sorted(engine.stages_read(groups_by_unit), key=engine.STAGE_INDEX.get)
    floors = sorted(engine.funds_floors(groups_by_unit))
    later = {stage: engine.STAGES[engine.STAGE_INDEX[stage] :] for stage in stages}
    read = later[stages[0]]  # every stage at or after the earliest one read
    # Each stage's date is the project's own column (kept with its stage events); one reached later than the
    # as-of date did not exist yet. A stage is reached on the first date of it and the later stages.
    own = {stage: f"CASE WHEN {STAGE_DATE_FIELDS[stage]} <= %s THEN {STAGE_DATE_FIELDS[stage]} END" for stage in read}
    columns = ", ".join(f"{earliest_sql([own[stage] for stage in later[s]])} AS r{i}" for i, s in enumerate(stages))
    # A project's stage date is the latest of its stage dates (they never run backwards along the pipeline), so the
    # stage-date index passes over the projects that last moved before the period.
    moved = "stage_date >= %s AND (" + " OR ".join(f"{STAGE_DATE_FIELDS[s]} BETWEEN %s AND %s" for s in read) + ")"
    # The projects with a stage read dated inside the period, with their reached dates and credits.
    reached_sql = f"""
        SELECT p.id, c.unit_id, {sql.money("c.share")}, {sql.money("p.planned_investment")},
               {sql.money("p.contract_amount")}, p.capital_type, {", ".join(f"p.r{i}" for i in range(len(stages)))}
        FROM (SELECT *, {columns} FROM projects_project WHERE {moved}) p
        JOIN projects_projectcredit c ON c.project_id = p.id
        WHERE ({" OR ".join(f"p.r{i} >= %s" for i in range(len(stages)))}){rules}
        ORDER BY p.id DESC"""
    reached_params = [
        *(until for s in stages for _stage in later[s]),
        period.start,
        *(value for _stage in read for value in (period.start, until)),
        *[period.start] * len(stages),
        *rule_params,
    ]
    floor_sums = "".join(
        f", SUM(CASE WHEN p.{AMOUNT_COLUMN[field]} >= %s THEN f.amount ELSE 0 END)" for field, _minimum in floors
    )
    if sql.sqlite:  # summed per project first: SQLite's plan for the plain join is several times slower
        receipts = f"""(SELECT project_id, SUM({sql.money("amount")}) AS amount FROM projects_fundsreceipt
                         WHERE date >= %s AND date <= %s GROUP BY project_id) f"""
        where = "1 = 1"
    else:
        receipts, where = "projects_fundsreceipt f", "f.date >= %s AND f.date <= %s"
    funds_sql = f"""
        SELECT c.unit_id, {sql.money("c.share")}, SUM(f.amount){floor_sums}
        FROM {receipts}
        JOIN projects_project p ON p.id = f.project_id
        JOIN projects_projectcredit c ON c.project_id = f.project_id
        WHERE {where}{rules}
        GROUP BY c.unit_id, c.share"""
    funds_params = [*(minimum for _field, minimum in floors), period.start, until, *rule_params]
    with connection.cursor() as cursor:
        cursor.execute(reached_sql, reached_params)
        reached_rows = cursor.fetchall()
        cursor.execute(funds_sql, funds_params)
        funds_rows = cursor.fetchall()

    shares: dict = {}  # the few share values, each turned into a fraction once

    def fraction(raw) -> Decimal:
        found = shares.get(raw)
        if found is None:
            found = shares[raw] = sql.decimal(raw) / HUNDRED
        return found

    projects, foreign = [], set()
    last = None
    for pk, unit_id, share, planned, contract, capital_type, *dates in reached_rows:
        if last is not None and last.id == pk:  # the same project, another credited unit
            last.credits[unit_id] = fraction(share)
            continue
        reached = {}
        for stage, on in zip(stages, dates, strict=True):
            if on is not None:
                on = sql.date(on)
                if on >= period.start:
                    reached[stage] = on
        last = engine.PeriodFact(
            id=pk,
            credits={unit_id: fraction(share)},
            reached=reached,
            planned_investment=sql.decimal(planned),
            contract_amount=sql.decimal(contract),
        )
        projects.append(last)
        if capital_type == "foreign":
            foreign.add(pk)
    if foreign and any(s.kind == "foreign" for groups in groups_by_unit.values() for g in groups for s in g.indicators):
        usd = _foreign_by_id(period, foreign)
        projects = [p._replace(foreign_usd=usd[p.id]) if p.id in usd else p for p in projects]

    funds: dict[int, engine.UnitFunds] = {}
    for unit_id, share, total, *by_floor in funds_rows:
        share = fraction(share)
        sums = funds.get(unit_id)
        if sums is None:
            sums = funds[unit_id] = engine.UnitFunds(total=ZERO, floors=dict.fromkeys(floors, ZERO))
        funds[unit_id] = sums._replace(total=sums.total + share * sql.decimal(total))
        for key, amount in zip(floors, by_floor, strict=True):
            sums.floors[key] += share * sql.decimal(amount)
    return engine.PeriodFacts(
        projects=projects,
        moved=partial(moved_by_unit, period, until),
        funds=funds,
        funds_rows=FundsDrillDown(period, until),
    )


def moved_by_unit(period: Period, until: dt.date) -> dict[int, int]:
    """Per unit, its recognised projects with a stage event inside the period up to ``until``."""
    rules, params = recognition_sql(period)
    moved = (
        "p.stage_date >= %s AND (" + " OR ".join(f"p.{c} BETWEEN %s AND %s" for c in STAGE_DATE_FIELDS.values()) + ")"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT c.unit_id, COUNT(*)
                FROM projects_projectcredit c JOIN projects_project p ON p.id = c.project_id
                WHERE ({moved}){rules}
                GROUP BY c.unit_id""",
            [
                period.start,
                *(value for _column in STAGE_DATE_FIELDS.values() for value in (period.start, until)),
                *params,
            ],
        )
        return dict(cursor.fetchall())


def _foreign_by_id(period: Period, ids) -> dict[int, Decimal]:
    rows = []
    ordered = sorted(ids)
    for start in range(0, len(ordered), 5000):
        rows += Project.objects.filter(pk__in=ordered[start : start + 5000]).order_by().values(*FACT_FIELDS)
    return {row["pk"]: _foreign_usd(period, row) for row in rows}


class FundsDrillDown:
    """The rows behind funds figures summed per unit on the reported basis: the recognised projects credited
    to the unit (with a share) that received funds inside the period up to ``until`` and meet the figure's
    minimum, newest first, and those receipts, by date within each project — as the engine lists them. One
    figure at a time (calling it, one query), or every figure of an assessment not read yet at once
    (``read_all``, one query)."""

    def __init__(self, period: Period, until: dt.date):
        self.period, self.until = period, until

    def _rows(self, floors, unit_id: int | None = None) -> list[tuple]:
        """(unit, project, receipt, and per floor 1 if the project is at or above it), ordered for the lists."""
        rules, rule_params = recognition_sql(self.period)
        flags = "".join(f", CASE WHEN p.{AMOUNT_COLUMN[field]} >= %s THEN 1 ELSE 0 END" for field, _ in floors)
        unit = "" if unit_id is None else " AND c.unit_id = %s"
        query = f"""
            SELECT c.unit_id, f.project_id, f.id{flags}
            FROM projects_fundsreceipt f
            JOIN projects_project p ON p.id = f.project_id
            JOIN projects_projectcredit c ON c.project_id = f.project_id
            WHERE c.share <> 0 AND f.date >= %s AND f.date <= %s{unit}{rules}
            ORDER BY c.unit_id, f.project_id DESC, f.date, f.id"""
        params = [*(minimum for _, minimum in floors), self.period.start, self.until]
        params += ([] if unit_id is None else [unit_id]) + rule_params
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall()

    @staticmethod
    def _lists(rows, flag: int | None) -> tuple[list[int], list[int]]:
        project_ids, receipt_ids = [], []
        for row in rows:
            if flag is not None and not row[flag]:
                continue
            if not project_ids or project_ids[-1] != row[1]:
                project_ids.append(row[1])
            receipt_ids.append(row[2])
        return project_ids, receipt_ids

    @staticmethod
    def _floor(spec: engine.IndicatorSpec) -> tuple[str, Decimal] | None:
        return (spec.amount_field, spec.min_amount) if spec.min_amount else None

    def __call__(self, unit_id: int, spec: engine.IndicatorSpec) -> tuple[list[int], list[int]]:
        floor = self._floor(spec)
        floors = [floor] if floor else []
        return self._lists(self._rows(floors, unit_id), 3 if floor else None)

    def read_all(self, indicators: list[engine.IndicatorResult]) -> None:
        """Read the rows of these figures (each made with this drill-down) in one query."""
        floors = sorted({f for i in indicators if (f := self._floor(i.spec))})
        by_unit = defaultdict(list)
        for row in self._rows(floors):
            by_unit[row[0]].append(row)
        for indicator in indicators:
            unit_id, spec = indicator.rows.args
            floor = self._floor(spec)
            lists = self._lists(by_unit.get(unit_id, ()), 3 + floors.index(floor) if floor else None)
            indicator.project_ids, indicator.receipt_ids = lists
            indicator.rows = None


def read_drill_downs(assessment: engine.Assessment) -> None:
    """Read the rows behind every figure of ``assessment`` not read yet, a query per kind of drill-down
    rather than one per figure: for what lists every unit's rows (the JSON and Excel exports)."""
    pending = defaultdict(list)
    for result in assessment.units:
        for group in result.groups:
            for indicator in group.indicators:
                rows = indicator.rows
                if isinstance(rows, partial) and isinstance(rows.func, FundsDrillDown):
                    pending[rows.func].append(indicator)
    for drill_down, indicators in pending.items():
        drill_down.read_all(indicators)


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
    """Every active unit's assessment in ``period`` as of ``as_of``. On the reported basis the rows behind
    a funds figure (its ``project_ids`` and ``receipt_ids``) are read when first asked for, one query per
    figure."""
    units = unit_infos()
    groups = group_specs(period, units)
    common = {
        "units": units,
        "groups_by_unit": groups,
        "start": period.start,
        "end": period.end,
        "as_of": as_of,
        "schedule_basis": period.schedule_basis,
        "rules": rules_for(period, as_of),
    }
    if basis == "reported":
        return engine.assess_facts(facts=period_facts(period, as_of, groups), **common)
    projects, receipts, _count = facts(period, as_of, basis=basis)
    return engine.assess(projects=projects, receipts=receipts, **common)
