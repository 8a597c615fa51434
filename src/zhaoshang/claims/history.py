"""What a merge leaves to read: the projects merged into a project, for its page and its history."""

from __future__ import annotations

from .choices import PairStatus
from .models import ClaimPair


def merges_into(project_id: int):
    """The pairs decided "same project" that merged another project into this one, oldest first."""
    return ClaimPair.objects.filter(status=PairStatus.SAME, kept_id=project_id).select_related("decided_by")


def merged_into(project_id: int) -> list[int]:
    """The ids of the projects merged into this one (deleted; their history rows keep the ids)."""
    ids = []
    for record in merges_into(project_id).order_by("decided_at", "id").values_list("merged_record", flat=True):
        merged = ((record or {}).get("project") or {}).get("id")
        if merged is not None:
            ids.append(int(merged))
    return ids
