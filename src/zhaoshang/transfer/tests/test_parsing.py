"""Reading single cells: dates, amounts, labels and credit shares."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.transfer import parsing
from zhaoshang.transfer.parsing import CellError


@pytest.mark.parametrize(
    "value, expected",
    [
        (dt.datetime(2024, 3, 18), dt.date(2024, 3, 18)),
        (dt.date(2024, 3, 18), dt.date(2024, 3, 18)),
        ("2024-03-18", dt.date(2024, 3, 18)),
        ("2024/3/8", dt.date(2024, 3, 8)),
        (" 2024.03.18 ", dt.date(2024, 3, 18)),
        (None, None),
        ("  ", None),
    ],
)
def test_dates_accepted(value, expected):
    assert parsing.date(value) == expected


@pytest.mark.parametrize("value", ["2024-13-01", "2024-02-30", "18/03/2024", "2024-03/18", "明天", 45000, True])
def test_dates_refused(value):
    with pytest.raises(CellError):
        parsing.date(value)


def test_future_date_refused():
    with pytest.raises(CellError):
        parsing.date("2024-03-19", today=dt.date(2024, 3, 18))
    assert parsing.date("2024-03-18", today=dt.date(2024, 3, 18)) == dt.date(2024, 3, 18)


@pytest.mark.parametrize(
    "value, expected",
    [
        (1000, Decimal("1000.00")),
        (1234.56, Decimal("1234.56")),
        (0.1, Decimal("0.10")),
        (1.005, Decimal("1.01")),  # from str(1.005) == "1.005", never the float's binary value
        ("2,500.5", Decimal("2500.50")),
        (" 12 ", Decimal("12.00")),
        (0, Decimal("0.00")),
        (None, None),
    ],
)
def test_amounts_are_decimals_from_the_cell_text(value, expected):
    result = parsing.amount(value)
    assert result == expected
    if result is not None:
        assert isinstance(result, Decimal) and result.as_tuple().exponent == -2


@pytest.mark.parametrize("value", [-3, "-3", "五百万", "约500", "NaN", "Infinity", True, dt.date(2024, 1, 1), 1e15])
def test_amounts_refused(value):
    with pytest.raises(CellError):
        parsing.amount(value)


def test_receipt_amount_must_be_positive():
    with pytest.raises(CellError):
        parsing.amount(0, positive=True)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("T01", [("T01", Decimal("100"))]),
        ("T01:60;T02:40", [("T01", Decimal("60")), ("T02", Decimal("40"))]),
        ("T01：60；T02：40", [("T01", Decimal("60")), ("T02", Decimal("40"))]),
        (
            "T01:33.34; T02:33.33; T03:33.33",
            [("T01", Decimal("33.34")), ("T02", Decimal("33.33")), ("T03", Decimal("33.33"))],
        ),
        ("T01:100%", [("T01", Decimal("100"))]),
    ],
)
def test_shares(value, expected):
    assert parsing.shares(value) == expected


@pytest.mark.parametrize(
    "value", ["T01:60;T02:30", "T01;T02", "T01:60;T01:40", "T01:abc", "T01:0;T02:100", "T01:150;T02:-50"]
)
def test_shares_refused(value):
    with pytest.raises(CellError):
        parsing.shares(value)


def test_format_shares_is_the_inverse():
    for credits in ([("T01", Decimal("100.00"))], [("T01", Decimal("60.00")), ("T02", Decimal("40.00"))]):
        assert parsing.shares(parsing.format_shares(credits)) == credits
    assert parsing.format_shares([("T01", Decimal("100.00"))]) == "T01"
    assert parsing.format_shares([("T01", Decimal("62.50")), ("T02", Decimal("37.50"))]) == "T01:62.5;T02:37.5"


def test_text_reads_numbers_as_displayed():
    assert parsing.text(12345.0) == "12345"
    assert parsing.text(" 甲 ") == "甲"
    with pytest.raises(CellError):
        parsing.text("x" * 41, max_length=40)


def test_shares_not_adding_up_name_the_plain_total():
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(CellError) as error:
        parsing.shares("U01:60;U02:30")
    assert "份额合计为90%" in str(error.value) and "E+" not in str(error.value)


def test_issue_11_bounds_and_control_characters():
    """Amounts above core.limits.MAX_AMOUNT, dates outside 2000..2100 are refused; control characters are
    stripped from text cells."""
    import datetime as _dt
    from decimal import Decimal as _D

    from zhaoshang.core import limits
    from zhaoshang.transfer import parsing as _p

    assert _p.amount(str(limits.MAX_AMOUNT)) == limits.MAX_AMOUNT
    with pytest.raises(_p.CellError, match=r"9,999,999\.99"):
        _p.amount("10000000")
    with pytest.raises(_p.CellError):
        _p.amount("99999999999999.99")
    with pytest.raises(_p.CellError):
        _p.amount("1000000", max_digits=12, maximum=limits.MAX_LAND_AREA)
    assert _p.amount("-0") == _D("0.00")
    with pytest.raises(_p.CellError):
        _p.date(_dt.date(1, 1, 1))
    with pytest.raises(_p.CellError):
        _p.date("9999-12-31")
    assert _p.text("铃\x07声\x1b") == "铃声"
    assert _p.text("第一行\n第二行") == "第一行\n第二行"
