"""重复申报 as a deduction item of the 考核办法: pairs the bureau decided were one project (merged), read by the
assessment's ``double_claims`` occurrence measure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .choices import PairStatus
from .models import ClaimPair


def double_claimants(pair: ClaimPair) -> list[int]:
    """The units that claimed a project another unit had: every unit credited (share above 0) to the project merged
    away that was not credited to the project kept, as both were just before the merge (``merged_record``)."""
    credits = (pair.merged_record or {}).get("credits") or {}
    kept = {row["unit"] for row in credits.get("kept", ())}
    return sorted(
        {row["unit"] for row in credits.get("absorbed", ()) if Decimal(row["share"]) > 0 and row["unit"] not in kept}
    )


def double_claims_in(start: dt.date, until: dt.date) -> list[tuple[int, int | None, list[int]]]:
    """(pair id, kept project id, the units that double-claimed) of every pair decided "same project" (merged)
    with its decision's local date inside [start, until], earliest decision first."""
    pairs = ClaimPair.objects.filter(status=PairStatus.SAME, decided_at__date__gte=start, decided_at__date__lte=until)
    return [(pair.pk, pair.kept_id, double_claimants(pair)) for pair in pairs.order_by("decided_at", "id")]
