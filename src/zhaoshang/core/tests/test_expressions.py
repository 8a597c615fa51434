"""LocalDate: the local calendar date of a datetime column, the same as TruncDate on every database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models.functions import TruncDate
from django.utils import timezone

from zhaoshang.core.expressions import LocalDate
from zhaoshang.organization.models import User

pytestmark = pytest.mark.django_db

UTC = dt.UTC
MOMENTS = [  # around midnight in Beijing (UTC+8), and around the 2026 daylight-saving changes in Berlin
    dt.datetime(2026, 1, 4, 15, 59, tzinfo=UTC),
    dt.datetime(2026, 1, 4, 16, 0, tzinfo=UTC),
    dt.datetime(2026, 1, 4, 16, 30, tzinfo=UTC),
    dt.datetime(2026, 3, 28, 23, 30, tzinfo=UTC),
    dt.datetime(2026, 7, 1, 22, 30, tzinfo=UTC),
    dt.datetime(2026, 12, 31, 23, 59, tzinfo=UTC),
]


@pytest.fixture
def stamped():
    for index, moment in enumerate(MOMENTS):
        User.objects.create(username=f"x{index}", date_joined=moment)


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Europe/Berlin", "UTC"])
def test_local_date_is_the_calendar_date_in_the_current_zone(stamped, zone):
    with timezone.override(zone):
        rows = User.objects.filter(username__startswith="x").order_by("username")
        local = list(rows.annotate(d=LocalDate("date_joined")).values_list("d", flat=True))
        truncated = list(rows.annotate(d=TruncDate("date_joined")).values_list("d", flat=True))
        expected = [timezone.localtime(moment).date() for moment in MOMENTS]
    assert local == truncated == expected
    if zone == "Asia/Shanghai":
        assert local[:3] == [dt.date(2026, 1, 4), dt.date(2026, 1, 5), dt.date(2026, 1, 5)]
