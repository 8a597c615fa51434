"""The 评分细则 sheet: export → import changes nothing; the template's example is scheme A; bad sheets refused
naming the row and the reason, nothing written."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from zhaoshang.targets import services
from zhaoshang.targets.models import Scheme, SchemeItem
from zhaoshang.targets.services import IndicatorData, SchemeItemData
from zhaoshang.transfer.scheme_xlsx import CONDITION_HEADERS, ITEM_HEADERS, SHEET_HEADERS, export_scheme, import_scheme
from zhaoshang.transfer.templates_xlsx import build_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(users):
    period = services.save_period(
        user=users["bureau"],
        data={"code": "Y2026", "name": "2026年度", "start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)},
    )
    for name, kind in (("签约", "count"), ("到位资金", "funds")):
        services.save_group(
            user=users["bureau"],
            period=period,
            tier=1,
            name=name,
            indicators=[IndicatorData(kind=kind, stage="signed" if kind == "count" else "", target=D("3"))],
        )
    return period


def rich_items() -> list[SchemeItemData]:
    return [
        SchemeItemData("A1", "新引进省外亿元项目数量", "ratio", {"what": "count", "stage": "signed", "low": "10000"},
                       points=D("30"), task_group="签约"),
        SchemeItemData("B1", "实际利用外资", "efficacy", {"what": "foreign", "stage": "signed",
                       "kinds": ["industrial"], "industries": ["C", "I"], "high_tech": True}, points=D("30")),
        SchemeItemData("B2", "开工率", "step", {"what": "ratio", "numerator": {"what": "count", "stage": "started",
                       "low": "5000", "high": "100000"}, "denominator": {"what": "count", "stage": "signed",
                       "low": "5000", "high": "100000"}}, points=D("10"), section="bonus",
                       params={"base": "0", "per_step": "0.6", "step": "0.01", "down": "0"}, places=1),
        SchemeItemData("A4", "新增10亿元以上重大项目", "banded", {"what": "count", "stage": "signed",
                       "amount_field": "planned_investment"}, section="bonus", cap=D("20"),
                       params={"bands": [["100000", "500000", "4"], ["500000", None, "8"]]}),
        SchemeItemData("A5", "月报表少报", "per_occurrence", {"what": "missing_reports"}, section="deduction",
                       cap=D("12"), params={"each": "1"}),
    ]  # fmt: skip


def test_export_then_import_changes_nothing(users, units, period):
    services.save_scheme(
        user=users["bureau"],
        period=period,
        data={"cap_total": True, "ranking": "custom", "custom_groups": {"一类": ["T01", "T02"], "二类": ["D01"]},
              "veto_effect": "last", "full_score": D("200")},
        items=rich_items(),
    )  # fmt: skip
    data = export_scheme(period)
    sheet = load_workbook(io.BytesIO(data))["评分细则"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == list(SHEET_HEADERS) and rows[0][-len(CONDITION_HEADERS) :] == list(CONDITION_HEADERS)
    assert rows[3][:8] == ["B2", "开工率", "加分", "基础分±每档", 10, None, 1, "比率"]
    assert rows[3][15:20] == ["开工项目个数", "签约项目个数", None, "基础分=0；每档=0.6；档距=1%；下限=0", None]
    assert rows[4][18] == "100000-500000:4；500000以上:8" and rows[4][9] == "计划总投资"
    assert rows[2][12:15] == ["工业", "C、I", "是"]
    before = [(h.history_id) for h in SchemeItem.history.all()] + [h.history_id for h in Scheme.history.all()]
    assert import_scheme(io.BytesIO(data), user=users["bureau"], period=period) == []
    after = [(h.history_id) for h in SchemeItem.history.all()] + [h.history_id for h in Scheme.history.all()]
    assert before == after
    settings = load_workbook(io.BytesIO(export_scheme(period)))["评分方案"]
    assert [list(row) for row in settings.iter_rows(values_only=True)] == [
        ["项目", "值"],
        ["满分", "200"],
        ["总分封顶", "是"],
        ["排名分组", "自定义分组"],
        ["自定义分组", "一类:T01,T02；二类:D01"],
        ["一票否决效果", "排名列末位"],
    ]


def test_the_template_example_is_scheme_a(users, period):
    assert import_scheme(io.BytesIO(build_template()), user=users["bureau"], period=period) == []
    scheme = Scheme.objects.get(period=period)
    assert [(i.code, i.section, i.function, i.points, i.cap, i.task_group) for i in scheme.items.all()] == [
        ("A1", "base", "ratio", D("30"), None, "签约"),
        ("A2", "base", "ratio", D("20"), None, "到位资金"),
        ("A3", "bonus", "per_count", D("0"), D("6"), "签约"),
        ("A4", "bonus", "banded", D("0"), None, ""),
        ("A5", "deduction", "per_occurrence", D("0"), D("12"), ""),
    ]
    a3, a4 = scheme.items.get(code="A3"), scheme.items.get(code="A4")
    assert a3.params == {"per_above": "2"} and a3.measure["low"] == "10000"
    assert a4.params == {"bands": [["100000", "500000", "4"], ["500000", None, "8"]]}
    assert SchemeItem.history.first().history_change_reason == "Excel导入"


def edited(data: bytes, changes: dict[tuple[int, str], object]) -> io.BytesIO:
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["评分细则"]
    for (row, header), value in changes.items():
        sheet.cell(row=row, column=ITEM_HEADERS.index(header) + 1, value=value)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {(5, "参数"): "100000-600000:4；500000以上:8"},
            ("评分细则", 5, "评分项", "新增10亿元以上重大项目", "评分项 新增10亿元以上重大项目：金额档次重叠。"),
        ),
        ({(6, "上限"): -1}, ("评分细则", 6, "评分项", "月报表少报", "评分项 月报表少报：上限不能小于零。")),
        (
            {(3, "考核内容"): "比率", (3, "分子"): "到位资金"},
            ("评分细则", 3, "评分项", "当年实际到位资金", "评分项 当年实际到位资金 是比率，但缺少分子或分母。"),
        ),
        (
            {(2, "任务来源"): "开工"},
            (
                "评分细则",
                2,
                "评分项",
                "新引进省外亿元项目数量",
                "评分项 新引进省外亿元项目数量：本考核期没有名为“开工”的目标组，无法取得任务。",
            ),
        ),
        ({(4, "计分方法"): "随便"}, ("评分细则", 4, "计分方法", "随便", None)),
        ({(4, "参数"): "每超=两分"}, ("评分细则", 4, "参数", "每超=两分", "“两分”不是数字。")),
    ],
)
def test_a_bad_sheet_is_refused_naming_the_row_and_nothing_is_written(users, period, changes, expected):
    source = edited(build_template(), changes)
    with translation.override("zh-hans"):
        errors = import_scheme(source, user=users["bureau"], period=period)
    assert len(errors) == 1
    error = errors[0]
    assert (error.sheet, error.row, error.column, error.value) == expected[:4]
    if expected[4]:
        assert error.reason == expected[4]
    assert not Scheme.objects.exists() and not SchemeItem.objects.exists()


def test_the_views_export_and_import_for_the_bureau_only(client, users, period):
    client.force_login(users["bureau"])
    upload = io.BytesIO(build_template())
    upload.name = "评分细则.xlsx"
    response = client.post(reverse("transfer:scheme_import", args=[period.pk]), {"file": upload})
    assert response.status_code == 302 and Scheme.objects.get(period=period).items.count() == 5
    response = client.get(reverse("transfer:scheme_export", args=[period.pk]))
    assert response.status_code == 200 and load_workbook(io.BytesIO(response.content)).sheetnames == [
        "评分方案",
        "评分细则",
        "奖惩规则",
    ]
    client.force_login(users["leader"])
    assert client.get(reverse("transfer:scheme_export", args=[period.pk])).status_code == 403
    assert client.post(reverse("transfer:scheme_import", args=[period.pk]), {}).status_code == 403
