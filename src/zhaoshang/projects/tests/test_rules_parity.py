"""Every ledger rule's Python predicate against its SQL and ORM forms (``projects.rules``), on generated
ledgers, on the database the suite runs on (SQLite and PostgreSQL in CI).

Each example writes a small ledger inside a savepoint that is rolled back afterwards: projects with stage
dates that never run backwards along the pipeline (the columns as the services keep them), recognition
facts, foreign capital and receipts; then asks each rule in Python and in the database and compares.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhaoshang.projects import rules
from zhaoshang.projects.models import STAGE_DATE_FIELDS, FundsReceipt, Project
from zhaoshang.projects.services import stage_fields

pytestmark = pytest.mark.django_db

D = Decimal
BASE = dt.date(2025, 1, 1)
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

days = st.integers(0, 400)
dates = days.map(lambda n: BASE + dt.timedelta(days=n))
amounts = st.sampled_from([D("0"), D("0.01"), D("299.99"), D("300"), D("999.99"), D("1000"), D("5000"), D("12345.67")])
rates = st.sampled_from([D("6.5"), D("7"), D("7.1"), D("7.25")])  # a whole rate: no integer division


@st.composite
def stage_dates(draw) -> dict[str, dt.date]:
    """Some stages, skipped or not, on dates that never run backwards along the pipeline."""
    chosen = [stage for stage in rules.STAGES if draw(st.booleans())]
    day = draw(days)
    found = {}
    for stage in chosen:
        day += draw(st.integers(0, 90))
        found[stage] = BASE + dt.timedelta(days=day)
    return found


@st.composite
def projects(draw) -> dict:
    foreign = draw(st.booleans())
    return {
        "stage_dates": draw(stage_dates()),
        "kind": draw(st.sampled_from(["industrial", "tertiary", "agriculture", "infrastructure"])),
        "industry": draw(st.sampled_from(["", "C", "K", "R"])),
        "government_funded": draw(st.booleans()),
        "local_relocation": draw(st.booleans()),
        "second_phase": draw(st.booleans()),
        "planned_investment": draw(amounts),
        "contract_amount": draw(amounts),
        "capital_type": "foreign" if foreign else "domestic",
        "currency": draw(st.sampled_from(["CNY", "USD", "EUR", "HKD"])),
        "exchange_rate": draw(st.none() | st.sampled_from([D("7.8"), D("0.92"), D("1")])),
        "foreign_investment": draw(st.none() | amounts) if foreign else None,
        "status": draw(st.sampled_from(["active", "active", "stalled", "dropped"])),
        "last_activity_on": draw(dates),
        # (date, amount, opening balance): an opening balance (期初结转) never counts within dates.
        "receipts": draw(st.lists(st.tuples(dates, amounts.filter(bool), st.booleans()), max_size=3)),
        # Receipts in a currency: (date, currency, original amount or None, rate or None, 10k-yuan amount entered).
        "currency_receipts": draw(
            st.lists(
                st.tuples(
                    dates,
                    st.sampled_from(["CNY", "USD", "USD", "EUR", "HKD"]),
                    st.none() | st.sampled_from([D("1"), D("9999"), D("10000"), D("1500000"), D("123456.78")]),
                    st.none() | st.sampled_from([D("7.1"), D("7.8"), D("0.92"), D("7")]),
                    amounts.filter(bool),
                ),
                max_size=3,
            )
        ),
        "ownership": draw(st.sampled_from(["", "state", "private", "foreign", "hmt", "mixed"])),
        "signing_event_level": draw(st.sampled_from(["", "county", "city", "province", "national"])),
        "company_registered_on": draw(st.none() | dates),
        "land_paid_on": draw(st.none() | dates),
        "industry_division": draw(st.sampled_from(["", "01", "05", "06", "13", "43", "62", "70"])),
    }


ledgers = st.lists(projects(), min_size=1, max_size=8)


def near(values) -> st.SearchStrategy:
    """A value of the ledger's own, or a day either side (for dates): where a rule's boundary bites."""
    values = sorted(set(values))
    if not values:
        return st.nothing()
    picked = st.sampled_from(values)
    if isinstance(values[0], dt.date):
        return st.tuples(picked, st.sampled_from([-1, 0, 0, 1])).map(lambda t: t[0] + dt.timedelta(days=t[1]))
    return picked


def bound(data, values) -> dt.date | None:
    """A date bound: open, anywhere, or at one of the ledger's own dates."""
    return data.draw(st.none() | dates | near(values) | near(values))


