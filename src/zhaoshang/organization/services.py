"""Writes to the organisation: units and users."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core.history import as_user

from . import access
from .models import Unit, User

UNIT_FIELDS = ("code", "name", "parent", "category", "tier", "active")


def _check_manages_units(user) -> None:
    if not access.edits_everything(user):
        raise PermissionDenied


def parent_errors(unit: Unit, parent: Unit | None) -> list[str]:
    """A unit cannot sit below itself."""
    if parent is None or unit.pk is None:
        return []
    seen, current = set(), parent
    while current is not None:
        if current.pk == unit.pk:
            return [_("A unit cannot be placed under itself or one of its sub-units.")]
        if current.pk in seen:
            break
        seen.add(current.pk)
        current = current.parent
    return []


@transaction.atomic
def save_unit(*, user, unit: Unit | None = None, data: dict) -> Unit:
    _check_manages_units(user)
    unit = unit or Unit()
    errors = parent_errors(unit, data.get("parent"))
    if errors:
        raise ValidationError(errors)
    for name in UNIT_FIELDS:
        if name in data:
            setattr(unit, name, data[name])
    unit.full_clean()
    as_user(unit, user).save()
    return unit


USER_FIELDS = ("username", "display_name", "email", "phone", "unit", "role", "is_active")


def user_errors(data: dict) -> list[str]:
    if access.bound_to_unit(data.get("role")) and not data.get("unit"):
        return [_("A unit reporter must belong to a unit.")]
    return []


@transaction.atomic
def save_user(*, user, account: User | None = None, data: dict, password: str | None = None) -> User:
    if not access.is_admin(user):
        raise PermissionDenied
    errors = user_errors(data)
    if errors:
        raise ValidationError(errors)
    account = account or User()
    for name in USER_FIELDS:
        if name in data:
            setattr(account, name, data[name])
    if password is not None and password != "" and not password.strip():
        raise ValidationError(_("A password is required."))
    if password:
        account.set_password(password)
    elif account.pk is None:
        raise ValidationError(_("A password is required."))
    account.is_staff = access.gets_admin_site(account)
    account.full_clean(exclude=["password"])
    as_user(account, user).save()
    return account
