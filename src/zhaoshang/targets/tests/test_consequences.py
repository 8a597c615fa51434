"""Consequences (奖惩规则) stored on the period's scheme: the rows ⇄ rules module, the refusals of the service, the
评分细则 page's section and the 奖惩规则 sheet."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from zhaoshang.targets import consequences as rulebook
from zhaoshang.targets import services
from zhaoshang.targets.consequence_rows import RowsRefused, RuleRow, rows_of, rules_of
from zhaoshang.targets.models import Scheme
from zhaoshang.targets.services import IndicatorData, SchemeItemData
from zhaoshang.transfer.scheme_xlsx import export_scheme, import_scheme

pytestmark = pytest.mark.django_db

C, R = rulebook.Condition, rulebook.Rule
OWN = (
    R("commend", (C("on_schedule"), C("rank_top", n=2))),
    R(
        "criticise",
        (C("behind_schedule"), C("rank_bottom", n=1, per_group=(("park", 2), ("township", 0)), third=False)),
    ),
    R("accountability_candidate", (C("consecutive_criticisms", n=3),)),
    R("yellow_card", (C("completion_below", value=D("0.6")),)),
    R("promotion", (C("completion_at_least", value=D("1.2")),)),
    R("barred", (C("points_below", value=D("59.5")), C("vetoed"))),
)
# OWN as the sheet writes it: the action on each rule's first row.
OWN_SHEET = [
    ["规则", "条件", "参数", "动作"],
    [1, "达到时序进度", None, "通报表扬"],
    [1, "组内排名前列", "2", None],
    [2, "未达时序进度", None, "通报批评"],
    [2, "组内排名末位", "1；园区=2；乡镇=0；不限三分之一", None],
    [3, "连续通报批评", "3", "责任追究候选"],
    [4, "完成率低于时序进度", "60%", "黄牌警告"],
    [5, "综合完成率达到", "120%", "直接晋档"],
    [6, "得分低于", "59.5", "取消评优资格"],
    [6, "一票否决", None, None],
]


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


def one_item() -> list[SchemeItemData]:
    return [SchemeItemData("A1", "签约项目", "ratio", {"what": "count", "stage": "signed"}, points=D("100"),
                           task_group="签约")]  # fmt: skip


# --- rows ⇄ rules -----------------------------------------------------------------------------------------


def test_rows_and_rules_round_trip():
    with translation.override("zh-hans"):
        rows = rows_of(OWN)
        assert [(r.rule, r.condition, r.parameter, r.action) for r in rows[2:4]] == [
            (2, "behind_schedule", "", "criticise"),
            (2, "rank_bottom", "1；园区=2；乡镇=0；不限三分之一", "criticise"),
        ]
        assert rules_of(rows) == OWN
        assert rulebook.from_json(rulebook.to_json(OWN)) == OWN
        # The default set: blank numbers are the period's.
        assert [(r.rule, r.condition, r.parameter) for r in rows_of(rulebook.DEFAULT)] == [
            (1, "behind_schedule", ""),
            (1, "rank_bottom", ""),
            (2, "consecutive_criticisms", "2"),
            (3, "completion_below", ""),
            (4, "on_schedule", ""),
            (4, "rank_top", ""),
        ]
        assert rules_of([]) == rulebook.DEFAULT


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([RuleRow(1, "rank_bottom", "-1", "criticise")], (0, "参数", "规则1：“组内排名末位”的数量不能小于零。")),
        ([RuleRow(1, "rank_top", "2.5", "commend")], (0, "参数", "规则1：“组内排名前列”的参数须为整数。")),
        (
            [RuleRow(1, "completion_at_least", "1200%", "promotion")],
            (0, "参数", "规则1：“综合完成率达到”的比例须在0至10之间（0%至1000%）。"),
        ),
        ([RuleRow(1, "rank_top", "三", "commend")], (0, "参数", "组内排名前列：“三”不是数字。")),
        ([RuleRow(1, "vetoed", "1", "barred")], (0, "参数", "一票否决：此条件不带参数。")),
        ([RuleRow(1, "points_below", "", "barred")], (0, "参数", "规则1：“得分低于”须填写数值。")),
        ([RuleRow(1, "on_schedule", "", "")], (0, "动作", "规则1没有奖惩措施。")),
        (
            [RuleRow(1, "on_schedule", "", "commend"), RuleRow(1, "behind_schedule", "", "criticise")],
            (1, "动作", "规则1有两个奖惩措施：通报表扬和通报批评。"),
        ),
        (
            [RuleRow(7, "rank_top", "1", "commend"), RuleRow(7, "rank_bottom", "1", "")],
            (0, "参数", "规则7有不止一个排名条件。"),
        ),
        ([RuleRow(1, "consecutive_criticisms", "0", "accountability_candidate")],
         (0, "参数", "规则1：连续通报批评次数至少为1。")),
        ([RuleRow(1, "ranked_last", "", "commend")], (0, "条件", "未知条件“ranked_last”。")),
    ],
)  # fmt: skip
def test_rows_that_are_no_rules_are_refused_naming_row_and_column(rows, expected):
    with translation.override("zh-hans"), pytest.raises(RowsRefused) as refused:
        rules_of(rows)
    assert refused.value.refusals == [expected]


# --- the service ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([{"action": "criticise", "conditions": [{"if": "ranked_last"}]}], "规则1：未知条件“ranked_last”。"),
        (
            [{"action": "commend", "conditions": [{"if": "rank_top", "n": 3}]},
             {"action": "criticise", "conditions": [{"if": "rank_bottom", "n": -2}]}],
            "规则2：“组内排名末位”的数量不能小于零。",
        ),
        (
            [{"action": "yellow_card", "conditions": [{"if": "completion_below", "value": "-0.1"}]}],
            "规则1：“完成率低于时序进度”的比例须在0至10之间（0%至1000%）。",
        ),
        ([{"action": "demote", "conditions": [{"if": "vetoed"}]}], "规则1：未知奖惩措施“demote”。"),
        ([{"action": "barred", "conditions": []}], "规则1没有条件。"),
        ("all", "奖惩规则不是规则列表。"),
        (
            [{"action": "criticise", "conditions": [{"if": "rank_bottom", "per_group": {"二类": 1, "park": 2}}]}],
            "规则1：没有排名分组“二类”。",
        ),
    ],
)  # fmt: skip
def test_bad_consequences_are_refused_naming_the_rule(users, period, data, message):
    with translation.override("zh-hans"):
        with pytest.raises(services.SchemeRefused) as refused:
            services.save_consequences(user=users["bureau"], period=period, rules=data)
        assert refused.value.refusals == [(None, message)]
        with pytest.raises(services.SchemeRefused) as refused:
            services.save_scheme(user=users["bureau"], period=period, data={"consequences": data}, items=one_item())
        assert (None, message) in refused.value.refusals
    assert not Scheme.objects.exists()


def test_consequences_of_a_period_scored_by_completion_and_of_a_points_scheme(users, period):
    bureau = users["bureau"]
    scheme = services.save_consequences(user=bureau, period=period, rules=OWN)
    assert scheme.kind == "completion" and rulebook.from_json(scheme.consequences) == OWN
    # A points scheme saved later keeps them; the default set is stored as nothing.
    scheme = services.save_scheme(user=bureau, period=period, data={}, items=one_item())
    assert scheme.kind == "points" and rulebook.from_json(scheme.consequences) == OWN
    # Removing the points scheme keeps the period's consequences.
    services.delete_scheme(user=bureau, period=period)
    kept = Scheme.objects.get(period=period)
    assert kept.kind == "completion" and not kept.items.exists() and rulebook.from_json(kept.consequences) == OWN
    assert services.save_consequences(user=bureau, period=period, rules=rulebook.DEFAULT).consequences == []


def test_only_the_bureau_sets_consequences(users, period):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.save_consequences(user=users["leader"], period=period, rules=OWN)


# --- the page ---------------------------------------------------------------------------------------------


def rows_post(rows: list[tuple]) -> dict:
    data = {
        "save_consequences": "1",
        "rule-TOTAL_FORMS": str(len(rows)),
        "rule-INITIAL_FORMS": "0",
        "rule-MIN_NUM_FORMS": "0",
        "rule-MAX_NUM_FORMS": "1000",
    }
    for index, (number, condition, parameter, action) in enumerate(rows):
        data.update({
            f"rule-{index}-rule": str(number),
            f"rule-{index}-condition": condition,
            f"rule-{index}-parameter": parameter,
            f"rule-{index}-action": action,
        })  # fmt: skip
    return data


def test_the_page_shows_the_default_rules_and_saves_the_bureaus(client, users, period):
    client.force_login(users["bureau"])
    url = reverse("targets:scheme_edit", args=[period.pk])
    with translation.override("zh-hans"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="consequences-default"' in page and "奖惩规则" in page
    # The default set's 6 rows, two blank ones and the template of a row added.
    assert page.count('class="consequence-row"') == 6 + 2 + 1
    assert 'value="consecutive_criticisms" selected' in page
    response = client.post(
        url,
        rows_post([
            (1, "on_schedule", "", "commend"),
            (1, "rank_top", "2", ""),
            (2, "behind_schedule", "", "criticise"),
            (2, "rank_bottom", "1；不限三分之一", ""),
            (3, "completion_at_least", "120", "promotion"),
        ]),
    )  # fmt: skip
    assert response.status_code == 302
    assert rulebook.from_json(Scheme.objects.get(period=period).consequences) == (
        OWN[0],
        R("criticise", (C("behind_schedule"), C("rank_bottom", n=1, third=False))),
        OWN[4],
    )
    page = client.get(url).content.decode()
    assert 'id="consequences-default"' not in page and 'value="promotion" selected' in page
    # The period still scores by weighted completion: no points scheme on the page or the period's.
    assert client.get(url).context["scheme"] is None
    assert client.get(period.get_absolute_url()).context["scheme"] is None


def test_the_page_refuses_bad_rows_at_the_row_and_saves_nothing(client, users, period):
    client.force_login(users["bureau"])
    url = reverse("targets:scheme_edit", args=[period.pk])
    with translation.override("zh-hans"):
        rows = rows_post([(1, "rank_bottom", "-3", "criticise"), (2, "vetoed", "", "")])
        response = client.post(url, rows, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    forms = response.context["rules"].forms
    assert forms[0].non_field_errors() == ["规则1：“组内排名末位”的数量不能小于零。"]
    assert forms[1].non_field_errors() == ["规则2没有奖惩措施。"]
    assert not Scheme.objects.exists()


# --- the sheet --------------------------------------------------------------------------------------------


def test_the_sheet_round_trip(users, period):
    bureau = users["bureau"]
    services.save_scheme(user=bureau, period=period, data={"consequences": rulebook.to_json(OWN)}, items=one_item())
    with translation.override("zh-hans"):
        data = export_scheme(period)
    sheet = load_workbook(io.BytesIO(data))["奖惩规则"]
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == OWN_SHEET
    history = Scheme.history.count()
    assert import_scheme(io.BytesIO(data), user=bureau, period=period) == []
    assert Scheme.history.count() == history  # nothing changed, nothing written
    # The default set when none is stored; importing it back stores none.
    services.save_consequences(user=bureau, period=period, rules=rulebook.DEFAULT)
    workbook = load_workbook(io.BytesIO(export_scheme(period)))
    assert [row[1] for row in workbook["奖惩规则"].iter_rows(min_row=2, values_only=True)] == [
        "未达时序进度", "组内排名末位", "连续通报批评", "完成率低于时序进度", "达到时序进度", "组内排名前列",
    ]  # fmt: skip
    # An edited sheet replaces the rules.
    workbook["奖惩规则"].cell(row=7, column=3, value="1")  # 组内排名前列 1
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    assert import_scheme(out, user=bureau, period=period) == []
    stored = rulebook.from_json(Scheme.objects.get(period=period).consequences)
    assert stored[3] == R("commend", (C("on_schedule"), C("rank_top", n=1)))


@pytest.mark.parametrize(
    ("cell", "value", "expected"),
    [
        ((5, 3), "1；园区=两个", (5, "参数", "组内排名末位：“两个”不是数字。")),
        ((6, 2), "排名倒数", (6, "条件", None)),
        ((7, 4), "降级", (7, "动作", None)),
        ((2, 1), "一", (2, "规则", None)),
        ((6, 3), "0", (6, "参数", "规则3：连续通报批评次数至少为1。")),
    ],
)
def test_a_bad_rules_sheet_is_refused_naming_row_and_column_and_nothing_written(users, period, cell, value, expected):
    bureau = users["bureau"]
    services.save_scheme(user=bureau, period=period, data={"consequences": rulebook.to_json(OWN)}, items=one_item())
    workbook = load_workbook(io.BytesIO(export_scheme(period)))
    workbook["奖惩规则"].cell(row=cell[0], column=cell[1], value=value)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    before = Scheme.history.count()
    with translation.override("zh-hans"):
        errors = import_scheme(out, user=bureau, period=period)
    assert len(errors) == 1
    error = errors[0]
    assert (error.sheet, error.row, error.column) == ("奖惩规则", *expected[:2])
    if expected[2]:
        assert error.reason == expected[2]
    assert Scheme.history.count() == before
    assert rulebook.from_json(Scheme.objects.get(period=period).consequences) == OWN


def test_the_groups_a_rule_may_name_are_the_schemes_ranking_groups():
    assert services.ranking_group_names("custom", {"一类": ["T01"], "二类": ["T02"]}) == {"一类", "二类"}
    assert services.ranking_group_names("all", {}) == {"all"}
    assert "township" in services.ranking_group_names("category", {})


def test_changing_the_ranking_groups_keeps_the_rules_only_if_they_still_name_them(users, units, period):
    bureau = users["bureau"]
    custom = {"ranking": "custom", "custom_groups": {"一类": ["T01"], "二类": ["T02"]}}
    rules = [{"action": "criticise", "conditions": [{"if": "rank_bottom", "n": 1, "per_group": {"二类": 0}}]}]
    services.save_scheme(user=bureau, period=period, data={**custom, "consequences": rules}, items=one_item())
    with translation.override("zh-hans"), pytest.raises(services.SchemeRefused) as refused:
        services.save_scheme(user=bureau, period=period, data={"ranking": "category"}, items=one_item())
    assert refused.value.refusals == [(None, "规则1：没有排名分组“二类”。")]
    scheme = services.save_scheme(user=bureau, period=period, data=custom, items=one_item())
    assert scheme.ranking == "custom" and scheme.consequences == rules
