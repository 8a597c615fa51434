"""Reads for leaders: a county leader's projects and linked units (领导联点), with what is overdue first.

A leader's projects are those whose county leader (``Project.leader``) is their person, and the projects of the
units they are linked to (credited or responsible, with the units' sub-units: the ledger's own unit filter). The
overdue lists reuse the owning apps' selectors (scheduling's missing reports, overdue coordination items and
stalled rule; supervision's overdue rectifications), narrowed to those projects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from zhaoshang.core import limits
from zhaoshang.organization.models import Unit
from zhaoshang.organization.selectors import subtree_ids
from zhaoshang.persons.models import Person
from zhaoshang.projects.models import Project
from zhaoshang.projects.selectors import with_credits
from zhaoshang.scheduling import selectors as scheduling
from zhaoshang.supervision import selectors as supervision

from .models import LeaderLink, UnitHead

LIST_LIMIT = 100
CENT = Decimal("0.01")


def person_of(user) -> Person | None:
    """The register's person whose account ``user`` is (a leader's person), or None."""
    if not getattr(user, "pk", None):
        return None
    return Person.objects.filter(user=user).select_related("unit").first()


def linked_units(person: Person) -> list[Unit]:
    return [
        link.unit for link in LeaderLink.objects.filter(person=person).select_related("unit").order_by("unit__code")
    ]


def leader_q(person: Person) -> Q:
    """The projects ``person`` answers for: led by them, or of a unit they are linked to (and its sub-units)."""
    q = Q(leader=person)
    units: set[int] = set()
    for unit in linked_units(person):
        units |= subtree_ids(unit.pk)
    if units:
        q |= Project.unit_scope_q(frozenset(units))
    return q


def leader_projects(person: Person) -> QuerySet:
    return Project.objects.filter(leader_q(person))


def _ledger(**params) -> str:
    return reverse("projects:ledger") + "?" + urlencode(params)


def _figures(queryset: QuerySet) -> dict:
    totals = queryset.order_by().aggregate(
        count=Count("pk"),
        planned=limits.money_sum("planned_investment"),
        contract=limits.money_sum("contract_amount"),
        funds=limits.money_sum("funds_total"),
    )
    return {key: (value if key == "count" else Decimal(value or 0).quantize(CENT)) for key, value in totals.items()}


@dataclass
class LeaderHome:
    person: Person
    own: dict
    units: list[dict]
    rows: list[dict]
    count: int
    overdue: dict = field(default_factory=dict)


def leader_home(*, user, person: Person, today: dt.date) -> LeaderHome:
    """What a leader's home shows: their own projects' figures, each linked unit's figures (each linking to the
    ledger rows it counts), the overdue items on their projects, and their projects with the overdue ones first."""
    own_qs = Project.objects.filter(leader=person)
    own = {**_figures(own_qs), "url": _ledger(leader=person.pk)}
    units = []
    for unit in linked_units(person):
        scoped = Project.objects.filter(Project.unit_scope_q(frozenset(subtree_ids(unit.pk))))
        units.append({"unit": unit, **_figures(scoped), "url": _ledger(unit=unit.pk)})

    projects = leader_projects(person)
    ids = projects.values("pk")
    reports = scheduling.missing_reports(user=user, today=today).filter(project__in=ids)
    rectifications = supervision.rectification_list(user=user, overdue=True, today=today).filter(project__in=ids)
    items = scheduling.overdue_items(today=today, user=user).filter(project__in=ids)
    stalled = scheduling.stalled_queryset(user=user, today=today).filter(pk__in=ids)
    overdue_ids: dict[int, list[str]] = {}
    for kind, project_ids in (
        ("report", reports.values_list("project_id", flat=True)),
        ("rectification", rectifications.values_list("project_id", flat=True)),
        ("item", items.values_list("project_id", flat=True)),
        ("stalled", stalled.values_list("pk", flat=True)),
    ):
        for project_id in project_ids:
            kinds = overdue_ids.setdefault(project_id, [])
            if kind not in kinds:
                kinds.append(kind)
    overdue = {
        "reports": {"count": reports.count(), "url": reverse("scheduling:round_list")},
        "rectifications": {
            "count": rectifications.count(),
            "url": reverse("supervision:rectification_list") + "?" + urlencode({"overdue": "on"}),
        },
        "items": {
            "count": items.count(),
            "url": reverse("scheduling:item_list") + "?" + urlencode({"overdue": "on"}),
            "rows": list(items[:10]),
        },
        "stalled": {"count": stalled.count(), "url": reverse("scheduling:stalled")},
    }
    # Overdue projects first (all of them), then the rest, most recently moved first, up to the limit.
    first = list(with_credits(projects.filter(pk__in=list(overdue_ids))).order_by("code"))
    rest = list(
        with_credits(projects.exclude(pk__in=list(overdue_ids))).order_by("-stage_date", "-id")[
            : max(LIST_LIMIT - len(first), 0)
        ]
    )
    rows = [{"project": p, "overdue": overdue_ids.get(p.pk, []), "own": p.leader_id == person.pk} for p in first + rest]
    return LeaderHome(person=person, own=own, units=units, rows=rows, count=projects.count(), overdue=overdue)


def leaders() -> QuerySet:
    """The county leaders of the register (level 县级) and their links, for the bureau's page."""
    from zhaoshang.persons.choices import Level

    return Person.objects.filter(level=Level.COUNTY, active=True).select_related("unit", "user").order_by("name")


def heads() -> dict[int, UnitHead]:
    return {head.unit_id: head for head in UnitHead.objects.select_related("person")}
