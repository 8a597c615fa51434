"""Supervision's records through the one permission rule: supervisors (and admins) write, the county reads."""

from __future__ import annotations

import datetime as dt

import pytest

from zhaoshang.supervision.models import SupervisionBatch

pytestmark = pytest.mark.django_db

ROLES = ("admin", "bureau", "leader", "supervisor", "reporter_a")


def test_batches_are_written_by_supervisors_and_read_by_the_county(users):
    SupervisionBatch.objects.create(name="Q1", start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31), method="sample")

    def count(name, action):
        return SupervisionBatch.objects.restrict(users[name], action).count()

    assert [count(name, "change") for name in ROLES] == [1, 0, 0, 1, 0]
    assert [count(name, "view") for name in ROLES] == [1, 1, 1, 1, 0]
