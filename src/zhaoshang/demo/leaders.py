"""The demo county's 领导联点 and unit heads (issue 14): each county leader answers for some townships and parks
(dealt out in code order), and each township's 镇长, park's 管委会主任 and department's 局长 heads their unit.

No draw at all, written after the register: the ledger and every published figure stay as they were."""

from __future__ import annotations

from zhaoshang.leaders.models import LeaderLink, UnitHead
from zhaoshang.organization.models import Unit
from zhaoshang.persons.choices import Level
from zhaoshang.persons.models import Person

HEAD_POSTS = ("镇长", "乡长", "管委会主任", "局长")
LINKED_CATEGORIES = ("township", "park")


def build_leaders() -> int:
    """Create the links and the heads; returns the number of links."""
    leaders = list(Person.objects.filter(level=Level.COUNTY).order_by("pk"))
    if not leaders:
        return 0
    units = Unit.objects.filter(active=True, parent__parent__isnull=True, category__in=LINKED_CATEGORIES)
    LeaderLink.objects.bulk_create(
        LeaderLink(person=leaders[i % len(leaders)], unit=unit) for i, unit in enumerate(units.order_by("code"))
    )
    heads = {}
    for person in Person.objects.filter(post__in=HEAD_POSTS).exclude(level=Level.COUNTY).order_by("pk"):
        heads.setdefault(person.unit_id, person)
    UnitHead.objects.bulk_create(UnitHead(unit_id=unit_id, person=person) for unit_id, person in heads.items())
    return LeaderLink.objects.count()
