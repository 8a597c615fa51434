"""Reading leads: the list a user may see, filtered, and conversion by channel and by unit.

The figures of ``conversion`` link to ``lead_list`` with the same filters: each equals the rows its link shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from zhaoshang.core import clock

from . import rules
from .choices import OPEN_STATUSES, LeadStatus
from .models import Lead


def lead_list(user, filters: dict | None = None, *, today: dt.date | None = None) -> QuerySet:
    """The leads ``user`` may see, narrowed by the list's filters: q, status ("" every lead but the merged
    duplicates, "open", "overdue" or a status), unit and channel (an id, or "none"), source, year, mine."""
    filters = filters or {}
    today = today or clock.today()
    leads = Lead.objects.restrict(user).select_related("unit", "owner", "channel", "project")
    status = filters.get("status") or ""
    if status == "":
        leads = leads.exclude(status=LeadStatus.MERGED)
    elif status == "open":
        leads = leads.filter(rules.open_q())
    elif status == "overdue":
        leads = leads.filter(rules.overdue_q(today))
    else:
        leads = leads.filter(status=status)
    for name in ("unit", "channel"):
        value = filters.get(name)
        if value == "none":
            leads = leads.filter(**{f"{name}__isnull": True})
        elif value not in (None, ""):
            leads = leads.filter(**{f"{name}_id": value})
    if filters.get("source"):
        leads = leads.filter(source=filters["source"])
    if filters.get("year"):
        leads = leads.filter(received_on__year=filters["year"])
    if filters.get("mine"):
        leads = leads.filter(owner=user)
    q = (filters.get("q") or "").strip()
    if q:
        leads = leads.filter(
            Q(company__icontains=q)
            | Q(contact_name__icontains=q)
            | Q(introducer_name__icontains=q)
            | Q(description__icontains=q)
        )
    return leads.order_by("-received_on", "-id")


@dataclass
class ConversionRow:
    key: str  # the filter value: an id or "none"
    label: str
    received: int
    open: int
    converted: int
    closed: int

    @property
    def rate(self):
        return None if not self.received else self.converted * 100 / self.received


def conversion(user, *, by: str, year: int) -> list[ConversionRow]:
    """Leads received in ``year`` (merged duplicates left out), by ``by`` ("channel" or "unit"): how many, still
    open, converted into a project, closed."""
    leads = lead_list(user, {"year": year})
    name_field = f"{by}__name"
    rows = (
        leads.order_by()
        .values(f"{by}_id", name_field)
        .annotate(
            received=Count("id"),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            converted=Count("id", filter=Q(status=LeadStatus.CONVERTED)),
            closed=Count("id", filter=Q(status=LeadStatus.CLOSED)),
        )
    )
    result = [
        ConversionRow(
            key=str(row[f"{by}_id"]) if row[f"{by}_id"] else "none",
            label=row[name_field] or "",
            received=row["received"],
            open=row["open"],
            converted=row["converted"],
            closed=row["closed"],
        )
        for row in rows
    ]
    return sorted(result, key=lambda row: (-row.received, row.label))


def total(rows: list[ConversionRow]) -> ConversionRow:
    return ConversionRow(
        key="",
        label="",
        received=sum(r.received for r in rows),
        open=sum(r.open for r in rows),
        converted=sum(r.converted for r in rows),
        closed=sum(r.closed for r in rows),
    )


def counts_for_unit(user, unit_id: int, *, today: dt.date | None = None) -> dict:
    """The unit page's panel: open leads, overdue follow-ups, converted this year."""
    today = today or clock.today()
    leads = Lead.objects.restrict(user).filter(unit_id=unit_id)
    return leads.aggregate(
        open=Count("id", filter=rules.open_q()),
        overdue=Count("id", filter=rules.overdue_q(today)),
        converted=Count("id", filter=Q(status=LeadStatus.CONVERTED, converted_on__year=today.year)),
    )
