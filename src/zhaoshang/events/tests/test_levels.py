"""An event's level is what the scheme conditions read, through its projects' copies (decision 44): a project
signed at a city-level event counts for a measure "signed at a 市级 event or higher"; re-levelling the event saves
its projects through the history, and the figure follows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from zhaoshang.assessment import selectors as assessment
from zhaoshang.events import services

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def period(users):
    from zhaoshang.targets import services as targets
    from zhaoshang.targets.models import Scheme, SchemeItem

    period = targets.save_period(
        user=users["bureau"],
        data={"code": "EVT", "name": "活动签约", "start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)},
    )
    scheme = Scheme.objects.create(period=period, kind="points", ranking="all")
    SchemeItem.objects.create(
        scheme=scheme,
        order=0,
        code="E1",
        name="市级以上活动签约",
        section="base",
        function="per_count",
        points=D("10"),
        params={"per_above": "1"},
        measure={"what": "count", "event_level": "city"},
    )
    return period


def _signed_at_city(period) -> int:
    result = assessment.assess_period(period, dt.date(2026, 6, 30))
    t01 = next(r for r in result.units if r.unit.code == "T01")
    return next(item.actual for item in t01.items if item.code == "E1")


def test_the_level_reaches_the_scheme_and_follows_the_event(users, period, make_event, signed):
    fair = make_event(level="city")
    project = signed("A1", event=fair)
    signed("A2")  # signed at no event
    assert (project.signing_event, project.signing_event_level) == ("2026年全市招商推介会", "city")
    assert _signed_at_city(period) == 1

    services.save_event(user=users["admin"], event=fair, data={"level": "county", "name": "2026年全县招商推介会"})
    project.refresh_from_db()
    assert (project.signing_event, project.signing_event_level) == ("2026年全县招商推介会", "county")
    latest = project.history.first()
    assert latest.history_user == users["admin"] and latest.signing_event_level == "county"
    assert latest.prev_record.signing_event_level == "city"
    assert _signed_at_city(period) == 0

    # A change of place only: the projects are not saved again.
    count = project.history.count()
    services.save_event(user=users["bureau"], event=fair, data={"place": "县会展中心"})
    assert project.history.count() == count
    with pytest.raises(PermissionDenied):
        services.save_event(user=users["reporter_a"], event=fair, data={"level": "national"})
