import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.milestones.models import Milestone, MilestoneKind
from zhaoshang.projects import services as project_services


@pytest.fixture
def kinds(db):
    return {kind.name: kind for kind in MilestoneKind.objects.all()}


@pytest.fixture
def signed(users, make_project, today):
    """A project of township A signed 100 days ago."""

    def make(unit=None, **data):
        project = make_project(unit, planned_investment=Decimal("100"), **data)
        project_services.record_stage(
            user=users["bureau"],
            project=project,
            stage="signed",
            date=today - dt.timedelta(days=100),
            amount=Decimal("50"),
        )
        project.refresh_from_db()
        return project

    return make


@pytest.fixture
def plan(kinds):
    def make(project, name, planned=None, actual=None):
        return Milestone.objects.create(project=project, kind=kinds[name], planned_on=planned, actual_on=actual)

    return make