def write(ledger: list[dict]) -> list[Project]:
    """The generated projects as rows, with the stage columns the services would keep."""
    rows = []
    for index, data in enumerate(ledger):
        fields = {k: v for k, v in data.items() if k not in ("stage_dates", "receipts", "currency_receipts")}
        fields |= stage_fields(data["stage_dates"])
        rows.append(Project(code=f"R{index:03d}", name=f"规则{index}", **fields))
    created = Project.objects.bulk_create(rows)
    saved = {p.code: p for p in Project.objects.filter(code__in=[p.code for p in created])}
    FundsReceipt.objects.bulk_create(
        FundsReceipt(project=saved[f"R{index:03d}"], date=on, amount=amount, opening_balance=opening)
        for index, data in enumerate(ledger)
        for on, amount, opening in data["receipts"]
    )
    FundsReceipt.objects.bulk_create(
        FundsReceipt(project=saved[f"R{index:03d}"], date=on, note="currency", **currency_receipt(*receipt))
        for index, data in enumerate(ledger)
        for on, *receipt in data["currency_receipts"]
    )
    return [saved[f"R{index:03d}"] for index in range(len(ledger))]


def currency_receipt(currency, original, rate, entered) -> dict:
    """A receipt's fields as the services keep them: no original amount or rate in yuan, the amount worked out
    from them in another currency when both are given."""
    if currency == "CNY":
        original = rate = None
    return {
        "currency": currency,
        "original_amount": original,
        "exchange_rate": rate,
        "amount": rules.receipt_amount(currency, original, rate, entered),
    }


def in_savepoint(test):
    """Run the body on a ledger written inside a savepoint that is rolled back afterwards."""

    def run(ledger, *args):
        with transaction.atomic():
            try:
                test(ledger, write(ledger), *args)
            finally:
                transaction.set_rollback(True)

    return run


def fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def as_date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


@EXAMPLES
@given(ledger=ledgers, stage=st.sampled_from(rules.STAGES), data=st.data())
def test_reached_within_dates(ledger, stage, data):
    own_dates = [on for p in ledger for on in p["stage_dates"].values()]
    start, end = bound(data, own_dates), bound(data, own_dates)

    @in_savepoint
    def check(ledger, saved, stage, start, end):
        in_python = {
            p.pk
            for data, p in zip(ledger, saved, strict=True)
            if rules.reached_within(data["stage_dates"], stage, start, end)
        }
        in_orm = set(Project.objects.filter(rules.reached_within_q(stage, start, end)).values_list("pk", flat=True))
        assert in_orm == in_python
        # The date itself: ReachedOn (ORM) and reached_sql over stage_date_sql (SQL) against reached_on.
        expected = {
            p.pk: rules.reached_on(data["stage_dates"], stage, end) for data, p in zip(ledger, saved, strict=True)
        }
        annotated = Project.objects.filter(pk__in=expected).annotate(first=rules.ReachedOn(stage, until=end))
        assert {pk: as_date(first) for pk, first in annotated.values_list("pk", "first")} == expected
        until = end or dt.date(9999, 12, 30)
        own = {name: rules.stage_date_sql(name, alias="p")[0] for name in rules.stages_from(stage)}
        rows = fetch(
            f"SELECT p.id, {rules.reached_sql(stage, own.get)} FROM projects_project p WHERE p.code LIKE 'R%%'",
            [until] * len(own),
        )
        assert {pk: as_date(first) for pk, first in rows} == expected

    check(ledger, stage, start, end)


@EXAMPLES
@given(ledger=ledgers, stage=st.sampled_from(rules.STAGES), data=st.data())
def test_reached_day_counts_reached_within_any_dates(ledger, stage, data):
    """The aggregate form: a project counted on the day it reached the stage (no end) reached it within [start,
    end] up to any date exactly when that day lies within them."""
    own_dates = [on for p in ledger for on in p["stage_dates"].values()]
    start, end = bound(data, own_dates) or dt.date(2024, 1, 1), bound(data, own_dates) or dt.date(2027, 1, 1)

    @in_savepoint
    def check(ledger, saved, stage, start, end):
        rows = fetch(
            f"SELECT p.id, {rules.reached_day_sql(stage, 'p')} FROM projects_project p WHERE p.code LIKE 'R%%'", []
        )
        day = {pk: as_date(first) for pk, first in rows}
        for data, p in zip(ledger, saved, strict=True):
            assert day[p.pk] == rules.reached_on(data["stage_dates"], stage)
            by_day = day[p.pk] is not None and start <= day[p.pk] <= end
            assert by_day == rules.reached_within(data["stage_dates"], stage, start, end)

    check(ledger, stage, start, end)


