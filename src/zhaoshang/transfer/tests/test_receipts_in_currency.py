"""The 到位资金 sheet's 币种/原币金额/汇率 columns (issue 13): a receipt in another currency imports with its
10k-yuan amount worked out (or checked), and bad combinations name the row and column and write nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest

from zhaoshang.projects.models import FundsReceipt, Project
from zhaoshang.transfer import columns as c
from zhaoshang.transfer.importer import import_workbook

from . import xlsx
from .conftest import snapshot

pytestmark = pytest.mark.django_db

D = Decimal
DAY = dt.date(2026, 3, 1)


def receipt(amount, currency=None, original=None, rate=None, voucher="") -> list:
    return ["M1", DAY, amount, "", voucher, None, currency, original, rate]


def _import(users, *receipts):
    data = xlsx.workbook_bytes(
        {
            c.PROJECT_SHEET: [xlsx.project("M1", **{c.P_CAPITAL: "外资", c.P_OWNERSHIP: "外资"})],
            c.RECEIPT_SHEET: list(receipts),
        }
    )
    return import_workbook(io.BytesIO(data), user=users["bureau"])


def test_receipts_in_a_currency_import_with_the_amount_worked_out(users, units):
    result = _import(
        users,
        receipt(None, "美元", 1500000, 7.1, voucher="A"),  # 1,500,000 × 7.1 ÷ 10,000 = 1,065 万元
        receipt(1065, "USD", 1500000, 7.1, voucher="B"),  # the amount filled in and agreeing
        receipt(12.5, "欧元", voucher="C"),  # no original amount: the amount as entered
        receipt(300, voucher="D"),  # no currency: yuan
    )
    assert result.ok, [str(e) for e in result.errors]
    rows = {
        r.voucher_no: (r.currency, r.original_amount, r.exchange_rate, r.amount)
        for r in FundsReceipt.objects.filter(project__code="M1")
    }
    assert rows == {
        "A": ("USD", D("1500000.00"), D("7.100000"), D("1065.00")),
        "B": ("USD", D("1500000.00"), D("7.100000"), D("1065.00")),
        "C": ("EUR", None, None, D("12.50")),
        "D": ("CNY", None, None, D("300.00")),
    }
    project = Project.objects.get(code="M1")
    assert project.funds_total == D("2442.50") and project.ownership == "foreign"


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (receipt(1000, "美元", 1500000, 7.1), c.R_AMOUNT, "1065.00"),
        (receipt(None, "美元", 1500000), c.R_RATE, "汇率"),
        (receipt(None, "美元"), c.R_AMOUNT, "此列为必填项"),
        (receipt(10, "人民币", 100, 1), c.R_ORIGINAL, "仅外币到账"),
        (receipt(10, "英镑", 100, 9), c.R_CURRENCY, "可选值为"),
        (receipt(None, "美元", 0, 7.1), c.R_ORIGINAL, "大于零"),
    ],
)
def test_bad_currency_rows_name_the_column_and_write_nothing(users, units, row, column, reason):
    before = snapshot()
    result = _import(users, row)
    assert not result.ok
    assert [(e.sheet, e.row, e.column) for e in result.errors][:1] == [(c.RECEIPT_SHEET, 2, column)]
    assert reason in result.errors[0].reason, result.errors[0].reason
    assert snapshot() == before
