"""The county-wide daily figures (``dashboard.daily``) against the row-level SQL they stand in for.

On generated ledgers (the strategies of ``projects/tests/test_rules_parity.py``: stages skipped or not, foreign
capital in several currencies, receipts with opening balances, investors of several origins), the dashboard's
figures of the whole ledger read from a fresh build equal the row-level query's exactly, for several periods and
as-of dates around the ledger's own dates; and a write makes the build stale, so that it is not read.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from zhaoshang.dashboard import daily, daily_build, queries
from zhaoshang.dashboard.models import DailyFigure
from zhaoshang.dashboard.windows import months, spans
from zhaoshang.projects.models import Investor, Project
from zhaoshang.projects.tests.test_rules_parity import EXAMPLES, dates, ledgers, near, rates, write

pytestmark = pytest.mark.django_db

ORIGINS = ["", "广东省深圳市", "香港", "Germany"]


def periods(data, ledger) -> list[tuple[dt.date, dt.date, dt.date]]:
    """A few (start, end, as of): a period starting anywhere or at one of the ledger's dates, a year long or a
    quarter, read as of its own dates, one of the ledger's or a day either side."""
    own = [on for p in ledger for on in p["stage_dates"].values()] + [on for p in ledger for on, *_ in p["receipts"]]
    found = []
    for _ in range(3):
        start = data.draw(dates | near(own) if own else dates)
        length = data.draw(st.sampled_from([89, 364, 365]))
        end = start + dt.timedelta(days=length)
        as_of = data.draw(
            st.sampled_from([start - dt.timedelta(days=1), start, end, end + dt.timedelta(days=30)])
            | (near(own) if own else st.nothing())
            | dates
        )
        found.append((start, end, as_of))
    return found


def with_investors(saved: list[Project], origins: list[str]) -> None:
    """Link some projects to investors of some origins (the origin breakdown reads the investor's)."""
    for index, (project, origin) in enumerate(zip(saved, origins, strict=True)):
        if origin is None:
            continue
        investor = Investor.objects.create(name=f"客商{index}", origin=origin)
        Project.objects.filter(pk=project.pk).update(investor=investor)


def both(start, end, as_of, usd_rate) -> tuple[dict, dict]:
    windows, month_list = spans(start, end, as_of), months(start, end, as_of)
    by_day = {
        "facts": queries.reached_facts(scope=None, windows=windows, months=month_list, usd_rate=usd_rate),
        "funds": queries.funds(scope=None, windows=windows, months=month_list),
    }
    by_row = {
        "facts": queries.reached_facts(
            scope=None, windows=windows, months=month_list, usd_rate=usd_rate, aggregate=False
        ),
        "funds": queries.funds(scope=None, windows=windows, months=month_list, aggregate=False),
    }
    return by_day, by_row


@EXAMPLES
@given(ledger=ledgers, usd_rate=rates, data=st.data())
def test_daily_figures_equal_the_row_level_figures(ledger, usd_rate, data):
    origins = data.draw(st.lists(st.none() | st.sampled_from(ORIGINS), min_size=len(ledger), max_size=len(ledger)))
    chosen = periods(data, ledger)
    with transaction.atomic():
        try:
            saved = write(ledger)
            with_investors(saved, origins)
            daily_build.build()
            assert daily.fresh()
            for start, end, as_of in chosen:
                by_day, by_row = both(start, end, as_of, usd_rate)
                assert by_day == by_row, (start, end, as_of)
        finally:
            transaction.set_rollback(True)