@EXAMPLES
@given(ledger=ledgers, usd_rate=rates)
def test_foreign_capital_in_usd_summed_in_parts(ledger, usd_rate):
    """The aggregate form: the two parts summed over the projects, then the rate, give the sum of ``foreign_usd``."""

    @in_savepoint
    def check(ledger, saved, usd_rate):
        expected = sum((rules.foreign_usd(data, usd_rate) for data in ledger), D(0))
        dollars, yuan = rules.foreign_usd_parts_sql("p")
        ((dollar_sum, yuan_sum),) = fetch(
            f"SELECT SUM({dollars}), SUM({yuan}) FROM projects_project p WHERE p.code LIKE 'R%%'", []
        )
        found = rules.foreign_usd_from_parts(Decimal(str(dollar_sum)), Decimal(str(yuan_sum)), usd_rate)
        assert abs(found - expected) <= Decimal("0.000001") * max(1, abs(expected))
        # The yuan part is exact (no division): the whole dollars of the sum to the cent.
        assert Decimal(str(dollar_sum)).quantize(D("0.01")) == sum(
            (rules.foreign_usd(data, usd_rate) for data in ledger if data["currency"] == "USD"), D(0)
        ).quantize(D("0.01"))

    check(ledger, usd_rate)


@EXAMPLES
@given(
    ledger=ledgers,
    kinds=st.lists(st.sampled_from(["tertiary", "agriculture", "infrastructure"]), unique=True, max_size=1),
    industries=st.lists(st.sampled_from(["K", "R"]), unique=True, max_size=1),
    flags=st.tuples(*[st.sampled_from([False, False, False, True])] * 3),  # mostly off: the floor bites
    data=st.data(),
)
def test_recognition(ledger, kinds, industries, flags, data):
    floor = data.draw(st.none() | amounts | near([p["planned_investment"] for p in ledger]))
    recognition = rules.Recognition(
        excluded_kinds=tuple(kinds),
        excluded_industries=tuple(industries),
        exclude_government_funded=flags[0],
        exclude_local_relocation=flags[1],
        exclude_second_phase=flags[2],
        floor_amount=floor,
    )

    @in_savepoint
    def check(ledger, saved, recognition):
        in_python = {p.pk for data, p in zip(ledger, saved, strict=True) if rules.recognised(recognition, data)}
        conditions, params = rules.recognition_sql(recognition, "p")
        in_sql = {
            pk for (pk,) in fetch(f"SELECT p.id FROM projects_project p WHERE p.code LIKE 'R%%'{conditions}", params)
        }
        assert in_sql == in_python

    check(ledger, recognition)


@EXAMPLES
@given(ledger=ledgers, usd_rate=rates)
def test_foreign_capital_in_usd(ledger, usd_rate):
    @in_savepoint
    def check(ledger, saved, usd_rate):
        expected = {p.pk: rules.foreign_usd(data, usd_rate) for data, p in zip(ledger, saved, strict=True)}
        text, params = rules.foreign_usd_sql("p", usd_rate)
        rows = fetch(f"SELECT p.id, {text} FROM projects_project p WHERE p.code LIKE 'R%%'", params)
        for pk, value in rows:
            # SQLite divides in floating point: equal to the cent's ten-thousandth, as far as a float holds.
            assert abs(Decimal(str(value)) - expected[pk]) <= Decimal("0.000001") * max(1, abs(expected[pk]))

    check(ledger, usd_rate)


