"""The chain rules, each written once: a Python predicate and its ORM form side by side (parity-tested).

- A link is a gap (缺链) when no local enterprise is on it.
- A target is being approached while its contact status is not landed or dropped.
- A project is on a chain or a link by ``projects.rules.on_chain`` (the ledger's rule, imported)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from .choices import ACTIVE_CONTACT


def is_gap(link) -> bool:
    """``link.local_enterprises`` (prefetched or not) is empty."""
    return not link.local_enterprises.all()


def gap_q():
    """ORM form of ``is_gap`` for a ChainLink queryset."""
    from .models import LocalEnterprise

    return ~Exists(LocalEnterprise.objects.filter(link=OuterRef("pk")))


def approaching(target) -> bool:
    return target.status in ACTIVE_CONTACT


def approaching_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": ACTIVE_CONTACT})
