"""The roll-up rule (``projects.rules.rolled_up``) against its SQL form (``rolled_up_credits_sql``) and the tree it
reads (``organization.selectors.roll_up_above``), on the database the suite runs on.

Tree: C00 county ─┬─ T01 ─┬─ T0101 ── T010101 (a section's own section)
                  │       └─ T0102
                  ├─ T02
                  └─ D01
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhaoshang.organization.models import Unit
from zhaoshang.organization.selectors import roll_up_above
from zhaoshang.projects import rules
from zhaoshang.projects.models import Project, ProjectCredit

pytestmark = pytest.mark.django_db

D = Decimal
CODES = ["T01", "T0101", "T010101", "T0102", "T02", "D01"]


@pytest.fixture
def tree():
    county = Unit.objects.create(code="C00", name="县", category="jurisdiction")
    t01 = Unit.objects.create(code="T01", name="城关镇", parent=county, category="township", tier=1)
    t0101 = Unit.objects.create(code="T0101", name="招商办", parent=t01, category="section")
    t010101 = Unit.objects.create(code="T010101", name="招商办一组", parent=t0101, category="section")
    t0102 = Unit.objects.create(code="T0102", name="经发办", parent=t01, category="section")
    t02 = Unit.objects.create(code="T02", name="河口乡", parent=county, category="township", tier=2)
    d01 = Unit.objects.create(code="D01", name="县发改局", parent=county, category="department", tier=2)
    return {u.code: u for u in [county, t01, t0101, t010101, t0102, t02, d01]}


def test_the_units_above_stop_short_of_the_jurisdiction(tree):
    ids = {code: unit.pk for code, unit in tree.items()}
    assert roll_up_above() == {
        ids["T0101"]: (ids["T01"],),
        ids["T010101"]: (ids["T0101"], ids["T01"]),
        ids["T0102"]: (ids["T01"],),
    }


def test_rolled_up_by_hand():
    above = {11: (1,), 111: (11, 1), 12: (1,)}
    # 60% to the township's section's section, 40% to the township itself: the township counts 100%, not 140%.
    assert rules.rolled_up({111: D("60"), 1: D("40")}, above) == {111: D("60"), 11: D("60"), 1: D("100")}
    # Two sections of the same township share a project: the township counts the sum, once.
    assert rules.rolled_up({11: D("30"), 12: D("50"), 2: D("20")}, above) == {
        11: D("30"),
        12: D("50"),
        1: D("80"),
        2: D("20"),
    }
    # Capped at the whole project (shares recorded beyond 100% in all cannot count more than the project).
    assert rules.rolled_up({11: D("0.7"), 1: D("0.6")}, above, whole=D("1")) == {11: D("0.7"), 1: D("1")}
    # No roll-up: the credits as recorded.
    assert rules.rolled_up({11: D("30"), 1: D("70")}, {}) == {11: D("30"), 1: D("70")}
    assert rules.rolled_up_credits_sql({}) == "projects_projectcredit"


shares = st.sampled_from([D("10"), D("25.5"), D("30"), D("50"), D("100")])
credits = st.dictionaries(st.sampled_from(CODES), shares, min_size=1, max_size=4)


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ledger=st.lists(credits, min_size=1, max_size=6), roll=st.booleans())
def test_python_and_sql_agree(tree, ledger, roll):
    above = roll_up_above() if roll else {}
    with transaction.atomic():
        expected = {}
        for index, chosen in enumerate(ledger):
            project = Project.objects.create(code=f"R{index}", name=f"项目{index}")
            recorded = {tree[code].pk: share for code, share in chosen.items()}
            for unit_id, share in recorded.items():
                ProjectCredit.objects.create(project=project, unit_id=unit_id, share=share)
            expected[project.pk] = rules.rolled_up(recorded, above)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT c.project_id, c.unit_id, c.share FROM {rules.rolled_up_credits_sql(above)} c")
            found: dict[int, dict[int, Decimal]] = {}
            for project_id, unit_id, share in cursor.fetchall():
                assert unit_id not in found.setdefault(project_id, {})  # one row per project and unit
                found[project_id][unit_id] = D(str(share)).quantize(D("0.01"))
        assert found == {pk: {u: s.quantize(D("0.01")) for u, s in shares_.items()} for pk, shares_ in expected.items()}
        transaction.set_rollback(True)