@EXAMPLES
@given(ledger=ledgers, data=st.data())
def test_funds_within_dates(ledger, data):
    own_dates = [on for p in ledger for on, _amount, _opening in p["receipts"]]
    start, end = bound(data, own_dates), bound(data, own_dates)

    @in_savepoint
    def check(ledger, saved, start, end):
        expected = {
            p.pk: sum(
                (amount for on, amount, opening in data["receipts"] if rules.received_within(on, start, end, opening)),
                D(0),
            )
            for data, p in zip(ledger, saved, strict=True)
        }
        by_orm = dict(
            FundsReceipt.objects.filter(project__in=saved)
            .exclude(note="currency")  # the receipts in a currency have their own test
            .filter(rules.received_within_q(start, end))
            .values("project_id")
            .annotate(total=Sum("amount"))
            .values_list("project_id", "total")
        )
        assert {pk: Decimal(str(by_orm.get(pk, 0))).quantize(D("0.01")) for pk in expected} == {
            pk: v.quantize(D("0.01")) for pk, v in expected.items()
        }
        low, high = start or dt.date(1, 1, 1), end or dt.date(9999, 12, 31)
        within, params = rules.received_within_sql("f", low, high)
        # The aggregate form: the periodic receipts summed by day, the days within the dates added up.
        by_day = fetch(
            "SELECT f.date, SUM(f.amount) FROM projects_fundsreceipt f JOIN projects_project p ON p.id = f.project_id"
            f" WHERE p.code LIKE 'R%%' AND f.note <> 'currency' AND {rules.periodic_receipt_sql('f')} GROUP BY f.date",
            [],
        )
        assert sum((Decimal(str(total)) for on, total in by_day if low <= as_date(on) <= high), D(0)).quantize(
            D("0.01")
        ) == sum(expected.values(), D(0)).quantize(D("0.01"))
        rows = fetch(
            "SELECT f.project_id, SUM(f.amount) FROM projects_fundsreceipt f JOIN projects_project p"
            f" ON p.id = f.project_id WHERE p.code LIKE 'R%%' AND f.note <> 'currency' AND {within}"
            " GROUP BY f.project_id",
            params,
        )
        by_sql = {pk: Decimal(str(total)).quantize(D("0.01")) for pk, total in rows}
        assert {pk: by_sql.get(pk, D("0.00")) for pk in expected} == {
            pk: v.quantize(D("0.01")) for pk, v in expected.items()
        }
        projects_with = set(
            Project.objects.filter(
                pk__in=FundsReceipt.objects.exclude(note="currency")
                .filter(rules.received_within_q(start, end))
                .values("project_id")
            ).values_list("pk", flat=True)
        )
        assert projects_with == {
            p.pk
            for data, p in zip(ledger, saved, strict=True)
            if any(rules.received_within(on, start, end, opening) for on, _amount, opening in data["receipts"])
        }

    check(ledger, start, end)


@EXAMPLES
@given(ledger=ledgers, idle_days=st.integers(0, 120), data=st.data())
def test_idle(ledger, idle_days, data):
    after = [p["last_activity_on"] + dt.timedelta(days=idle_days) for p in ledger]
    today = data.draw(dates | near(after))

    @in_savepoint
    def check(ledger, saved, today, idle_days):
        expected = set()
        for data, p in zip(ledger, saved, strict=True):
            row = {"status": data["status"], "stage": p.stage, "last_activity_on": data["last_activity_on"]}
            if rules.idle(row, today, idle_days):
                expected.add(p.pk)
        found = set(Project.objects.filter(rules.idle_q(today, idle_days)).values_list("pk", flat=True))
        assert found == expected

    check(ledger, today, idle_days)


@EXAMPLES
@given(stage_dates=stage_dates(), data=st.data())
def test_furthest_stage_is_the_last_reached(stage_dates, data):
    """A project's stage on a day is the furthest stage it had reached by then, and its stored stage column
    (kept by the services) is that stage today."""
    until = data.draw(st.none() | dates | near(list(stage_dates.values())))
    reached = [s for s in rules.STAGES if rules.reached_on(stage_dates, s, until) is not None]
    furthest = rules.furthest_stage(stage_dates, until)
    assert furthest == (reached[-1] if reached else None)
    if until is None:
        assert stage_fields(stage_dates)["stage"] == (furthest or "negotiating")


def test_the_stage_names_are_the_pipeline():
    """The rules' stages are the project's stages, in order, each with its date column."""
    from zhaoshang.projects.choices import Stage

    assert rules.STAGES == tuple(Stage.values)
    assert set(STAGE_DATE_FIELDS) == set(rules.STAGES)
    assert [rules.STAGE_INDEX[s] for s in rules.STAGES] == list(range(len(rules.STAGES)))


