"""Reading promises and complaints: the filtered lists a user may see, and the overdue counts (the leader's panel),
each the count of the list its link opens: ``overdue_counts`` counts ``promise_list``/``complaint_list`` with the
same filters, so a figure equals the rows it links to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse

from zhaoshang.core import clock
from zhaoshang.organization.models import Unit

from . import rules
from .models import Complaint, Promise


@dataclass(frozen=True)
class PromiseFilters:
    status: str = ""
    overdue: bool = False
    department: Unit | None = None
    kind: str = ""
    q: str = ""  # the investor's name (or the promise's words)


@dataclass(frozen=True)
class ComplaintFilters:
    status: str = ""
    overdue: bool = False
    department: Unit | None = None
    channel: str = ""
    q: str = ""


def promise_list(*, user, filters: PromiseFilters | None = None, today: dt.date | None = None) -> QuerySet:
    """The promises the user may see (the permission rule), narrowed by the filters; overdue first by due date."""
    f = filters or PromiseFilters()
    today = today or clock.today()
    rows = Promise.objects.restrict(user).select_related("investor", "project", "department")
    if f.status:
        rows = rows.filter(status=f.status)
    if f.overdue:
        rows = rows.filter(rules.promise_overdue_q(today))
    if f.department is not None:
        rows = rows.filter(department=f.department)
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if f.q:
        rows = rows.filter(Q(investor__name__icontains=f.q) | Q(content__icontains=f.q))
    return rows.order_by("due_on", "-id")


def complaint_list(*, user, filters: ComplaintFilters | None = None, today: dt.date | None = None) -> QuerySet:
    f = filters or ComplaintFilters()
    today = today or clock.today()
    rows = Complaint.objects.restrict(user).select_related("investor", "project", "department")
    if f.status:
        rows = rows.filter(status=f.status)
    if f.overdue:
        rows = rows.filter(rules.complaint_overdue_q(today))
    if f.department is not None:
        rows = rows.filter(department=f.department)
    if f.channel:
        rows = rows.filter(channel=f.channel)
    if f.q:
        rows = rows.filter(Q(investor__name__icontains=f.q) | Q(content__icontains=f.q))
    return rows.order_by("-received_on", "-id")


def promise_url(**params) -> str:
    return reverse("promises:list") + ("?" + urlencode(params) if params else "")


def complaint_url(**params) -> str:
    return reverse("promises:complaints") + ("?" + urlencode(params) if params else "")


def overdue_panel(*, user, today: dt.date | None = None, limit: int = 10) -> dict:
    """The leader's panel 逾期承诺与投诉: how many promises and complaints are overdue, each linking to its list's
    overdue filter (which shows exactly those rows), and the first of each."""
    today = today or clock.today()
    promises = promise_list(user=user, filters=PromiseFilters(overdue=True), today=today)
    complaints = complaint_list(user=user, filters=ComplaintFilters(overdue=True), today=today)
    return {
        "promises": {"count": promises.count(), "url": promise_url(overdue=1), "rows": list(promises[:limit])},
        "complaints": {
            "count": complaints.count(),
            "url": complaint_url(overdue=1),
            "rows": list(complaints.order_by("deadline", "-id")[:limit]),
        },
    }
