"""The selectors that feed the engine: recognition rules, foreign capital, the as-of cut, in the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.assessment import selectors
from zhaoshang.projects import services
from zhaoshang.targets import services as targets
from zhaoshang.targets.services import IndicatorData

pytestmark = pytest.mark.django_db
D = Decimal
START, END = dt.date(2026, 3, 1), dt.date(2026, 5, 31)


@pytest.fixture
def period(users):
    return targets.save_period(
        user=users["bureau"],
        data={
            "code": "Q2",
            "name": "第二季度",
            "start": START,
            "end": END,
            "exclude_government_funded": False,
            "exclude_local_relocation": False,
        },
    )


def _signed(make_project, users, unit=None, *, when=dt.date(2026, 4, 1), contract="1000", **data):
    project = make_project(unit, contract_amount=D(contract), planned_investment=D(contract), **data)
    services.record_stage(user=users["bureau"], project=project, stage="signed", date=when)
    return project


def _first_actual(period, unit, as_of=END) -> Decimal:
    results = {r.unit.id: r for r in selectors.assess_period(period, as_of).units}
    return results[unit.pk].groups[0].indicators[0].actual


@pytest.mark.parametrize(
    ("rule", "project_data"),
    [
        ({"excluded_kinds": ["tertiary"]}, {"kind": "tertiary"}),
        ({"excluded_industries": ["K"]}, {"industry": "K"}),
        ({"exclude_government_funded": True}, {"government_funded": True}),
        ({"exclude_local_relocation": True}, {"local_relocation": True}),
        ({"exclude_second_phase": True}, {"second_phase": True}),
        ({"floor_amount": D("1000.01")}, {}),
    ],
)
def test_each_recognition_rule_excludes_and_only_when_set(users, units, make_project, period, rule, project_data):
    targets.save_group(
        user=users["bureau"],
        period=period,
        tier=1,
        name="签约",
        indicators=[IndicatorData(kind="count", stage="signed", target=D("1"))],
    )
    _signed(make_project, users, **project_data)
    assert _first_actual(period, units["a"]) == 1
    targets.save_period(user=users["bureau"], period=period, data=rule)
    assert _first_actual(period, units["a"]) == 0


def test_the_floor_is_inclusive(users, units, make_project, period):
    targets.save_group(
        user=users["bureau"],
        period=period,
        tier=1,
        name="签约",
        indicators=[IndicatorData(kind="count", stage="signed", target=D("1"))],
    )
    targets.save_period(user=users["bureau"], period=period, data={"floor_amount": D("1000")})
    _signed(make_project, users, contract="1000")
    _signed(make_project, users, contract="999.99")
    assert _first_actual(period, units["a"]) == 1


def test_default_rules_exclude_government_funded_and_local_relocation(users, units, make_project):
    period = targets.save_period(user=users["bureau"], data={"code": "D", "name": "D", "start": START, "end": END})
    assert (period.exclude_government_funded, period.exclude_local_relocation, period.exclude_second_phase) == (
        True,
        True,
        False,
    )


def test_foreign_capital_in_usd_from_any_currency(users, units, make_project, period):
    # USD as recorded; CNY through the period's rate (7.1); EUR through the project's rate to yuan.
    targets.save_group(
        user=users["bureau"],
        period=period,
        tier=1,
        name="利用外资",
        indicators=[IndicatorData(kind="foreign", stage="signed", target=D("1000"))],
    )
    common = {"capital_type": "foreign"}
    _signed(make_project, users, currency="USD", foreign_investment=D("100"), **common)
    _signed(make_project, users, currency="CNY", foreign_investment=D("710"), **common)
    _signed(make_project, users, currency="EUR", foreign_investment=D("71"), exchange_rate=D("8"), **common)
    _signed(make_project, users, currency="CNY", foreign_investment=None)  # domestic
    # 100 + 710/7.1 + 71 × 8 / 7.1 = 100 + 100 + 80 = 280.
    assert _first_actual(period, units["a"]) == D("280")


def test_as_of_cuts_what_the_database_holds(users, units, make_project, period):
    targets.save_group(
        user=users["bureau"],
        period=period,
        tier=1,
        name="到位资金",
        indicators=[IndicatorData(kind="funds", amount_field="planned_investment", target=D("100"))],
    )
    project = _signed(make_project, users, when=dt.date(2025, 12, 1))
    services.add_receipt(user=users["bureau"], project=project, date=dt.date(2026, 4, 10), amount=D("30"))
    services.add_receipt(user=users["bureau"], project=project, date=dt.date(2026, 4, 11), amount=D("50"))
    assert _first_actual(period, units["a"], as_of=dt.date(2026, 4, 10)) == D("30")
    assert _first_actual(period, units["a"], as_of=dt.date(2026, 4, 11)) == D("80")
    assert _first_actual(period, units["a"], as_of=dt.date(2026, 2, 28)) == 0


def test_a_later_stage_after_as_of_does_not_move_signing(users, units, make_project, period):
    """Signed before the period and started after the as-of date: not signed inside the period then."""
    targets.save_group(
        user=users["bureau"],
        period=period,
        tier=1,
        name="签约",
        indicators=[IndicatorData(kind="count", stage="signed", target=D("1"))],
    )
    project = make_project(contract_amount=D("2000"), planned_investment=D("2000"))
    services.record_stage(user=users["bureau"], project=project, stage="started", date=dt.date(2026, 5, 1))
    assert _first_actual(period, units["a"], as_of=dt.date(2026, 4, 30)) == 0
    assert _first_actual(period, units["a"], as_of=dt.date(2026, 5, 1)) == 1


def test_inactive_units_are_not_assessed(users, units, period):
    targets.save_group(
        user=users["bureau"],
        period=period,
        tier=2,
        name="到位资金",
        indicators=[IndicatorData(kind="funds", target=D("100"))],
    )
    units["b"].active = False
    units["b"].save()
    codes = {r.unit.code for r in selectors.assess_period(period, END).units if r.score is not None}
    assert codes == {"D01"}
