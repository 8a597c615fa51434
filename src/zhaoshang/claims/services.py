"""Finding double claims: the pairs the check scores above the threshold are recorded for the bureau's review.

``find_pairs`` is the one writer of found pairs (the decisions are ``claims.decide``'s). A decided pair is never
changed or reopened: the bureau is never asked twice about one pair. Reasons are stored in the product's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from zhaoshang.projects.models import Project

from . import matching, selectors
from .choices import FoundBy, PairStatus
from .models import ClaimPair

POOL_LIMIT = selectors.POOL_LIMIT
CHUNK = selectors.CHUNK


def threshold() -> Decimal:
    return Decimal(str(getattr(settings, "DOUBLE_CLAIM_THRESHOLD", matching.DEFAULT_THRESHOLD)))


@transaction.atomic
def find_pairs(*, project_ids: Iterable[int] | None = None, found_by: str) -> list[ClaimPair]:
    """Score ``project_ids`` against the whole ledger (every project against every other when None), record the
    new pairs at or above the threshold, update the score and reasons of the open ones; decided pairs are left as
    they are. Returns the open pairs found, best first."""
    limit = threshold()
    ids = None if project_ids is None else sorted(set(project_ids))
    if ids is not None and not ids:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        if ids is not None and len(ids) <= POOL_LIMIT:
            probes = selectors.candidates(Project.objects.filter(pk__in=ids))
            pool = selectors.candidates_like(probes)
            pooled = {c.id for c in pool}
            index = matching.Index(pool + [p for p in probes if p.id not in pooled])
        else:
            index = matching.Index(selectors.candidates(Project.objects.all()))
        found = {
            ClaimPair.key_of(low, high): (low, high, value, reasons)
            for low, high, value, reasons in index.scored_pairs(ids, limit)
        }
        return _record(found, index, ids, found_by)


def _record(found: dict, index: matching.Index, ids: list[int] | None, found_by: str) -> list[ClaimPair]:
    keys = list(found)
    existing: dict[str, ClaimPair] = {}
    for start in range(0, len(keys), CHUNK):
        for pair in ClaimPair.objects.filter(key__in=keys[start : start + CHUNK]):
            existing[pair.key] = pair
    # Open pairs of these projects no longer found above the threshold keep their place, with their new score.
    stale = ClaimPair.objects.filter(status=PairStatus.OPEN, project_a__isnull=False, project_b__isnull=False)
    if ids is not None:
        stale = stale.filter(Q(project_a_id__in=ids) | Q(project_b_id__in=ids))
    for pair in stale:
        if pair.key in found or pair.project_a_id not in index.candidates or pair.project_b_id not in index.candidates:
            continue
        a, b = index.candidates[pair.project_a_id], index.candidates[pair.project_b_id]
        value, reasons = matching.score(a, b, index.keys[a.id], index.keys[b.id])
        found[pair.key] = (a.id, b.id, value, reasons)
        existing[pair.key] = pair
    new, changed = [], []
    for key, (low, high, value, reasons) in found.items():
        pair = existing.get(key)
        if pair is None:
            new.append(
                ClaimPair(
                    key=key,
                    project_a_id=low,
                    project_b_id=high,
                    code_a=index.candidates[low].code,
                    code_b=index.candidates[high].code,
                    score=value,
                    reasons=reasons,
                    found_by=found_by,
                )
            )
        elif pair.status == PairStatus.OPEN and (pair.score != value or pair.reasons != reasons):
            pair.score, pair.reasons = value, reasons
            pair.code_a, pair.code_b = index.candidates[low].code, index.candidates[high].code
            changed.append(pair)
    if new:
        bulk_create_with_history(new, ClaimPair, batch_size=CHUNK)
    if changed:
        bulk_update_with_history(changed, ClaimPair, ["score", "reasons", "code_a", "code_b"], batch_size=CHUNK)
    limit = threshold()
    wanted = [key for key, row in found.items() if row[2] >= limit]
    result: list[ClaimPair] = []
    for start in range(0, len(wanted), CHUNK):
        result.extend(ClaimPair.objects.filter(key__in=wanted[start : start + CHUNK], status=PairStatus.OPEN))
    result.sort(key=lambda pair: (-pair.score, pair.code_a))
    return result


def check_county() -> list[ClaimPair]:
    """The county-wide check: every project against every other (``zhaoshang double_claims``)."""
    return find_pairs(project_ids=None, found_by=FoundBy.CHECK)
