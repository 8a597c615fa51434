"""core.revision: a data revision that changes with every tracked change, and results kept under it."""

from __future__ import annotations

import pytest
from django.db import connection

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


def test_writes_without_history_move_the_revision_too(units):
    """An update() leaves no history row: its writer touches the app's revision (a data migration adds a row to
    django_migrations instead), and only the apps it names."""
    from django.db.migrations.recorder import MigrationRecorder

    from zhaoshang.core.revision import touch

    before = {label: data_revision([label]) for label in ("organization", "targets")}
    Unit.objects.filter(code="T01").update(name="改名不留历史")
    assert data_revision(["organization"]) == before["organization"]
    touch("organization")
    assert data_revision(["organization"]) != before["organization"]
    assert data_revision(["targets"]) == before["targets"]
    touched = data_revision(["organization"])
    MigrationRecorder(connection).record_applied("core", "9999_test")
    assert data_revision(["organization"]) != touched
