"""Roll-up (issue 14): a unit's figures include its sections' (``projects.rules.rolled_up``), and sections are
ranked only among the sections of their unit.

The root fixture's tree: C00 county ─┬─ T01 (tier 1) ── T0101 (made a section here)
                                     ├─ T02 (tier 2)
                                     └─ D01 (department, tier 2)
Period Q2 2026-03-01 … 2026-05-31, no recognition rules; every tier's group 签约: projects signed (target 2) and
the contract amount signed (target 10000万), and 到位资金 (funds in place, target 2000万).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.assessment import engine, selectors
from zhaoshang.organization.models import Unit
from zhaoshang.projects import services
from zhaoshang.projects.filtersets import LedgerFilterSet
from zhaoshang.projects.models import Project
from zhaoshang.targets import services as targets
from zhaoshang.targets.services import IndicatorData

pytestmark = pytest.mark.django_db
D = Decimal
START, END = dt.date(2026, 3, 1), dt.date(2026, 5, 31)
SIGNED = [
    IndicatorData(kind="count", stage="signed", target=D("2")),
    IndicatorData(kind="amount", stage="signed", target=D("10000")),
]
FUNDS = [IndicatorData(kind="funds", amount_field="planned_investment", target=D("2000"))]


@pytest.fixture
def period(users, units):
    section = units["a_section"]
    section.category, section.tier = "section", None
    section.save()
    period = targets.save_period(
        user=users["bureau"],
        data={
            "code": "Q2",
            "name": "第二季度",
            "start": START,
            "end": END,
            "exclude_government_funded": False,
            "exclude_local_relocation": False,
        },
    )
    for tier in (1, 2):
        targets.save_group(user=users["bureau"], period=period, tier=tier, name="签约", indicators=SIGNED)
        targets.save_group(user=users["bureau"], period=period, tier=tier, name="到位资金", indicators=FUNDS, order=1)
    # The section holds its own target (a group assigned to the unit).
    targets.save_group(user=users["bureau"], period=period, unit=section, name="签约", indicators=SIGNED)
    return period


def _signed(users, credits, contract, *, code, funds=None):
    project = services.create_project(
        user=users["bureau"],
        data={"code": code, "name": f"项目{code}", "contract_amount": D(contract), "planned_investment": D(contract)},
        credits=[(unit, D(share)) for unit, share in credits],
    )
    services.record_stage(user=users["bureau"], project=project, stage="signed", date=dt.date(2026, 4, 1))
    if funds:
        services.add_receipt(user=users["bureau"], project=project, date=dt.date(2026, 4, 20), amount=D(funds))
    return project


def _results(period):
    assessment = selectors.assess_period(period, END)
    return assessment, {r.unit.code: r for r in assessment.units}


def _figures(result):
    signed = result.groups[0].indicators
    return signed[0].actual, signed[1].actual


def test_a_sections_signing_counts_for_its_township(users, units, period):
    _signed(users, [(units["a_section"], "100")], "5000", code="S1", funds="800")
    _assessment, results = _results(period)
    # 城关镇招商办 signs 5000万: 城关镇 counts one project, 5000万 signed and 800万 in place, as the section does.
    assert _figures(results["T01"]) == (D("1"), D("5000"))
    assert results["T01"].groups[1].indicators[0].actual == D("800")
    assert results["T01"].funds == D("800") and results["T01"].contract == D("5000")
    assert _figures(results["T0101"]) == (D("1"), D("5000"))
    assert _figures(results["T02"]) == (D("0"), D("0"))
    # The township's drill-down lists the section's project and receipt: the rows total the figure.
    assessment, _results_again = _results(period)
    selectors.read_drill_downs(period, assessment, unit_ids={units["a"].pk})
    township = next(r for r in assessment.units if r.unit.code == "T01")
    funds = township.groups[1].indicators[0]
    assert funds.project_ids == [Project.objects.get(code="S1").pk] and len(funds.receipt_ids) == 1


def test_roll_up_off_gives_each_unit_its_own_credits(users, units, period):
    _signed(users, [(units["a_section"], "100")], "5000", code="S1", funds="800")
    targets.save_period(user=users["bureau"], period=period, data={"roll_up": False})
    period.refresh_from_db()
    _assessment, results = _results(period)
    assert _figures(results["T01"]) == (D("0"), D("0"))
    assert results["T01"].groups[1].indicators[0].actual == D("0")
    assert _figures(results["T0101"]) == (D("1"), D("5000"))


def test_no_double_counting(users, units, period):
    # One project credited 60% to 城关镇 and 40% to its own section: the township counts it once (100%), not 140%.
    _signed(users, [(units["a"], "60"), (units["a_section"], "40")], "5000", code="S1", funds="1000")
    # Another shared by the section (50%), 河口乡 (30%) and the department (20%).
    _signed(users, [(units["a_section"], "50"), (units["b"], "30"), (units["dept"], "20")], "2000", code="S2")
    _assessment, results = _results(period)
    assert _figures(results["T01"]) == (D("1.5"), D("6000"))  # 100% of S1 + 50% of S2; 5000 + 1000
    assert results["T01"].funds == D("1000")
    assert _figures(results["T0101"]) == (D("0.9"), D("3000"))  # 40% of S1 + 50% of S2; 2000 + 1000
    assert _figures(results["T02"]) == (D("0.3"), D("600"))
    assert _figures(results["D01"]) == (D("0.2"), D("400"))
    # The top-level units (under the county) together: the county's distinct projects, 2 projects and 7000万.
    top = [r for r in results.values() if r.unit.code in ("T01", "T02", "D01")]
    assert sum(_figures(r)[0] for r in top) == D("2")
    assert sum(_figures(r)[1] for r in top) == D("7000")
    assert sum(r.funds for r in top) == D("1000")


def test_sections_are_ranked_only_among_their_units_sections(users, units, period):
    second = Unit.objects.create(code="T0102", name="城关镇经发办", parent=units["a"], category="section")
    other = Unit.objects.create(code="T0201", name="河口乡招商办", parent=units["b"], category="section")
    for section in (second, other):
        targets.save_group(user=users["bureau"], period=period, unit=section, name="签约", indicators=SIGNED)
    _signed(users, [(units["a_section"], "100")], "5000", code="S1")
    _signed(users, [(other, "100")], "20000", code="S2")
    _assessment, results = _results(period)
    a_sections = f"section:{units['a'].pk}"
    assert [(results[c].ranking_group, results[c].rank, results[c].rank_of) for c in ("T0101", "T0102")] == [
        (a_sections, 1, 2),
        (a_sections, 2, 2),
    ]
    assert (results["T0201"].ranking_group, results["T0201"].rank, results["T0201"].rank_of) == (
        f"section:{units['b'].pk}",
        1,
        1,
    )
    # The townships rank among themselves only: 河口乡 first (its section's 20000万), then 城关镇.
    assert [(results[c].ranking_group, results[c].rank, results[c].rank_of) for c in ("T02", "T01")] == [
        ("township", 1, 2),
        ("township", 2, 2),
    ]


def test_a_points_schemes_groups_keep_sections_with_their_unit(units, period):
    units["a_section"].refresh_from_db()
    infos = {u.code: u for u in selectors.unit_infos()}
    by_category = selectors.ranking_groups(_Ranking("category"), list(infos.values()))
    assert by_category[infos["T0101"].id] == f"section:{units['a'].pk}"
    assert by_category[infos["T01"].id] == "township"
    in_one = selectors.ranking_groups(_Ranking("all"), list(infos.values()))
    assert in_one[infos["T0101"].id] == f"section:{units['a'].pk}" and in_one[infos["T01"].id] == "all"
    assert engine.section_parent(by_category[infos["T0101"].id]) == units["a"].pk


class _Ranking:
    """What ``ranking_groups`` reads of a scheme."""

    def __init__(self, ranking):
        self.ranking, self.custom_groups = ranking, {}


def test_the_ledger_filter_equals_the_figure(users, units, period):
    _signed(users, [(units["a_section"], "100")], "5000", code="S1")
    _signed(users, [(units["a"], "100")], "3000", code="S2")
    _signed(users, [(units["b"], "100")], "1000", code="S3")
    _assessment, results = _results(period)
    by_unit = LedgerFilterSet({"unit": units["a"].pk}, queryset=Project.objects.all()).qs
    assert sorted(by_unit.values_list("code", flat=True)) == ["S1", "S2"]
    assert _figures(results["T01"]) == (D(by_unit.count()), sum(p.contract_amount for p in by_unit))
    by_category = LedgerFilterSet({"category": "township"}, queryset=Project.objects.all()).qs
    townships = [r for r in results.values() if r.unit.category == "township"]
    assert by_category.count() == sum(_figures(r)[0] for r in townships) == 3


def test_the_unit_page_shows_the_rolled_up_share(client, users, units, period):
    _signed(users, [(units["a"], "60"), (units["a_section"], "40")], "5000", code="S1")
    client.force_login(users["bureau"])
    response = client.get(f"/assessment/{period.pk}/units/{units['a'].pk}/?as_of={END.isoformat()}")
    assert response.status_code == 200
    rows = response.context["groups"][0]["indicators"][0]["projects"]
    assert [(project.code, share) for project, share in rows] == [("S1", D("1"))]


def test_the_period_page_has_a_table_of_each_units_sections(client, users, units, period):
    second = Unit.objects.create(code="T0102", name="城关镇经发办", parent=units["a"], category="section")
    targets.save_group(user=users["bureau"], period=period, unit=second, name="签约", indicators=SIGNED)
    _signed(users, [(second, "100")], "5000", code="S1")
    client.force_login(users["bureau"])
    response = client.get(f"/assessment/{period.pk}/?as_of={END.isoformat()}")
    tables = {
        table["label"]: [row["result"].unit.code for row in table["rows"]] for table in response.context["categories"]
    }
    assert tables["城关镇所属科室"] == ["T0102", "T0101"]
    assert "T0101" not in tables["乡镇"] and "T0102" not in tables["乡镇"]
    assert "城关镇所属科室" in response.content.decode()
