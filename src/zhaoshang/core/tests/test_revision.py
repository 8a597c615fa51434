"""core.revision: a data revision that changes with every tracked change, and results kept under it."""

from __future__ import annotations

import pytest

from zhaoshang.core.revision import cached, data_revision
from zhaoshang.organization.models import Unit

pytestmark = pytest.mark.django_db


def test_the_revision_changes_with_every_create_change_and_delete(units):
    before = data_revision(["organization"])
    unit = Unit.objects.create(code="R1", name="新单位", category="township")
    created = data_revision(["organization"])
    unit.name = "改名单位"
    unit.save()
    changed = data_revision(["organization"])
    unit.delete()
    deleted = data_revision(["organization"])
    assert len({before, created, changed, deleted}) == 4
    # Other apps' changes leave it alone; apps without tracked models have no revision.
    Unit.objects.create(code="R2", name="另一单位", category="township")
    assert data_revision(["targets"]) == data_revision(["targets"])
    assert data_revision(["notifications", "organization"]) != ""
    assert data_revision([]) == ""


def test_a_result_is_kept_until_the_data_changes(units):
    calls = []

    def compute():
        calls.append(1)
        return Unit.objects.count()

    first = cached("units", ["all"], compute, app_labels=["organization"])
    assert cached("units", ["all"], compute, app_labels=["organization"]) == first and len(calls) == 1
    assert cached("units", ["other"], compute, app_labels=["organization"]) == first and len(calls) == 2
    Unit.objects.create(code="R3", name="第三单位", category="township")
    assert cached("units", ["all"], compute, app_labels=["organization"]) == first + 1 and len(calls) == 3
