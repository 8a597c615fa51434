"""Criticised in two consecutive issued bulletins → accountability (责任追究); drafts do not count.

In January (fixture ledger) T01 has P1 and scores 0.625; T0101 and T02 score 0 and the tie goes by code,
so T02 is last and criticised. In February T0101 is last (T02 has P2 and 40% of P4).
With ``t02_in_january`` (a receipt of 100 in January for T02) T0101 is last in January as well.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import docx
import pytest

from zhaoshang.assessment import selectors as assessment_selectors
from zhaoshang.bulletins import selectors, services
from zhaoshang.bulletins.selectors import criticised_in_last_issued

from .conftest import FEB, JAN, units_by_code


@pytest.fixture
def t02_in_january(ledger, units, users, make_project):
    from zhaoshang.projects import services as project_services

    project = make_project(units["b"], code="P7", name="河口乡小项目", planned_investment=Decimal("100"))
    project_services.add_receipt(user=users["bureau"], project=project, date=dt.date(2025, 1, 25), amount=Decimal(100))
    return project


def flags(snapshot) -> dict[str, list[str]]:
    return {code: unit["flags"] for code, unit in units_by_code(snapshot).items()}


def issue(period, month, users):
    draft = services.create_draft(user=users["bureau"], period=period, month=month)
    return services.issue(user=users["bureau"], bulletin=draft)


def test_criticised_twice_in_a_row_is_held_accountable(period, t02_in_january, units, users):
    january = issue(period, JAN, users)
    assert [u["code"] for u in january.snapshot["lists"]["flags"]["criticised"]] == ["T0101"]
    assert criticised_in_last_issued(period, dt.date(2025, 2, 28)) == frozenset({units["a_section"].pk})

    february = services.create_draft(user=users["bureau"], period=period, month=FEB)
    data = selectors.bulletin_data(february)
    assert "accountability" in flags(data)["T0101"]
    assert [u["code"] for u in data["lists"]["flags"]["accountability"]] == ["T0101"]
    # The engine through the assessment's own selector agrees.
    assessment = assessment_selectors.assess_period(period, dt.date(2025, 2, 28))
    t0101 = next(u for u in assessment.units if u.unit.code == "T0101")
    assert t0101.flags[:2] == ["criticised", "accountability"]
    # And the document says so.
    document = docx.Document(io.BytesIO(selectors.docx_bytes(february, data)))
    line = next(p.text for p in document.paragraphs if p.text.startswith("（二）责任追究"))
    assert line.endswith("乡镇：城关镇招商办。")


def test_criticised_once_then_not_gets_nothing(period, ledger, units, users):
    january = issue(period, JAN, users)
    assert [u["code"] for u in january.snapshot["lists"]["flags"]["criticised"]] == ["T02"]
    data = selectors.bulletin_data(services.create_draft(user=users["bureau"], period=period, month=FEB))
    assert flags(data)["T02"] == []  # no longer criticised, so no accountability either
    assert "accountability" not in flags(data)["T0101"]  # criticised now, but not last time
    assert data["lists"]["flags"]["accountability"] == []


def test_a_draft_does_not_count(period, t02_in_january, users):
    january_draft = services.create_draft(user=users["bureau"], period=period, month=JAN)
    assert "criticised" in flags(selectors.bulletin_data(january_draft))["T0101"]
    assert criticised_in_last_issued(period, dt.date(2025, 2, 28)) == frozenset()
    data = selectors.bulletin_data(services.create_draft(user=users["bureau"], period=period, month=FEB))
    assert "criticised" in flags(data)["T0101"] and "accountability" not in flags(data)["T0101"]


def test_the_last_issued_bulletin_before_the_date_counts_not_a_later_draft(period, ledger, units, users):
    issue(period, JAN, users)  # T02 criticised
    february_draft = services.create_draft(user=users["bureau"], period=period, month=FEB)
    assert "criticised" in flags(selectors.bulletin_data(february_draft))["T0101"]
    assert criticised_in_last_issued(period, dt.date(2025, 3, 31)) == frozenset({units["b"].pk})
    # Nothing issued before the first bulletin's own date, and other periods are not looked at.
    assert criticised_in_last_issued(period, dt.date(2025, 1, 31)) == frozenset()
