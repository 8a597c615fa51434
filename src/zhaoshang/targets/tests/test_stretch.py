"""任务 and 力争 (``scoring.stretch_points``), its checks, and the stretch item on the 评分细则 page and sheet.

分值 20, task 100, 力争 150, base 80% unless set:
    actual 100 (exactly the task)  → 0.8 × 20 = 16
    actual 150 (exactly the 力争)   → 20; above it 20
    actual 125 (half way)           → 16 + 4 × 25/50 = 18
    actual 50 (half the task)       → 50/100 × 0.8 × 20 = 8
    base 60%, actual 100            → 12; actual 140 → 12 + 8 × 40/50 = 18.4
    actual 113 → 16 + 4 × 13/50 = 17.04; 分值 7, actual 101 → 5.6 + 1.4 × 1/50 = 5.628 → 5.63 (the item's 2 places,
    half up)
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from zhaoshang.targets import scoring, services
from zhaoshang.targets.models import SchemeItem
from zhaoshang.targets.services import IndicatorData, SchemeItemData, SchemeRefused

from .test_scheme_views import item, post_data


@pytest.mark.parametrize(
    ("actual", "base", "expected"),
    [
        ("100", None, "16"),
        ("150", None, "20"),
        ("151", None, "20"),
        ("125", None, "18"),
        ("50", None, "8"),
        ("0", None, "0"),
        ("100", "0.6", "12"),
        ("140", "0.6", "18.4"),
    ],
)
def test_stretch_points(actual, base, expected):
    extra = {} if base is None else {"base": D(base)}
    assert scoring.stretch_points(D(actual), D(100), D(150), D(20), **extra) == D(expected)


def test_stretch_without_a_task_or_a_stretch_above_it():
    assert scoring.stretch_points(D(5), None, D(150), D(20)) == D(20)  # no task: 分值 for anything, as ratio
    assert scoring.stretch_points(D(0), None, D(150), D(20)) == D(0)
    assert scoring.stretch_points(D(100), D(100), None, D(20)) == D(20)  # no 力争: the task is the 力争
    assert scoring.stretch_points(D(100), D(100), D(90), D(20)) == D(20)
    assert scoring.stretch_points(D(99), D(100), None, D(20)) == D("15.84")


def _stretch(**params):
    return scoring.Item(code="S", name="实际利用外资", function="stretch", points=D(20), params=params)


def test_stretch_in_a_scheme_rounds_half_up():
    scheme = scoring.Scheme(items=(
        _stretch(stretch_group="力争"),
        scoring.Item(code="T", name="七分项", function="stretch", points=D(7), params={"stretch_group": "力争"}),
    ))  # fmt: skip
    values = {
        "S": {"u": scoring.Value(actual=D(113), task=D(100), stretch=D(150))},
        "T": {"u": scoring.Value(actual=D(101), task=D(100), stretch=D(150))},
    }
    got = scoring.score(scheme, values, {"u": "g"})["u"]
    assert got.items == {"S": D("17.04"), "T": D("5.63")} and got.total == D("22.67")


def test_check_refuses_a_stretch_item_without_its_group_or_with_a_bad_share():
    with pytest.raises(scoring.SchemeError) as error:
        scoring.check(scoring.Scheme(items=(_stretch(),)))
    assert error.value.item == "实际利用外资" and "力争" in str(error.value)
    for base in ("0", "1.2", "-0.5"):
        with pytest.raises(scoring.SchemeError) as error:
            scoring.check(scoring.Scheme(items=(_stretch(stretch_group="力争", base=base),)))
        assert "0% and at most 100%" in str(error.value)
    scoring.check(scoring.Scheme(items=(_stretch(stretch_group="力争", base="1"),)))


# --- save_scheme, the page and the sheet -------------------------------------------------------------------


@pytest.fixture
def period(users):
    period = services.save_period(
        user=users["bureau"],
        data={"code": "Y2026", "name": "2026年度", "start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)},
    )
    for name, target in (("外资", "100"), ("外资力争", "150")):
        services.save_group(user=users["bureau"], period=period, tier=1, name=name,
                            indicators=[IndicatorData(kind="funds", target=D(target))])  # fmt: skip
    return period


def _data(**changes):
    values = {
        "code": "S1",
        "name": "实际利用外资",
        "function": "stretch",
        "points": D(20),
        "measure": {"what": "foreign_received"},
        "params": {"stretch_group": "外资力争"},
        "task_group": "外资",
    }
    return SchemeItemData(**{**values, **changes})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"params": {}}, "评分项 实际利用外资 按任务和力争计分，但未指定力争目标取自哪个目标组。"),
        ({"params": {"stretch_group": "争先"}}, "评分项 实际利用外资：本考核期没有可作为力争目标的目标组争先。"),
        ({"params": {"stretch_group": "外资"}}, "评分项 实际利用外资：力争目标须取自与任务不同的目标组。"),
        ({"task_group": ""}, "评分项 实际利用外资 按任务和力争计分，但未指定任务取自哪个目标组。"),
        (
            {"params": {"stretch_group": "外资力争", "base": "80"}},
            "评分项 实际利用外资：完成任务所得分值比例须大于0%、不超过100%。",
        ),
    ],
)
def test_save_scheme_refuses_a_stretch_item_in_chinese(users, period, changes, message):
    with translation.override("zh-hans"), pytest.raises(SchemeRefused) as refused:
        services.save_scheme(user=users["bureau"], period=period, data={}, items=[_data(**changes)])
    assert refused.value.refusals == [(0, message)]


def test_the_page_saves_and_shows_a_stretch_item(client, users, period):
    client.force_login(users["bureau"])
    url = reverse("targets:scheme_edit", args=[period.pk])
    data = post_data(
        item(0, code="S1", name="实际利用外资", function="stretch", points="20", task_group="外资",
             what="foreign_received", base="7", stretch_group="外资力争", stretch_base="75"),
        item(1, code="E1", name="出口创汇", function="efficacy", points="10", what="export_earnings"),
    )  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    saved = {row.code: row for row in SchemeItem.objects.all()}
    # The hidden base points field does not leak into a stretch item: its share is its own field.
    assert saved["S1"].params == {"stretch_group": "外资力争", "base": "0.75"}
    assert saved["S1"].measure == {"what": "foreign_received"} and saved["E1"].measure == {"what": "export_earnings"}
    page = client.get(url).content.decode()
    assert '<option value="外资力争" selected>外资力争</option>' in page and re.search(
        r'name="item-0-stretch_base" value="75(\.0+)?"', page
    )
    refused = client.post(url, post_data(item(0, code="S1", name="实际利用外资", function="stretch", points="20",
                                              task_group="外资", what="foreign_received")))  # fmt: skip
    assert refused.status_code == 200 and "未指定力争目标取自哪个目标组" in refused.content.decode()


def test_the_sheet_carries_the_stretch_group_and_share(users, period):
    from zhaoshang.transfer.scheme_xlsx import SHEET_HEADERS, export_scheme, import_scheme

    services.save_scheme(user=users["bureau"], period=period, data={}, items=[
        _data(params={"stretch_group": "外资力争", "base": "0.75"}),
        _data(code="S2", name="出口创汇", measure={"what": "export_earnings"}),
        _data(code="S3", name="完成投资", function="ratio", measure={"what": "investment_completed"}, params={}),
    ])  # fmt: skip
    data = export_scheme(period)
    rows = [list(row) for row in load_workbook(io.BytesIO(data))["评分细则"].iter_rows(values_only=True)]
    column = {header: index for index, header in enumerate(SHEET_HEADERS)}
    assert rows[0] == list(SHEET_HEADERS) and SHEET_HEADERS.index("力争来源") == SHEET_HEADERS.index("参数") + 1
    assert [
        (r[column["计分方法"]], r[column["考核内容"]], r[column["参数"]], r[column["力争来源"]]) for r in rows[1:]
    ] == [
        ("任务力争", "实际利用外资", "任务得分=75%", "外资力争"),
        ("任务力争", "出口创汇", None, "外资力争"),
        ("完成÷任务×分值", "完成投资", None, None),
    ]
    before = list(SchemeItem.history.values_list("history_id", flat=True))
    assert import_scheme(io.BytesIO(data), user=users["bureau"], period=period) == []
    assert list(SchemeItem.history.values_list("history_id", flat=True)) == before  # nothing changed
    sheet = load_workbook(io.BytesIO(data))
    sheet["评分细则"].cell(row=2, column=column["力争来源"] + 1, value="争先")
    buffer = io.BytesIO()
    sheet.save(buffer)
    with translation.override("zh-hans"):
        errors = import_scheme(io.BytesIO(buffer.getvalue()), user=users["bureau"], period=period)
    assert [error.reason for error in errors] == ["评分项 实际利用外资：本考核期没有可作为力争目标的目标组争先。"]
    assert SchemeItem.objects.get(code="S1").params == {"stretch_group": "外资力争", "base": "0.75"}  # all or nothing
