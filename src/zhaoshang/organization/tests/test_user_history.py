"""Issue 11 part 9: user accounts, roles and unit assignments are tracked like the ledger."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import PASSWORD
from zhaoshang.organization.models import User

pytestmark = pytest.mark.django_db


def test_role_and_unit_change_through_the_ui_is_recorded_with_the_admin(client, users, units):
    account = users["reporter_b"]
    client.force_login(users["admin"])
    response = client.post(
        reverse("organization:user_edit", args=[account.pk]),
        {
            "username": account.username,
            "display_name": "",
            "email": "",
            "phone": "",
            "unit": units["a"].pk,
            "role": "bureau",
            "is_active": "on",
            "password": "",
        },
    )
    assert response.status_code == 302
    record = User.history.filter(id=account.pk).order_by("-history_date", "-history_id").first()
    assert record.history_type == "~"
    assert record.history_user == users["admin"]
    assert record.role == "bureau" and record.unit_id == units["a"].pk
    previous = record.prev_record
    assert previous.role == "reporter" and previous.unit_id == units["b"].pk


def test_history_keeps_no_password_and_logins_add_no_rows(client, users):
    account = users["reporter_a"]
    fields = {f.name for f in User.history.model._meta.fields}
    assert "password" not in fields and "last_login" not in fields
    before = User.history.filter(id=account.pk).count()
    assert client.login(username="reporter_a", password=PASSWORD)
    assert User.history.filter(id=account.pk).count() == before


def test_deleted_user_keeps_its_history(users):
    account = users["reporter_b"]
    pk = account.pk
    account.delete()
    record = User.history.filter(id=pk, history_type="-").get()
    assert record.username == "reporter_b" and record.role == "reporter"
