"""Querysets that can be narrowed to what one user may see or change.

Every queryset that serves a user — pages, exports, downloads, the API — is narrowed by
``restrict(user, action)``. The rule itself (who reads and changes what) is written once, in
``zhaoshang.organization.access.scope``; each model only declares its part of it through the hooks of
``RestrictedModel``: which rows belong to a set of units (``unit_scope_q``, ``unit_write_q``), and what
reporters, the bureau and supervisors may do with it.

``core`` imports no domain app, so the organization app installs its rule here when Django starts
(``OrganizationConfig.ready``). Without it ``restrict`` refuses to answer rather than guess.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from django.core.exceptions import ImproperlyConfigured
from django.db import models

Action = Literal["view", "add", "change", "delete"]
WRITE_ACTIONS = {"add", "change", "delete"}

Rule = Callable[[models.QuerySet, object, str], models.QuerySet]
_rule: Rule | None = None


def install_rule(rule: Rule) -> None:
    """Called once by the organization app: ``rule(queryset, user, action)`` narrows a queryset."""
    global _rule
    _rule = rule


class RestrictedQuerySet(models.QuerySet):
    """A queryset that can be narrowed to what one user may see or change."""

    def restrict(self, user, action: Action = "view"):
        if _rule is None:
            raise ImproperlyConfigured("No permission rule installed: is zhaoshang.organization in INSTALLED_APPS?")
        return _rule(self, user, action)


class RestrictedModel(models.Model):
    """Base for models whose rows belong to units. The hooks below are read by ``organization.access``."""

    objects = RestrictedQuerySet.as_manager()

    # A model whose rows are private to one user names the field that points to that user (notifications);
    # ``owner_may`` then says what the user may do with their own rows, and nobody else sees any.
    private_to: str | None = None

    class Meta:
        abstract = True

    @classmethod
    def unit_scope_q(cls, unit_ids: frozenset[int]) -> models.Q:  # pragma: no cover - abstract
        """The rows that belong to any of these units (a reporter reads these)."""
        raise NotImplementedError

    @classmethod
    def unit_write_q(cls, unit_ids: frozenset[int]) -> models.Q:
        """The rows a reporter of these units may change; by default the rows they read."""
        return cls.unit_scope_q(unit_ids)

    @classmethod
    def reporter_may(cls, action: Action) -> bool:
        return True

    @classmethod
    def bureau_may(cls, action: Action) -> bool:
        return True

    @classmethod
    def supervisor_may(cls, action: Action) -> bool:
        """Whether supervisors (and admins) may do this to every row, beyond reading (supervision's records)."""
        return False

    @classmethod
    def owner_may(cls, action: Action) -> bool:
        """With ``private_to``: what a user may do with their own rows."""
        return action == "view"
