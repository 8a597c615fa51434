"""The demo county's register of persons (issue 14): county leaders (王县长 with the demo leader's login), two or
three cadres per township, park and department, and the projects' introducers and county leaders linked to them.

Drawn from its own ``random.Random(SEED + 4)`` stream after every other draw, and written after the ledger,
so the ledger and every published figure stay as they were; the free-text fields are left as they are."""

from __future__ import annotations

import random
from decimal import Decimal

from zhaoshang.organization.models import Unit, User
from zhaoshang.persons.choices import Level
from zhaoshang.persons.models import LevelTarget, Person
from zhaoshang.projects import services as project_services
from zhaoshang.projects.models import Project
from zhaoshang.targets.models import Period

from . import data

CADRE_POSTS = {
    "township": [("党委书记", Level.SECTION), ("镇长", Level.SECTION), ("招商办主任", Level.STOCK)],
    "park": [("管委会主任", Level.SECTION), ("招商局局长", Level.STOCK)],
    "department": [("局长", Level.SECTION), ("办公室主任", Level.STOCK)],
}


def build_persons(*, rng: random.Random, bureau: User) -> int:
    """Create the register and link the projects; returns the number of persons."""
    county = Unit.objects.filter(parent__isnull=True).order_by("code").first()
    leader_login = User.objects.filter(username="leader").first()
    persons: dict[str, Person] = {}
    for name in data.COUNTY_LEADERS:
        persons[name] = Person.objects.create(
            name=name,
            unit=county,
            post=name.removeprefix(name[0]),
            level=Level.COUNTY,
            user=leader_login if leader_login is not None and leader_login.display_name == name else None,
        )
    cadres: dict[int, list[Person]] = {}
    taken = set(persons)
    for unit in Unit.objects.filter(active=True, category__in=list(CADRE_POSTS)).order_by("code"):
        for post, level in CADRE_POSTS[unit.category]:
            name = _name(rng, taken)
            cadres.setdefault(unit.pk, []).append(Person.objects.create(name=name, unit=unit, post=post, level=level))
    projects = Project.objects.prefetch_related("credits").order_by("code")
    for project in projects:
        leader = persons.get(project.county_leader)
        introducers = []
        if project.introducer:
            unit_ids = [credit.unit_id for credit in sorted(project.credits.all(), key=lambda c: -c.share)]
            pool = [person for unit_id in unit_ids for person in cadres.get(unit_id, [])]
            if pool:
                first = rng.choice(pool)
                if len(pool) > 1 and rng.random() < 0.25:
                    second = rng.choice([person for person in pool if person != first])
                    introducers = [(first, Decimal("50")), (second, Decimal("50"))]
                else:
                    introducers = [(first, Decimal("100"))]
        if leader or introducers:
            project_services.set_project_persons(
                user=bureau, project=project, introducers=introducers or None, leader=leader or ...
            )
    # Every cadre at 科级 and above: one project introduced and signed in the year (seed 002).
    for period in Period.objects.order_by("start"):
        for level in (Level.COUNTY, Level.SECTION):
            LevelTarget.objects.create(period=period, level=level, projects=Decimal("1"))
    return Person.objects.count()


def _name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = rng.choice(data.SURNAMES) + rng.choice(data.GIVEN_NAMES)
        if name not in taken:
            taken.add(name)
            return name
