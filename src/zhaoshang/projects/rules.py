"""The ledger's rules, each written once: a Python predicate and its SQL or ORM form side by side.

Every figure in the product (the assessment, the dashboard, the bulletin, the ledger's filters, the forecast,
the workbooks, the demo) counts projects and money by these rules and imports them from here; nothing else
writes them. ``tests/test_rules_parity.py`` checks every Python form against its SQL and ORM forms on
generated ledgers, on SQLite and PostgreSQL.

- **Reached**: a project reaches a stage on the date of that stage's own event or, if the stage was skipped,
  on the date of the first later stage recorded (a project that started has signed). Up to a date, only the
  stages dated on or before it exist. "Reached within [start, end]" (both inclusive) means that date lies
  within them.
- **Recognition** (认定规则): a period's rules exclude projects by kind, industry, three flags and a floor on
  planned investment; an excluded project counts nowhere in that period's assessment.
- **Credit shares**: a unit credited with a share (a percentage) of a project counts that fraction of the
  project and of its amounts (`share_fraction` here; the engine multiplies, on plain data).
- **Roll-up**: a unit's credited share of a project is its own share plus the shares of every unit below it
  (its sections, summed up the tree to every ancestor but the jurisdiction root), capped at the whole project
  (100%): a project credited to a township and its own section counts once for the township. A period can switch
  it off (``Period.roll_up``). ``rolled_up`` here, ``rolled_up_credits_sql`` its SQL form (a table of credits).
- **Foreign capital in USD** (10k US dollars): as recorded when in USD, else through yuan at the period's
  rate; zero for domestic projects.
- **Stage on a day**: the furthest stage dated up to that day (the project's `stage` column, for today).
- **Funds within dates**: a receipt counts within [start, end] when its date does (both inclusive).
- **Receipts in a currency**: a receipt's 10k-yuan amount (what the ledger sums) is its original amount times the
  rate used, over 10,000, when it was received in another currency and both are recorded; else as entered.
- **Foreign capital received in USD** (实际利用外资, 10k US dollars, per receipt): dollars at face value, any
  other foreign currency through its yuan amount at the period's rate; zero for yuan.
- **Scheme conditions** (the recognition conditions of a county's 考核办法): signed at a promotion event of a
  level or higher (县级 < 市级 < 省级 < 国家级); private (民营) ownership; company registered and land premium
  paid, both within [start, end]; signed within N years (signed by the as-of date and on or after the same day
  N years before the period's start); in some GB/T 4754 divisions (大类).
- **Industry chain** (产业链): a project's ``industry_chain`` is a chain ("新能源") or one of its links written
  "chain·link" ("新能源·电池"); a project is on a chain when it names the chain or any of its links, on a link when
  it names exactly that link.
- **Evidence** (佐证): a stage event is evidenced when an attachment linked to it (``Attachment.stage_event``) has
  one of its stage's kinds (``EVIDENCE_KINDS``: signed ← contract; started ← permit or photo; producing ← licence or
  photo; the other stages need none); a funds receipt when an attachment linked to it (``Attachment.receipt``) is a
  bank receipt. Opening balances (期初结转) need a bank receipt too, like any receipt (they never count within a
  period anyway). A period with the **evidence gate** on (``Period.evidence_gate``, one of its recognition rules)
  counts only evidenced stage events and receipts. A stage event stands under the gate when it or an event of a
  later stage is evidenced (a start with its permit evidences the signing before it; ``evidenced_stage_dates``);
  the reached rule applies to the events that stand, so a stage is reached on a reported date, never a later one:
  the gate only ever removes figures.
  What the reported figures count without the gate minus what they count with it is "reported, no evidence"
  (已报未附佐证).
- **Idle** (the stalled rule's main part): an active project not yet producing whose last activity (entry,
  stage reached or report submitted) is N days or more before today.

The SQL forms read the project's stage-date columns (``<stage>_on``), which the services keep in step with
its stage events (``zhaoshang check_ledger`` checks that they are).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.expressions import earliest_sql

from .choices import (
    EVENT_LEVEL_ORDER,
    STAGE_ORDER,
    AttachmentKind,
    CapitalType,
    Currency,
    EventLevel,
    Ownership,
    Stage,
    Status,
)
from .models import STAGE_DATE_FIELDS

ZERO = Decimal("0")
CENT = Decimal("0.01")
TEN_THOUSAND = Decimal("10000")
HUNDRED = Decimal("100")
STAGES: tuple[str, ...] = tuple(Stage.values)
STAGE_INDEX: Mapping[str, int] = STAGE_ORDER


def stages_from(stage: str) -> tuple[str, ...]:
    """The stage and every later one: reaching any of them reaches ``stage``."""
    return STAGES[STAGE_INDEX[stage] :]


# --- reached ----------------------------------------------------------------------------------------------


def reached_on(stage_dates: Mapping[str, dt.date], stage: str, until: dt.date | None = None) -> dt.date | None:
    """The date a project with these stage dates reached ``stage``, counting only stages dated up to
    ``until`` (all when None): the first date of the stage and the later ones, None when not reached."""
    dates = [
        on
        for name, on in stage_dates.items()
        if on is not None and STAGE_INDEX[name] >= STAGE_INDEX[stage] and (until is None or on <= until)
    ]
    return min(dates) if dates else None


def reached_within(stage_dates: Mapping[str, dt.date], stage: str, start: dt.date | None, end: dt.date | None) -> bool:
    """Did the project reach ``stage`` within [start, end]? An open end is no limit."""
    on = reached_on(stage_dates, stage, end)
    return on is not None and (start is None or on >= start)


def furthest_stage(stage_dates: Mapping[str, dt.date | None], until: dt.date | None = None) -> str | None:
    """The project's stage on ``until`` (now when None): the furthest stage dated up to it, None before any.
    Its SQL form is the project's ``stage`` column, which the services keep at this for today."""
    dated = [name for name, on in stage_dates.items() if on is not None and (until is None or on <= until)]
    return max(dated, key=STAGE_INDEX.__getitem__) if dated else None


