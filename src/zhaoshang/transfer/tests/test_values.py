"""Issue 15, values as counties write them: dates (Chinese, dotted, month-only), amounts with 亿/万/元, full-width
digits, GB/T 4754 names, flags; month precision and opening balances through import → page → export → import."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import translation

from zhaoshang.core.templatetags.dates import precise_date
from zhaoshang.projects.choices import INDUSTRY_LABELS, industry_code
from zhaoshang.projects.models import FundsReceipt, Project, StageEvent
from zhaoshang.transfer import columns as c
from zhaoshang.transfer import parsing
from zhaoshang.transfer.exporter import export_ledger
from zhaoshang.transfer.importer import import_workbook
from zhaoshang.transfer.parsing import CellError, MonthDate

from . import xlsx
from .test_export import project_state

D = Decimal
TODAY = dt.date(2025, 7, 15)


# --- dates -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2025年6月18日", dt.date(2025, 6, 18)),
        ("2025年6月18号", dt.date(2025, 6, 18)),
        ("2025 年 6 月 18 日", dt.date(2025, 6, 18)),
        ("2025.6.18", dt.date(2025, 6, 18)),
        ("2025/6/18", dt.date(2025, 6, 18)),
        ("20250618", dt.date(2025, 6, 18)),
        (20250618, dt.date(2025, 6, 18)),
        ("２０２５年６月１８日", dt.date(2025, 6, 18)),
        ("２０２５－０６－１８", dt.date(2025, 6, 18)),
        ("2025-06-18 00:00:00", dt.date(2025, 6, 18)),  # a CSV's date written with its midnight
    ],
)
def test_day_dates(value, expected):
    result = parsing.date(value, today=TODAY)
    assert result == expected
    assert type(result) is dt.date and parsing.precision_of(result) == "day"


@pytest.mark.parametrize(
    "value, month",
    [
        ("2025年3月", (2025, 3)),
        ("2025年03月", (2025, 3)),
        ("２０２５年３月", (2025, 3)),
        ("2025.01", (2025, 1)),
        ("2025.1", (2025, 1)),  # typed as text: the month as written
        ("2025-03", (2025, 3)),
        ("2025/3", (2025, 3)),
        (2025.01, (2025, 1)),  # a number cell as Excel shows it
        (2025.1, (2025, 10)),  # Excel drops the 0 of 2025.10
        (2025.12, (2025, 12)),
        (D("2025.05"), (2025, 5)),
        (MonthDate(2025, 4), (2025, 4)),
    ],
)
def test_month_dates_never_invent_a_day(value, month):
    result = parsing.date(value, today=dt.date(2026, 1, 1))
    assert isinstance(result, MonthDate) and result.precision == "month"
    assert (result.year, result.month, result.day) == (*month, 1)
    assert parsing.display(result) == f"{month[0]}-{month[1]:02d}"
    assert parsing.plain_date(result) == result and type(parsing.plain_date(result)) is dt.date


@pytest.mark.parametrize(
    "value", ["2025", 2025, "202503", 202503, "2025.13", 2025.13, "2025年13月", "2025年2月30日", "20251340", 2025.123]
)
def test_bad_dates_say_how_to_write_one(value):
    with translation.override("zh-hans"), pytest.raises(CellError) as caught:
        parsing.date(value, today=TODAY)
    assert "2025年3月" in caught.value.reason and "不是有效日期" in caught.value.reason


def test_a_day_is_needed_where_no_precision_is_kept():
    assert parsing.day("2025年6月18日") == dt.date(2025, 6, 18)
    with translation.override("zh-hans"), pytest.raises(CellError) as caught:
        parsing.day("2025年6月")
    assert "2025-06-18" in caught.value.reason


def test_a_month_is_in_the_future_only_after_this_month():
    assert parsing.date("2025年7月", today=TODAY) == dt.date(2025, 7, 1)
    with translation.override("zh-hans"), pytest.raises(CellError) as caught:
        parsing.date("2025年8月", today=TODAY)
    assert "2025-08" in caught.value.reason


def test_a_month_date_survives_a_copy():
    import copy
    import pickle

    month = MonthDate(2025, 3)
    assert repr(copy.deepcopy(month)) == repr(pickle.loads(pickle.dumps(month))) == "MonthDate(2025, 3)"
    assert str(month) == "2025-03-01"  # what Django writes to the database


# --- amounts ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, scale, expected",
    [
        ("3.2亿", None, D("32000.00")),
        ("3.2亿元", None, D("32000.00")),
        ("32000万元", None, D("32000.00")),
        ("32000万", None, D("32000.00")),
        ("1,200", None, D("1200.00")),
        ("１２００", None, D("1200.00")),
        ("１，２００．５", None, D("1200.50")),
        ("500元", None, D("0.05")),
        (3.2, "亿元", D("32000.00")),
        ("3.2", "(亿元)", D("32000.00")),
        (1500000, "元", D("150.00")),
        ("500万", "亿元", D("500.00")),  # a unit in the cell wins over the column's
        (12, None, D("12.00")),
        (None, "亿元", None),
        ("", None, None),
    ],
)
def test_money(value, scale, expected):
    assert parsing.money(value, scale=parsing.scale_of(scale)) == expected


@pytest.mark.parametrize(
    "unit, multiplier, currency",
    [
        ("亿元", "10000", "CNY"),
        ("（亿元）", "10000", "CNY"),
        ("单位：亿元", "10000", "CNY"),
        ("万元", "1", "CNY"),
        ("万", "1", "CNY"),
        ("元", "0.0001", "CNY"),
        ("万美元", "1", "USD"),
        ("(万美元)", "1", "USD"),
    ],
)
def test_scale_of(unit, multiplier, currency):
    scale = parsing.scale_of(unit)
    assert scale == D(multiplier) and scale.currency == currency


def test_scale_of_no_unit():
    assert parsing.scale_of("个") is None and parsing.scale_of("") is None and parsing.scale_of(None) is None


def test_dollars_need_the_rate():
    usd = parsing.scale_of("万美元")
    assert parsing.money_in(120, scale=usd) == (D("120"), "USD")
    assert parsing.money_in("3亿", scale=usd) == (D("30000"), "CNY")  # the cell's unit wins
    assert parsing.money(120, scale=usd, usd_rate=D("7.1")) == D("852.00")
    with translation.override("zh-hans"), pytest.raises(CellError) as caught:
        parsing.money(120, scale=usd)
    assert "美元" in caught.value.reason


@pytest.mark.parametrize(
    "value, reason",
    [
        ("三亿", "金额须为数字"),
        ("3.2千亿", "千亿"),
        ("-5", "不能为负数"),
        ("99999999亿", "超过"),
        (True, "数字"),
    ],
)
def test_bad_money_says_why(value, reason):
    with translation.override("zh-hans"), pytest.raises(CellError) as caught:
        parsing.money(value)
    assert reason in caught.value.reason, caught.value.reason


def test_amount_reads_full_width_digits_too():
    assert parsing.amount("１，２３４．５") == D("1234.50")
    assert parsing.amount("1 234") == D("1234.00")


# --- industries and flags ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label, code",
    [
        ("农、林、牧、渔业", "A"),
        ("农林牧渔业", "A"),  # the product's own label before issue 15
        ("交通运输、仓储和邮政业", "G"),
        ("交通运输仓储和邮政业", "G"),
        ("电力、热力、燃气及水生产和供应业", "D"),
        ("信息传输、软件和信息技术服务业", "I"),
        ("水利、环境和公共设施管理业", "N"),
        ("居民服务、修理和其他服务业", "O"),
        ("卫生和社会工作", "Q"),
        ("文化、体育和娱乐业", "R"),
        ("公共管理、社会保障和社会组织", "S"),
        ("制造业", "C"),
        ("C", "C"),
        ("c", "C"),
        ("13", "C"),
        ("44", "D"),
        ("96", "S"),
        ("99", None),
        ("制造", None),
        ("U", None),
    ],
)
def test_industry_labels(label, code):
    assert industry_code(label) == code
    assert (label in INDUSTRY_LABELS) is (code is not None)
    if code:
        assert INDUSTRY_LABELS[label] == code


@pytest.mark.parametrize(
    "value, expected",
    [
        ("是", True),
        ("否", False),
        ("√", True),
        ("×", False),
        ("✓", True),
        ("✗", False),
        ("Y", True),
        ("n", False),
        ("有", True),
        ("无", False),
        (True, True),
        ("TRUE", True),
        ("false", False),
        (None, False),
    ],
)
def test_flags(value, expected):
    assert parsing.flag(value) is expected


def test_bad_flag():
    with translation.override("zh-hans"), pytest.raises(CellError) as caught:
        parsing.flag("对")
    assert "√/×" in caught.value.reason


# --- month precision and opening balances through the import, the page and the export ---------------------


def _import(data: bytes, users):
    result = import_workbook(io.BytesIO(data), user=users["bureau"])
    assert result.ok, [str(e) for e in result.errors]
    return result


def _county_file(signed="2025年3月", opening="是") -> bytes:
    return xlsx.workbook_bytes(
        {
            c.PROJECT_SHEET: [
                xlsx.project(
                    "M1",
                    "月份项目",
                    **{
                        c.P_INDUSTRY: "交通运输、仓储和邮政业",
                        c.P_STAGE: "开工",
                        "签约日期": signed,
                        "开工日期": "2025年6月18日",
                        c.P_PROGRESS: "主体完工，设备进场",
                        c.P_PROGRESS_ON: "2025.6.30",
                    },
                )
            ],
            c.RECEIPT_SHEET: [
                [*xlsx.receipt("M1", "2025-06-30", 3000), None, None, None, None, opening],
                xlsx.receipt("M1", "2025-07-01", 100),
            ],
        }
    )


@pytest.mark.django_db
def test_month_date_and_opening_balance_round_trip(users, client):
    _import(_county_file(), users)
    project = Project.objects.get(code="M1")
    events = {e.stage: e for e in StageEvent.objects.filter(project=project)}
    assert (events["signed"].date, events["signed"].date_precision) == (dt.date(2025, 3, 1), "month")
    assert (events["started"].date, events["started"].date_precision) == (dt.date(2025, 6, 18), "day")
    assert project.signed_on == dt.date(2025, 3, 1) and project.industry == "G"
    assert (project.progress_note, project.progress_note_on) == ("主体完工，设备进场", dt.date(2025, 6, 30))
    opening = FundsReceipt.objects.get(project=project, date=dt.date(2025, 6, 30))
    assert opening.opening_balance and opening.history.get().opening_balance
    assert not FundsReceipt.objects.get(project=project, date=dt.date(2025, 7, 1)).opening_balance
    assert project.funds_total == D("3100.00")  # the opening balance is in the cumulative total

    client.force_login(users["bureau"])
    page = client.get(project.get_absolute_url()).content.decode()
    assert '签约</strong> <span class="stage-date">2025年3月</span>' in page
    assert '开工</strong> <span class="stage-date">2025-06-18</span>' in page
    assert "期初结转（截至 2025-06-30）" in page
    assert "主体完工，设备进场" in page

    exported = export_ledger(Project.objects.all())
    sheets = xlsx.read(exported)
    header, row = sheets[c.PROJECT_SHEET][0], sheets[c.PROJECT_SHEET][1]
    assert row[header.index("签约日期")] == "2025年3月"
    assert row[header.index(c.P_INDUSTRY)] == "交通运输、仓储和邮政业"
    receipts = sheets[c.RECEIPT_SHEET]
    assert [r[receipts[0].index(c.R_OPENING)] for r in receipts[1:]] == ["是", "否"]

    before, history = project_state(), StageEvent.history.count()
    _import(exported, users)
    assert project_state() == before and StageEvent.history.count() == history
    assert FundsReceipt.objects.filter(opening_balance=True).count() == 1


@pytest.mark.django_db
def test_a_month_made_a_day_is_a_change_in_history(users):
    _import(_county_file(), users)
    event = StageEvent.objects.get(project__code="M1", stage="signed")
    _import(_county_file(signed="2025-03-01"), users)
    event.refresh_from_db()
    assert (event.date, event.date_precision) == (dt.date(2025, 3, 1), "day")
    assert [h.date_precision for h in event.history.order_by("history_id")] == ["month", "day"]


def test_precise_date_filter():
    with translation.override("zh-hans"):
        assert precise_date(dt.date(2025, 3, 1), "month") == "2025年3月"
        assert precise_date(dt.date(2025, 3, 18), "day") == "2025-03-18"
    with translation.override("en"):
        assert precise_date(dt.date(2025, 3, 1), "month") == "2025-03"
    assert precise_date(None, "month") == ""
