import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.events import services as event_services
from zhaoshang.projects import services as project_services

D = Decimal


@pytest.fixture
def make_event(users):
    def make(name="2026年全市招商推介会", level="city", starts_on=dt.date(2026, 4, 18), **data):
        return event_services.save_event(
            user=users["bureau"], data={"name": name, "level": level, "starts_on": starts_on, **data}
        )

    return make


@pytest.fixture
def signed(users, make_project):
    """A project signed on a date with a contract amount (and planned investment), optionally at an event."""

    def make(code, *, on=dt.date(2026, 4, 18), amount="1000", planned="2000", unit=None, **data):
        project = make_project(unit, code=code, planned_investment=D(planned), **data)
        project_services.record_stage(user=users["bureau"], project=project, stage="signed", date=on, amount=D(amount))
        project.refresh_from_db()
        return project

    return make
