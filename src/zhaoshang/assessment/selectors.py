"""Feed the engine: read a period's targets, units, projects and receipts into plain facts.

The pipeline: these selectors read facts (plain data) → ``engine.assess_facts`` computes → presenters
(``serialize``, ``xlsx``, the pages, the bulletin) write. Every ledger rule they apply (reached, recognition,
credit shares, foreign capital, funds within dates) is imported from ``projects.rules``.

A handful of queries whatever the county's size. ``assess_period`` on the reported basis reads the period's
facts already reduced in SQL (``period_facts``): per recognised project the date it reached each stage the
indicators read, per unit the credited funds in place; the receipts behind a funds figure summed per unit
are read after the engine, by ``read_drill_downs``, for what lists them. ``facts`` reads whole projects
(every stage event up to the as-of date) and receipts, for what needs them: the verified basis, the detail
lookup of the workbooks, the water report and the forecast.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, models

from zhaoshang.organization.choices import Category
from zhaoshang.organization.models import Unit
from zhaoshang.organization.selectors import roll_up_above
from zhaoshang.projects import rules as ledger
from zhaoshang.projects.models import STAGE_DATE_FIELDS, FundsReceipt, Project, ProjectCredit, StageEvent
from zhaoshang.targets import consequences as rulebook
from zhaoshang.targets import scoring
from zhaoshang.targets.choices import RankingGroups, SchemeKind
from zhaoshang.targets.models import Indicator, Period, Scheme, TargetGroup, Veto, scheme_spec

from . import conditions, earlier, engine, points
from .facts import ProjectFact, ReceiptFact, summarize

ZERO = Decimal("0")
ONE = Decimal("1")
# An indicator's amount field → the project column (the engine reads planned investment for any other).
AMOUNT_COLUMN = defaultdict(lambda: "planned_investment", contract_amount="contract_amount")
# The project columns the engine's facts and the recognition rules read.
FACT_FIELDS = (
    "pk",
    *ledger.RECOGNITION_FIELDS,
    "contract_amount",
    "high_tech",
    *ledger.FOREIGN_FIELDS,
    *conditions.FIELDS,
)


def unit_infos(period: Period | None = None) -> list[engine.UnitInfo]:
    """The active units; given a period that rolls sections up, the tree is read in the same query and kept
    with the period for ``roll_up``."""
    rows = Unit.objects.order_by("code").values_list("pk", "code", "name", "category", "tier", "parent_id", "active")
    if period is None:
        rows = rows.filter(active=True)
    rows = list(rows)
    if period is not None and period.roll_up:
        period._roll_up_above = roll_up_above([(row[0], row[5], row[3]) for row in rows])
    return [
        engine.UnitInfo(id=pk, code=code, name=name, category=category, tier=tier, parent_id=parent_id)
        for pk, code, name, category, tier, parent_id, active in rows
        if active
    ]


def roll_up(period: Period) -> dict[int, tuple[int, ...]]:
    """The units each unit's credits roll up to in ``period`` (``projects.rules.rolled_up``), read once per period
    object; none when the period switches the roll-up off."""
    if not period.roll_up:
        return {}
    found = getattr(period, "_roll_up_above", None)
    if found is None:
        found = period._roll_up_above = roll_up_above()
    return found


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


def facts(period: Period, as_of: dt.date, *, basis: str = "reported", project_ids=None, evidence: bool | None = None):
    """Projects with a stage event or a receipt inside the period (up to ``as_of``), and those receipts. Only the
    evidenced events and receipts when ``evidence`` is true (``rules.event_evidenced``), every one when it is false;
    by the period's evidence gate when None."""
    gated = period.evidence_gate if evidence is None else evidence
    if basis == "verified":
        return _verified_facts(period, as_of, project_ids=project_ids, gated=gated)
    if basis != "reported":
        raise ValueError(f"unknown basis {basis!r}")
    until = min(period.end, as_of)
    events_in = StageEvent.objects.filter(date__gte=period.start, date__lte=until).values("project_id")
    receipts_in = FundsReceipt.objects.filter(ledger.received_within_q(period.start, until))
    if gated:
        receipts_in = receipts_in.filter(ledger.receipt_evidenced_q())
    if project_ids is not None:
        receipts_in = receipts_in.filter(project_id__in=project_ids)
    # One IN over a UNION of the two id lists, not "id IN (events) OR id IN (receipts)": the OR form reads every
    # project and tests it against both lists, and once a list outgrows work_mem PostgreSQL rescans it for each
    # project (at 1,000,000 projects it did not finish in 11 minutes). The UNION is hashed or sorted once.
    moved_ids = events_in.order_by().union(receipts_in.order_by().values("project_id"))
    moved = Project.objects.filter(pk__in=moved_ids)
    if project_ids is not None:
        moved = moved.filter(pk__in=project_ids)
    rows = list(moved.values(*FACT_FIELDS))
    ids = [row["pk"] for row in rows]
    credits = _credit_shares(moved.values("pk"), roll_up(period))
    stages, evidenced = defaultdict(dict), defaultdict(set)
    # Events up to the as-of date only: a stage reached later did not exist yet on that day.
    events = StageEvent.objects.filter(project_id__in=moved.values("pk"), date__lte=until)
    if gated:  # each event with whether it is evidenced (``rules.event_evidenced``)
        events = events.annotate(evidenced=models.ExpressionWrapper(ledger.event_evidenced_q(), models.BooleanField()))
    for project_id, stage, date, *flag in events.values_list(
        "project_id", "stage", "date", *(["evidenced"] if gated else [])
    ):
        stages[project_id][stage] = date
        if flag and flag[0]:
            evidenced[project_id].add(stage)
    if gated:  # with the gate on, the stage dates that stand (``rules.evidenced_stage_dates``)
        stages = {pk: ledger.evidenced_stage_dates(dates, evidenced[pk]) for pk, dates in stages.items()}
    projects = _project_facts(period, rows, credits, stages)
    receipts = [
        ReceiptFact(id=pk, project_id=project_id, date=date, amount=amount, opening_balance=opening)
        for pk, project_id, date, amount, opening in receipts_in.values_list(
            "pk", "project_id", "date", "amount", "opening_balance"
        )
    ]
    return projects, receipts, len(ids)


