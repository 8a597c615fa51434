"""Targets services: periods, groups of alternatives per tier or per unit, unit overrides, vetoes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from zhaoshang.assessment import selectors
from zhaoshang.targets import services
from zhaoshang.targets.models import Indicator, Period, TargetGroup, Veto
from zhaoshang.targets.services import IndicatorData

pytestmark = pytest.mark.django_db
D = Decimal
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
COUNT = IndicatorData(kind="count", stage="signed", min_amount=D("1000"), target=D("3"))
TOTAL = IndicatorData(kind="amount", stage="signed", min_amount=D("1000"), target=D("6000"))
FUNDS = IndicatorData(kind="funds", amount_field="planned_investment", target=D("1000"))


@pytest.fixture
def period(users):
    return services.save_period(
        user=users["bureau"], data={"code": "Y2026", "name": "2026年度", "start": START, "end": END}
    )


def messages(error: ValidationError) -> list[str]:
    return list(error.messages)


# --- periods --------------------------------------------------------------------------------------------


def test_save_period_with_defaults_and_history(users, period):
    assert (period.schedule_basis, period.basis, period.score_cap, period.yellow_card_ratio) == (
        "day",
        "reported",
        D("1"),
        D("0.7"),
    )
    assert (period.criticised_count("township"), period.commended_count("department")) == (3, 3)
    assert period.history.first().history_user == users["bureau"]
    services.save_period(user=users["bureau"], period=period, data={"criticise_bottom": {"township": 1}})
    period.refresh_from_db()
    assert (period.criticised_count("township"), period.criticised_count("department")) == (1, 3)


def test_a_period_cannot_end_before_it_starts(users):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.save_period(user=users["bureau"], data={"code": "X", "name": "X", "start": END, "end": START})
    assert messages(error.value) == ["The period ends before it starts."]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        services.save_period(user=users["bureau"], data={"code": "X", "name": "X", "start": END, "end": START})
    assert "结束日期" in messages(error.value)[0]
    assert not Period.objects.exists()


def test_period_codes_are_unique(users, period):
    with pytest.raises(ValidationError):
        services.save_period(user=users["bureau"], data={"code": "Y2026", "name": "again", "start": START, "end": END})


@pytest.mark.parametrize("who", ["leader", "supervisor", "reporter_a"])
def test_only_bureau_and_admins_set_targets(users, units, period, who):
    user = users[who]
    with pytest.raises(PermissionDenied):
        services.save_period(user=user, data={"code": "Z", "name": "Z", "start": START, "end": END})
    with pytest.raises(PermissionDenied):
        services.save_group(user=user, period=period, tier=1, name="签约", indicators=[COUNT])
    with pytest.raises(PermissionDenied):
        services.set_veto(user=user, period=period, unit=units["a"], reason="x")
    with pytest.raises(PermissionDenied):
        services.apply_hundred_day_preset(user=user, period=period)
    services.save_group(user=users["admin"], period=period, tier=1, name="签约", indicators=[COUNT])


# --- groups ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("indicators", "weight", "expected"),
    [
        ([], D("1"), ["A target group needs at least one indicator."]),
        (
            [IndicatorData(kind="count", target=D("3"))],
            D("1"),
            ["A project count, amount or foreign-capital indicator needs the stage to reach."],
        ),
        (
            [IndicatorData(kind="foreign", target=D("3"))],
            D("1"),
            ["A project count, amount or foreign-capital indicator needs the stage to reach."],
        ),
        (
            [IndicatorData(kind="count", stage="signed", target=D("0"))],
            D("1"),
            ["The target must be greater than zero."],
        ),
        ([IndicatorData(kind="funds", target=D("-5"))], D("1"), ["The target must be greater than zero."]),
        (
            [IndicatorData(kind="amount", stage="signed", target=D("10"), min_amount=D("-1"))],
            D("1"),
            ["The minimum amount cannot be negative."],
        ),
        ([FUNDS], D("0"), ["The weight must be greater than zero."]),
        (
            [IndicatorData(kind="count", target=D("0")), FUNDS],
            D("-1"),
            [
                "A project count, amount or foreign-capital indicator needs the stage to reach.",
                "The target must be greater than zero.",
                "The weight must be greater than zero.",
            ],
        ),
    ],
)
def test_save_group_validation(users, period, indicators, weight, expected):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.save_group(
            user=users["bureau"], period=period, tier=1, name="签约", indicators=indicators, weight=weight
        )
    assert messages(error.value) == expected
    assert not TargetGroup.objects.exists() and not Indicator.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        IndicatorData(kind="count", stage="contracted", target=D("1")),
        IndicatorData(kind="bogus", stage="signed", target=D("1")),
        IndicatorData(kind="count", stage="signed", amount_field="registered_capital", target=D("1")),
    ],
    ids=["stage", "kind", "amount_field"],
)
def test_unknown_kind_stage_or_amount_field_is_rejected_and_nothing_written(users, period, bad):
    """Regression (fixed in e717a56): save_group checked neither kind, stage nor amount_field against their
    choices, so it stored e.g. stage "contracted"; every later assess_period of the period then crashed
    (naming.indicator_name: ValueError "'contracted' is not a valid Stage"), and an unknown kind silently
    counted nothing."""
    with pytest.raises(ValidationError):
        services.save_group(user=users["bureau"], period=period, tier=1, name="签约", indicators=[COUNT, bad])
    assert not TargetGroup.objects.exists() and not Indicator.objects.exists()


@pytest.mark.parametrize("both", [True, False])
def test_a_group_is_for_a_tier_or_for_one_unit(users, units, period, both):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.save_group(
            user=users["bureau"],
            period=period,
            name="签约",
            indicators=[COUNT],
            tier=1 if both else None,
            unit=units["a"] if both else None,
        )
    assert messages(error.value) == ["A target is set either for a tier or for one unit."]


def test_the_database_enforces_tier_or_unit(units, period):
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetGroup.objects.create(period=period, name="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetGroup.objects.create(period=period, name="x", tier=1, unit=units["a"])


def test_saving_a_group_of_the_same_name_replaces_its_alternatives(users, period):
    first = services.save_group(user=users["bureau"], period=period, tier=1, name="签约", indicators=[COUNT, TOTAL])
    second = services.save_group(
        user=users["bureau"], period=period, tier=1, name="签约", indicators=[TOTAL], weight=D("2")
    )
    assert first.pk == second.pk and TargetGroup.objects.count() == 1
    assert [(i.kind, i.target) for i in second.indicators.all()] == [("amount", D("6000"))]
    assert second.weight == D("2")
    services.delete_group(user=users["bureau"], group=second)
    assert not TargetGroup.objects.exists() and not Indicator.objects.exists()


def test_unit_override_replaces_the_tiers_group_of_the_same_name(users, units, period):
    bureau = users["bureau"]
    services.save_group(user=bureau, period=period, tier=1, name="签约", indicators=[COUNT, TOTAL], order=1)
    services.save_group(user=bureau, period=period, tier=1, name="到位资金", indicators=[FUNDS], order=3)
    own = IndicatorData(kind="count", stage="signed", min_amount=D("500"), target=D("5"))
    services.save_group(user=bureau, period=period, unit=units["a"], name="签约", indicators=[own], order=1)
    extra = IndicatorData(kind="foreign", stage="signed", target=D("100"))
    services.save_group(user=bureau, period=period, unit=units["a_section"], name="利用外资", indicators=[extra])
    infos = selectors.unit_infos()
    specs = selectors.group_specs(period, infos)
    by_code = {u.code: specs.get(u.id, []) for u in infos}

    def table(code):
        return [(g.name, [(i.kind, i.min_amount, i.target) for i in g.indicators]) for g in by_code[code]]

    # T01 (tier 1): its own 签约 replaces the tier's, in the tier's place; the tier's funds stay.
    assert table("T01") == [("签约", [("count", 500, 5)]), ("到位资金", [("funds", 0, 1000)])]
    # T0101 (tier 1) keeps the tier's groups and adds its own.
    assert table("T0101") == [
        ("签约", [("count", 1000, 3), ("amount", 1000, 6000)]),
        ("到位资金", [("funds", 0, 1000)]),
        ("利用外资", [("foreign", 0, 100)]),
    ]
    # Tier 2 has no targets; the county (no tier) has none.
    assert table("T02") == [] and table("D01") == [] and table("C00") == []


def test_a_unit_without_a_tier_gets_only_its_own_groups(users, units, period):
    services.save_group(user=users["bureau"], period=period, tier=1, name="签约", indicators=[COUNT])
    services.save_group(user=users["bureau"], period=period, unit=units["county"], name="到位资金", indicators=[FUNDS])
    specs = selectors.group_specs(period, selectors.unit_infos())
    assert [g.name for g in specs[units["county"].pk]] == ["到位资金"]


def test_targets_of_another_period_do_not_leak(users, units, period):
    other = services.save_period(user=users["bureau"], data={"code": "O", "name": "O", "start": START, "end": END})
    services.save_group(user=users["bureau"], period=other, tier=1, name="签约", indicators=[COUNT])
    assert selectors.group_specs(period, selectors.unit_infos()) == {}


# --- vetoes ---------------------------------------------------------------------------------------------


def test_veto_needs_a_reason_and_one_per_unit_and_period(users, units, period):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.set_veto(user=users["bureau"], period=period, unit=units["a"], reason="   ")
    assert messages(error.value) == ["Give the reason for the veto."]
    veto = services.set_veto(user=users["bureau"], period=period, unit=units["a"], reason=" 计划生育 ")
    again = services.set_veto(user=users["admin"], period=period, unit=units["a"], reason="安全生产")
    assert veto.pk == again.pk and Veto.objects.count() == 1
    again.refresh_from_db()
    assert (again.reason, again.created_by) == ("安全生产", users["admin"])
    assert selectors.rules_for(period, END).vetoes == {units["a"].pk: "安全生产"}
    services.remove_veto(user=users["bureau"], veto=again)
    assert selectors.rules_for(period, END).vetoes == {}


def test_rules_for_reads_the_periods_parameters(users, period):
    services.save_period(
        user=users["bureau"],
        period=period,
        data={
            "score_cap": D("1.2"),
            "criticise_bottom": {"township": 1},
            "commend_top": {"department": "2"},
            "yellow_card_ratio": D("0.6"),
            "half_time_check": False,
        },
    )
    rules = selectors.rules_for(period, END)
    assert (rules.score_cap, rules.yellow_card_ratio, rules.half_time_check) == (D("1.2"), D("0.6"), False)
    assert (dict(rules.criticise_bottom), dict(rules.commend_top)) == ({"township": 1}, {"department": 2})
