"""The dashboard's aggregate queries: a few GROUP BYs in the database, whatever the size of the ledger.

A project *reaches* a stage on the date of its own event for that stage or, if the stage was skipped, on the
date of the first later stage recorded (a project that started has signed) — the assessment engine's rule and
the ledger's ``reached`` filter. The per-project first dates are computed once in a common table expression
(``facts``) over the projects that had any stage event in the dates compared; every section (windows, funnel,
breakdowns, months) is a GROUP BY over it, all in one statement joined by UNION ALL.

The SQL is written by hand because it aggregates an aggregate; the projects a user may see come from the ORM
(``Project.objects.restrict(user)``, narrowed like the ledger's unit filter) and enter as a subquery.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet

from zhaoshang.projects.choices import Stage
from zhaoshang.projects.models import FundsReceipt, Investor, Project, StageEvent

from .windows import Span

PIPELINE = ("negotiating", "intention", "signed", "started", "producing")
STAGES = tuple(Stage.values)
# Amount bands on planned investment (万元): key, lower bound (inclusive), upper bound (exclusive).
BANDS = (
    ("b1", Decimal("10000"), None),
    ("b2", Decimal("5000"), Decimal("10000")),
    ("b3", Decimal("1000"), Decimal("5000")),
    ("b4", Decimal("500"), Decimal("1000")),
    ("b5", None, Decimal("500")),
)
DIMENSIONS = ("industry", "chain", "origin", "kind", "high_tech", "band")
NUM = "CAST(NULL AS NUMERIC)"


def _stages_from(stage: str) -> str:
    """``('signed', 'started', 'producing')`` for "signed": the stage and the later ones, as SQL (constants)."""
    return "(" + ", ".join(f"'{s}'" for s in STAGES[STAGES.index(stage) :]) + ")"


class Sql:
    """SQL text and its positional parameters, appended in the same order."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.params: list = []

    def add(self, text: str, *params) -> Sql:
        self.parts.append(text)
        self.params.extend(params)
        return self

    def extend(self, other: Sql) -> Sql:
        self.parts.extend(other.parts)
        self.params.extend(other.params)
        return self

    @property
    def text(self) -> str:
        return "".join(self.parts)


def scope_sql(scope: QuerySet | None, column: str) -> Sql:
    """`` AND <column> IN (<the scope's SQL>)``, or nothing when the scope is the whole ledger."""
    sql = Sql()
    if scope is not None:
        text, params = scope.order_by().values("pk").query.sql_with_params()
        sql.add(f" AND {column} IN ({text})", *params)
    return sql


def _between(column: str, span: Span) -> Sql:
    return Sql().add(f"{column} BETWEEN %s AND %s", span.start, span.end)


def _bucket(column: str, buckets: Sequence[tuple[str, Span]]) -> Sql:
    """A CASE giving the key of the span ``column`` falls in (spans must not overlap), NULL if none."""
    sql = Sql().add("CASE")
    for key, span in buckets:
        sql.add(" WHEN ").extend(_between(column, span)).add(f" THEN '{key}'")
    return sql.add(" ELSE NULL END")


def _days_between(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _fetch(sql: Sql) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql.text, sql.params)
        return cursor.fetchall()


def money(value) -> Decimal:
    """A sum from the database as Decimal to the cent (SQLite sums decimals as floating point)."""
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _usd_sql(usd_rate: Decimal) -> Sql:
    """Foreign capital in 10k USD, as the assessment converts it: as recorded in USD, else through yuan at the
    period's rate (zero for domestic projects)."""
    return Sql().add(
        "CASE WHEN p.capital_type = 'foreign' AND p.foreign_investment IS NOT NULL THEN"
        " CASE p.currency WHEN 'USD' THEN p.foreign_investment"
        " WHEN 'CNY' THEN p.foreign_investment / %s"
        " ELSE p.foreign_investment * COALESCE(p.exchange_rate, 0) / %s END ELSE 0 END",
        usd_rate,
        usd_rate,
    )


def _band_sql() -> Sql:
    sql = Sql().add("CASE")
    for key, low, high in BANDS:
        conditions = []
        params = []
        if low is not None:
            conditions.append("planned >= %s")
            params.append(low)
        if high is not None:
            conditions.append("planned < %s")
            params.append(high)
        sql.add(f" WHEN {' AND '.join(conditions)} THEN '{key}'", *params)
    return sql.add(" END")


