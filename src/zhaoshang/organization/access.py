"""Who may do what: the one place that reads a user's role and unit.

Views, the API, services, commands and templates ask this module; nothing else compares role strings
(``organization/tests/test_access.py`` scans the code for it).

* Roles. Admins and bureau staff read and change everything; county leaders and supervisors read
  everything and change nothing of the ledger; supervisors (and admins) verify and write supervision's
  records; a unit reporter reads and changes only the records of their own unit and its sub-units. A
  superuser counts as an admin whatever their ``role`` field says.
* Units. ``unit_ids(user)`` is the user's unit and every unit below it: what "their units" means
  everywhere. Which rows belong to those units is the model's to say (``unit_scope_q`` and the other hooks
  of ``core.permissions.RestrictedModel``); how a user reaches them is ``scope``, the one permission rule,
  which ``RestrictedQuerySet.restrict`` calls.
* Templates get ``access`` (this user's predicates) from the context processor ``context``:
  ``{% if access.edits_everything %}``.

This module imports only ``core`` and ``organization`` (the import contracts): a domain app that needs a
scope of its own declares it on its models.
"""

from __future__ import annotations

from functools import cached_property

from django.db import models

from zhaoshang.core.permissions import Action

from .choices import Role

_COUNTY_READERS = frozenset({Role.ADMIN, Role.BUREAU, Role.LEADER, Role.SUPERVISOR})
_COUNTY_WRITERS = frozenset({Role.ADMIN, Role.BUREAU})
_VERIFIERS = frozenset({Role.ADMIN, Role.SUPERVISOR})


# --- roles ---------------------------------------------------------------------------------------------


def is_active(user) -> bool:
    """Logged in with an account that is not switched off."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def _role(user) -> str | None:
    return getattr(user, "role", None)


def _superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False))


def is_admin(user) -> bool:
    """System administrators: they also keep the user accounts."""
    return _superuser(user) or _role(user) == Role.ADMIN


def edits_everything(user) -> bool:
    """Admins and bureau staff: they read and change every unit's records and keep the settings."""
    return _superuser(user) or _role(user) in _COUNTY_WRITERS


def reads_everything(user) -> bool:
    """Every county role: admins, bureau staff, leaders and supervisors read the whole county."""
    return _superuser(user) or _role(user) in _COUNTY_READERS


def is_reporter(user) -> bool:
    """A unit reporter: they see and change only their own units' records (never a superuser)."""
    return not _superuser(user) and _role(user) == Role.REPORTER


def is_leader(user) -> bool:
    """A county leader: reads figures, so their home is the dashboard."""
    return not _superuser(user) and _role(user) == Role.LEADER


_SECOND_FACTOR_ROLES = frozenset({Role.ADMIN, Role.BUREAU, Role.SUPERVISOR})


def needs_second_factor(user) -> bool:
    """Bureau staff, admins and supervisors: the roles ZHAOSHANG_REQUIRE_2FA makes enrol a TOTP device."""
    return is_active(user) and (_superuser(user) or _role(user) in _SECOND_FACTOR_ROLES)


def can_verify(user) -> bool:
    """Supervisors and admins select projects, verify them and review rectifications."""
    return is_active(user) and (_superuser(user) or _role(user) in _VERIFIERS)


def reads_change_log(user) -> bool:
    """Admins and supervisors read the system-wide change log (every record's history, deleted ones too)."""
    return is_active(user) and (_superuser(user) or _role(user) in {Role.ADMIN, Role.SUPERVISOR})


def bound_to_unit(role: str | None) -> bool:
    """Whether an account of this role needs a unit: a reporter's unit bounds everything they see."""
    return role == Role.REPORTER


def gets_admin_site(user) -> bool:
    """Who may open Django's admin site (``is_staff``): the administrators."""
    return is_admin(user)


# Users of a role, for choosing whom to notify. ``is_active`` is the caller's to add.
def reporters_q() -> models.Q:
    return models.Q(role=Role.REPORTER, is_superuser=False)


def leaders_q() -> models.Q:
    return models.Q(role=Role.LEADER)


def bureau_q() -> models.Q:
    return models.Q(role=Role.BUREAU)


def admins_q() -> models.Q:
    return models.Q(role=Role.ADMIN) | models.Q(is_superuser=True)


# --- units ---------------------------------------------------------------------------------------------


def unit_ids(user) -> frozenset[int]:
    """The ids of the user's unit and every unit below it (empty without a unit).

    Read once per user object (a request's user) and kept on it while its unit stays the same."""
    unit_id = getattr(user, "unit_id", None)
    if not unit_id:
        return frozenset()
    cached = getattr(user, "_zs_unit_ids", None)
    if cached is None or cached[0] != unit_id:
        from .selectors import subtree_ids

        cached = (unit_id, frozenset(subtree_ids(unit_id)))
        user._zs_unit_ids = cached
    return cached[1]


def visible_unit_ids(user) -> frozenset[int] | None:
    """The units whose figures the user may see: ``None`` means every unit (the county roles)."""
    return None if reads_everything(user) else unit_ids(user)


def visibility_key(user) -> str:
    """A cache key part for what the user sees: one for every county role, one per reporter and unit."""
    return "all" if reads_everything(user) else f"{user.pk}:{_role(user)}:{getattr(user, 'unit_id', None)}"


# --- the permission rule ------------------------------------------------------------------------------


def scope(queryset: models.QuerySet, user, action: Action = "view") -> models.QuerySet:
    """The rows of ``queryset`` that ``user`` may ``action``: the one permission rule.

    Rows private to a user are theirs alone. Otherwise admins and bureau staff do anything the model lets the
    bureau do; supervisors (and admins) anything the model gives supervisors; every county role reads; a
    reporter reads the rows that belong to their units (the model's ``unit_scope_q``) and changes those the
    model lets them (``reporter_may``, ``unit_write_q``). Anyone else gets nothing."""
    model = queryset.model
    if not is_active(user):
        return queryset.none()
    if model.private_to:
        return queryset.filter(**{model.private_to: user}) if model.owner_may(action) else queryset.none()
    if edits_everything(user) and model.bureau_may(action):
        return queryset
    if can_verify(user) and model.supervisor_may(action):
        return queryset
    if action == "view" and reads_everything(user):
        return queryset
    if is_reporter(user) and model.reporter_may(action):
        ids = unit_ids(user)
        if not ids:
            return queryset.none()
        return queryset.filter(model.unit_scope_q(ids) if action == "view" else model.unit_write_q(ids))
    return queryset.none()


# --- templates -----------------------------------------------------------------------------------------


class UserAccess:
    """One user's predicates, for templates (``{{ access.is_reporter }}``)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def is_admin(self) -> bool:
        return is_admin(self.user)

    @cached_property
    def edits_everything(self) -> bool:
        return edits_everything(self.user)

    @cached_property
    def reads_everything(self) -> bool:
        return reads_everything(self.user)

    @cached_property
    def is_reporter(self) -> bool:
        return is_reporter(self.user)

    @cached_property
    def is_leader(self) -> bool:
        return is_leader(self.user)

    @cached_property
    def can_verify(self) -> bool:
        return can_verify(self.user)

    @cached_property
    def reads_change_log(self) -> bool:
        return reads_change_log(self.user)


def context(request) -> dict:
    """Context processor (settings ``TEMPLATES``): ``access`` for the request's user."""
    return {"access": UserAccess(getattr(request, "user", None))}
