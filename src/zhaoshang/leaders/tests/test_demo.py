"""The demo county has leaders' links and unit heads: 王县长 (the leader login) answers for townships, and his home
shows exactly his projects and those of his linked units."""

import datetime as dt

import pytest
from django.db.models import Q

from zhaoshang.demo.builder import build_demo
from zhaoshang.leaders import selectors
from zhaoshang.leaders.models import LeaderLink, UnitHead
from zhaoshang.organization.models import User
from zhaoshang.organization.selectors import subtree_ids
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db


def test_demo_leaders(client):
    build_demo(today=dt.date(2026, 11, 21))
    leader = User.objects.get(username="leader")
    person = selectors.person_of(leader)
    links = list(LeaderLink.objects.filter(person=person))
    assert links and UnitHead.objects.filter(unit__category="township").exists()
    units = set().union(*(subtree_ids(link.unit_id) for link in links))
    expected = Project.objects.filter(
        Q(leader=person) | Q(credits__unit_id__in=units) | Q(responsible_unit_id__in=units)
    )
    client.force_login(leader)
    body = client.get("/api/leaders/home/").json()
    assert body["count"] == expected.distinct().count() > 0
