import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.persons.models import Person
from zhaoshang.projects import services as project_services
from zhaoshang.targets import services as target_services

D = Decimal


@pytest.fixture
def period(users):
    return target_services.save_period(
        user=users["bureau"],
        data={"code": "Y2026", "name": "2026年度", "start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)},
    )


@pytest.fixture
def persons(units):
    def make(name, unit, **extra):
        return Person.objects.create(name=name, unit=units[unit], **extra)

    return {
        "zhang": make("张三", "a", post="镇长", level="section"),
        "li": make("李四", "a", post="副镇长", level="section"),
        "wang": make("王五", "b", post="乡长", level="section"),
        "zhao": make("赵六", "dept", post="科员", level="staff"),
    }


@pytest.fixture
def signed(users, make_project):
    """Make a project signed on a date with a contract amount."""

    def make(code, *, on=dt.date(2026, 3, 1), amount="1000", planned="2000", unit=None, **data):
        amount, planned = D(amount), D(planned)
        project = make_project(unit, code=code, planned_investment=planned, **data)
        project_services.record_stage(user=users["bureau"], project=project, stage="signed", date=on, amount=amount)
        project.refresh_from_db()
        return project

    return make
