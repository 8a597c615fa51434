"""core.clock: the county's today on a server whose clock runs in UTC, frozen moments, nesting, and the stamps the
models and their history take from it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from zhaoshang.core import clock
from zhaoshang.core.models import RevisionMark
from zhaoshang.notifications.models import Notification
from zhaoshang.organization.models import Unit

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def utc_server(monkeypatch):
    """The machine's clock set to a given UTC moment."""

    def set_to(moment: dt.datetime) -> None:
        monkeypatch.setattr(clock, "_system_now", lambda: moment)

    return set_to


def test_the_zone_is_the_projects_time_zone(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert clock.zone().utcoffset(dt.datetime(2026, 1, 1)) == dt.timedelta(hours=8)


@pytest.mark.parametrize("utc_hour", range(16, 24))
def test_today_is_the_beijing_date_between_midnight_and_eight(utc_server, utc_hour):
    # 16:00-23:59 UTC on 1 March is 00:00-07:59 on 2 March in Beijing: the UTC date is still the 1st.
    moment = dt.datetime(2026, 3, 1, utc_hour, 30, tzinfo=dt.UTC)
    utc_server(moment)
    assert moment.date() == dt.date(2026, 3, 1)
    assert clock.today() == dt.date(2026, 3, 2)
    assert clock.now() == moment
    assert clock.local_now().tzinfo is not None and clock.local_now().date() == dt.date(2026, 3, 2)


def test_today_in_beijing_daytime_is_the_same_date_as_utc(utc_server):
    utc_server(dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC))  # 09:00 in Beijing
    assert clock.today() == dt.date(2026, 3, 2)


def test_date_of_a_moment_is_its_beijing_date():
    assert clock.date_of(dt.datetime(2026, 12, 31, 16, 0, tzinfo=dt.UTC)) == dt.date(2027, 1, 1)
    assert clock.date_of(dt.datetime(2026, 12, 31, 15, 59, tzinfo=dt.UTC)) == dt.date(2026, 12, 31)


def test_frozen_fixes_now_and_today_until_the_block_ends(utc_server):
    running = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)
    utc_server(running)
    moment = dt.datetime(2025, 7, 9, 23, 30, tzinfo=dt.UTC)  # 07:30 on 10 July in Beijing
    with clock.frozen(moment) as given:
        assert given == moment
        assert clock.now() == moment
        assert clock.today() == dt.date(2025, 7, 10)
    assert clock.now() == running
    assert clock.today() == dt.date(2026, 6, 1)


def test_frozen_blocks_nest_and_unwind_on_errors(utc_server):
    running = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)
    utc_server(running)
    outer = dt.datetime(2025, 1, 1, 9, 0, tzinfo=SHANGHAI)
    inner = dt.datetime(2025, 2, 1, 9, 0, tzinfo=SHANGHAI)
    with clock.frozen(outer):
        with clock.frozen(inner):
            assert clock.today() == dt.date(2025, 2, 1)
        assert clock.now() == outer
        with pytest.raises(RuntimeError), clock.frozen(inner):
            raise RuntimeError("a failing action")
        assert clock.now() == outer
    assert clock.now() == running


def test_frozen_needs_an_aware_moment():
    with pytest.raises(ValueError):
        with clock.frozen(dt.datetime(2026, 1, 1, 9, 0)):
            pass
    with pytest.raises(ValueError):
        with clock.frozen(dt.date(2026, 1, 1)):
            pass


@pytest.mark.django_db
def test_stamps_defaults_and_history_dates_read_the_clock(users, units):
    moment = dt.datetime(2025, 3, 4, 7, 15, tzinfo=SHANGHAI)
    with clock.frozen(moment):
        mark = RevisionMark.objects.create(app_label="core")  # auto_now_add
        notification = Notification.objects.create(user=users["bureau"], title="通知")  # default=clock.now
        unit = Unit.objects.create(code="K01", name="新单位", category="township")
        unit.name = "新单位（改）"
        unit.save()
    assert mark.created_at == moment
    assert notification.created_at == moment
    assert [row.history_date for row in unit.history.all()] == [moment, moment]
    # A writer's own _history_date still wins (the demo's bulk history uses it).
    unit.name = "再改"
    unit._history_date = dt.datetime(2025, 3, 5, 10, 0, tzinfo=SHANGHAI)
    with clock.frozen(moment):
        unit.save()
    assert unit.history.first().history_date == unit._history_date


@pytest.mark.django_db
def test_auto_now_follows_the_clock_on_every_save(make_project):
    first = dt.datetime(2025, 5, 6, 9, 0, tzinfo=SHANGHAI)
    later = dt.datetime(2025, 5, 8, 16, 0, tzinfo=SHANGHAI)
    with clock.frozen(first):
        project = make_project()
    assert (project.created_at, project.updated_at, project.last_activity_on) == (first, first, dt.date(2025, 5, 6))
    with clock.frozen(later):
        project.save()
    project.refresh_from_db()
    assert (project.created_at, project.updated_at) == (first, later)