def _credit_shares(project_ids, above) -> dict[int, dict[int, Decimal]]:
    """Project id → {unit id: share as a fraction} for these projects (ids or a subquery), rolled up the tree by
    ``above`` (``roll_up``: ``projects.rules.rolled_up``)."""
    recorded = defaultdict(dict)
    for project_id, unit_id, share in ProjectCredit.objects.filter(project_id__in=project_ids).values_list(
        "project_id", "unit_id", "share"
    ):
        recorded[project_id][unit_id] = share
    fraction = ledger.share_fraction
    return {
        project_id: {unit_id: fraction(share) for unit_id, share in ledger.rolled_up(shares, above).items()}
        for project_id, shares in recorded.items()
    }


def credit_shares(period: Period, project_ids) -> dict[int, dict[int, Decimal]]:
    """Project id → {unit id: share as a fraction}, rolled up as ``period`` counts them (ids or a subquery)."""
    return _credit_shares(project_ids, roll_up(period))


def unit_shares(period: Period, project_ids, unit_id: int) -> dict[int, Decimal]:
    """Project id → the unit's share of it (a percentage), rolled up as the period's figures count it."""
    return {
        project_id: shares[unit_id] * ledger.HUNDRED
        for project_id, shares in _credit_shares(project_ids, roll_up(period)).items()
        if unit_id in shares
    }


def _project_facts(period: Period, rows, credits, stages, *, contract=None) -> list[ProjectFact]:
    """The engine's view of each project row; ``contract`` replaces contract amounts (verified signings)."""
    contract = contract or {}
    recognition = ledger.Recognition.of(period)
    return [
        ProjectFact(
            id=row["pk"],
            credits=credits.get(row["pk"], {}),
            stage_dates=stages.get(row["pk"], {}),
            planned_investment=row["planned_investment"],
            contract_amount=contract.get(row["pk"], row["contract_amount"]),
            foreign_usd=ledger.foreign_usd(row, period.usd_rate),
            excluded=not ledger.recognised(recognition, row),
            kind=row["kind"],
            industry=row["industry"],
            high_tech=row["high_tech"],
            conditions={name: row[name] for name in conditions.FIELDS},
        )
        for row in rows
    ]


def _verified_facts(period: Period, as_of: dt.date, *, project_ids=None, gated: bool = False):
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
    if gated:  # verified and evidenced: the verified stage dates that stand (``rules.evidenced_stage_dates``)
        evidenced_events, receipts_in = _evidenced_verified(events, receipts_in)
        evidenced = defaultdict(set)
        for event in evidenced_events:
            evidenced[event.project_id].add(event.stage)
        stages = {pk: ledger.evidenced_stage_dates(dates, evidenced[pk]) for pk, dates in stages.items()}
    rows = list(Project.objects.filter(pk__in=moved_ids).values(*FACT_FIELDS))
    projects = _project_facts(period, rows, _credit_shares(moved_ids, roll_up(period)), stages, contract=contract)
    receipts = [
        ReceiptFact(id=r.receipt_id, project_id=r.project_id, date=r.date, amount=r.amount) for r in receipts_in
    ]
    return projects, receipts, len(rows)