def stage_date_sql(stage: str, alias: str = "p") -> tuple[str, list]:
    """SQL for the date of ``stage``'s own event up to a date (its parameter), NULL when later or never."""
    column = f"{alias}.{STAGE_DATE_FIELDS[stage]}" if alias else STAGE_DATE_FIELDS[stage]
    return f"CASE WHEN {column} <= %s THEN {column} END", []


def reached_sql(stage: str, own_date: Callable[[str], str]) -> str:
    """SQL for the date ``stage`` was reached, given each stage's own date as an SQL expression
    (``own_date(stage)``, e.g. a column of ``stage_date_sql`` values): the earliest of the stage's and the
    later stages' dates, NULL when none."""
    return earliest_sql([own_date(name) for name in stages_from(stage)])


def reached_day_sql(stage: str, alias: str = "p") -> str:
    """The aggregate form of ``reached_within``: the date the project row ``alias`` reached ``stage`` counting
    every stage dated (``reached_on`` with no ``until``). A project reached the stage within [start, end] up to
    any date on or after ``end`` exactly when this date lies within them: if the earliest of its dates of the
    stage and the later ones is on or before ``end``, dropping the dates after ``end`` leaves it the earliest.
    So projects can be counted by this date once, in a table by day, and summed over any dates later."""
    return reached_sql(stage, lambda name: f"{alias}.{STAGE_DATE_FIELDS[name]}" if alias else STAGE_DATE_FIELDS[name])


class ReachedOn(models.Func):
    """ORM form of ``reached_on``: the date a project reached ``stage``, counting stages dated up to ``until``."""

    output_field = models.DateField()

    def __init__(self, stage: str, until: dt.date | None = None):
        columns = [STAGE_DATE_FIELDS[name] for name in stages_from(stage)]
        expressions = [
            F(column) if until is None else models.Case(models.When(**{f"{column}__lte": until}, then=F(column)))
            for column in columns
        ]
        super().__init__(*expressions, output_field=models.DateField())

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, own = compiler.compile(expression)
            parts.append(sql)
            params.extend(own)
        return earliest_sql(parts), params


