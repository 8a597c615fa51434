"""Criticised in two consecutive issued bulletins → a candidate for accountability (责任追究), printed only
after the bureau finds, with a reason, that the unit is accountable; drafts do not count.

In January (fixture ledger) T01 has P1 and scores 0.625; T0101 and T02 score 0 and tie for the last place:
criticising both would pass a third of three townships, so neither is. In February T0101 is last (T02 has P2
and 40% of P4). With ``t02_in_january`` (a receipt of 100 in January for T02) T0101 is last in January as well.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.assessment import selectors as assessment_selectors
from zhaoshang.bulletins import selectors, services
from zhaoshang.bulletins.models import AccountabilityFinding
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


def test_criticised_twice_in_a_row_is_a_candidate_and_a_finding_decides(period, t02_in_january, units, users):
    january = issue(period, JAN, users)
    assert [u["code"] for u in january.snapshot["lists"]["flags"]["criticised"]] == ["T0101"]
    assert criticised_in_last_issued(period, dt.date(2025, 2, 28)) == frozenset({units["a_section"].pk})

    february = services.create_draft(user=users["bureau"], period=period, month=FEB)
    data = selectors.bulletin_data(february)
    assert flags(data)["T0101"][:2] == ["criticised", "accountability_candidate"]
    # The system proposes; nothing is printed under 责任追究 until a person decides.
    assert data["lists"]["flags"]["accountability"] == []
    assert [u["code"] for u in data["lists"]["undecided"]] == ["T0101"]
    assessment = assessment_selectors.assess_period(period, dt.date(2025, 2, 28))
    t0101 = next(u for u in assessment.units if u.unit.code == "T0101")
    assert t0101.flags[:2] == ["criticised", "accountability_candidate"]
    # Issuing is refused while a candidate is undecided, naming it.
    with pytest.raises(ValidationError, match="城关镇招商办"):
        services.issue(user=users["bureau"], bulletin=february)
    # A finding needs a reason, and only the bureau records it.
    with pytest.raises(ValidationError):
        services.decide_accountability(
            user=users["bureau"], bulletin=february, unit_id=units["a_section"].pk, held=True, reason=" "
        )
    with pytest.raises(PermissionDenied):
        services.decide_accountability(
            user=users["reporter_a"], bulletin=february, unit_id=units["a_section"].pk, held=True, reason="x"
        )
    services.decide_accountability(
        user=users["bureau"],
        bulletin=february,
        unit_id=units["a_section"].pk,
        held=True,
        reason="经组织认定属人为努力不够",
    )
    data = selectors.bulletin_data(february)
    assert [u["code"] for u in data["lists"]["flags"]["accountability"]] == ["T0101"]
    document = docx.Document(io.BytesIO(selectors.docx_bytes(february, data)))
    line = next(p.text for p in document.paragraphs if p.text.startswith("（二）责任追究"))
    assert line.endswith("城关镇招商办（经组织认定属人为努力不够）。")
    issued = services.issue(user=users["bureau"], bulletin=february)
    assert [u["code"] for u in issued.snapshot["lists"]["flags"]["accountability"]] == ["T0101"]
    finding = AccountabilityFinding.objects.get(bulletin=february)
    assert finding.history.first().history_user == users["bureau"]


def test_a_candidate_found_not_accountable_is_not_printed(period, t02_in_january, units, users):
    issue(period, JAN, users)
    february = services.create_draft(user=users["bureau"], period=period, month=FEB)
    services.decide_accountability(
        user=users["bureau"], bulletin=february, unit_id=units["a_section"].pk, held=False, reason="客观原因，已整改"
    )
    issued = services.issue(user=users["bureau"], bulletin=february)
    assert issued.snapshot["lists"]["flags"]["accountability"] == []
    lines = [p.text for p in docx.Document(io.BytesIO(selectors.docx_bytes(issued))).paragraphs]
    assert any(line.startswith("（二）责任追究") and line.endswith("无。") for line in lines)


def test_a_tie_at_the_bottom_beyond_a_third_is_not_criticised(period, ledger, units, users):
    january = issue(period, JAN, users)
    tied = units_by_code(january.snapshot)
    assert (tied["T02"]["rank"], tied["T0101"]["rank"]) == (2, 2)
    assert january.snapshot["lists"]["flags"]["criticised"] == []
    assert criticised_in_last_issued(period, dt.date(2025, 2, 28)) == frozenset()


def test_a_draft_does_not_count(period, t02_in_january, users):
    january_draft = services.create_draft(user=users["bureau"], period=period, month=JAN)
    assert "criticised" in flags(selectors.bulletin_data(january_draft))["T0101"]
    assert criticised_in_last_issued(period, dt.date(2025, 2, 28)) == frozenset()
    data = selectors.bulletin_data(services.create_draft(user=users["bureau"], period=period, month=FEB))
    assert "criticised" in flags(data)["T0101"] and "accountability" not in flags(data)["T0101"]


def test_the_last_issued_bulletin_before_the_date_counts_not_a_later_draft(period, t02_in_january, units, users):
    issue(period, JAN, users)  # T0101 criticised
    february_draft = services.create_draft(user=users["bureau"], period=period, month=FEB)
    assert "criticised" in flags(selectors.bulletin_data(february_draft))["T0101"]
    assert criticised_in_last_issued(period, dt.date(2025, 3, 31)) == frozenset({units["a_section"].pk})
    # Nothing issued before the first bulletin's own date, and other periods are not looked at.
    assert criticised_in_last_issued(period, dt.date(2025, 1, 31)) == frozenset()
