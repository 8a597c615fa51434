from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zhaoshang.organization import services
from zhaoshang.organization.models import Unit, User
from zhaoshang.organization.selectors import subtree_ids

pytestmark = pytest.mark.django_db


def test_subtree(units):
    assert subtree_ids(units["a"].pk) == {units["a"].pk, units["a_section"].pk}
    assert len(subtree_ids(units["county"].pk)) == 5


def test_a_unit_cannot_move_below_itself(users, units):
    with pytest.raises(ValidationError):
        services.save_unit(user=users["bureau"], unit=units["a"], data={"parent": units["a_section"]})
    with pytest.raises(ValidationError):
        services.save_unit(user=users["bureau"], unit=units["a"], data={"parent": units["a"]})
    units["a"].refresh_from_db()
    assert units["a"].parent == units["county"]


def test_only_bureau_and_admin_manage_units(users, units):
    for role in ("leader", "supervisor", "reporter_a"):
        with pytest.raises(PermissionDenied):
            services.save_unit(user=users[role], data={"code": "X", "name": "x", "category": "township"})
    unit = services.save_unit(
        user=users["bureau"],
        data={"code": "T03", "name": "新乡镇", "category": "township", "parent": units["county"], "tier": 3},
    )
    assert unit.history.get().history_user == users["bureau"]


def test_unit_pages(client, users, units):
    client.force_login(users["bureau"])
    response = client.post(
        reverse("organization:unit_create"),
        {"code": "P01", "name": "经开区招商局", "category": "park", "parent": units["county"].pk, "active": "on"},
    )
    unit = Unit.objects.get(code="P01")
    assert response.status_code == 302 and unit.category == "park"
    response = client.post(
        reverse("organization:unit_edit", args=[units["a"].pk]),
        {"code": "T01", "name": "城关镇", "category": "township", "parent": units["a_section"].pk, "active": "on"},
    )
    assert response.status_code == 200  # refused: below its own sub-unit
    assert response.context["form"].non_field_errors()
    assert client.get(reverse("organization:unit_list")).status_code == 200


def test_reporter_needs_a_unit(users):
    with pytest.raises(ValidationError):
        services.save_user(user=users["admin"], data={"username": "r9", "role": "reporter"})


def test_only_admin_manages_users(client, users, units):
    with pytest.raises(PermissionDenied):
        services.save_user(user=users["bureau"], data={"username": "x", "role": "leader"})
    client.force_login(users["bureau"])
    assert client.get(reverse("organization:user_list")).status_code == 403
    client.force_login(users["admin"])
    response = client.post(
        reverse("organization:user_create"),
        {
            "username": "lianluoyuan",
            "display_name": "联络员",
            "role": "reporter",
            "unit": units["b"].pk,
            "is_active": "on",
            "password": "Kq7-long-pass",
        },
    )
    assert response.status_code == 302
    account = User.objects.get(username="lianluoyuan")
    assert account.check_password("Kq7-long-pass") and account.unit == units["b"]
    assert client.get(reverse("organization:user_list")).status_code == 200


def test_weak_password_is_refused(client, users, units):
    client.force_login(users["admin"])
    response = client.post(
        reverse("organization:user_create"),
        {"username": "weak", "role": "leader", "is_active": "on", "password": "123"},
    )
    assert response.status_code == 200 and not User.objects.filter(username="weak").exists()
