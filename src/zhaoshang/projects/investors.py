"""Investors the bureau should look at (issue 17): one company under several records, one investor across many
units, one investor typed many ways. Reads only; the bureau merges records with ``services.merge_investors``.

Bounded: one query for the register's names and spellings (keys computed in Python, ``names.company_key``), one
grouped query for the units per investor, one for the spellings counted, then the flagged investors' projects
with their units (two queries), whatever the county's size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Prefetch

from zhaoshang.organization import access

from .models import Investor, InvestorSpelling, Project, ProjectCredit
from .names import company_key

# At most this many investors per reason on the page (the most units / spellings first); ``Flagged.counts`` has all.
LIMIT = 200


def units_flag() -> int:
    """An investor whose projects are credited to this many units is flagged (``ZHAOSHANG_INVESTOR_UNITS_FLAG``)."""
    return settings.INVESTOR_UNITS_FLAG


def spellings_flag() -> int:
    """An investor known under this many names (the register's and the spellings typed) is flagged."""
    return settings.INVESTOR_SPELLINGS_FLAG


@dataclass
class FlaggedGroup:
    """Investors flagged for one reason, each with its projects (and their units) and spellings."""

    investors: list[Investor]
    key: str = ""  # the shared company key (same company, several records)
    units: list = field(default_factory=list)  # the units an investor's projects belong to (many units)


@dataclass
class Flagged:
    same_company: list[FlaggedGroup]
    many_units: list[FlaggedGroup]
    many_spellings: list[FlaggedGroup]
    # reason → how many were found (the lists hold at most ``LIMIT``)
    counts: dict = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.same_company or self.many_units or self.many_spellings)


def same_company_groups() -> dict[str, list[int]]:
    """Company key → the ids of two or more investor records whose name or a spelling has that key, unless two of
    them carry different credit codes: two codes are two companies (上海东升 and 东莞东升), however alike the names."""
    by_key: dict[str, set[int]] = defaultdict(set)
    codes: dict[int, str] = {}
    for pk, name, code in Investor.objects.values_list("pk", "name", "credit_code").iterator(chunk_size=5000):
        if code:
            codes[pk] = code
        key = company_key(name)
        if key:
            by_key[key].add(pk)
    for investor_id, key in InvestorSpelling.objects.values_list("investor_id", "key").iterator(chunk_size=5000):
        if key:
            by_key[key].add(investor_id)
    return {
        key: sorted(ids)
        for key, ids in by_key.items()
        if len(ids) > 1 and len({codes[pk] for pk in ids if pk in codes}) <= 1
    }


def units_per_investor(minimum: int) -> dict[int, int]:
    """Investor id → the number of units its projects are credited to (≥ ``minimum``), for investors with two
    projects or more: one investor's projects claimed by several units. A single project credited to a township
    and a department, or handled by a department for a township, is one project shared, not a double claim: the
    responsible unit does not count, and one project alone is never flagged here. One grouped statement."""
    project, credit = Project._meta.db_table, ProjectCredit._meta.db_table
    sql = f"""
        SELECT p.investor_id, COUNT(DISTINCT c.unit_id)
          FROM {credit} c JOIN {project} p ON p.id = c.project_id
         WHERE p.investor_id IS NOT NULL
         GROUP BY p.investor_id
        HAVING COUNT(DISTINCT c.unit_id) >= %s AND COUNT(DISTINCT p.id) >= 2
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [minimum])
        return dict(cursor.fetchall())


def many_spellings_ids(minimum: int) -> dict[int, int]:
    """Investor id → its number of spellings, for investors known under ``minimum`` names or more (the register's
    name and the spellings typed)."""
    return dict(
        InvestorSpelling.objects.values("investor_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=minimum - 1)
        .values_list("investor_id", "n")
    )


def _top(counts: dict[int, int]) -> list[int]:
    return sorted(counts, key=lambda pk: (-counts[pk], pk))[:LIMIT]


def _investors(ids) -> dict[int, Investor]:
    projects = Project.objects.select_related("responsible_unit").prefetch_related(
        Prefetch("credits", queryset=ProjectCredit.objects.select_related("unit"))
    )
    investors = Investor.objects.filter(pk__in=ids).prefetch_related(
        Prefetch("projects", queryset=projects.order_by("code")), "spellings"
    )
    found = {}
    for investor in investors:
        for project in investor.projects.all():
            units = {credit.unit for credit in project.credits.all()}
            if project.responsible_unit is not None:
                units.add(project.responsible_unit)
            project.flag_units = sorted(units, key=lambda unit: unit.code)
        found[investor.pk] = investor
    return found


def flagged_investors(*, user) -> Flagged:
    """The investors the bureau should review (see the module's docstring); county readers only."""
    if not (access.is_active(user) and access.reads_everything(user)):
        raise PermissionDenied
    all_groups = same_company_groups()
    all_units = units_per_investor(units_flag())
    all_spelled = many_spellings_ids(spellings_flag())
    groups = dict(sorted(all_groups.items())[:LIMIT])
    units, spelled = _top(all_units), _top(all_spelled)
    ids = {pk for group in groups.values() for pk in group} | set(units) | set(spelled)
    investors = _investors(ids)

    def units_of(investor):
        return sorted({u for p in investor.projects.all() for u in p.flag_units}, key=lambda unit: unit.code)

    return Flagged(
        same_company=[
            FlaggedGroup(investors=[investors[pk] for pk in group if pk in investors], key=key)
            for key, group in groups.items()
        ],
        many_units=[
            FlaggedGroup(investors=[investors[pk]], units=units_of(investors[pk])) for pk in units if pk in investors
        ],
        many_spellings=[FlaggedGroup(investors=[investors[pk]]) for pk in spelled if pk in investors],
        counts={"same_company": len(all_groups), "many_units": len(all_units), "many_spellings": len(all_spelled)},
    )
