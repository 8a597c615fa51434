"""Issue 14: a county leader logs in to their home — their projects and linked units, overdue items first."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.leaders import services
from zhaoshang.persons.models import Person
from zhaoshang.projects.models import Project
from zhaoshang.scheduling.models import CoordinationItem

from .helpers import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = Decimal


def test_a_leader_logs_in_to_their_projects_and_linked_units(page, page_log, users, units, make_project):
    zhang = Person.objects.create(name="张县长", unit=units["county"], level="county", user=users["leader"])
    services.set_links(user=users["bureau"], person=zhang, units=[units["a"]])
    make_project(units["a"], code="ZS-A1", name="城关镇食品加工", planned_investment=D("3000"))
    late = make_project(units["a_section"], code="ZS-A2", name="城关镇物流园", planned_investment=D("8000"))
    led = make_project(units["b"], code="ZS-B1", name="河口乡光伏电站", planned_investment=D("25000"))
    make_project(units["b"], code="ZS-B2", name="河口乡茶叶基地", planned_investment=D("900"))  # not theirs
    Project.objects.filter(pk=led.pk).update(leader=zhang)
    CoordinationItem.objects.create(
        project=late, description="用地指标未落实", deadline=dt.date.today() - dt.timedelta(days=5)
    )

    login(page, "leader")
    assert page.url.endswith("/leaders/home/")
    rows = page.locator("#leader-projects tbody tr")
    codes = [rows.nth(i).get_attribute("data-code") for i in range(rows.count())]
    assert codes[0] == "ZS-A2"  # the overdue one first
    assert sorted(codes) == ["ZS-A1", "ZS-A2", "ZS-B1"]
    assert page.inner_text("#overdue-items").strip() == "1"
    assert "城关镇" in page.inner_text("#figures") and "河口乡茶叶基地" not in page.content()
    assert page.inner_text("#own-figures td >> nth=0").strip() == "1"
    path = screenshot(page, "leader-home")
    assert path.stat().st_size > 10_000
    assert not page_log.page_errors and not page_log.static_problems()
