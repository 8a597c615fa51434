"""Reading the project library: what a user may see, filtered; the printable catalogue; counts per status."""

from __future__ import annotations

from django.db.models import Count, Q

from .choices import OpportunityStatus
from .models import Opportunity

# The printed catalogue: what the county still offers.
PRINTED_STATUSES = (OpportunityStatus.PUBLISHED, OpportunityStatus.IN_TALKS)


def opportunity_list(*, user, filters: dict | None = None):
    """The opportunities ``user`` may see, narrowed by the list's filters (status, industry, unit, investment
    from/to in 10k yuan, search in title, chain link, site and number)."""
    filters = filters or {}
    rows = Opportunity.objects.restrict(user).select_related("unit", "project")
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("industry"):
        rows = rows.filter(industry=filters["industry"])
    if filters.get("unit"):
        rows = rows.filter(unit=filters["unit"])
    if filters.get("min_investment") is not None:
        rows = rows.filter(investment__gte=filters["min_investment"])
    if filters.get("max_investment") is not None:
        rows = rows.filter(investment__lte=filters["max_investment"])
    if filters.get("q"):
        q = filters["q"]
        rows = rows.filter(
            Q(title__icontains=q) | Q(industry_chain__icontains=q) | Q(site__icontains=q) | Q(code__icontains=q)
        )
    return rows.order_by("code", "id")


def status_counts(*, user, filters: dict | None = None) -> list[tuple[str, str, int]]:
    """(status, label, count) of the list narrowed by every filter but the status: each count is the number of
    rows its link shows."""
    filters = {key: value for key, value in (filters or {}).items() if key != "status"}
    counted = dict(
        opportunity_list(user=user, filters=filters).order_by().values_list("status").annotate(n=Count("id"))
    )
    return [(value, label, counted.get(value, 0)) for value, label in OpportunityStatus.choices]


def catalogue(*, user):
    """The printed catalogue: published and in-talks opportunities, by catalogue number."""
    return opportunity_list(user=user).filter(status__in=PRINTED_STATUSES)


def landing_projects(user):
    """The projects an opportunity may be marked landed as: those the user sees."""
    from zhaoshang.projects.models import Project

    return Project.objects.restrict(user).order_by("-id")
