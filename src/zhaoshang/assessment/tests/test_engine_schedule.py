"""Schedule progress (时序进度): by day, both ends inclusive, or by completed months."""

from __future__ import annotations

import datetime as dt

import pytest

from zhaoshang.assessment import engine

from .support import DAY_50, END, START, D, count, funds, group, project, receipt, run, unit

YEAR_START, YEAR_END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (dt.date(2026, 5, 31), D("0")),  # the day before the start
        (START, D("0.01")),  # day 1 of 100
        (DAY_50, D("0.5")),  # day 50
        (dt.date(2026, 7, 21), D("0.51")),
        (dt.date(2026, 9, 7), D("0.99")),
        (END, D("1")),  # day 100
        (dt.date(2026, 12, 31), D("1")),  # after the end
    ],
)
def test_hundred_days_by_day(as_of, expected):
    assert (END - START).days + 1 == 100
    assert engine.schedule_progress(START, END, as_of, "day") == expected


def test_calendar_year_by_day():
    # 2026-07-02 is day 31+28+31+30+31+30+2 = 183 of 365.
    assert engine.schedule_progress(YEAR_START, YEAR_END, dt.date(2026, 7, 2), "day") == D(183) / D(365)


@pytest.mark.parametrize(
    ("as_of", "months"),
    [
        (dt.date(2025, 12, 31), 0),
        (dt.date(2026, 1, 1), 0),  # January is not yet complete
        (dt.date(2026, 1, 30), 0),
        (dt.date(2026, 1, 31), 1),
        (dt.date(2026, 2, 28), 2),
        (dt.date(2026, 10, 30), 9),
        (dt.date(2026, 10, 31), 10),
        (dt.date(2026, 11, 1), 10),
        (dt.date(2026, 12, 30), 11),
        (dt.date(2026, 12, 31), 12),
        (dt.date(2027, 3, 1), 12),
    ],
)
def test_calendar_year_by_month(as_of, months):
    assert engine.schedule_progress(YEAR_START, YEAR_END, as_of, "month") == D(months) / D(12)


def test_leap_february_completes_on_the_29th():
    start, end = dt.date(2028, 1, 1), dt.date(2028, 12, 31)
    assert engine.schedule_progress(start, end, dt.date(2028, 2, 28), "month") == D(1) / D(12)
    assert engine.schedule_progress(start, end, dt.date(2028, 2, 29), "month") == D(2) / D(12)


def test_month_basis_is_annual_target_times_months_over_twelve():
    """12 projects a year, as of 2026-10-31 (10/12 elapsed): 8 signed is 8/12 done, 0.8 of the schedule."""
    projects = [project(i, signed=dt.date(2026, 3, i), contract="1000") for i in range(1, 9)]
    result = run(
        [unit(1)],
        [group("签约", count("12"))],
        projects,
        start=YEAR_START,
        end=YEAR_END,
        as_of=dt.date(2026, 10, 31),
        basis="month",
    )[1]
    spec = result.groups[0].indicators[0]
    assert spec.completion == D(8) / D(12)
    assert engine.round4(spec.schedule_ratio) == D("0.8000")
    assert engine.round4(result.schedule_ratio) == D("0.8000")


def test_schedule_ratio_by_day_and_none_before_the_start():
    # Funds 300 of 1000 on day 50: completion 0.3, schedule ratio 0.3 / 0.5 = 0.6.
    results = run(
        [unit(1)], [group("到位资金", funds("1000"))], [project(1)], [receipt(1, 1, START, "300")], as_of=DAY_50
    )
    indicator = results[1].groups[0].indicators[0]
    assert (indicator.completion, indicator.schedule_ratio) == (D("0.3"), D("0.6"))
    assert results[1].groups[0].schedule_ratio == D("0.6")
    before = run(
        [unit(1)],
        [group("到位资金", funds("1000"))],
        [project(1)],
        [receipt(1, 1, START, "300")],
        as_of=START - dt.timedelta(days=1),
    )
    assert before[1].groups[0].indicators[0].actual == 0
    assert before[1].schedule_ratio is None and before[1].groups[0].schedule_ratio is None