@EXAMPLES
@given(ledger=ledgers, usd_rate=rates)
def test_foreign_capital_received_in_usd(ledger, usd_rate):
    """实际利用外资 per receipt: dollars at face value, other currencies through yuan at the period's rate."""

    @in_savepoint
    def check(ledger, saved, usd_rate):
        expected = {}
        for data, p in zip(ledger, saved, strict=True):
            for _on, *receipt in data["currency_receipts"]:
                value = rules.receipt_foreign_usd(currency_receipt(*receipt), usd_rate)
                expected[p.pk] = expected.get(p.pk, D(0)) + value
        text, params = rules.receipt_foreign_usd_sql("f", usd_rate)
        rows = fetch(
            f"SELECT f.project_id, SUM({text}) FROM projects_fundsreceipt f JOIN projects_project p"
            " ON p.id = f.project_id WHERE p.code LIKE 'R%%' AND f.note = 'currency' GROUP BY f.project_id",
            params,
        )
        found = {pk: Decimal(str(value)) for pk, value in rows}
        assert set(found) == set(expected)
        for pk, value in found.items():
            # SQLite divides in floating point: equal as far as a float holds.
            assert abs(value - expected[pk]) <= Decimal("0.000001") * max(1, abs(expected[pk]))

    check(ledger, usd_rate)


def test_receipt_amount_from_the_original_and_the_rate():
    """The 10k-yuan amount of a receipt in another currency, worked by hand."""
    assert rules.receipt_amount("USD", D("1500000"), D("7.1"), None) == D("1065.00")
    assert rules.receipt_amount("JPY", D("12345678"), D("0.048"), D("1")) == D("59.26")  # 59.2592544 → half up
    assert rules.receipt_amount("EUR", D("5"), D("7.8"), None) == D("0.00")  # less than half a cent of 万元
    assert rules.receipt_amount("EUR", None, D("7.8"), D("12.5")) == D("12.5")  # no original: as entered
    assert rules.receipt_amount("CNY", D("100"), D("1"), D("3")) == D("3")  # yuan: as entered
    usd = {"currency": "USD", "original_amount": D("1500000"), "amount": D("1065")}
    assert rules.receipt_foreign_usd(usd, D("7.2")) == D("150")  # face value, whatever the period's rate
    eur = {"currency": "EUR", "original_amount": D("100000"), "amount": D("78")}
    assert rules.receipt_foreign_usd(eur, D("7.8")) == D("10")
    assert rules.receipt_foreign_usd({"currency": "CNY", "original_amount": None, "amount": D("9")}, D("7")) == 0


@EXAMPLES
@given(ledger=ledgers, level=st.sampled_from(["county", "city", "province", "national"]), data=st.data())
def test_scheme_conditions(ledger, level, data):
    """Signed at an event of a level or higher, private ownership, registered and land paid within dates."""
    own_dates = [on for p in ledger for on in (p["company_registered_on"], p["land_paid_on"]) if on]
    start, end = bound(data, own_dates), bound(data, own_dates)

    @in_savepoint
    def check(ledger, saved, level, start, end):
        pairs = list(zip(ledger, saved, strict=True))
        for predicate, q, (sql, params) in (
            (
                lambda p: rules.signed_at_event(p, level),
                rules.signed_at_event_q(level),
                rules.signed_at_event_sql(level),
            ),
            (rules.private_owned, rules.private_owned_q(), rules.private_owned_sql()),
            (
                lambda p: rules.registered_and_land_paid(p, start, end),
                rules.registered_and_land_paid_q(start, end),
                rules.registered_and_land_paid_sql("p", start, end),
            ),
        ):
            in_python = {p.pk for row, p in pairs if predicate(row)}
            in_orm = set(Project.objects.filter(code__startswith="R").filter(q).values_list("pk", flat=True))
            in_sql = {
                pk for (pk,) in fetch(f"SELECT p.id FROM projects_project p WHERE p.code LIKE 'R%%' AND {sql}", params)
            }
            assert in_orm == in_python
            assert in_sql == in_python

    check(ledger, level, start, end)