def _evidenced_verified(events, receipts):
    """The verified stage events and receipts that are also evidenced, for a period with the evidence gate on."""
    event_ids = set(
        StageEvent.objects.filter(pk__in=[e.event_id for e in events])
        .filter(ledger.event_evidenced_q())
        .values_list("pk", flat=True)
    )
    receipt_ids = set(
        FundsReceipt.objects.filter(pk__in=[r.receipt_id for r in receipts])
        .filter(ledger.receipt_evidenced_q())
        .values_list("pk", flat=True)
    )
    return [e for e in events if e.event_id in event_ids], [r for r in receipts if r.receipt_id in receipt_ids]


def show_verified(projects: Mapping[int, Project], receipts: Mapping) -> None:
    """On the verified basis, the rows behind a figure show what the figure counted: each receipt at its verified
    date and amount, each project at its verified contract amount (as ``_verified_facts`` reads them). In memory
    only, for a page; nothing is saved."""
    from zhaoshang.supervision.selectors import verified_receipts, verified_stage_events

    project_ids = set(projects) | {receipt.project_id for receipt in receipts.values()}
    verified = {row.receipt_id: row for row in verified_receipts(project_ids)}
    for receipt_id, receipt in receipts.items():
        if receipt_id in verified:
            receipt.date, receipt.amount = verified[receipt_id].date, verified[receipt_id].amount
    for event in verified_stage_events(set(projects)):
        if event.stage == "signed" and event.amount is not None and event.project_id in projects:
            projects[event.project_id].contract_amount = event.amount


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


def _funds_condition(key: engine.FundsKey, start: dt.date, until: dt.date) -> tuple[str, list]:
    """SQL (on ``p``, the project) for the projects a filtered funds figure reads (``engine.passes``)."""
    column = f"p.{AMOUNT_COLUMN[key.amount_field]}"
    parts, params = [f"{column} >= %s"], [key.minimum]
    if key.maximum is not None:
        parts.append(f"{column} < %s")
        params.append(key.maximum)
    if key.kinds:
        parts.append(f"p.kind IN {_in(key.kinds)}")
        params += list(key.kinds)
    if key.industries:
        parts.append(f"p.industry IN {_in(key.industries)}")
        params += list(key.industries)
    if key.high_tech is not None:
        parts.append("p.high_tech = %s")
        params.append(key.high_tech)
    if key.conditions is not None:  # a points scheme's recognition conditions (``assessment.conditions``)
        sql, own = key.conditions.sql("p", start, until)
        parts.append(sql)
        params += own
    return " AND ".join(parts), params


