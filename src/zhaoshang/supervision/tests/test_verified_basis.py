"""The assessment's verified basis (核实数): only confirmed or adjusted records count, with the corrected
figures; and a supervisor's verifications change the verified assessment and nothing else.

The verifications of ``supervised`` (hand-computed figures below):

    P1 signed 07-10   adjusted: contract 2000 → 1500        P1 started   confirmed
    P1 500@07-20      confirmed                              P1 300@08-15 rejected
    P3 signed 09-05   adjusted: date → 10-08 (out of Q3)     P3 200@09-20 adjusted: amount → 150
    P2 signed 08-01   confirmed                              P2 400@09-10 not verified
    P4 intention      confirmed
"""

from __future__ import annotations

import pytest

from zhaoshang.assessment import selectors as assessment
from zhaoshang.assessment import serialize
from zhaoshang.projects.models import FundsReceipt, Project, ProjectCredit, StageEvent
from zhaoshang.supervision import services

from .support import Q3_END, D, d, event, receipt

pytestmark = pytest.mark.django_db


def by_unit(result, units):
    return {u.unit.code: u for u in result.units if u.unit.code in {"T01", "T02", "D01"}}


def figures(unit_result) -> dict:
    """Each indicator's actual, keyed "group/kind", and the score."""
    found = {f"{g.spec.name}/{i.spec.kind}": i.actual for g in unit_result.groups for i in g.indicators}
    return {**found, "score": unit_result.score, "funds": unit_result.funds, "contract": unit_result.contract}


def test_unverified_and_rejected_records_do_not_count(period, batch, ledger):
    projects, receipts, count = assessment.facts(period, Q3_END, basis="verified")
    assert (projects, receipts, count) == ([], [], 0)


def test_verified_facts(period, supervised, units):
    projects, receipts, count = assessment.facts(period, Q3_END, basis="verified")
    p1, p2, p3 = (supervised[k] for k in ("P1", "P2", "P3"))
    facts = {p.id: p for p in projects}
    # P4's confirmed intention is inside Q3, so P4 moved too.
    assert set(facts) == {p1.pk, p2.pk, p3.pk, supervised["P4"].pk} and count == 4
    assert facts[p1.pk].stage_dates == {"signed": d("07-10"), "started": d("08-20")}
    assert facts[p1.pk].contract_amount == D("1500")
    assert facts[p3.pk].stage_dates == {}  # its signing was moved to 10-08, after the period
    assert facts[p2.pk].contract_amount == D("1200")
    assert facts[p2.pk].credits == {units["b"].pk: D("0.6"), units["dept"].pk: D("0.4")}
    assert sorted((r.project_id, r.date, r.amount) for r in receipts) == sorted(
        [(p1.pk, d("07-20"), D("500")), (p3.pk, d("09-20"), D("150"))]
    )
    assert {r.id for r in receipts} == {receipt(p1, "500").pk, receipt(p3, "200").pk}


def test_verified_facts_take_a_few_queries(period, supervised, django_assert_max_num_queries):
    # One more than before issue 14: the unit tree the credits roll up (read once per period).
    with django_assert_max_num_queries(5):
        assessment.facts(period, Q3_END, basis="verified")


def test_verified_facts_follow_the_as_of_date_and_project_filter(period, supervised):
    projects, receipts, _ = assessment.facts(period, d("07-31"), basis="verified")
    assert {p.id for p in projects} == {supervised["P1"].pk, supervised["P4"].pk}
    assert [r.amount for r in receipts] == [D("500")]
    projects, receipts, _ = assessment.facts(period, Q3_END, basis="verified", project_ids=[supervised["P3"].pk])
    assert [p.id for p in projects] == [supervised["P3"].pk] and [r.amount for r in receipts] == [D("150")]


