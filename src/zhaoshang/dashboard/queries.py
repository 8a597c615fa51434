"""The dashboard's aggregate queries: a few GROUP BYs in the database, whatever the size of the ledger.

A project *reaches* a stage on the date of its own event for that stage or, if the stage was skipped, on the
date of the first later stage recorded (a project that started has signed): ``projects.rules`` owns that rule,
foreign capital in USD and funds within dates, and the SQL here is composed from their SQL forms. Each
project carries its stages' dates (``Project.signed_on`` and so on, kept with its stage events), so the
first dates are worked out row by row in a common table expression (``reached``) over the projects with any
stage in the dates compared; every section (windows, funnel, breakdowns, months) is a GROUP BY over it, all
in one statement joined by UNION ALL.

The SQL is written by hand because it aggregates an aggregate; the projects a user may see come from the ORM
(``Project.objects.restrict(user)``, narrowed like the ledger's unit filter) and enter as a subquery.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from itertools import pairwise

from django.db import connection
from django.db.models import QuerySet

from zhaoshang.projects import rules as ledger
from zhaoshang.projects.choices import CapitalType
from zhaoshang.projects.models import STAGE_DATE_FIELDS, FundsReceipt, Investor, Project

from . import daily
from .windows import Span, month_end, year_earlier

PIPELINE = ("negotiating", "intention", "signed", "started", "producing")
STAGES = ledger.STAGES
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


def _usd_sql(usd_rate: Decimal, alias: str) -> Sql:
    """Foreign capital in 10k USD (``projects.rules.foreign_usd``)."""
    text, params = ledger.foreign_usd_sql(alias, usd_rate)
    return Sql().add(text, *params)


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


# The columns of a signed project the breakdowns group by, from the project row ``{project}`` (with the columns of
# ``_reached_sql``) and its investor ``{investor}``: the row-level query and the daily figures (``daily.py``) both.
SIGNED_COLUMNS = (
    "{project}.industry, {chain} AS chain, COALESCE({investor}.origin, '') AS origin, {project}.kind,"
    " CASE WHEN {project}.high_tech THEN '1' ELSE '0' END AS high_tech"
)


def foreign_project_sql(alias: str = "") -> str:
    """A foreign-funded project (the headline's count, whose ledger link filters ``capital_type=foreign``), for the
    row-level query and the daily figures alike."""
    return f"{alias + '.' if alias else ''}capital_type = '{CapitalType.FOREIGN}'"


def dimension_sql() -> dict[str, Sql]:
    """Each breakdown's key, over rows with ``SIGNED_COLUMNS`` and ``planned``."""
    return {
        "industry": Sql().add("industry"),
        "chain": Sql().add("chain"),
        "origin": Sql().add("origin"),
        "kind": Sql().add("kind"),
        "high_tech": Sql().add("high_tech"),
        "band": _band_sql(),
    }


def _month_start(column: str) -> str:
    """The first day of a date column's calendar month, as a date."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS DATE)"
    return f"date({column}, 'start of month')"


def _month_key(column: str) -> str:
    """The calendar month of a date column as 'YYYY-MM'."""
    if connection.vendor == "postgresql":
        return f"to_char({column}, 'YYYY-MM')"
    return f"substr({column}, 1, 7)"  # SQLite keeps dates as ISO text


def _union(branches: Sequence[Sql]) -> Sql:
    sql = Sql()
    for index, branch in enumerate(branches):
        if index:
            sql.add(" UNION ALL ")
        sql.extend(branch)
    return sql


def _cover(spans: Sequence[Span]) -> Span | None:
    spans = [s for s in spans if not s.empty]
    return Span(min(s.start for s in spans), max(s.end for s in spans)) if spans else None


def reached_facts(
    *,
    scope: QuerySet | None,
    windows: dict[str, Span],
    months: Sequence[dict],
    usd_rate: Decimal,
    aggregate: bool = True,
) -> dict:
    """Counts and sums of the projects that reached stages inside the windows, the funnel of the current window
    with the days each stage took, breakdowns of the projects signed in it, and the months (this period's and
    last year's). One statement: per-project first dates once, then a GROUP BY per section.

    The whole ledger (``scope`` None) is read from the daily figures when they are fresh (``daily.py``; not with
    ``aggregate`` False, the row-level form they are checked against); when they are not, a build is asked for."""
    current = windows["current"]
    this_year = _cover([m["span"] for m in months])
    last_year = _cover([m["last_year"] for m in months])
    result = {
        "windows": {name: _empty_window() for name in windows},
        "funnel": {stage: 0 for stage in PIPELINE},
        "durations": {stage: [] for stage in PIPELINE[:-1]},
        "dimensions": {name: {} for name in DIMENSIONS},
        "months_signed": {},
        "months_started": {},
    }
    cover = _cover([*windows.values(), *(s for s in (this_year, last_year) if s)])
    if cover is None:  # every window empty (e.g. as of a day before the period): nothing reached, no durations
        return {**result, "durations": _durations(result["durations"])}
    if scope is None and aggregate:
        if daily.fresh():
            return _reached_facts_daily(
                windows=windows, months=months, usd_rate=usd_rate, cover=cover, this_year=this_year, last_year=last_year
            )
        daily.request_build()
    i = Investor._meta.db_table
    # The projects (in scope) that can count anywhere: any stage dated this period (the funnel reads every stage)
    # and, a year earlier, a signing or later (last year's figures are signings and starts only).
    this = _cover([windows["current"], windows["month_ago"], *([this_year] if this_year else [])])
    before = _cover([windows["year_ago"], *([last_year] if last_year else [])])
    sql = _reached_sql(scope, this, before, cover.end)
    sql.add(", ")
    # The projects signed in the current window, for the breakdowns (with their investors' origin).
    signed_columns = SIGNED_COLUMNS.format(project="r", chain="r.chain", investor="i")
    sql.add(
        f"signed AS MATERIALIZED (SELECT {signed_columns}, r.planned, r.contract"
        f" FROM reached r LEFT JOIN {i} i ON i.id = r.investor_id WHERE "
    )
    sql.extend(_between("r.r_signed", current)).add(") ")

    # Every window's figures and the funnel: one row from one pass over the projects.
    totals = Sql().add("SELECT 'totals', ''")
    for span in windows.values():
        signed, started = _between("r_signed", span), _between("r_started", span)
        totals.add(", SUM(CASE WHEN ").extend(signed).add(" THEN 1 ELSE 0 END)")
        totals.add(", SUM(CASE WHEN ").extend(signed).add(" THEN contract END)")
        totals.add(", SUM(CASE WHEN ").extend(started).add(" THEN 1 ELSE 0 END)")
        totals.add(", SUM(CASE WHEN ").extend(started).add(" THEN planned END)")
        totals.add(f", SUM(CASE WHEN {foreign_project_sql()} AND ").extend(signed).add(" THEN 1 ELSE 0 END)")
        totals.add(f", SUM(CASE WHEN {foreign_project_sql()} AND ").extend(signed).add(" THEN ")
        totals.extend(_usd_sql(usd_rate, "reached")).add(" END)")
    for stage in PIPELINE:
        totals.add(", SUM(CASE WHEN ").extend(_between(f"r_{stage}", current)).add(" THEN 1 ELSE 0 END)")
    totals.add(" FROM reached")
    width = 6 * len(windows) + len(PIPELINE)  # the value columns of every row

    def row(section: str, key: str, count: str, amount: str) -> Sql:
        """A branch's leading columns: section, key, a count and an amount, then empty columns to the width."""
        return Sql().add(f"SELECT '{section}', {key}, {count}, {amount}" + f", {NUM}" * (width - 2))

    branches: list[Sql] = [totals, *_days_branches(current, row)]

    expressions = dimension_sql()
    for name, expression in expressions.items():
        branch = row(name, "k", "COUNT(*)", "SUM(contract)").add(" FROM (SELECT ")
        branches.append(branch.extend(expression).add(" AS k, contract FROM signed) t GROUP BY k"))

    # The months of this period ("c2026-03") and of a year earlier ("l2025-03"), one GROUP BY each for signings and
    # starts.
    for section, column, amount in (
        ("months_signed", "r_signed", "contract"),
        ("months_started", "r_started", "planned"),
    ):
        key = Sql().add("CASE")
        for prefix, span in (("c", this_year), ("l", last_year)):
            if span is not None:
                key.add(" WHEN ").extend(_between(column, span)).add(f" THEN '{prefix}' || {_month_key(column)}")
        key.add(" END")
        branch = row(section, "k", "COUNT(*)", f"SUM({amount})").add(f" FROM (SELECT {amount}, ")
        branch.extend(key).add(" AS k FROM reached) t WHERE k IS NOT NULL GROUP BY k")
        branches.append(branch)

    keys = _month_keys(months)
    for section, key, *values in _fetch(sql.extend(_union(branches))):
        if section == "totals":
            for index, name in enumerate(windows):
                a, b, c, d, e, f = values[6 * index : 6 * index + 6]
                result["windows"][name] = {
                    "signed": int(a or 0),
                    "contract": money(b),
                    "started": int(c or 0),
                    "started_planned": money(d),
                    "foreign": int(e or 0),
                    "foreign_usd": money(f),
                }
            funnel = values[6 * len(windows) :]
            result["funnel"] = {stage: int(v or 0) for stage, v in zip(PIPELINE, funnel, strict=True)}
            continue
        count, amount = values[0], values[1]
        if section.startswith("days_"):
            result["durations"][section[5:]].append((int(float(key)), int(count)))
        elif section in result["dimensions"]:
            result["dimensions"][section][key or ""] = {"count": int(count), "amount": money(amount)}
        elif key in keys:
            result[section][keys[key]] = {"count": int(count), "amount": money(amount)}
    result["durations"] = _durations(result["durations"])
    return result


def _days_branches(current: Span, row) -> list[Sql]:
    """Days in each stage: from its own date to the next stage reached, for the projects that moved on in the
    current window (one GROUP BY per stage over ``reached``; ``row`` gives a branch's leading columns)."""
    branches = []
    for stage, following in pairwise(PIPELINE):
        days = _days_between(f"r_{following}", f"o_{stage}")
        branch = row(f"days_{stage}", f"CAST({days} AS TEXT)", "COUNT(*)", NUM)
        branch.add(f" FROM reached WHERE o_{stage} IS NOT NULL AND ").extend(_between(f"r_{following}", current))
        branches.append(branch.add(f" GROUP BY {days}"))
    return branches


def _reached_facts_daily(
    *, windows: dict[str, Span], months: Sequence[dict], usd_rate: Decimal, cover: Span, this_year, last_year
) -> dict:
    """``reached_facts`` of the whole ledger from the daily figures (``daily_build.py``), fresh: the same result as
    the row-level query (``tests/test_daily_parity.py``), summing rows per stage and day instead of every project.
    Three queries, whose cost grows with the days asked for, not with the projects."""
    from .models import DailyFigure

    t = DailyFigure._meta.db_table
    current = windows["current"]
    zero = Decimal("0")
    totals = [
        (figure, _as_date(day), int(count), *(_decimal(v) for v in values))
        for figure, day, count, *values in _fetch(
            Sql().add(
                "SELECT figure, day, projects, contract, planned, foreign_projects, foreign_dollars, foreign_yuan"
                f" FROM {t} WHERE figure IN ({', '.join(['%s'] * len(PIPELINE))}) AND dimension = ''"
                " AND day >= %s AND day <= %s",
                *PIPELINE,
                cover.start,
                cover.end,
            )
        )
    ]

    def within(span: Span, figure: str) -> list[tuple]:
        return [row for row in totals if row[0] == figure and span.start <= row[1] <= span.end]

    result: dict = {"windows": {}, "dimensions": {name: {} for name in DIMENSIONS}}
    for name, span in windows.items():
        signed, started = within(span, "signed"), within(span, "started")
        result["windows"][name] = {
            "signed": sum(row[2] for row in signed),
            "contract": money(sum((row[3] for row in signed), zero)),
            "started": sum(row[2] for row in started),
            "started_planned": money(sum((row[4] for row in started), zero)),
            "foreign": int(sum(row[5] for row in signed)),
            "foreign_usd": money(
                ledger.foreign_usd_from_parts(
                    sum((row[6] for row in signed), zero), sum((row[7] for row in signed), zero), usd_rate
                )
            ),
        }
    result["funnel"] = {stage: sum(row[2] for row in within(current, stage)) for stage in PIPELINE}
    keys = _month_keys(months)
    for section, figure, amount in (("months_signed", "signed", 3), ("months_started", "started", 4)):
        by_key: dict[str, tuple[int, Decimal]] = {}
        for row in totals:
            if row[0] != figure:
                continue
            key = None
            for prefix, span in (("c", this_year), ("l", last_year)):
                if span is not None and span.start <= row[1] <= span.end:
                    key = f"{prefix}{row[1]:%Y-%m}"
                    break
            if key in keys:
                count_before, amount_before = by_key.get(key, (0, zero))
                by_key[key] = (count_before + row[2], amount_before + row[amount])
        result[section] = {keys[key]: {"count": c, "amount": money(a)} for key, (c, a) in by_key.items() if c}
    # The breakdowns of the projects signed in the current window.
    for dimension, value, count, amount in _fetch(
        Sql().add(
            f"SELECT dimension, value, SUM(projects), SUM(contract) FROM {t} WHERE figure = 'signed'"
            " AND dimension <> '' AND day >= %s AND day <= %s GROUP BY dimension, value",
            current.start,
            current.end,
        )
    ):
        if dimension in result["dimensions"] and count:
            result["dimensions"][dimension][value] = {"count": int(count), "amount": money(amount)}
    # Days in each stage, for the projects that moved on in the current window: its whole months from the counts by
    # month, the days before and after them from the counts by day. The row-level query counts a stage dated after
    # the next one (its dates running backwards) only when dated up to the last day compared: its own date is the
    # day the next stage was reached less the days (negative), checked here.
    days: dict[str, list[tuple[int, int]]] = {stage: [] for stage in PIPELINE[:-1]}
    first = current.start if current.start.day == 1 else month_end(current.start) + dt.timedelta(days=1)
    last = current.end if month_end(current.end) == current.end else current.end.replace(day=1) - dt.timedelta(days=1)
    by_day = [(current.start, current.end)] if first > last else [(current.start, first - dt.timedelta(days=1))]
    if first <= last:
        by_day.append((last + dt.timedelta(days=1), current.end))
    histogram = Sql().add(
        f"SELECT dimension, value, CAST(NULL AS DATE), SUM(projects) FROM {t} WHERE figure = 'days_month'"
    )
    histogram.add(" AND day >= %s AND day <= %s GROUP BY dimension, value", first, last.replace(day=1))
    for start, end in by_day:
        if start <= end:
            histogram.add(
                f" UNION ALL SELECT dimension, value, CAST(NULL AS DATE), SUM(projects) FROM {t} WHERE figure = 'days'"
            )
            histogram.add(" AND day >= %s AND day <= %s GROUP BY dimension, value", start, end)
    histogram.add(f" UNION ALL SELECT dimension, value, day, SUM(projects) FROM {t} WHERE figure = 'days_back'")
    histogram.add(" AND day >= %s AND day <= %s GROUP BY dimension, value, day", current.start, current.end)
    for stage, value, day, count in _fetch(histogram):
        spent = int(value)
        if day is not None and _as_date(day) - dt.timedelta(days=spent) > cover.end:
            continue
        if stage in days and count:
            days[stage].append((spent, int(count)))
    result["durations"] = _durations(days)
    return result


def _decimal(value) -> Decimal:
    """A column of the daily figures as Decimal (SQLite gives numbers as floats or integers)."""
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def _reached_sql(scope: QuerySet | None, this: Span | None, before: Span | None, until: dt.date) -> Sql:
    """``WITH reached AS MATERIALIZED (…)``: per project in scope with a stage dated within ``this`` (any stage)
    or ``before`` (a signing or later), each stage's own date (``o_<stage>``, NULL when after ``until``) and the
    date it was reached (``r_<stage>``, ``projects.rules.reached_sql``), with the columns the figures read."""
    p = Project._meta.db_table
    moved = []
    if this is not None:
        moved += [_between(f"p.{STAGE_DATE_FIELDS[stage]}", this) for stage in STAGES]
    if before is not None:
        moved += [_between(f"p.{STAGE_DATE_FIELDS[stage]}", before) for stage in STAGES[STAGES.index("signed") :]]
    # One pass over the projects: each stage's own date (NULL when after the dates compared) and the date it was
    # reached, the first of its own and the later stages' dates (the inner SELECT is folded into the outer one).
    columns = "id, investor_id, industry, chain, kind, high_tech, capital_type, currency, foreign_investment"
    columns += ", exchange_rate, planned, contract"
    sql = Sql().add(f"WITH reached AS MATERIALIZED (SELECT {columns}")
    sql.add("".join(f", o_{stage}" for stage in PIPELINE[:-1]))
    for stage in PIPELINE:
        sql.add(f", {ledger.reached_sql(stage, lambda s: f'o_{s}')} AS r_{stage}")
    sql.add(
        " FROM (SELECT p.id, p.investor_id, p.industry, p.industry_chain AS chain, p.kind, p.high_tech,"
        " p.capital_type, p.currency, p.foreign_investment, p.exchange_rate, p.planned_investment AS planned,"
        " p.contract_amount AS contract"
    )
    for stage in PIPELINE:
        sql.add(f", {ledger.stage_date_sql(stage, 'p')[0]} AS o_{stage}", until)
    # A project's stage date is its furthest stage's, the latest of its dates (they never run backwards along the
    # pipeline): the projects dated before every span are passed over by the stage-date index.
    earliest = min(s.start for s in (this, before) if s is not None)
    sql.add(f" FROM {p} p WHERE p.stage_date >= %s AND (", earliest)
    for index, condition in enumerate(moved):
        sql.add(" OR " if index else "").extend(condition)
    return sql.add(")").extend(scope_sql(scope, "p.id")).add(") d)")


def _durations(rows_by_stage: dict[str, list[tuple[int, int]]]) -> dict[str, dict]:
    """(days, projects) rows per stage → the median days and the number of projects that moved on."""
    return {
        stage: {"median": _median(rows), "projects": sum(n for _d, n in rows)} for stage, rows in rows_by_stage.items()
    }


def _month_keys(months: Sequence[dict]) -> dict[str, str]:
    """'c2026-03' → 'c2', 'l2025-03' → 'l2': the database's month keys to the months' places in the period."""
    keys = {}
    for index, month in enumerate(months):
        keys[f"c{month['month']:%Y-%m}"] = f"c{index}"
        keys[f"l{year_earlier(month['month']):%Y-%m}"] = f"l{index}"
    return keys


def _empty_window() -> dict:
    zero = Decimal("0.00")
    return {"signed": 0, "contract": zero, "started": 0, "started_planned": zero, "foreign": 0, "foreign_usd": zero}


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def funds(*, scope: QuerySet | None, windows: dict[str, Span], months: Sequence[dict], aggregate: bool = True) -> dict:
    """Funds in place: the receipts dated inside each window and month. The database sums them by day (one walk
    along the receipts' covering date index, a few hundred rows back), or the daily figures have them when the
    scope is the whole ledger and they are fresh (``reached_facts``); the spans are added up here."""
    spans = {name: span for name, span in windows.items()}
    for index, month in enumerate(months):
        spans[f"c{index}"] = month["span"]
        spans[f"l{index}"] = month["last_year"]
    totals = {name: Decimal("0") for name in spans}
    cover = _cover(list(spans.values()))
    by_days = cover is not None and scope is None and aggregate and daily.fresh()
    if cover is not None and scope is None and aggregate and not by_days:
        daily.request_build()
    if cover is not None and by_days:
        from .models import DailyFigure

        rows = DailyFigure.objects.filter(figure="funds", day__gte=cover.start, day__lte=cover.end)
        by_day = [(day, money(amount)) for day, amount in rows.values_list("day", "funds")]
        for name, span in spans.items():
            if not span.empty:
                totals[name] = sum((amount for day, amount in by_day if span.start <= day <= span.end), Decimal("0"))
    elif cover is not None:
        r = FundsReceipt._meta.db_table
        within, params = ledger.received_within_sql("f", cover.start, cover.end)
        sql = Sql().add(f"SELECT f.date, SUM(f.amount) FROM {r} f WHERE {within}", *params)
        sql.extend(scope_sql(scope, "f.project_id")).add(" GROUP BY f.date")
        by_day = [(_as_date(day), money(amount)) for day, amount in _fetch(sql)]
        for name, span in spans.items():
            if not span.empty:
                totals[name] = sum((amount for day, amount in by_day if span.start <= day <= span.end), Decimal("0"))
    result = {"windows": {name: money(totals[name]) for name in windows}, "months": {}}
    for name in spans:
        if name not in windows:
            result["months"][name] = money(totals[name])
    return result


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