def reached_facts(
    *,
    scope: QuerySet | None,
    windows: dict[str, Span],
    current_months: Sequence[tuple[str, Span]],
    last_year_months: Sequence[tuple[str, Span]],
    usd_rate: Decimal,
) -> dict:
    """Counts and sums of the projects that reached stages inside the windows, the funnel of the current
    window, breakdowns of the projects signed in it, and the months. One statement."""
    spans = [s for s in [*windows.values(), *(s for _k, s in current_months), *(s for _k, s in last_year_months)]]
    spans = [s for s in spans if not s.empty]
    result = {
        "windows": {name: _empty_window() for name in windows},
        "funnel": {stage: 0 for stage in PIPELINE},
        "dimensions": {name: {} for name in DIMENSIONS},
        "months_signed": {},
        "months_started": {},
    }
    if not spans:
        return result
    low, high = min(s.start for s in spans), max(s.end for s in spans)
    current = windows["current"]
    e, p, i = StageEvent._meta.db_table, Project._meta.db_table, Investor._meta.db_table

    sql = Sql().add(f"WITH moved AS (SELECT DISTINCT project_id FROM {e} WHERE date >= %s AND date <= %s), ", low, high)
    sql.add("reached AS (SELECT project_id")
    for stage in PIPELINE:
        sql.add(f", MIN(CASE WHEN stage IN {_stages_from(stage)} THEN date END) AS r_{stage}")
    sql.add(f" FROM {e} WHERE date <= %s AND project_id IN (SELECT project_id FROM moved) GROUP BY project_id), ", high)
    sql.add(
        "facts AS MATERIALIZED (SELECT p.id, p.industry, p.industry_chain AS chain, COALESCE(i.origin, '') AS origin,"
        " p.kind, CASE WHEN p.high_tech THEN '1' ELSE '0' END AS high_tech, p.capital_type,"
        " p.planned_investment AS planned, p.contract_amount AS contract, "
    )
    sql.extend(_usd_sql(usd_rate)).add(" AS usd")
    for stage in PIPELINE:
        sql.add(f", r.r_{stage}")
    sql.add(f" FROM reached r JOIN {p} p ON p.id = r.project_id LEFT JOIN {i} i ON i.id = p.investor_id WHERE 1 = 1")
    sql.extend(scope_sql(scope, "p.id")).add(") ")

    branches: list[Sql] = []
    for name, span in windows.items():
        signed, started = _between("r_signed", span), _between("r_started", span)
        branch = Sql().add(f"SELECT 'window', '{name}', SUM(CASE WHEN ").extend(signed).add(" THEN 1 ELSE 0 END)")
        branch.add(", SUM(CASE WHEN ").extend(signed).add(" THEN contract END)")
        branch.add(", SUM(CASE WHEN ").extend(started).add(" THEN 1 ELSE 0 END)")
        branch.add(", SUM(CASE WHEN ").extend(started).add(" THEN planned END)")
        branch.add(", SUM(CASE WHEN capital_type = 'foreign' AND ").extend(signed).add(" THEN 1 ELSE 0 END)")
        branch.add(", SUM(CASE WHEN capital_type = 'foreign' AND ").extend(signed).add(" THEN usd END) FROM facts")
        branches.append(branch)

    funnel = Sql().add("SELECT 'funnel', ''")
    for stage in PIPELINE:
        funnel.add(", SUM(CASE WHEN ").extend(_between(f"r_{stage}", current)).add(" THEN 1 ELSE 0 END)")
    branches.append(funnel.add(f", {NUM} FROM facts"))

    expressions = {
        "industry": Sql().add("industry"),
        "chain": Sql().add("chain"),
        "origin": Sql().add("origin"),
        "kind": Sql().add("kind"),
        "high_tech": Sql().add("high_tech"),
        "band": _band_sql(),
    }
    for name, expression in expressions.items():
        branch = Sql().add(f"SELECT '{name}', k, COUNT(*), SUM(contract), {NUM}, {NUM}, {NUM}, {NUM} FROM (SELECT ")
        branch.extend(expression).add(" AS k, contract FROM facts WHERE ").extend(_between("r_signed", current))
        branches.append(branch.add(") t GROUP BY k"))

    for section, column, amount, buckets in (
        ("months_signed", "r_signed", "contract", current_months),
        ("months_signed", "r_signed", "contract", last_year_months),
        ("months_started", "r_started", "planned", current_months),
        ("months_started", "r_started", "planned", last_year_months),
    ):
        buckets = [(key, span) for key, span in buckets if not span.empty]
        if not buckets:
            continue
        branch = Sql().add(f"SELECT '{section}', k, COUNT(*), SUM({amount}), {NUM}, {NUM}, {NUM}, {NUM} FROM (SELECT ")
        branch.extend(_bucket(column, buckets)).add(f" AS k, {amount} FROM facts) t WHERE k IS NOT NULL GROUP BY k")
        branches.append(branch)

    for index, branch in enumerate(branches):
        if index:
            sql.add(" UNION ALL ")
        sql.extend(branch)

    for section, key, a, b, c, d, e_, f in _fetch(sql):
        if section == "window":
            result["windows"][key] = {
                "signed": int(a or 0),
                "contract": money(b),
                "started": int(c or 0),
                "started_planned": money(d),
                "foreign": int(e_ or 0),
                "foreign_usd": money(f),
            }
        elif section == "funnel":
            result["funnel"] = {stage: int(v or 0) for stage, v in zip(PIPELINE, (a, b, c, d, e_), strict=True)}
        elif section in result["dimensions"]:
            result["dimensions"][section][key or ""] = {"count": int(a), "amount": money(b)}
        else:
            result[section][key] = {"count": int(a), "amount": money(b)}
    return result


