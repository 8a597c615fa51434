"""Choosing a batch's projects: by planned investment, by units, or a seeded random sample."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.projects import services as projects
from zhaoshang.supervision import services
from zhaoshang.supervision.models import SupervisionBatch

from .support import Q3_END, Q3_START, D, d

pytestmark = pytest.mark.django_db


def codes(batch) -> list[str]:
    return sorted(batch.projects.values_list("code", flat=True))


def make(users, **kwargs):
    return services.create_batch(user=users["supervisor"], start=Q3_START, end=Q3_END, **kwargs)


def test_threshold_is_inclusive_and_skips_projects_with_nothing_to_verify(users, ledger):
    # P5's records all come after the quarter and P6 has none: neither is a candidate.
    assert codes(make(users, method="threshold", min_amount=D("1000"))) == ["P1", "P2"]
    assert codes(make(users, method="threshold", min_amount=D("800"))) == ["P1", "P2", "P3"]  # 800 is ≥ 800
    everything = make(users, method="threshold", min_amount=D("0"))
    assert codes(everything) == ["P1", "P2", "P3", "P4"]
    assert everything.candidate_count == 4


def test_units_take_credited_and_sub_unit_projects(users, units, ledger, make_project):
    section = make_project(units["a_section"], code="S1", planned_investment=D("10"))
    projects.add_receipt(user=users["bureau"], project=section, date=d("08-01"), amount=D("5"))
    assert codes(make(users, method="units", units=[units["a"]])) == ["P1", "P3", "S1"]
    # A 40% credit is enough: P2 belongs to D01 as well as to T02.
    by_dept = make(users, method="units", units=[units["dept"]])
    assert codes(by_dept) == ["P2", "P4"]
    assert list(by_dept.chosen_units.all()) == [units["dept"]]


def test_a_seeded_sample_is_reproducible(users, ledger):
    first = make(users, method="sample", sample_size=2, seed=20260930)
    again = make(users, method="sample", sample_size=2, seed=20260930)
    candidates = sorted(p.pk for p in ledger.values() if p.code in {"P1", "P2", "P3", "P4"})
    expected = sorted(random.Random(20260930).sample(candidates, 2))
    assert sorted(first.projects.values_list("pk", flat=True)) == expected
    assert codes(first) == codes(again)
    assert (first.seed, first.sample_size, first.candidate_count) == (20260930, 2, 4)
    # Different seeds eventually pick a different pair (with six possible pairs, among ten seeds surely).
    others = {tuple(codes(make(users, method="sample", sample_size=2, seed=seed))) for seed in range(10)}
    assert len(others) > 1


def test_a_sample_without_seed_records_the_one_drawn(users, ledger):
    batch = make(users, method="sample", sample_size=3)
    assert batch.seed is not None
    repeat = make(users, method="sample", sample_size=3, seed=batch.seed)
    assert codes(repeat) == codes(batch)


def test_a_sample_larger_than_the_candidates_takes_them_all(users, ledger):
    assert codes(make(users, method="sample", sample_size=50, seed=1)) == ["P1", "P2", "P3", "P4"]


def test_the_quarter_is_the_default(users, ledger):
    batch = services.create_batch(user=users["supervisor"], method="threshold", min_amount=D("0"))
    start, end = services.quarter_of(dt.date.today())
    assert (batch.start, batch.end) == (start, end)
    assert batch.name == services.default_batch_name(start)
    assert services.quarter_of(dt.date(2026, 11, 22)) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert services.quarter_of(dt.date(2026, 3, 31)) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert services.quarter_of(dt.date(2026, 8, 1)) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "threshold"}, "minimum planned investment"),
        ({"method": "units"}, "at least one unit"),
        ({"method": "sample"}, "sample size"),
        ({"method": "sample", "sample_size": 2, "seed": -1}, "seed"),
        ({"method": "lottery"}, "Unknown selection method"),
    ],
)
def test_selection_errors(users, ledger, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        make(users, **kwargs)
    assert not SupervisionBatch.objects.exists()


def test_only_supervisors_and_admins_create_batches(users, ledger):
    for name in ("bureau", "leader", "reporter_a"):
        with pytest.raises(PermissionDenied):
            services.create_batch(user=users[name], method="threshold", min_amount=D("0"))
    assert services.create_batch(user=users["admin"], method="threshold", min_amount=D("0")).pk


def test_creation_is_in_the_history(users, ledger):
    batch = make(users, method="sample", sample_size=2, seed=7)
    record = batch.history.get()
    assert (record.history_type, record.history_user, record.seed) == ("+", users["supervisor"], 7)
    services.set_batch_status(user=users["supervisor"], batch=batch, status="closed")
    assert [r.status for r in batch.history.order_by("history_id")] == ["open", "closed"]
    assert batch.history.latest().history_user == users["supervisor"]
