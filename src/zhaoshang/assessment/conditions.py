"""A points scheme's recognition conditions (认定条件) on the assessment's facts (issue 13).

Each condition a measure may set (``targets.scoring.Measure``) maps to its ledger rule in ``projects.rules``, its
Python predicate and its SQL form, imported from there and never re-written here:

- ``event_level``: ``signed_at_event`` (signed at an event of that level or higher);
- ``private``: ``private_owned`` (民营);
- ``registered_land_paid``: ``registered_and_land_paid`` within the period's start and the as-of date;
- ``within_years``: ``signed_within_years`` (signed by the as-of date, on or after the same day N years before
  the period's start);
- ``exclude_divisions``: not ``in_divisions`` (GB/T 4754 大类 left out).

``Conditions`` is what the engine holds on a spec (opaque to it, hashable so it keys a funds figure summed per
unit): the engine asks ``holds(fact, start, until)`` of a project's facts, the selectors ask ``sql(alias, start,
until)`` of the funds summed in SQL. The facts carry what the predicates read (``FIELDS``, and ``signed_on``: the
date the project reached "signed" up to the as-of date, whenever that was).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from zhaoshang.projects import rules as ledger
from zhaoshang.targets import scoring

# The project columns the conditions' predicates read (besides the date reached "signed": ``signed_on``).
FIELDS = ("ownership", "signing_event_level", "company_registered_on", "land_paid_on", "industry_division")

Predicate = Callable[[Mapping, object, dt.date, dt.date], bool]
SqlForm = Callable[[str, object, dt.date, dt.date], tuple[str, list]]


def _not_sql(form: tuple[str, list]) -> tuple[str, list]:
    sql, params = form
    return f"NOT ({sql})", params


# Condition name → (Python predicate, SQL form), each of (project row or fact mapping / alias, the condition's
# value, the period's start, the as-of date).
RULES: dict[str, tuple[Predicate, SqlForm]] = {
    "event_level": (
        lambda row, level, start, until: ledger.signed_at_event(row, level),
        lambda alias, level, start, until: ledger.signed_at_event_sql(level, alias),
    ),
    "private": (
        lambda row, _on, start, until: ledger.private_owned(row),
        lambda alias, _on, start, until: ledger.private_owned_sql(alias),
    ),
    "registered_land_paid": (
        lambda row, _on, start, until: ledger.registered_and_land_paid(row, start, until),
        lambda alias, _on, start, until: ledger.registered_and_land_paid_sql(alias, start, until),
    ),
    "within_years": (
        lambda row, years, start, until: ledger.signed_within_years({"signed": row["signed_on"]}, years, start, until),
        lambda alias, years, start, until: ledger.signed_within_years_sql(alias, years, start, until),
    ),
    "exclude_divisions": (
        lambda row, divisions, start, until: not ledger.in_divisions(row, divisions),
        lambda alias, divisions, start, until: _not_sql(ledger.in_divisions_sql(divisions, alias)),
    ),
}


@dataclass(frozen=True)
class Conditions:
    """The conditions one measure sets, as (name, value) pairs in ``RULES`` order (only those set)."""

    items: tuple[tuple[str, object], ...]

    def holds(self, fact, start: dt.date, until: dt.date) -> bool:
        """Does a project (an ``engine.PeriodFact`` carrying ``conditions``) meet every condition within the period's
        start and ``until`` (the as-of date, at most the period's end)?"""
        row = fact.conditions
        if row is None:  # facts read without the conditions' fields: nothing can be shown to meet them
            return False
        return all(RULES[name][0](row, value, start, until) for name, value in self.items)

    def sql(self, alias: str, start: dt.date, until: dt.date) -> tuple[str, list]:
        """The SQL form of ``holds`` for the project row ``alias`` (conditions joined with AND)."""
        parts, params = [], []
        for name, value in self.items:
            sql, own = RULES[name][1](alias, value, start, until)
            parts.append(f"({sql})")
            params.extend(own)
        return " AND ".join(parts), params


def of(measure: scoring.Measure) -> Conditions | None:
    """The conditions a measure sets (None: none)."""
    values = {
        "event_level": measure.event_level or None,
        "private": measure.private or None,
        "registered_land_paid": measure.registered_land_paid or None,
        "within_years": measure.within_years,
        "exclude_divisions": tuple(sorted(measure.exclude_divisions)) or None,
    }
    items = tuple((name, values[name]) for name in RULES if values[name] is not None)
    return Conditions(items) if items else None


def fact_row(row: Mapping, signed_on: dt.date | None) -> dict:
    """What the predicates read of a project (a row with ``FIELDS``) and the date it reached "signed"."""
    return {**{name: row[name] for name in FIELDS}, "signed_on": signed_on}
