"""Reading the register of events and their results: the projects signed at each (the ledger's "signed" rule,
``projects.rules.reached_within_q``, and its amounts) and the leads collected there.

Events are read by everyone logged in; the projects and leads behind their figures are narrowed by the one
permission rule (``restrict``), so a reporter's figures are those of the rows their drill-down shows. The list's
figures are computed in one query (correlated subqueries over the same querysets the detail page lists)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from zhaoshang.projects import rules as ledger
from zhaoshang.projects.choices import Stage
from zhaoshang.projects.models import MONEY, Project

from .models import Event

ZERO = Decimal("0")


def lead_model():
    """The leads app's Lead, through the reverse relation (``Lead.event``): this app does not import leads."""
    return Event._meta.get_field("leads").related_model


def signed_projects(user) -> QuerySet:
    """The projects the user may see that have been signed (reached the signed stage on any date, the ledger's
    rule)."""
    return Project.objects.restrict(user).filter(ledger.reached_within_q(Stage.SIGNED, None, None))


def collected_leads(user) -> QuerySet:
    """The leads the user may see, less the duplicates merged into another lead (counted once, as that one)."""
    return lead_model().objects.restrict(user).filter(merged_into__isnull=True)


def _money_sum(queryset: QuerySet, column: str) -> Subquery:
    field = DecimalField(**MONEY)
    totals = queryset.filter(event=OuterRef("pk")).order_by().values("event").annotate(total=Sum(column))
    return Coalesce(Subquery(totals.values("total"), output_field=field), Value(ZERO), output_field=field)


def _count(queryset: QuerySet) -> Subquery:
    counts = queryset.filter(event=OuterRef("pk")).order_by().values("event").annotate(n=Count("pk"))
    return Coalesce(Subquery(counts.values("n"), output_field=IntegerField()), Value(0))


def with_figures(events: QuerySet, *, user) -> QuerySet:
    """``events`` with ``projects_signed``, ``contract_amount``, ``planned_investment`` (of those projects) and
    ``leads_collected``, as the user may see them: one query."""
    signed = signed_projects(user)
    return events.annotate(
        projects_signed=_count(signed),
        contract_amount=_money_sum(signed, "contract_amount"),
        planned_investment=_money_sum(signed, "planned_investment"),
        leads_collected=_count(collected_leads(user)),
    )


def event_list(*, user, level: str = "", year: int | None = None) -> QuerySet:
    events = Event.objects.select_related("unit")
    if level:
        events = events.filter(level=level)
    if year:
        events = events.filter(starts_on__year=year)
    return with_figures(events, user=user).order_by("-starts_on", "name", "pk")


def years() -> list[int]:
    """The years events start in, newest first (the list's year filter)."""
    return sorted({day.year for day in Event.objects.dates("starts_on", "year")}, reverse=True)


def totals(events) -> dict:
    """The sums of a list of events' figures (the list's and the workbook's last row)."""
    events = list(events)
    return {
        "projects_signed": sum(event.projects_signed for event in events),
        "contract_amount": sum((event.contract_amount for event in events), ZERO),
        "planned_investment": sum((event.planned_investment for event in events), ZERO),
        "leads_collected": sum(event.leads_collected for event in events),
    }


def event_projects(event: Event, *, user) -> list[Project]:
    """The projects signed at the event that the user may see, by signing date (``signed_date``, the ledger's
    ``ReachedOn``), with their credited units."""
    return list(
        signed_projects(user)
        .filter(event=event)
        .annotate(signed_date=ledger.ReachedOn(Stage.SIGNED))
        .select_related("responsible_unit")
        .prefetch_related("credits__unit")
        .order_by("signed_date", "code", "pk")
    )


def project_totals(projects: list[Project]) -> dict:
    return {
        "count": len(projects),
        "contract_amount": sum((project.contract_amount for project in projects), ZERO),
        "planned_investment": sum((project.planned_investment for project in projects), ZERO),
    }


def event_leads(event: Event, *, user) -> QuerySet:
    return collected_leads(user).filter(event=event).select_related("unit").order_by("-received_on", "-pk")