def period_facts(period: Period, as_of: dt.date, groups_by_unit, measures=()) -> engine.PeriodFacts:
    """The period's facts up to ``as_of`` on the reported basis, reduced in SQL (two queries):

    - the recognised projects that reached a stage the indicators read (or "signed") inside the period,
      with that date per stage (the first event at or after the stage up to ``as_of``, read from the
      project's own stage-date columns, not from the events), their credits and amounts, newest first as
      ``facts`` reads them;
    - per unit and share, the funds in place inside the period of its recognised projects, in all and of
      the projects at or above each funds indicator's minimum (or passing a points scheme's funds measure's
      filters: ``measures``, the engine's specs of them).

    The rows behind a funds figure are read after the engine, by ``read_drill_downs``.

    A period with the evidence gate on (``rules.event_evidenced``) is read through ``facts`` instead: the stage-date
    columns hold every event, evidenced or not, so the dates that stand under the gate are worked out from the
    events themselves (``rules.evidenced_stage_dates``; its figures' rows are then listed already).
    """
    until = min(period.end, as_of)
    if period.evidence_gate:
        projects, receipts, _count = facts(period, as_of)
        return summarize(projects, receipts, period.start, until, engine.stages_read(groups_by_unit, measures))
    sql = _Dialect()
    rules, rule_params = ledger.recognition_sql(ledger.Recognition.of(period))
    above = roll_up(period)
    credits = ledger.rolled_up_credits_sql(above)
    stages = sorted(engine.stages_read(groups_by_unit, measures), key=ledger.STAGE_INDEX.get)
    # A points scheme's conditions read some project columns and the date reached "signed" (whenever it was).
    with_conditions = any(spec.conditions is not None for spec in measures)
    condition_columns = "".join(f", p.{name}" for name in conditions.FIELDS) if with_conditions else ""
    signed_index = stages.index("signed")
    floors = sorted(engine.funds_floors(groups_by_unit, measures), key=repr)
    later = {stage: ledger.stages_from(stage) for stage in stages}
    read = later[stages[0]]  # every stage at or after the earliest one read
    # Each stage's date is the project's own column (kept with its stage events); one reached later than the
    # as-of date did not exist yet. A stage is reached on the first date of it and the later stages.
    own = {stage: ledger.stage_date_sql(stage, alias="")[0] for stage in read}
    columns = ", ".join(f"{ledger.reached_sql(s, own.get)} AS r{i}" for i, s in enumerate(stages))
    # A project's stage date is the latest of its stage dates (they never run backwards along the pipeline), so the
    # stage-date index passes over the projects that last moved before the period.
    moved = "stage_date >= %s AND (" + " OR ".join(f"{STAGE_DATE_FIELDS[s]} BETWEEN %s AND %s" for s in read) + ")"
    # The projects with a stage read dated inside the period, with their reached dates and credits.
    reached_sql = f"""
        SELECT p.id, c.unit_id, {sql.money("c.share")}, {sql.money("p.planned_investment")},
               {sql.money("p.contract_amount")}, p.capital_type, p.kind, p.industry, p.high_tech{condition_columns},
               {", ".join(f"p.r{i}" for i in range(len(stages)))}
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
    floor_conditions = [_funds_condition(key, period.start, until) for key in floors]
    floor_sums = "".join(f", SUM(CASE WHEN {condition} THEN f.amount ELSE 0 END)" for condition, _ in floor_conditions)
    if sql.sqlite:  # summed per project first: SQLite's plan for the plain join is several times slower
        within, _params = ledger.received_within_sql("r", period.start, until)
        receipts = f"""(SELECT r.project_id, SUM({sql.money("r.amount")}) AS amount FROM projects_fundsreceipt r
                         WHERE {within} GROUP BY r.project_id) f"""
        where = "1 = 1"
    else:
        receipts = "projects_fundsreceipt f"
        where, _params = ledger.received_within_sql("f", period.start, until)
    funds_sql = f"""
        SELECT c.unit_id, {sql.money("c.share")}, SUM(f.amount){floor_sums}
        FROM {receipts}
        JOIN projects_project p ON p.id = f.project_id
        JOIN {credits} c ON c.project_id = f.project_id
        WHERE {where}{rules}
        GROUP BY c.unit_id, c.share"""
    funds_params = [*(value for _, params in floor_conditions for value in params), period.start, until, *rule_params]
    with connection.cursor() as cursor:
        cursor.execute(reached_sql, reached_params)
        reached_rows = cursor.fetchall()
        cursor.execute(funds_sql, funds_params)
        funds_rows = cursor.fetchall()

    shares: dict = {}  # the few share values, each turned into a fraction once

    def fraction(raw) -> Decimal:
        found = shares.get(raw)
        if found is None:
            found = shares[raw] = ledger.share_fraction(sql.decimal(raw))
        return found

    projects, foreign = [], set()
    last = None
    fields_read = len(conditions.FIELDS) if with_conditions else 0
    for pk, unit_id, share, planned, contract, capital_type, kind, industry, high_tech, *dates in reached_rows:
        if last is not None and last.id == pk:  # the same project, another credited unit
            last.credits[unit_id] = fraction(share)
            continue
        condition_row = None
        if fields_read:
            values, dates = dates[:fields_read], dates[fields_read:]
            signed_on = dates[signed_index]
            row = dict(zip(conditions.FIELDS, values, strict=True))
            row["company_registered_on"] = row["company_registered_on"] and sql.date(row["company_registered_on"])
            row["land_paid_on"] = row["land_paid_on"] and sql.date(row["land_paid_on"])
            condition_row = conditions.fact_row(row, None if signed_on is None else sql.date(signed_on))
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
            kind=kind,
            industry=industry,
            high_tech=bool(high_tech),
            conditions=condition_row,
        )
        projects.append(last)
        if capital_type == "foreign":
            foreign.add(pk)
    if above:  # the projects' credits rolled up in Python, per project (the funds below: in SQL)
        for project in projects:
            rolled = ledger.rolled_up(project.credits, above, whole=ONE)
            project.credits.clear()
            project.credits.update(rolled)
    indicators = (s for groups in groups_by_unit.values() for group in groups for s in group.indicators)
    if foreign and any(s.kind == "foreign" for s in (*indicators, *measures)):
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
    return engine.PeriodFacts(projects=projects, funds=funds)


def _foreign_by_id(period: Period, ids) -> dict[int, Decimal]:
    rows = []
    ordered = sorted(ids)
    for start in range(0, len(ordered), 5000):
        rows += Project.objects.filter(pk__in=ordered[start : start + 5000]).order_by().values(*FACT_FIELDS)
    return {row["pk"]: ledger.foreign_usd(row, period.usd_rate) for row in rows}


def _funds_rows(period: Period, until: dt.date, floors, unit_ids) -> list[tuple]:
    """(unit, project, receipt, and per floor 1 if the project is at or above it) for the recognised projects
    credited (with a share) to the units (all when None) that received funds inside the period up to
    ``until``, ordered as the engine lists a figure's rows: newest project first, receipts by date."""
    rules, rule_params = ledger.recognition_sql(ledger.Recognition.of(period))
    within, within_params = ledger.received_within_sql("f", period.start, until)
    floor_conditions = [_funds_condition(key, period.start, until) for key in floors]
    flags = "".join(f", CASE WHEN {condition} THEN 1 ELSE 0 END" for condition, _ in floor_conditions)
    units = "" if unit_ids is None else f" AND c.unit_id IN {_in(unit_ids)}"
    evidenced, evidenced_params = ledger.receipt_evidenced_sql("f") if period.evidence_gate else ("", [])
    evidenced = evidenced and f" AND {evidenced}"
    credits = ledger.rolled_up_credits_sql(roll_up(period))
    query = f"""
        SELECT c.unit_id, f.project_id, f.id{flags}
        FROM projects_fundsreceipt f
        JOIN projects_project p ON p.id = f.project_id
        JOIN {credits} c ON c.project_id = f.project_id
        WHERE c.share <> 0 AND {within}{units}{evidenced}{rules}
        ORDER BY c.unit_id, f.project_id DESC, f.date, f.id"""
    params = [
        *(value for _, values in floor_conditions for value in values),
        *within_params,
        *(unit_ids or ()),
        *evidenced_params,
        *rule_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _floor(spec: engine.IndicatorSpec) -> engine.FundsKey | None:
    return engine.funds_key(spec) if spec.filtered else None


def read_drill_downs(period: Period, assessment: engine.Assessment, *, unit_ids=None) -> None:
    """Read the rows behind the funds figures the engine summed per unit (their ids are None), of every unit
    or of ``unit_ids``, in one query: for what lists the rows (a unit's page, the JSON and Excel exports, the
    bulletin). Reported basis only: the verified basis lists its rows already."""
    asked_results = [r for r in assessment.units if unit_ids is None or r.unit.id in unit_ids]
    pending = [
        (result.unit.id, indicator)
        for result in asked_results
        for indicator in (*(i for group in result.groups for i in group.indicators), *result.measured.values())
        if indicator.project_ids is None
    ]
    if not pending:
        return
    floors = sorted({f for _unit, indicator in pending if (f := _floor(indicator.spec))}, key=repr)
    asked = None if unit_ids is None else sorted({unit_id for unit_id, _indicator in pending})
    by_unit = defaultdict(list)
    for row in _funds_rows(period, min(period.end, assessment.as_of), floors, asked):
        by_unit[row[0]].append(row)
    for unit_id, indicator in pending:
        floor = _floor(indicator.spec)
        flag = 3 + floors.index(floor) if floor else None
        project_ids, receipt_ids = [], []
        for row in by_unit.get(unit_id, ()):
            if flag is not None and not row[flag]:
                continue
            if not project_ids or project_ids[-1] != row[1]:
                project_ids.append(row[1])
            receipt_ids.append(row[2])
        indicator.project_ids, indicator.receipt_ids = project_ids, receipt_ids
    for result in asked_results:
        points.fill_rows(result)


# --- a points scheme ------------------------------------------------------------------------------------


def points_scheme(period: Period) -> Scheme | None:
    """The period's scheme when it scores by points (None: weighted completion, as without a scheme)."""
    return Scheme.objects.filter(period=period, kind=SchemeKind.POINTS).prefetch_related("items").first()


def scheme_lines(scheme: Scheme) -> tuple[scoring.Scheme, list[points.SchemeLine]]:
    """The pure scheme and its items with their measures and task groups (``scoring.SchemeError`` naming the
    item when it cannot be computed)."""
    spec = scheme_spec(scheme)
    rows = list(scheme.items.all())
    lines = [
        points.SchemeLine(
            item=item, measure=scoring.Measure.from_json(row.measure, item=row.name), task_group=row.task_group
        )
        for item, row in zip(spec.items, rows, strict=True)
    ]
    return spec, lines


def ranking_groups(scheme: Scheme, units: list[engine.UnitInfo]) -> dict[int, str]:
    """Unit id → its ranking group: its category, one list of all units, or the scheme's custom groups by unit
    code (a unit in no custom group is scored but not ranked)."""
    if scheme.ranking == RankingGroups.ALL:  # all units but the sections, each ranked among its unit's sections
        return {unit.id: "all" if unit.category != Category.SECTION else engine.ranking_key(unit) for unit in units}
    if scheme.ranking == RankingGroups.CUSTOM:
        group_by_code = {code: name for name, codes in (scheme.custom_groups or {}).items() for code in codes}
        return {unit.id: group_by_code[unit.code] for unit in units if unit.code in group_by_code}
    return {unit.id: engine.ranking_key(unit) for unit in units}


def occurrences(period: Period, as_of: dt.date, wanted) -> dict[str, dict[int, list[tuple[int, int | None]]]]:
    """Per occurrence measure the scheme reads, unit id → (row id, project id) of each occurrence inside the
    period up to ``as_of``:

    - late_reports / missing_reports: the unit's scheduling reports due in the period that are late
      (``ProgressReport.is_late`` on ``as_of``), submitted after the due day / not submitted by ``as_of``;
    - criticisms: the issued bulletins of the period that criticised the unit (``earlier.criticisms_in``);
    - findings: supervision's verifications in the period that found a reported figure inflated (弄虚作假): the
      record rejected, or adjusted to a smaller amount; one per verification for every unit credited with a share;
    - double_claims: pairs of projects the bureau decided were one project claimed twice (merged), decided in the
      period: one per pair for every unit that claimed the project another unit had (``claims.deductions``),
      rolled up like the credits; the row is the pair.
    """
    from zhaoshang.core import clock
    from zhaoshang.scheduling.models import ProgressReport, report_is_late
    from zhaoshang.supervision.choices import Result
    from zhaoshang.supervision.models import Verification

    until = min(period.end, as_of)
    found: dict[str, dict[int, list[tuple[int, int | None]]]] = {what: defaultdict(list) for what in wanted}
    if {"late_reports", "missing_reports"} & set(wanted):
        reports = ProgressReport.objects.filter(
            scheduling_round__date__gte=period.start, scheduling_round__date__lte=until
        ).order_by("scheduling_round__date", "id")
        for pk, unit_id, project_id, due, submitted in reports.values_list(
            "pk", "unit_id", "project_id", "scheduling_round__date", "first_submitted_at"
        ):
            if not report_is_late(due, submitted, as_of):
                continue
            missing = submitted is None or clock.date_of(submitted) > as_of
            what = "missing_reports" if missing else "late_reports"
            if what in found:
                found[what][unit_id].append((pk, project_id))
    if "criticisms" in found:
        for unit_id, ids in earlier.criticisms_in(period, period.start, until).items():
            found["criticisms"][unit_id] = [(pk, None) for pk in ids]
    if "findings" in found:
        inflated = Verification.objects.filter(
            verified_at__date__gte=period.start, verified_at__date__lte=until
        ).filter(
            models.Q(result=Result.REJECTED)
            | models.Q(result=Result.ADJUSTED, adjusted_amount__lt=models.F("reported_amount"))
        )
        rows = list(inflated.order_by("verified_at", "id").values_list("pk", "project_id"))
        credits = _credit_shares({project_id for _pk, project_id in rows}, roll_up(period))
        for pk, project_id in rows:
            for unit_id, share in credits.get(project_id, {}).items():
                if share:
                    found["findings"][unit_id].append((pk, project_id))
    if "double_claims" in found:
        from zhaoshang.claims.deductions import double_claims_in

        above = roll_up(period)
        for pk, project_id, unit_ids in double_claims_in(period.start, until):
            shares = ledger.rolled_up(dict.fromkeys(unit_ids, ledger.HUNDRED), above)
            for unit_id in shares:
                found["double_claims"][unit_id].append((pk, project_id))
    return found


# A summed row's credited amount: to a millionth (a hundredth of a yuan or a cent in 万), half up; a receipt's
# dollars through the period's rate have more places. The unit's figure is the total of its rows' amounts.
SUMMED_PLACES = Decimal("0.000001")


def summed(period: Period, as_of: dt.date, wanted, *, basis: str = "reported") -> dict[str, dict[int, points.Summed]]:
    """Per summed measure the scheme reads (``scoring.SUMMED_MEASURES``), unit id → its figure and the rows
    behind it, each row credited to every unit by its share of the project (``rules.share_fraction``; a unit with
    a zero share gets nothing; a row of nothing is not listed), of recognised projects only
    (``rules.recognised``), inside the period up to ``as_of``:

    - foreign_received: 实际利用外资 in 万美元 of the funds receipts dated in the period (``rules.received_within``),
      each at ``rules.receipt_foreign_usd`` (yuan receipts 0; other currencies at the period's rate). On the
      verified basis, the receipts whose latest verification confirmed or adjusted them, at the verified date; an
      adjusted amount is read in yuan at the period's rate (the original dollars no longer stand);
    - investment_completed: 本期完成投资 (万元) and export_earnings: 出口创汇 (万美元) of the scheduling reports that
      count in the period (``scheduling.rules.report_counted``: due in it, standing as submitted).
    """
    from zhaoshang.scheduling import rules as scheduling_rules
    from zhaoshang.scheduling.models import ProgressReport

    wanted = set(wanted)
    if not wanted:
        return {}
    until = min(period.end, as_of)
    raw: dict[str, list[tuple[int, int, Decimal]]] = {}  # what → (row id, project id, amount)
    if "foreign_received" in wanted:
        raw["foreign_received"] = _foreign_received_rows(period, until, basis)
    fields = [what for what in ("investment_completed", "export_earnings") if what in wanted]
    if fields:
        reports = ProgressReport.objects.filter(scheduling_rules.report_counted_q(period.start, until)).order_by(
            "scheduling_round__date", "id"
        )
        rows = list(reports.values_list("pk", "project_id", *fields))
        for index, what in enumerate(fields, start=2):
            raw[what] = [(row[0], row[1], row[index]) for row in rows if row[index] is not None]
    project_ids = {project_id for rows in raw.values() for _id, project_id, _amount in rows}
    recognition = ledger.Recognition.of(period)
    counted = {
        row["pk"]
        for row in Project.objects.filter(pk__in=project_ids).values("pk", *ledger.RECOGNITION_FIELDS)
        if ledger.recognised(recognition, row)
    }
    credits = _credit_shares(counted, roll_up(period))
    found: dict[str, dict[int, points.Summed]] = {}
    for what, rows in raw.items():
        by_unit: dict[int, list[points.SummedRow]] = defaultdict(list)
        for row_id, project_id, amount in rows:
            if project_id not in counted or not amount:  # a yuan receipt is no foreign capital: no row
                continue
            for unit_id, share in credits.get(project_id, {}).items():
                if share:
                    credited = (amount * share).quantize(SUMMED_PLACES, rounding=ROUND_HALF_UP)
                    by_unit[unit_id].append(points.SummedRow(row_id, project_id, share, credited))
        found[what] = {unit_id: points.summed_of(unit_rows) for unit_id, unit_rows in by_unit.items()}
    return found


def _foreign_received_rows(period: Period, until: dt.date, basis: str) -> list[tuple[int, int, Decimal]]:
    """(receipt id, project id, 实际利用外资 in 万美元) of the receipts inside the period, by date."""
    receipts = FundsReceipt.objects.order_by("date", "id")
    if basis != "verified":
        receipts = receipts.filter(ledger.received_within_q(period.start, until))
        if period.evidence_gate:
            receipts = receipts.filter(ledger.receipt_evidenced_q())
        rows = receipts.values("pk", "project_id", "date", *ledger.RECEIPT_FOREIGN_FIELDS)
        return [(row["pk"], row["project_id"], ledger.receipt_foreign_usd(row, period.usd_rate)) for row in rows]
    from zhaoshang.supervision.selectors import verified_receipts

    verified_rows = verified_receipts(start=period.start, until=until)
    if period.evidence_gate:
        _events, verified_rows = _evidenced_verified([], verified_rows)
    verified = {row.receipt_id: row for row in verified_rows}
    found = []
    for row in receipts.filter(pk__in=list(verified)).values("pk", "project_id", *ledger.RECEIPT_FOREIGN_FIELDS):
        check = verified[row["pk"]]
        if check.amount != row["amount"]:
            row = {**row, "amount": check.amount, "original_amount": None}
        found.append((check.date, row["pk"], row["project_id"], ledger.receipt_foreign_usd(row, period.usd_rate)))
    return [(pk, project_id, usd) for _date, pk, project_id, usd in sorted(found)]


def period_scheme(period: Period) -> Scheme | None:
    """The period's scheme of either kind (its consequences), with its items."""
    return Scheme.objects.filter(period=period).prefetch_related("items").first()


def rules_for(period: Period, as_of: dt.date, scheme: Scheme | None = None, units=(), *, read=True) -> engine.Rules:
    """The period's rules: its consequences (the scheme's, else the default set; ``read``: look the scheme up when
    none is given) and, under a points scheme, its ranking groups and veto effect."""
    extra = {}
    if scheme is None and read:
        scheme = Scheme.objects.filter(period=period).first()
    if scheme is not None and scheme.kind == SchemeKind.POINTS:
        extra = {"ranking_groups": ranking_groups(scheme, list(units)), "veto_effect": scheme.veto_effect}
    try:
        book = rulebook.from_json(scheme.consequences if scheme is not None else None)
    except rulebook.RuleError as error:  # stored otherwise than by the scheme's services: shown, never applied
        raise scoring.SchemeError(error.message, **error.params) from error
    depth = rulebook.deepest_history(book)
    if depth > 1:
        extra["criticised_history"] = earlier.criticised_history(period, as_of, depth)
    return engine.Rules(
        score_cap=period.score_cap,
        criticise_bottom=_per_group(period.criticise_bottom, units),
        commend_top=_per_group(period.commend_top, units),
        criticise_beyond_third=period.criticise_beyond_third,
        yellow_card_ratio=period.yellow_card_ratio,
        half_time_check=period.half_time_check,
        vetoes=dict(Veto.objects.filter(period=period).values_list("unit_id", "reason")),
        previously_criticised=earlier.criticised_before(period, as_of),
        referred_categories=frozenset({Category.VERTICAL.value}),
        consequences=None if rulebook.is_default(book) else book,
        **extra,
    )


def _per_group(counts: Mapping, units) -> dict[str, int]:
    """A period's N per category (criticised or commended), the sections' N for every group of sections."""
    found = {key: int(value) for key, value in counts.items()}
    if Category.SECTION in found:
        for unit in units:
            key = engine.ranking_key(unit)
            if key != unit.category:
                found.setdefault(key, found[Category.SECTION])
    return found


def assess_period(period: Period, as_of: dt.date, *, basis: str = "reported") -> engine.Assessment:
    """Every active unit's assessment in ``period`` as of ``as_of``. On the reported basis the rows behind
    a funds figure summed per unit (its ``project_ids`` and ``receipt_ids``, None here) are read by
    ``read_drill_downs`` for what lists them."""
    units = unit_infos(period)
    groups = group_specs(period, units)
    stored = period_scheme(period)
    scheme = stored if stored is not None and stored.kind == SchemeKind.POINTS else None
    rules = rules_for(period, as_of, stored, units, read=False)
    common = {
        "units": units,
        "groups_by_unit": groups,
        "start": period.start,
        "end": period.end,
        "as_of": as_of,
        "schedule_basis": period.schedule_basis,
        "rules": rules,
    }
    measures = {}
    if scheme is not None:
        spec, lines = scheme_lines(scheme)
        measures = points.measure_specs(lines)
        common["measures"] = measures
        common["points"] = points.Points(
            scheme=spec,
            lines=lines,
            group_of=rules.ranking_groups,
            occurrences=occurrences(period, as_of, points.occurrences_read(lines)),
            summed=summed(period, as_of, points.summed_read(lines), basis=basis),
        )
    if basis == "reported":
        return engine.assess_facts(facts=period_facts(period, as_of, groups, tuple(measures.values())), **common)
    projects, receipts, _count = facts(period, as_of, basis=basis)
    until = min(period.end, as_of)
    reduced = summarize(projects, receipts, period.start, until, engine.stages_read(groups, measures.values()))
    return engine.assess_facts(facts=reduced, **common)


def points_preview(period: Period) -> list[dict] | None:
    """The 评分细则 page's live preview (``targets.previews``): every scored unit's points per item and in all, on
    the current ledger (reported basis, as of today or the period's end), best first; None when the stored scheme
    cannot be computed (the page names why when it is saved)."""
    from zhaoshang.core import clock

    try:
        assessment = assess_period(period, min(clock.today(), period.end))
    except scoring.SchemeError:
        return None
    scored = sorted((r for r in assessment.units if r.points is not None), key=lambda r: (-r.points, r.unit.code))
    return [{"unit": r.unit.name, "items": {i.code: i.points for i in r.items}, "total": r.points} for r in scored]