def reached_within_q(stage: str, start: dt.date | None, end: dt.date | None) -> Q:
    """ORM form of ``reached_within`` on the stage-date columns: some date of the stage or a later one lies
    within the dates and none before them. Written as plain column conditions (not ``ReachedOn``) so that the
    stage-date index finds the candidates: a project's ``stage_date`` is the latest of its stage dates (they
    never run backwards along the pipeline), so one that last moved before ``start`` is passed over."""
    columns = [STAGE_DATE_FIELDS[name] for name in stages_from(stage)]
    within = Q()
    for column in columns:
        one = Q(**{f"{column}__isnull": False})
        if start:
            one &= Q(**{f"{column}__gte": start})
        if end:
            one &= Q(**{f"{column}__lte": end})
        within |= one
    if start:
        within &= Q(stage_date__gte=start)
        for column in columns:
            within &= Q(**{f"{column}__isnull": True}) | Q(**{f"{column}__gte": start})
    return within


# --- recognition ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recognition:
    """A period's recognition rules (认定规则), read from anything with the period's fields."""

    excluded_kinds: tuple[str, ...] = ()
    excluded_industries: tuple[str, ...] = ()
    exclude_government_funded: bool = False
    exclude_local_relocation: bool = False
    exclude_second_phase: bool = False
    floor_amount: Decimal | None = None
    evidence_gate: bool = False  # only evidenced stage events and receipts count (``event_evidenced``)

    @classmethod
    def of(cls, period) -> Recognition:
        return cls(
            excluded_kinds=tuple(period.excluded_kinds or ()),
            excluded_industries=tuple(period.excluded_industries or ()),
            exclude_government_funded=bool(period.exclude_government_funded),
            exclude_local_relocation=bool(period.exclude_local_relocation),
            exclude_second_phase=bool(period.exclude_second_phase),
            floor_amount=period.floor_amount,
            evidence_gate=bool(getattr(period, "evidence_gate", False)),
        )


# The project fields the recognition rules read.
RECOGNITION_FIELDS = ("kind", "industry", "government_funded", "local_relocation", "second_phase", "planned_investment")


def recognised(rules: Recognition, project: Mapping) -> bool:
    """Does a project (a mapping with ``RECOGNITION_FIELDS``) count under the rules?"""
    if project["kind"] in rules.excluded_kinds or project["industry"] in rules.excluded_industries:
        return False
    if rules.exclude_government_funded and project["government_funded"]:
        return False
    if rules.exclude_local_relocation and project["local_relocation"]:
        return False
    if rules.exclude_second_phase and project["second_phase"]:
        return False
    return rules.floor_amount is None or project["planned_investment"] >= rules.floor_amount


def recognition_sql(rules: Recognition, alias: str = "p") -> tuple[str, list]:
    """SQL form of ``recognised``: the conditions a project row ``alias`` must meet to count (joined with
    AND, each starting with " AND "; empty when nothing is excluded), and their parameters."""
    parts, params = [], []
    for column, values in (("kind", rules.excluded_kinds), ("industry", rules.excluded_industries)):
        if values:
            parts.append(f"{alias}.{column} NOT IN ({', '.join(['%s'] * len(values))})")
            params.extend(values)
    for flag, column in (
        (rules.exclude_government_funded, "government_funded"),
        (rules.exclude_local_relocation, "local_relocation"),
        (rules.exclude_second_phase, "second_phase"),
    ):
        if flag:
            parts.append(f"NOT {alias}.{column}")
    if rules.floor_amount is not None:
        parts.append(f"{alias}.planned_investment >= %s")
        params.append(rules.floor_amount)
    return "".join(f" AND {part}" for part in parts), params


# --- credit shares ----------------------------------------------------------------------------------------


def share_fraction(percent: Decimal) -> Decimal:
    """A credit share as recorded (a percentage) as the fraction of a project and its amounts a unit counts."""
    return percent / HUNDRED


# --- roll-up ----------------------------------------------------------------------------------------------


def rolled_up(
    credits: Mapping[int, Decimal], above: Mapping[int, Sequence[int]], whole: Decimal = HUNDRED
) -> dict[int, Decimal]:
    """A project's credits (unit id → share, a percentage, or a fraction with ``whole`` 1) rolled up the tree:
    every unit gets its own share plus the shares of the units below it, capped at ``whole``. ``above``: unit id →
    the units above it that its credits roll up to (``organization.selectors.roll_up_above``; empty: no roll-up).
    A unit with no share of its own and none below gets nothing; a zero share still names its units."""
    if not above:
        return dict(credits)
    found: dict[int, Decimal] = {}
    for unit_id, share in credits.items():
        for target in (unit_id, *above.get(unit_id, ())):
            found[target] = found.get(target, ZERO) + share
    return {unit_id: min(share, whole) for unit_id, share in found.items()}


