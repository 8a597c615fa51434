"""Saving a period's points scheme (评分细则): validation naming the item, all or nothing, permissions, history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from zhaoshang.targets import services
from zhaoshang.targets.models import Scheme, SchemeItem
from zhaoshang.targets.services import IndicatorData, SchemeItemData, SchemeRefused

pytestmark = pytest.mark.django_db
COUNT = {"what": "count", "stage": "signed", "low": "10000"}


@pytest.fixture
def period(users):
    period = services.save_period(
        user=users["bureau"],
        data={"code": "Y2026", "name": "2026年度", "start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)},
    )
    services.save_group(
        user=users["bureau"],
        period=period,
        tier=1,
        name="签约",
        indicators=[IndicatorData(kind="count", stage="signed", target=D("3"))],
    )
    return period


def items_a() -> list[SchemeItemData]:
    """Scheme A of test_scoring.py (its first, third and fifth items)."""
    return [
        SchemeItemData("A1", "新引进省外亿元项目数量", "ratio", COUNT, points=D("30"), task_group="签约"),
        SchemeItemData(
            "A3",
            "超目标任务引进省外亿元项目",
            "per_count",
            COUNT,
            section="bonus",
            cap=D("6"),
            params={"per_above": "2"},
            task_group="签约",
        ),
        SchemeItemData(
            "A5",
            "月报表少报",
            "per_occurrence",
            {"what": "missing_reports"},
            section="deduction",
            cap=D("12"),
            params={"each": "1"},
        ),
    ]


def refusals(period, user, items, **data) -> list[tuple[int | None, str]]:
    with translation.override("zh-hans"), pytest.raises(SchemeRefused) as error:
        services.save_scheme(user=user, period=period, data=data, items=items)
    return error.value.refusals


def test_save_a_scheme_with_history_then_change_and_delete_it(users, period):
    scheme = services.save_scheme(user=users["bureau"], period=period, data={"full_score": D("100")}, items=items_a())
    assert scheme.kind == "points" and scheme.history.first().history_user == users["bureau"]
    assert list(scheme.items.values_list("order", "code", "function", "task_group")) == [
        (1, "A1", "ratio", "签约"),
        (2, "A3", "per_count", "签约"),
        (3, "A5", "per_occurrence", ""),
    ]
    assert scheme.items.get(code="A1").measure == {
        "what": "count",
        "stage": "signed",
        "amount_field": "contract_amount",
        "low": "10000",
    }
    # Change A1's points, drop A3: A1 gets a history row with before and after, A3 a deletion, A5 moves up.
    changed = items_a()
    changed[0] = SchemeItemData("A1", "新引进省外亿元项目数量", "ratio", COUNT, points=D("40"), task_group="签约")
    del changed[1]
    services.save_scheme(user=users["admin"], period=period, data={"cap_total": True}, items=changed)
    a1 = SchemeItem.objects.get(code="A1")
    latest, before = a1.history.all()[:2]
    assert (before.points, latest.points, latest.history_user) == (D("30"), D("40"), users["admin"])
    assert SchemeItem.history.filter(code="A3", history_type="-").get().history_user == users["admin"]
    assert [h.order for h in SchemeItem.objects.get(code="A5").history.all()] == [2, 3]
    # Saving the same again writes no history at all.
    count = SchemeItem.history.count()
    services.save_scheme(user=users["admin"], period=period, data={"cap_total": True}, items=changed)
    assert SchemeItem.history.count() == count
    assert Scheme.objects.get().cap_total is True
    services.delete_scheme(user=users["bureau"], period=period)
    assert not Scheme.objects.exists() and not SchemeItem.objects.exists()
    assert Scheme.history.filter(history_type="-").get().history_user == users["bureau"]


@pytest.mark.parametrize("who", ["leader", "supervisor", "reporter_a"])
def test_only_bureau_and_admins_define_schemes(users, period, who):
    with pytest.raises(PermissionDenied):
        services.save_scheme(user=users[who], period=period, data={}, items=items_a())
    services.save_scheme(user=users["bureau"], period=period, data={}, items=items_a())
    with pytest.raises(PermissionDenied):
        services.delete_scheme(user=users[who], period=period)
    assert Scheme.objects.filter(period=period).exists()


def test_refusals_name_the_item_and_the_reason_in_chinese(users, units, period):
    bad = [
        # A band list that overlaps.
        SchemeItemData(
            "B1",
            "重大项目",
            "banded",
            COUNT,
            section="bonus",
            params={"bands": [["5000", "20000", "2"], ["10000", None, "4"]]},
        ),
        # A cap below zero.
        SchemeItemData("B2", "到位资金", "threshold", {"what": "funds"}, points=D("10"), cap=D("-1")),
        # A ratio measure without its denominator.
        SchemeItemData("B3", "开工率", "efficacy", {"what": "ratio", "numerator": {"what": "count"}}, points=D("10")),
        # A task group the period does not have.
        SchemeItemData("B4", "开工项目", "step", COUNT, points=D("10"), task_group="开工"),
        # Actual ÷ task without a task.
        SchemeItemData("B5", "签约项目", "ratio", COUNT, points=D("10")),
        # Points per occurrence of an amount.
        SchemeItemData("B6", "引资额", "per_occurrence", {"what": "amount"}, params={"each": "1"}),
        # The code used twice.
        SchemeItemData("B1", "重复", "threshold", COUNT, points=D("1")),
    ]
    got = refusals(period, users["bureau"], bad, ranking="custom", custom_groups={"一组": ["T01", "X99"], "二组": []})
    assert got == [
        (None, "排名分组“一组”含有不存在的单位：X99。"),
        (None, "排名分组“二组”没有单位。"),
        (0, "评分项 重大项目：金额档次重叠。"),
        (1, "评分项 到位资金：上限不能小于零。"),
        (2, "评分项 开工率 是比率，但缺少分子或分母。"),
        (3, "评分项 开工项目：本考核期没有名为“开工”的目标组，无法取得任务。"),
        (4, "评分项 签约项目 按“完成÷任务×分值”计分，但未指定任务来源（目标组）。"),
        (5, "评分项 引资额：按次计分只能用于项目个数或次数，不能用于金额合计。"),
        (6, "评分项 重复：编号 B1 重复使用。"),
    ]
    assert not Scheme.objects.exists() and not SchemeItem.objects.exists()


def test_a_refused_change_leaves_the_saved_scheme_as_it_was(users, period):
    services.save_scheme(user=users["bureau"], period=period, data={}, items=items_a())
    broken = items_a()
    broken[2] = SchemeItemData("A5", "月报表少报", "per_occurrence", {"what": "nothing"})
    got = refusals(period, users["bureau"], broken, full_score=D("0"))
    assert got == [(None, "满分必须大于零。"), (2, "评分项 月报表少报：未知的考核内容 nothing。")]
    assert list(SchemeItem.objects.values_list("code", flat=True)) == ["A1", "A3", "A5"]
    assert Scheme.objects.get().full_score == D("100")