def test_reported_and_verified_assessments_by_hand(period, supervised, units):
    reported = by_unit(assessment.assess_period(period, Q3_END, basis="reported"), units)
    verified = by_unit(assessment.assess_period(period, Q3_END, basis="verified"), units)
    # T01 (tier 1: 签约 2 projects ≥1000 or 4000 total; funds 1000).
    # Reported: P1 2000 and P3 800 signed, funds 500 + 300 + 200.
    assert figures(reported["T01"]) == {
        "签约/count": D("1"),
        "签约/amount": D("2800"),
        "到位资金/funds": D("1000"),
        "score": (D("0.7") + D("1")) / 2,
        "funds": D("1000"),
        "contract": D("2800"),
    }
    # Verified: P1 at 1500, P3 signed after the quarter; funds 500 (300 rejected) + 150 (adjusted).
    assert figures(verified["T01"]) == {
        "签约/count": D("1"),
        "签约/amount": D("1500"),
        "到位资金/funds": D("650"),
        "score": (D("0.5") + D("0.65")) / 2,
        "funds": D("650"),
        "contract": D("1500"),
    }
    # T02 (60% of P2) and D01 (40%), tier 2: 签约 1 project ≥1000 or 1000 total; funds 500.
    assert figures(reported["T02"]) == {
        "签约/count": D("0.6"),
        "签约/amount": D("720"),
        "到位资金/funds": D("240"),
        "score": (D("0.72") + D("0.48")) / 2,
        "funds": D("240"),
        "contract": D("720"),
    }
    assert figures(verified["T02"]) == {
        "签约/count": D("0.6"),
        "签约/amount": D("720"),
        "到位资金/funds": D("0"),  # P2's receipt was never verified
        "score": D("0.72") / 2,
        "funds": D("0"),
        "contract": D("720"),
    }
    assert figures(reported["D01"])["score"] == (D("0.48") + D("0.32")) / 2
    assert figures(verified["D01"])["score"] == D("0.48") / 2
    # The drill-down names the rows behind each verified figure.
    funds = verified["T01"].groups[1].indicators[0]
    behind = [receipt(supervised["P1"], "500").pk, receipt(supervised["P3"], "200").pk]
    assert sorted(funds.receipt_ids) == sorted(behind)


def ledger_state() -> dict:
    """Every figure of the ledger and the size of its history."""
    return {
        "projects": list(
            Project.objects.order_by("pk").values_list("pk", "contract_amount", "stage", "stage_date", "funds_total")
        ),
        "events": list(StageEvent.objects.order_by("pk").values_list("pk", "stage", "date", "amount")),
        "receipts": list(FundsReceipt.objects.order_by("pk").values_list("pk", "date", "amount")),
        "history": [model.history.count() for model in (Project, StageEvent, FundsReceipt, ProjectCredit)],
    }


def test_adjustments_change_the_verified_assessment_and_nothing_else(period, users, batch, ledger):
    def assessed(basis):
        result = assessment.assess_period(period, Q3_END, basis=basis)
        assessment.read_drill_downs(period, result)
        return serialize.assessment_data(result, period_code=period.code, basis=basis)

    reported_before, verified_before, ledger_before = assessed("reported"), assessed("verified"), ledger_state()
    p1 = ledger["P1"]
    services.verify(user=users["supervisor"], batch=batch, stage_event=event(p1, "signed"), result="confirmed")
    services.verify(user=users["supervisor"], batch=batch, receipt=receipt(p1, "500"), result="confirmed")
    verified_confirmed = assessed("verified")
    services.verify(
        user=users["supervisor"],
        batch=batch,
        stage_event=event(p1, "signed"),
        result="adjusted",
        amount=D("1500"),
        comment="合同额核减",
    )
    services.verify(
        user=users["supervisor"],
        batch=batch,
        receipt=receipt(p1, "500"),
        result="adjusted",
        amount=D("450"),
        comment="回单450万",
    )
    verified_after = assessed("verified")

    assert assessed("reported") == reported_before
    assert ledger_state() == ledger_before
    assert verified_confirmed != verified_before != verified_after

    def t01(data):
        return next(u for u in data["units"] if u["code"] == "T01")

    assert (t01(verified_confirmed)["contract"], t01(verified_confirmed)["funds"]) == ("2000.00", "500.00")
    assert (t01(verified_after)["contract"], t01(verified_after)["funds"]) == ("1500.00", "450.00")
    assert (t01(reported_before)["contract"], t01(reported_before)["funds"]) == ("2800.00", "1000.00")


def test_the_assessment_page_shows_the_verified_basis(client, users, period, supervised):
    client.force_login(users["leader"])
    response = client.get(f"/assessment/{period.pk}/?as_of=2026-09-30&basis=verified")
    assert response.status_code == 200
    assert response.context["basis"] == "verified"