def rolled_up_credits_sql(above: Mapping[int, Sequence[int]]) -> str:
    """``rolled_up`` in SQL: a table (``project_id``, ``unit_id``, ``share`` as a percentage) to read in place of
    ``projects_projectcredit``, one row per project and unit after the roll-up. Unit ids are integers from the
    database, written into the text (no parameters to place)."""
    pairs = [(int(unit_id), int(target)) for unit_id, targets in above.items() for target in targets]
    if not pairs:
        return "projects_projectcredit"
    sections = ", ".join(str(unit_id) for unit_id in sorted({unit_id for unit_id, _target in pairs}))
    links = " UNION ALL ".join(f"SELECT {unit_id} AS unit_id, {target} AS above_id" for unit_id, target in pairs)
    # Only the projects credited below another unit are summed; every other credit is read as it is.
    below = f"SELECT project_id FROM projects_projectcredit WHERE unit_id IN ({sections})"
    return f"""(SELECT project_id, unit_id, share FROM projects_projectcredit
            WHERE project_id NOT IN ({below})
        UNION ALL
        SELECT x.project_id, x.unit_id, CASE WHEN SUM(x.share) > 100 THEN 100 ELSE SUM(x.share) END AS share
        FROM (SELECT project_id, unit_id, share FROM projects_projectcredit
                WHERE project_id IN ({below})
              UNION ALL
              SELECT c.project_id, a.above_id, c.share FROM projects_projectcredit c JOIN ({links}) a
                ON a.unit_id = c.unit_id) x
        GROUP BY x.project_id, x.unit_id)"""


# --- foreign capital --------------------------------------------------------------------------------------

# The project fields ``foreign_usd`` reads.
FOREIGN_FIELDS = ("capital_type", "currency", "exchange_rate", "foreign_investment")


def foreign_usd(project: Mapping, usd_rate: Decimal) -> Decimal:
    """Foreign capital in 10k US dollars: as recorded if in USD, else through yuan at ``usd_rate`` (yuan per
    dollar; a non-yuan currency through the project's own exchange rate to yuan, zero when it has none)."""
    if project["capital_type"] != CapitalType.FOREIGN or not project["foreign_investment"]:
        return ZERO
    amount = project["foreign_investment"]
    if project["currency"] == Currency.USD:
        return amount
    if project["currency"] == Currency.CNY:
        return amount / usd_rate
    return amount * (project["exchange_rate"] or ZERO) / usd_rate


def foreign_usd_sql(alias: str, usd_rate: Decimal) -> tuple[str, list]:
    """SQL form of ``foreign_usd`` for the project row ``alias``: its dollars plus its yuan at ``usd_rate``
    (``foreign_usd_parts_sql``; one of the two is zero for every project)."""
    dollars, yuan = foreign_usd_parts_sql(alias)
    # ``* 1.0``: SQLite divides two integers as integers (300 / '7' is 42), and whole amounts and a whole rate are
    # stored as integers; PostgreSQL's numeric is unchanged by it.
    return f"({dollars} + {yuan} * 1.0 / %s)", [usd_rate]


def foreign_usd_parts_sql(alias: str) -> tuple[str, str]:
    """``foreign_usd`` in two parts that can be summed before the period's rate is known (the aggregate form):
    the 10k dollars recorded as such, and the 10k yuan (a non-yuan currency through the project's own exchange
    rate, zero without one) still to be divided by the rate. Zero for domestic projects and unrecorded amounts."""
    foreign = f"{alias}.capital_type = '{CapitalType.FOREIGN}' AND {alias}.foreign_investment IS NOT NULL"
    dollars = f"CASE WHEN {foreign} AND {alias}.currency = '{Currency.USD}' THEN {alias}.foreign_investment ELSE 0 END"
    yuan = (
        f"CASE WHEN {foreign} AND {alias}.currency <> '{Currency.USD}' THEN"
        f" CASE {alias}.currency WHEN '{Currency.CNY}' THEN {alias}.foreign_investment"
        f" ELSE {alias}.foreign_investment * COALESCE({alias}.exchange_rate, 0) END ELSE 0 END"
    )
    return dollars, yuan


