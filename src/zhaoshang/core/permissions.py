"""The one permission rule.

Every queryset that serves a user — pages, exports, downloads, the API — is narrowed by
``restrict(user, action)``. Bureau staff and admins read and change everything; leaders and
supervisors read everything and change nothing here; a reporter reads and changes only records of
their own unit and its sub-units. Each model says what "belongs to these units" means through
``unit_scope_q``.
"""

from __future__ import annotations

from typing import Literal

from django.db import models

Action = Literal["view", "add", "change", "delete"]
WRITE_ACTIONS = {"add", "change", "delete"}


def user_unit_ids(user) -> frozenset[int]:
    """The ids of the user's unit and all units below it (cached on the user for the request)."""
    cached = getattr(user, "_zs_unit_ids", None)
    if cached is None:
        from zhaoshang.organization.selectors import subtree_ids

        cached = frozenset(subtree_ids(user.unit_id)) if getattr(user, "unit_id", None) else frozenset()
        user._zs_unit_ids = cached
    return cached


class RestrictedQuerySet(models.QuerySet):
    """A queryset that can be narrowed to what one user may see or change."""

    def restrict(self, user, action: Action = "view"):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.edits_everything and self.model.bureau_may(action):
            return self
        if action == "view" and user.reads_everything:
            return self
        if user.role == "reporter" and self.model.reporter_may(action):
            unit_ids = user_unit_ids(user)
            if not unit_ids:
                return self.none()
            return self.filter(self.model.unit_scope_q(unit_ids))
        return self.none()


class RestrictedModel(models.Model):
    """Base for models whose rows belong to units."""

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def unit_scope_q(cls, unit_ids: frozenset[int]) -> models.Q:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def reporter_may(cls, action: Action) -> bool:
        return True

    @classmethod
    def bureau_may(cls, action: Action) -> bool:
        return True


def restrict(queryset: models.QuerySet, user, action: Action = "view") -> models.QuerySet:
    """Functional spelling of ``queryset.restrict(user, action)``."""
    return queryset.restrict(user, action)