def test_event_levels_in_order():
    """县级 < 市级 < 省级 < 国家级: a level's events and every higher one's."""
    assert rules.levels_from("county") == ("county", "city", "province", "national")
    assert rules.levels_from("province") == ("province", "national")
    assert rules.levels_from("national") == ("national",)
    assert not rules.signed_at_event({"signing_event_level": ""}, "county")
    assert rules.signed_at_event({"signing_event_level": "national"}, "city")
    assert not rules.signed_at_event({"signing_event_level": "county"}, "city")


@EXAMPLES
@given(ledger=ledgers, years=st.integers(1, 3), data=st.data())
def test_signed_within_years(ledger, years, data):
    """Signed by the as-of date and on or after the same day N years before the period's start; the period's
    start drawn N years after a signing date (or a day either side) so the boundary bites."""
    signed = [rules.reached_on(p["stage_dates"], "signed") for p in ledger]
    own = [on.replace(year=on.year + years) for on in signed if on and not (on.month == 2 and on.day == 29)]
    start = data.draw(dates | near(own))
    as_of = data.draw(dates | near([on for on in signed if on]))

    @in_savepoint
    def check(ledger, saved, years, start, as_of):
        in_python = {
            p.pk
            for row, p in zip(ledger, saved, strict=True)
            if rules.signed_within_years(row["stage_dates"], years, start, as_of)
        }
        q = rules.signed_within_years_q(years, start, as_of)
        in_orm = set(Project.objects.filter(code__startswith="R").filter(q).values_list("pk", flat=True))
        sql, params = rules.signed_within_years_sql("p", years, start, as_of)
        in_sql = {
            pk for (pk,) in fetch(f"SELECT p.id FROM projects_project p WHERE p.code LIKE 'R%%' AND {sql}", params)
        }
        assert in_orm == in_python
        assert in_sql == in_python

    check(ledger, years, start, as_of)


@EXAMPLES
@given(ledger=ledgers, divisions=st.lists(st.sampled_from(["01", "06", "43", "44", "62", "70"]), max_size=3))
def test_in_divisions(ledger, divisions):
    @in_savepoint
    def check(ledger, saved, divisions):
        in_python = {p.pk for row, p in zip(ledger, saved, strict=True) if rules.in_divisions(row, divisions)}
        q = rules.in_divisions_q(divisions)
        in_orm = set(Project.objects.filter(code__startswith="R").filter(q).values_list("pk", flat=True))
        sql, params = rules.in_divisions_sql(divisions)
        in_sql = {
            pk for (pk,) in fetch(f"SELECT p.id FROM projects_project p WHERE p.code LIKE 'R%%' AND {sql}", params)
        }
        assert in_orm == in_python
        assert in_sql == in_python

    check(ledger, divisions)


def test_signed_within_years_by_hand():
    """Within 2 years of a period starting 2026-01-01: signed on or after 2024-01-01 and by the as-of date."""
    start, as_of = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
    assert rules.years_before(start, 2) == dt.date(2024, 1, 1)
    assert rules.years_before(dt.date(2028, 2, 29), 1) == dt.date(2027, 2, 28)
    assert rules.signed_within_years({"signed": dt.date(2024, 1, 1)}, 2, start, as_of)  # exactly 2 years
    assert not rules.signed_within_years({"signed": dt.date(2023, 12, 31)}, 2, start, as_of)
    assert rules.signed_within_years({"started": dt.date(2026, 6, 30)}, 2, start, as_of)  # skipped signing
    assert not rules.signed_within_years({"signed": dt.date(2026, 7, 1)}, 2, start, as_of)  # after the as-of date
    assert not rules.in_divisions({"industry_division": ""}, ["70"])
    assert rules.in_divisions({"industry_division": "70"}, ["62", "70"])


@pytest.mark.django_db
def test_foreign_capital_in_usd_at_a_whole_rate_is_not_divided_as_integers(units):
    project = Project.objects.create(
        code="R-WHOLE",
        name="外资整数",
        capital_type="foreign",
        foreign_investment=D("300"),
        currency="CNY",
        responsible_unit=units["a"],
    )
    data = Project.objects.filter(pk=project.pk).values(*rules.FOREIGN_FIELDS).get()
    expected = rules.foreign_usd(data, D("7"))
    text, params = rules.foreign_usd_sql("p", D("7"))
    ((value,),) = fetch(f"SELECT {text} FROM projects_project p WHERE p.id = %s", [*params, project.pk])
    assert expected > D("42.85") and abs(Decimal(str(value)) - expected) <= Decimal("0.000001")