def foreign_usd_from_parts(dollars: Decimal, yuan: Decimal, usd_rate: Decimal) -> Decimal:
    """``foreign_usd`` of some projects from the sums of their ``foreign_usd_parts_sql``."""
    return dollars + yuan / usd_rate


# --- funds in place ---------------------------------------------------------------------------------------


def received_within(date: dt.date, start: dt.date | None, end: dt.date | None, opening_balance: bool = False) -> bool:
    """Does a receipt dated ``date`` count within [start, end]? An open end is no limit. An opening balance
    (期初结转: a cumulative figure dated a sheet's as-of date, its money received at unknown dates before) never
    counts within dates, even open ones: it counts only in a project's funds of all time (``funds_total``)."""
    if opening_balance:
        return False
    return (start is None or date >= start) and (end is None or date <= end)


def received_within_q(start: dt.date | None, end: dt.date | None, prefix: str = "") -> Q:
    """ORM form of ``received_within`` on receipts (``prefix`` like "receipts__" from projects)."""
    q = periodic_receipt_q(prefix)
    if start:
        q &= Q(**{f"{prefix}date__gte": start})
    if end:
        q &= Q(**{f"{prefix}date__lte": end})
    return q


def periodic_receipt_q(prefix: str = "") -> Q:
    """The receipts that can count within a period: all but opening balances (``received_within``), e.g. for
    a verified receipt whose verified date is filtered by the caller."""
    return Q(**{f"{prefix}opening_balance": False})


def received_within_sql(alias: str, start: dt.date, end: dt.date) -> tuple[str, list]:
    """SQL form of ``received_within`` for the receipt row ``alias``, both ends given."""
    return f"{alias}.date >= %s AND {alias}.date <= %s AND {periodic_receipt_sql(alias)}", [start, end]


def periodic_receipt_sql(alias: str) -> str:
    """SQL form of ``periodic_receipt_q`` for the receipt row ``alias``. The aggregate form of funds within dates
    sums these receipts by their date: a day counts within [start, end] when it does."""
    return f"NOT {alias}.opening_balance"


# --- receipts in a currency ------------------------------------------------------------------------------


def receipt_amount(
    currency: str, original_amount: Decimal | None, exchange_rate: Decimal | None, amount: Decimal | None
) -> Decimal | None:
    """A receipt's amount in 10k yuan, the figure the ledger sums: ``original_amount`` (units of ``currency``) times
    ``exchange_rate`` (yuan per unit) over 10,000, to the cent (half up), when the currency is not the yuan and
    both are given; else ``amount`` as entered."""
    if currency != Currency.CNY and original_amount is not None and exchange_rate is not None:
        return (original_amount * exchange_rate / TEN_THOUSAND).quantize(CENT, rounding=ROUND_HALF_UP)
    return amount


# The receipt fields ``receipt_foreign_usd`` reads.
RECEIPT_FOREIGN_FIELDS = ("currency", "original_amount", "amount")


def receipt_foreign_usd(receipt: Mapping, usd_rate: Decimal) -> Decimal:
    """实际利用外资 of one receipt, in 10k US dollars: a receipt in dollars at face value (its original amount;
    its yuan amount at ``usd_rate`` when only that was recorded), one in another foreign currency through its
    yuan amount at ``usd_rate`` (yuan per dollar), zero for one in yuan."""
    if receipt["currency"] == Currency.CNY:
        return ZERO
    if receipt["currency"] == Currency.USD and receipt["original_amount"] is not None:
        return receipt["original_amount"] / TEN_THOUSAND
    return receipt["amount"] / usd_rate


def receipt_foreign_usd_sql(alias: str, usd_rate: Decimal) -> tuple[str, list]:
    """SQL form of ``receipt_foreign_usd`` for the receipt row ``alias``. The columns are multiplied by 1.0
    first: SQLite keeps a whole decimal as an integer and would divide it as one."""
    return (
        f"CASE WHEN {alias}.currency = '{Currency.CNY}' THEN 0"
        f" WHEN {alias}.currency = '{Currency.USD}' AND {alias}.original_amount IS NOT NULL"
        f" THEN {alias}.original_amount * 1.0 / 10000"
        f" ELSE {alias}.amount * 1.0 / %s END",
        [usd_rate],
    )


# --- scheme conditions ------------------------------------------------------------------------------------