def _empty_window() -> dict:
    zero = Decimal("0.00")
    return {"signed": 0, "contract": zero, "started": 0, "started_planned": zero, "foreign": 0, "foreign_usd": zero}


def funds(
    *,
    scope: QuerySet | None,
    windows: dict[str, Span],
    current_months: Sequence[tuple[str, Span]],
    last_year_months: Sequence[tuple[str, Span]],
) -> dict:
    """Funds in place (the receipts dated inside each span) and how many projects received them. One statement."""
    spans = [s for s in [*windows.values(), *(s for _k, s in current_months), *(s for _k, s in last_year_months)]]
    spans = [s for s in spans if not s.empty]
    result = {"windows": {name: {"amount": money(0), "projects": 0} for name in windows}, "months": {}}
    if not spans:
        return result
    low, high = min(s.start for s in spans), max(s.end for s in spans)
    r = FundsReceipt._meta.db_table

    def base() -> Sql:
        return (
            Sql()
            .add(f" FROM {r} f WHERE f.date >= %s AND f.date <= %s", low, high)
            .extend(scope_sql(scope, "f.project_id"))
        )

    branches = []
    for name, span in windows.items():
        inside = _between("f.date", span)
        branch = Sql().add(f"SELECT '{name}', SUM(CASE WHEN ").extend(inside).add(" THEN f.amount END)")
        branch.add(", COUNT(DISTINCT CASE WHEN ").extend(inside).add(" THEN f.project_id END)")
        branches.append(branch.extend(base()))
    for buckets in (current_months, last_year_months):
        buckets = [(key, span) for key, span in buckets if not span.empty]
        if buckets:
            branch = Sql().add("SELECT k, SUM(amount), COUNT(DISTINCT project_id) FROM (SELECT ")
            branch.extend(_bucket("f.date", buckets)).add(" AS k, f.amount, f.project_id").extend(base())
            branches.append(branch.add(") t WHERE k IS NOT NULL GROUP BY k"))
    sql = Sql()
    for index, branch in enumerate(branches):
        if index:
            sql.add(" UNION ALL ")
        sql.extend(branch)
    for key, amount, projects in _fetch(sql):
        row = {"amount": money(amount), "projects": int(projects or 0)}
        if key in windows:
            result["windows"][key] = row
        else:
            result["months"][key] = row
    return result


def stage_durations(*, scope: QuerySet | None, span: Span) -> dict[str, dict]:
    """For each pipeline stage, how many days projects stayed in it before moving on: from the stage's own event
    to the first later stage's, for the projects that moved on inside ``span``. The database returns a
    histogram (stage, days, projects); its median is taken here."""
    durations: dict[str, dict] = {stage: {"median": None, "projects": 0} for stage in PIPELINE[:-1]}
    if span.empty:
        return durations
    e = StageEvent._meta.db_table
    order = "CASE {0}.stage " + " ".join(f"WHEN '{s}' THEN {n}" for n, s in enumerate(STAGES)) + " END"
    sql = Sql().add("SELECT stage, days, COUNT(*) FROM (SELECT e1.stage AS stage, ")
    sql.add(_days_between("MIN(e2.date)", "e1.date") + " AS days")
    sql.add(f" FROM {e} e1 JOIN {e} e2 ON e2.project_id = e1.project_id")
    sql.add(f" AND {order.format('e2')} > {order.format('e1')}")
    sql.add(" WHERE e1.stage IN (" + ", ".join(f"'{s}'" for s in PIPELINE[:-1]) + ")")
    sql.add(" AND e2.date <= %s", span.end)
    sql.add(f" AND e1.project_id IN (SELECT project_id FROM {e} WHERE date >= %s AND date <= %s)", span.start, span.end)
    sql.extend(scope_sql(scope, "e1.project_id"))
    sql.add(" GROUP BY e1.id, e1.stage, e1.date HAVING MIN(e2.date) >= %s) t GROUP BY stage, days", span.start)
    histogram: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for stage, days, count in _fetch(sql):
        histogram[stage].append((int(days), int(count)))
    for stage, rows in histogram.items():
        durations[stage] = {"median": _median(rows), "projects": sum(count for _d, count in rows)}
    return durations


def _median(rows: list[tuple[int, int]]) -> Decimal | None:
    """The median of values given as (value, how many times)."""
    rows = sorted(rows)
    total = sum(count for _v, count in rows)
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]  # the middle one, or the middle two
    values, seen = [], 0
    for value, count in rows:
        while wanted and wanted[0] < seen + count:
            values.append(value)
            wanted.pop(0)
        seen += count
    return Decimal(sum(values)) / len(values)