attachment_kinds = st.lists(st.sampled_from(["contract", "intent", "permit", "receipt", "photo", "licence", "other"]))


@EXAMPLES
@given(
    events=st.lists(
        st.tuples(st.sampled_from(rules.STAGES), attachment_kinds), min_size=1, max_size=6, unique_by=lambda e: e[0]
    ),
    receipts=st.lists(st.tuples(st.booleans(), attachment_kinds), max_size=4),
)
def test_evidence(events, receipts):
    """``event_evidenced`` and ``receipt_evidenced`` against their ORM and SQL forms: a stage event or a receipt
    with any set of attachments linked to it (opening balances too)."""
    from zhaoshang.projects.models import Attachment, StageEvent

    with transaction.atomic():
        try:
            project = Project.objects.create(code="E001", name="佐证")
            python_events, python_receipts = set(), set()
            for stage, kinds in events:
                event = StageEvent.objects.create(project=project, stage=stage, date=BASE)
                attach(project, kinds, stage_event=event)
                if rules.event_evidenced(stage, kinds):
                    python_events.add(event.pk)
            for opening, kinds in receipts:
                receipt = FundsReceipt.objects.create(
                    project=project, date=BASE, amount=D("1"), opening_balance=opening
                )
                attach(project, kinds, receipt=receipt)
                if rules.receipt_evidenced(kinds):
                    python_receipts.add(receipt.pk)
            mine = StageEvent.objects.filter(project=project)
            assert set(mine.filter(rules.event_evidenced_q()).values_list("pk", flat=True)) == python_events
            sql, params = rules.event_evidenced_sql("e")
            rows = fetch(
                f"SELECT e.id FROM projects_stageevent e WHERE e.project_id = %s AND {sql}", [project.pk, *params]
            )
            assert {pk for (pk,) in rows} == python_events
            theirs = FundsReceipt.objects.filter(project=project)
            assert set(theirs.filter(rules.receipt_evidenced_q()).values_list("pk", flat=True)) == python_receipts
            sql, params = rules.receipt_evidenced_sql("r")
            rows = fetch(
                f"SELECT r.id FROM projects_fundsreceipt r WHERE r.project_id = %s AND {sql}", [project.pk, *params]
            )
            assert {pk for (pk,) in rows} == python_receipts
            assert Attachment.objects.filter(project=project).count() == sum(len(k) for _s, k in events + receipts)
        finally:
            transaction.set_rollback(True)


def attach(project, kinds, **link) -> None:
    from zhaoshang.projects.models import Attachment

    Attachment.objects.bulk_create(
        Attachment(
            project=project, kind=kind, file="x.pdf", original_name="x.pdf", size=1, content_type="", sha256="", **link
        )
        for kind in kinds
    )


def test_evidence_by_hand():
    """A photo evidences a start or production but not a signing; a lead needs nothing; a receipt a bank receipt."""
    assert rules.event_evidenced("started", ["photo"]) and rules.event_evidenced("producing", ["photo"])
    assert not rules.event_evidenced("signed", ["photo", "intent"])
    assert rules.event_evidenced("signed", ["contract"]) and rules.event_evidenced("lead", [])
    assert not rules.receipt_evidenced(["contract", "photo"]) and rules.receipt_evidenced(["receipt"])


@EXAMPLES
@given(dates=stage_dates(), evidenced=st.sets(st.sampled_from(rules.STAGES)), data=st.data())
def test_the_evidence_gate_only_removes(dates, evidenced, data):
    """Under the gate a stage is reached on its ungated date or not at all (``evidenced_stage_dates``), and it is
    reached exactly when an event of it or a later stage is evidenced."""
    start, end = bound(data, list(dates.values())), bound(data, list(dates.values()))
    standing = rules.evidenced_stage_dates(dates, evidenced)
    for stage in rules.STAGES:
        gated = rules.reached_on(standing, stage, end)
        assert gated is None or gated == rules.reached_on(dates, stage, end)
        if rules.reached_within(standing, stage, start, end):
            assert rules.reached_within(dates, stage, start, end)
        later_evidenced = any(s in dates and s in evidenced for s in rules.stages_from(stage))
        assert (rules.reached_on(standing, stage) is not None) == (
            rules.reached_on(dates, stage) is not None and later_evidenced
        )