def levels_from(level: str) -> tuple[str, ...]:
    """The event level and every higher one: an event of any of them is "of level ``level`` or higher"."""
    return tuple(name for name in EventLevel.values if EVENT_LEVEL_ORDER[name] >= EVENT_LEVEL_ORDER[level])


def signed_at_event(project: Mapping, level: str) -> bool:
    """Was the project signed at a promotion event of ``level`` or higher (its ``signing_event_level``)?"""
    return project["signing_event_level"] in levels_from(level)


def signed_at_event_q(level: str, prefix: str = "") -> Q:
    """ORM form of ``signed_at_event`` (``prefix`` like "project__" from a related row)."""
    return Q(**{f"{prefix}signing_event_level__in": levels_from(level)})


def signed_at_event_sql(level: str, alias: str = "p") -> tuple[str, list]:
    """SQL form of ``signed_at_event`` for the project row ``alias``."""
    levels = levels_from(level)
    return f"{alias}.signing_event_level IN ({', '.join(['%s'] * len(levels))})", list(levels)


def private_owned(project: Mapping) -> bool:
    """Is the project's company privately owned (民营)?"""
    return project["ownership"] == Ownership.PRIVATE


def private_owned_q(prefix: str = "") -> Q:
    """ORM form of ``private_owned``."""
    return Q(**{f"{prefix}ownership": Ownership.PRIVATE})


def private_owned_sql(alias: str = "p") -> tuple[str, list]:
    """SQL form of ``private_owned`` for the project row ``alias``."""
    return f"{alias}.ownership = %s", [Ownership.PRIVATE]


def registered_and_land_paid(project: Mapping, start: dt.date | None, end: dt.date | None) -> bool:
    """Were the company registered and the land premium paid, both within [start, end]? An open end is no
    limit; a date not recorded is not within any dates."""
    return all(
        on is not None and (start is None or on >= start) and (end is None or on <= end)
        for on in (project["company_registered_on"], project["land_paid_on"])
    )


def registered_and_land_paid_q(start: dt.date | None, end: dt.date | None, prefix: str = "") -> Q:
    """ORM form of ``registered_and_land_paid``."""
    q = Q()
    for column in ("company_registered_on", "land_paid_on"):
        q &= Q(**{f"{prefix}{column}__isnull": False})
        if start:
            q &= Q(**{f"{prefix}{column}__gte": start})
        if end:
            q &= Q(**{f"{prefix}{column}__lte": end})
    return q


