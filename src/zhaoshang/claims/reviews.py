"""Reads of the bureau's review of double claims: the pairs listed, and a pair's two projects side by side.

(Kept apart from ``selectors.py``, the detection's reads.)"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from zhaoshang.organization.models import Unit
from zhaoshang.projects.models import Project

from .choices import PairStatus
from .decide import may_review
from .models import ClaimPair

DECIDED = (PairStatus.SAME, PairStatus.DIFFERENT, PairStatus.PHASE)
SIDE_RELATED = ("investor", "responsible_unit", "created_by")


def pair_list(*, user, decided: bool = False, status: str = "", unit: Unit | None = None, min_score=None):
    """The pairs to review (open, best score first) or those decided (latest decision first), filtered by a
    decision, a unit (either project credited to it or its responsibility) and a least score. County roles only."""
    if not may_review(user):
        raise PermissionDenied
    pairs = ClaimPair.objects.select_related("project_a", "project_b", "decided_by", "kept")
    if decided:
        pairs = pairs.filter(status__in=DECIDED).order_by("-decided_at", "-id")
        if status in DECIDED:
            pairs = pairs.filter(status=status)
    else:
        pairs = pairs.filter(status=PairStatus.OPEN).order_by("-score", "id")
    if unit is not None:
        ids = Project.objects.filter(Project.unit_scope_q([unit.pk])).values("pk")
        pairs = pairs.filter(Q(project_a__in=ids) | Q(project_b__in=ids))
    if min_score is not None:
        pairs = pairs.filter(score__gte=Decimal(min_score))
    return pairs


def sides_of(pairs) -> list[tuple[ClaimPair, list[Project | None]]]:
    """Each pair with its two projects as they are now (None for one merged away), with what the page shows of
    each: one read of the projects for all the pairs."""
    pairs = list(pairs)
    ids = {pk for pair in pairs for pk in (pair.project_a_id, pair.project_b_id) if pk}
    found = {
        p.pk: p
        for p in Project.objects.filter(pk__in=ids).select_related(*SIDE_RELATED).prefetch_related("credits__unit")
    }
    return [(pair, [found.get(pair.project_a_id), found.get(pair.project_b_id)]) for pair in pairs]


def sides(pair: ClaimPair) -> list[Project | None]:
    """The pair's two projects as they are now (None for one merged away)."""
    return sides_of([pair])[0][1]


def get_pair(*, user, pk) -> ClaimPair:
    if not may_review(user):
        raise PermissionDenied
    return ClaimPair.objects.select_related("decided_by", "kept").get(pk=pk)