def test_the_daily_figures_hold_what_the_ledger_reached_and_received():
    """A concrete ledger: the rows of the table, not only their agreement with the row-level query."""
    ledger = [
        {
            **base_project(),
            "stage_dates": {"negotiating": dt.date(2025, 3, 1), "started": dt.date(2025, 5, 2)},
            "contract_amount": Decimal("300"),
            "planned_investment": Decimal("12345.67"),
            "capital_type": "foreign",
            "currency": "USD",
            "foreign_investment": Decimal("100"),
            "receipts": [(dt.date(2025, 5, 2), Decimal("50"), False), (dt.date(2025, 5, 2), Decimal("7"), True)],
        },
        {**base_project(), "stage_dates": {"signed": dt.date(2025, 5, 2)}, "contract_amount": Decimal("1000")},
    ]
    write(ledger)
    daily_build.build()
    signed = DailyFigure.objects.get(figure="signed", dimension="", day=dt.date(2025, 5, 2))
    # The first project skipped signing: it signed when it started.
    assert (signed.projects, signed.contract, signed.foreign_projects) == (2, Decimal("1300.00"), 1)
    assert signed.foreign_dollars == Decimal("100.00")
    assert DailyFigure.objects.get(figure="negotiating", day=dt.date(2025, 3, 1)).projects == 1
    # The second one reached every earlier stage when it signed; the first had negotiated before.
    assert DailyFigure.objects.get(figure="negotiating", day=dt.date(2025, 5, 2)).projects == 1
    assert DailyFigure.objects.get(figure="intention", day=dt.date(2025, 5, 2)).projects == 2
    assert not DailyFigure.objects.filter(figure="producing").exists()
    bands = dict(DailyFigure.objects.filter(figure="signed", dimension="band").values_list("value", "projects"))
    assert bands == {"b1": 1, "b5": 1}
    # The opening balance never counts within dates.
    assert DailyFigure.objects.get(figure="funds").funds == Decimal("50.00")


def test_a_write_makes_the_daily_figures_stale_and_they_are_not_read():
    saved = write([{**base_project(), "stage_dates": {"signed": dt.date(2025, 5, 2)}}])
    daily_build.build()
    assert daily.fresh()
    period = (dt.date(2025, 1, 1), dt.date(2025, 12, 31), dt.date(2025, 6, 30))
    windows, month_list = spans(*period), months(*period)
    facts = queries.reached_facts(scope=None, windows=windows, months=month_list, usd_rate=Decimal("7.1"))
    assert facts["windows"]["current"]["signed"] == 1
    project = saved[0]
    project.signed_on = None
    project.save()  # a history row: the data revision moves
    assert not daily.fresh()
    facts = queries.reached_facts(scope=None, windows=windows, months=month_list, usd_rate=Decimal("7.1"))
    assert facts["windows"]["current"]["signed"] == 0


def base_project() -> dict:
    return {
        "stage_dates": {},
        "kind": "industrial",
        "industry": "C",
        "government_funded": False,
        "local_relocation": False,
        "second_phase": False,
        "planned_investment": Decimal("100"),
        "contract_amount": Decimal("100"),
        "capital_type": "domestic",
        "currency": "CNY",
        "exchange_rate": None,
        "foreign_investment": None,
        "status": "active",
        "last_activity_on": dt.date(2025, 1, 1),
        "receipts": [],
        "currency_receipts": [],
        "ownership": "",
        "signing_event_level": "",
        "company_registered_on": None,
        "land_paid_on": None,
        "industry_division": "",
    }


@pytest.mark.parametrize("as_of", [dt.date(2025, 6, 1), dt.date(2025, 6, 10), dt.date(2025, 12, 31)])
def test_a_stage_dated_after_the_next_counts_as_the_row_level_query_counts_it(as_of):
    """Dates running backwards along the pipeline (the services never write them; ``check_ledger`` finds them): the
    intention dated after the signing counts in the days of intention only once dated up to the dates compared."""
    write(
        [
            {**base_project(), "stage_dates": {"intention": dt.date(2025, 6, 10), "signed": dt.date(2025, 5, 2)}},
            {**base_project(), "stage_dates": {"intention": dt.date(2025, 4, 1), "signed": dt.date(2025, 5, 2)}},
        ]
    )
    daily_build.build()
    by_day, by_row = both(dt.date(2025, 1, 1), dt.date(2025, 12, 31), as_of, Decimal("7.1"))
    assert by_day == by_row
    moved_on = by_day["facts"]["durations"]["intention"]["projects"]
    assert moved_on == (2 if as_of >= dt.date(2025, 6, 10) else 1)


def test_refresh_aggregates_builds_the_daily_figures_and_skips_fresh_ones():
    from io import StringIO

    from django.core.management import call_command

    write([{**base_project(), "stage_dates": {"signed": dt.date(2025, 5, 2)}}])
    assert not daily.fresh()
    out = StringIO()
    call_command("refresh_aggregates", "--if-stale", stdout=out)
    assert out.getvalue().startswith("built ")
    assert daily.fresh()
    assert DailyFigure.objects.get(figure="signed", dimension="").projects == 1
    out = StringIO()
    call_command("refresh_aggregates", "--if-stale", stdout=out)
    assert out.getvalue().startswith("fresh")