def registered_and_land_paid_sql(alias: str, start: dt.date | None, end: dt.date | None) -> tuple[str, list]:
    """SQL form of ``registered_and_land_paid`` for the project row ``alias``."""
    parts, params = [], []
    for column in ("company_registered_on", "land_paid_on"):
        parts.append(f"{alias}.{column} IS NOT NULL")
        if start:
            parts.append(f"{alias}.{column} >= %s")
            params.append(start)
        if end:
            parts.append(f"{alias}.{column} <= %s")
            params.append(end)
    return " AND ".join(parts), params


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` years before ``day`` (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def signed_within_years(stage_dates: Mapping[str, dt.date], years: int, start: dt.date, as_of: dt.date) -> bool:
    """Was the project signed within ``years`` years: signed (reached "signed") by ``as_of`` and on or after the
    same day ``years`` years before the period's ``start``?"""
    return reached_within(stage_dates, Stage.SIGNED, years_before(start, years), as_of)


def signed_within_years_q(years: int, start: dt.date, as_of: dt.date) -> Q:
    """ORM form of ``signed_within_years``."""
    return reached_within_q(Stage.SIGNED, years_before(start, years), as_of)


def signed_within_years_sql(alias: str, years: int, start: dt.date, as_of: dt.date) -> tuple[str, list]:
    """SQL form of ``signed_within_years`` for the project row ``alias``."""
    stages = stages_from(Stage.SIGNED)
    reached = reached_sql(Stage.SIGNED, lambda stage: stage_date_sql(stage, alias)[0])
    return f"{reached} >= %s", [*[as_of] * len(stages), years_before(start, years)]


def in_divisions(project: Mapping, divisions) -> bool:
    """Is the project's GB/T 4754 division (大类, ``industry_division``) among ``divisions``? One not recorded is in
    none."""
    return bool(project["industry_division"]) and project["industry_division"] in divisions


def in_divisions_q(divisions, prefix: str = "") -> Q:
    """ORM form of ``in_divisions``."""
    return Q(**{f"{prefix}industry_division__in": [d for d in divisions if d]})


def in_divisions_sql(divisions, alias: str = "p") -> tuple[str, list]:
    """SQL form of ``in_divisions`` for the project row ``alias`` (false for no divisions)."""
    wanted = [d for d in divisions if d]
    if not wanted:
        return "1 = 0", []
    return f"{alias}.industry_division IN ({', '.join(['%s'] * len(wanted))})", wanted


# --- evidence (佐证) ---------------------------------------------------------------------------------------

# A stage → the attachment kinds that evidence its event (any one of them); the stages not listed need none.
EVIDENCE_KINDS: Mapping[str, tuple[str, ...]] = {
    Stage.SIGNED: (AttachmentKind.CONTRACT.value,),
    Stage.STARTED: (AttachmentKind.PERMIT.value, AttachmentKind.PHOTO.value),
    Stage.PRODUCING: (AttachmentKind.LICENCE.value, AttachmentKind.PHOTO.value),
}
# The attachment kinds that evidence a funds receipt (opening balances included).
RECEIPT_EVIDENCE_KINDS: tuple[str, ...] = (AttachmentKind.RECEIPT.value,)
# What is missing, shown next to an event or receipt that lacks its evidence (key: a stage, or "receipt").
MISSING_LABELS = {
    Stage.SIGNED: _("No contract"),
    Stage.STARTED: _("No construction permit or photo"),
    Stage.PRODUCING: _("No production licence or photo"),
    "receipt": _("No bank receipt"),
}


def event_evidenced(stage: str, kinds) -> bool:
    """Is a stage event of ``stage`` evidenced by attachments of these ``kinds`` (linked to the event)?"""
    wanted = EVIDENCE_KINDS.get(stage)
    return wanted is None or any(kind in wanted for kind in kinds)


def evidenced_stage_dates(stage_dates: Mapping[str, dt.date], evidenced) -> dict[str, dt.date]:
    """A project's stage dates that stand under the evidence gate, given the stages whose events are evidenced
    (``event_evidenced``): those of the furthest evidenced stage and the stages before it. ``reached_on`` of what
    stands is the ungated date or None: a signing without a contract still counts, on its own date, once the start
    after it has its permit or photo; one whose later stages have no evidence either does not count."""
    furthest = max((STAGE_INDEX[stage] for stage in evidenced if stage in stage_dates), default=-1)
    return {stage: on for stage, on in stage_dates.items() if STAGE_INDEX[stage] <= furthest}


def receipt_evidenced(kinds) -> bool:
    """Is a funds receipt evidenced by attachments of these ``kinds`` (linked to the receipt)?"""
    return any(kind in RECEIPT_EVIDENCE_KINDS for kind in kinds)


def event_evidenced_q() -> Q:
    """ORM form of ``event_evidenced`` on stage events."""
    from .models import Attachment

    q = ~Q(stage__in=list(EVIDENCE_KINDS))
    for stage, kinds in EVIDENCE_KINDS.items():
        attached = Attachment.objects.filter(stage_event_id=OuterRef("pk"), kind__in=kinds)
        q |= Q(stage=stage) & Exists(attached)
    return q


def receipt_evidenced_q() -> Q:
    """ORM form of ``receipt_evidenced`` on funds receipts."""
    from .models import Attachment

    return Q(Exists(Attachment.objects.filter(receipt_id=OuterRef("pk"), kind__in=RECEIPT_EVIDENCE_KINDS)))


def event_evidenced_sql(alias: str) -> tuple[str, list]:
    """SQL form of ``event_evidenced`` for the stage-event row ``alias``."""
    parts, params = [f"{alias}.stage NOT IN ({', '.join(['%s'] * len(EVIDENCE_KINDS))})"], list(EVIDENCE_KINDS)
    for stage, kinds in EVIDENCE_KINDS.items():
        parts.append(
            f"({alias}.stage = %s AND EXISTS (SELECT 1 FROM projects_attachment a WHERE a.stage_event_id = {alias}.id"
            f" AND a.kind IN ({', '.join(['%s'] * len(kinds))})))"
        )
        params += [stage, *kinds]
    return "(" + " OR ".join(parts) + ")", params


def receipt_evidenced_sql(alias: str) -> tuple[str, list]:
    """SQL form of ``receipt_evidenced`` for the funds-receipt row ``alias``."""
    kinds = RECEIPT_EVIDENCE_KINDS
    return (
        f"EXISTS (SELECT 1 FROM projects_attachment a WHERE a.receipt_id = {alias}.id"
        f" AND a.kind IN ({', '.join(['%s'] * len(kinds))}))",
        list(kinds),
    )


# --- idle (stalled) ---------------------------------------------------------------------------------------


def idle_cutoff(today: dt.date, days: int) -> dt.date:
    """The last day of activity that leaves a project idle on ``today`` after ``days`` days."""
    return today - dt.timedelta(days=days)


def idle(project: Mapping, today: dt.date, days: int) -> bool:
    """Is an active project, not yet producing, idle for ``days`` days or more on ``today``?"""
    return (
        project["status"] == Status.ACTIVE
        and project["stage"] != Stage.PRODUCING
        and project["last_activity_on"] <= idle_cutoff(today, days)
    )


def idle_q(today: dt.date, days: int) -> Q:
    """ORM form of ``idle`` (``active_q`` and the idle days; the stalled rule adds missed rounds)."""
    return active_q() & quiet_q(today, days)


def quiet_q(today: dt.date, days: int) -> Q:
    """The idle days alone: no activity since ``idle_cutoff``. For a query that applies ``active_q`` once around
    more than one reason (``active_q() & (quiet_q(...) | ...)``): SQLite does not factor a condition repeated on
    both sides of an OR and then reads the whole ledger instead of the ``last_activity_on`` index (330 ms
    instead of 40 ms at 100,000 projects)."""
    return Q(last_activity_on__lte=idle_cutoff(today, days))


def active_q() -> Q:
    """Active projects not yet producing: the ones that can stall."""
    return Q(status=Status.ACTIVE) & ~Q(stage=Stage.PRODUCING)


# --- stewards and county leaders (项目保姆) ------------------------------------------------------------------
# A project planned below the county's threshold is looked after by stewards (the township and department heads by
# default); one planned at or above it (以上 includes the threshold) by a county leader (``models.StewardRule``).


def needs_leader(planned: Decimal, threshold: Decimal) -> bool:
    """Planned at or above the threshold: a county leader's project."""
    return planned >= threshold


def missing_leader(project: Mapping, threshold: Decimal) -> bool:
    """A county leader's project with no leader linked (``leader_id``)."""
    return needs_leader(project["planned_investment"], threshold) and project["leader_id"] is None


def missing_leader_q(threshold: Decimal) -> Q:
    return Q(planned_investment__gte=threshold, leader__isnull=True)


def missing_steward(project: Mapping, threshold: Decimal) -> bool:
    """A steward's project (below the threshold) with no steward (``steward_ids``)."""
    return not needs_leader(project["planned_investment"], threshold) and not project["steward_ids"]


def missing_steward_q(threshold: Decimal) -> Q:
    from .models import Project

    stewards = Project.steward_persons.through.objects.filter(project_id=OuterRef("pk"))
    return Q(planned_investment__lt=threshold) & ~Exists(stewards)


# --- industry chains ---------------------------------------------------------------------------------------------

CHAIN_SEPARATOR = "·"


def chain_of(industry_chain: str) -> str:
    """The chain a project's ``industry_chain`` names ("新能源·电池" → "新能源")."""
    return (industry_chain or "").split(CHAIN_SEPARATOR, 1)[0].strip()


def on_chain(industry_chain: str, chain: str, link: str | None = None) -> bool:
    value = (industry_chain or "").strip()
    if link is not None:
        return value == f"{chain}{CHAIN_SEPARATOR}{link}"
    return value == chain or value.startswith(f"{chain}{CHAIN_SEPARATOR}")


def on_chain_q(chain: str, link: str | None = None, prefix: str = "") -> Q:
    """ORM form of ``on_chain``."""
    field = f"{prefix}industry_chain"
    if link is not None:
        return Q(**{field: f"{chain}{CHAIN_SEPARATOR}{link}"})
    return Q(**{field: chain}) | Q(**{f"{field}__startswith": f"{chain}{CHAIN_SEPARATOR}"})
