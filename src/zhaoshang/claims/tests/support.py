"""A small factory of double-claim pairs for the tests: rows written directly, independent of the detector."""

from __future__ import annotations

from decimal import Decimal

from zhaoshang.claims.models import ClaimPair


def make_pair(project_a, project_b, *, score="0.900", reasons=("投资方相同", "项目名称相近"), **extra) -> ClaimPair:
    low, high = sorted((project_a, project_b), key=lambda p: p.pk)
    return ClaimPair.objects.create(
        key=ClaimPair.key_of(low.pk, high.pk),
        project_a=low,
        project_b=high,
        code_a=low.code,
        code_b=high.code,
        score=Decimal(score),
        reasons=list(reasons),
        **extra,
    )
