"""Reading double claims: the open pairs for the command, and a project's pairs as a user may see them.

The reporter rule: a pair's other project is named only to a user who may view it
(``Project.objects.restrict(user, "view")``); anyone else learns only that another unit recorded a similar project.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q

from zhaoshang.projects.models import Project, ProjectCredit
from zhaoshang.projects.names import company_key, ngrams, project_name_key

from . import matching
from .choices import PairStatus
from .models import ClaimPair

# Above this many projects to check, the whole ledger is read once instead of a pre-filtered pool per project.
POOL_LIMIT = 200
POOL_ROWS = 5000
CHUNK = 2000
COLUMNS = (
    "id", "code", "name", "investor__name", "investor__credit_code", "location", "planned_investment",
    "signed_on", "created_at", "responsible_unit_id",
)  # fmt: skip


def candidates(queryset) -> list[matching.Candidate]:
    """The projects of ``queryset`` as the check reads them (two queries, the credits by chunks)."""
    rows = list(queryset.values_list(*COLUMNS))
    units: dict[int, set[int]] = defaultdict(set)
    ids = [row[0] for row in rows]
    for start in range(0, len(ids), CHUNK):
        for project_id, unit_id in ProjectCredit.objects.filter(project_id__in=ids[start : start + CHUNK]).values_list(
            "project_id", "unit_id"
        ):
            units[project_id].add(unit_id)
    result = []
    for pk, code, name, investor, credit_code, location, planned, signed_on, created, responsible in rows:
        own = units.get(pk) or ({responsible} if responsible else set())
        result.append(
            matching.Candidate(
                id=pk,
                code=code,
                name=name,
                investor=investor or "",
                credit_code=credit_code or "",
                location=location or "",
                # The reason says "planned investment": that is the amount compared.
                amount=planned if planned else None,
                signed_on=signed_on,
                created_on=created.date() if created else None,
                units=frozenset(own),
            )
        )
    return result


def pool_query(probes: Iterable[matching.Candidate]) -> Q:
    """A database filter for the projects that may pair with ``probes``: the same credit code, an investor whose
    name holds the normalised investor, or a name holding two of the name key's bigrams."""
    query = Q(pk__in=[])
    for probe in probes:
        if probe.credit_code:
            query |= Q(investor__credit_code=probe.credit_code.strip().upper())
        company = company_key(probe.investor) if probe.investor else ""
        if len(company) >= 2:
            query |= Q(investor__name__contains=company)
        grams = sorted(ngrams(project_name_key(probe.name)))
        if len(grams) == 1:
            query |= Q(name__contains=grams[0])
        for first, second in itertools.pairwise(grams):
            query |= Q(name__contains=first) & Q(name__contains=second)
    return query


def candidates_like(probes: list[matching.Candidate]) -> list[matching.Candidate]:
    """The ledger's projects that may pair with ``probes`` (bounded: at most ``POOL_ROWS``)."""
    ids = list(Project.objects.filter(pool_query(probes)).order_by("-id").values_list("id", flat=True)[:POOL_ROWS])
    return candidates(Project.objects.filter(pk__in=ids))


def open_pairs_for_export() -> list[tuple[str, str, Decimal, list[str]]]:
    """Every open pair as (code a, code b, score, reasons), best first then by code a (the command's order)."""
    rows = ClaimPair.objects.filter(status=PairStatus.OPEN).values_list("code_a", "code_b", "score", "reasons")
    return sorted(rows, key=lambda row: (-row[2], row[0]))


@dataclasses.dataclass(frozen=True)
class Similar:
    """A project similar to the one shown, as the user may see it: ``other`` is None when it is hidden from them."""

    other: Project | None
    score: Decimal
    reasons: list[str]
    pair: ClaimPair | None = None


def visible_ids(user, ids) -> set[int]:
    """The ids among ``ids`` of the projects ``user`` may view."""
    return set(Project.objects.restrict(user, "view").filter(pk__in=list(ids)).values_list("pk", flat=True))


def open_pairs_of(user, project: Project) -> list[Similar]:
    """The open pairs of ``project``, best first, the other project hidden (None) when ``user`` may not view it."""
    pairs = list(
        ClaimPair.objects.filter(status=PairStatus.OPEN)
        .filter(Q(project_a=project) | Q(project_b=project))
        .order_by("-score", "id")
    )
    others = {pair.project_b_id if pair.project_a_id == project.pk else pair.project_a_id for pair in pairs}
    shown = Project.objects.restrict(user, "view").filter(pk__in=[pk for pk in others if pk]).in_bulk()
    result = []
    for pair in pairs:
        other_id = pair.project_b_id if pair.project_a_id == project.pk else pair.project_a_id
        result.append(Similar(other=shown.get(other_id), score=pair.score, reasons=pair.reasons, pair=pair))
    return result


def shown_pairs(user, pairs: list[ClaimPair]) -> list[dict]:
    """Pairs found by an import, as ``user`` may see them: {"pair", "a", "b"} with a project None when hidden."""
    ids = {pk for pair in pairs for pk in (pair.project_a_id, pair.project_b_id) if pk}
    shown = Project.objects.restrict(user, "view").filter(pk__in=list(ids)).in_bulk()
    return [{"pair": pair, "a": shown.get(pair.project_a_id), "b": shown.get(pair.project_b_id)} for pair in pairs]


def similar_projects(user, probe: matching.Candidate, threshold: Decimal, limit: int = 5) -> list[Similar]:
    """The ledger's projects like ``probe`` (a project being typed; ``probe.id`` is the project edited, or 0),
    best first, at most ``limit``, each hidden (other=None) when ``user`` may not view it."""
    found = matching.similar_to(probe, candidates_like([probe]), threshold)[:limit]
    shown = Project.objects.restrict(user, "view").filter(pk__in=[c.id for c, _s, _r in found]).in_bulk()
    return [Similar(other=shown.get(candidate.id), score=value, reasons=reasons) for candidate, value, reasons in found]


def hidden_last(similar: list) -> list:
    """The pairs whose other project the user may view first, then those hidden: the templates say "another unit
    has recorded a similar project" once for all of them."""
    return sorted(similar, key=lambda item: item.other is None)
