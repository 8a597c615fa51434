"""The demo county has a register of persons: county leaders (王县长 with the leader login), cadres per unit,
introducers and leaders linked; the reward list adds up."""

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.demo.builder import build_demo
from zhaoshang.organization.models import User
from zhaoshang.persons import selectors
from zhaoshang.persons.models import Person
from zhaoshang.projects.models import Project, ProjectIntroducer
from zhaoshang.targets.models import Period

pytestmark = pytest.mark.django_db


def test_demo_persons():
    build_demo(today=dt.date(2026, 11, 21))
    leader = User.objects.get(username="leader")
    assert Person.objects.get(user=leader).name == "王县长"
    assert Project.objects.filter(leader__isnull=False).count() == Project.objects.exclude(county_leader="").count()
    with_text = Project.objects.exclude(introducer="").count()
    assert 0 < Project.objects.filter(introducer_links__isnull=False).distinct().count() <= with_text
    assert ProjectIntroducer.objects.filter(share=Decimal("50")).exists()
    period = Period.objects.get(code="ND2026")
    bureau = User.objects.get(username="bureau")
    figures = selectors.person_ranking(period, user=bureau)
    assert figures and all(f.projects == sum(row.fraction for row in f.rows) for f in figures)
    lines = selectors.reward_list(period, user=bureau)
    assert sum(line.row.fraction for line in lines) == sum(f.projects for f in figures)
