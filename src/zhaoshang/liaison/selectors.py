"""Reading enterprises and demands: the filtered lists a user may see, the figures per department handling
demands, and the dashboard tile.

Every count here is the number of rows of ``demand_list`` with the same filters (department, status, overdue,
satisfaction), so a figure that links to the list equals the rows the list shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from zhaoshang.organization.models import Unit

from . import rules
from .choices import DemandStatus
from .models import Demand, Enterprise

# The list's satisfaction filter: any answer, a content one (the rate's numerator), or one answer.
ANSWERED, CONTENT = "answered", "content"


@dataclass(frozen=True)
class EnterpriseFilters:
    unit: Unit | None = None
    industry: str = ""
    size: str = ""
    q: str = ""


def enterprise_list(*, user, filters: EnterpriseFilters | None = None):
    f = filters or EnterpriseFilters()
    rows = Enterprise.objects.restrict(user).select_related("unit")
    if f.unit is not None:
        rows = rows.filter(unit=f.unit)
    if f.industry:
        rows = rows.filter(industry=f.industry)
    if f.size:
        rows = rows.filter(size=f.size)
    if f.q:
        rows = rows.filter(Q(name__icontains=f.q) | Q(credit_code__icontains=f.q) | Q(address__icontains=f.q))
    return rows.annotate(
        open_demands=Count("demands", filter=rules.open_q("demands__"), distinct=True),
        visit_count=Count("visits", distinct=True),
    ).order_by("unit__code", "name", "id")


@dataclass(frozen=True)
class DemandFilters:
    department: Unit | None = None
    unit: Unit | None = None  # the enterprise's township or park
    enterprise: Enterprise | None = None
    status: str = ""  # a status, or "open" for open and in progress together ("pending")
    overdue: bool = False
    category: str = ""
    satisfaction: str = ""  # ANSWERED, CONTENT or one answer
    q: str = ""


PENDING = "pending"


def demand_list(*, user, today: dt.date, filters: DemandFilters | None = None):
    """The demands the user may see (the permission rule), narrowed by the filters."""
    f = filters or DemandFilters()
    rows = Demand.objects.restrict(user).select_related("enterprise", "enterprise__unit", "department")
    if f.department is not None:
        rows = rows.filter(department=f.department)
    if f.unit is not None:
        rows = rows.filter(enterprise__unit=f.unit)
    if f.enterprise is not None:
        rows = rows.filter(enterprise=f.enterprise)
    if f.status == PENDING:
        rows = rows.filter(rules.open_q())
    elif f.status:
        rows = rows.filter(status=f.status)
    if f.overdue:
        rows = rows.filter(rules.overdue_q(today))
    if f.category:
        rows = rows.filter(category=f.category)
    if f.satisfaction == ANSWERED:
        rows = rows.filter(rules.answered_q())
    elif f.satisfaction == CONTENT:
        rows = rows.filter(rules.satisfied_q())
    elif f.satisfaction:
        rows = rows.filter(satisfaction=f.satisfaction)
    if f.q:
        rows = rows.filter(Q(description__icontains=f.q) | Q(enterprise__name__icontains=f.q))
    return rows.order_by("deadline", "id")


def demands_url(**params) -> str:
    query = {key: (value.pk if hasattr(value, "pk") else value) for key, value in params.items() if value}
    query = {key: ("1" if value is True else value) for key, value in query.items()}
    return reverse("liaison:demands") + ("?" + urlencode(query) if query else "")


def rate(part: int, whole: int) -> Decimal | None:
    """A percentage with one decimal, or None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class DepartmentRow:
    department: Unit | None  # None: the total
    received: int
    pending: int
    closed: int
    overdue: int
    answered: int
    satisfied: int

    @property
    def closure_rate(self):
        return rate(self.closed, self.received)

    @property
    def satisfaction_rate(self):
        return rate(self.satisfied, self.answered)

    def url(self, **extra) -> str:
        return demands_url(department=self.department, **extra)

    @property
    def received_url(self):
        return self.url()

    @property
    def pending_url(self):
        return self.url(status=PENDING)

    @property
    def closed_url(self):
        return self.url(status=DemandStatus.CLOSED, satisfaction=CONTENT)

    @property
    def overdue_url(self):
        return self.url(overdue=True)

    @property
    def answered_url(self):
        return self.url(satisfaction=ANSWERED)

    @property
    def satisfied_url(self):
        return self.url(satisfaction=CONTENT)


def _counts(today: dt.date) -> dict:
    return dict(
        received=Count("id"),
        pending=Count("id", filter=rules.open_q()),
        closed=Count("id", filter=rules.closed_q()),
        overdue=Count("id", filter=rules.overdue_q(today)),
        answered=Count("id", filter=rules.answered_q()),
        satisfied=Count("id", filter=rules.satisfied_q()),
    )


def by_department(*, user, today: dt.date) -> list[DepartmentRow]:
    """Per department handling demands the user may see: received, pending, closed out, overdue, answered and
    satisfied, most overdue first (which departments leave demands open past their deadline), then a total
    row when more than one."""
    rows = Demand.objects.restrict(user).order_by()
    grouped = rows.values("department_id").annotate(**_counts(today))
    departments = Unit.objects.in_bulk([g["department_id"] for g in grouped])
    result = []
    for g in grouped:
        values = {key: g[key] for key in ("received", "pending", "closed", "overdue", "answered", "satisfied")}
        result.append(DepartmentRow(department=departments[g["department_id"]], **values))
    result.sort(key=lambda r: (-r.overdue, -(r.pending), r.department.code))
    if len(result) > 1:
        total = rows.aggregate(**_counts(today))
        result.append(DepartmentRow(department=None, **total))
    return result


def tile(*, user, today: dt.date) -> dict:
    """The dashboard tile: pending and overdue demands, closure and satisfaction rates (of what the user sees)."""
    found = Demand.objects.restrict(user).order_by().aggregate(**_counts(today))
    row = DepartmentRow(department=None, **found)
    return {"row": row, "url": reverse("liaison:departments")}


def bulletin_block(since: dt.date, as_of: dt.date) -> dict | None:
    """The bulletin's section 市场主体包联走访诉求办理: per department handling demands, county-wide and as of
    ``as_of`` (``rules``' as-of forms), the demands of the period: raised from ``since``, or earlier and not yet
    closed out by then. Received, closed out, closure rate, still open, of them overdue, and the satisfaction
    rate of the enterprises' answers (their last answer). Most overdue first. None when the period has none."""
    rows = Demand.objects.filter(rules.raised_by_q(as_of)).filter(
        Q(raised_on__gte=since) | ~rules.closed_by_q(since - dt.timedelta(days=1))
    )
    counts = dict(
        received=Count("id"),
        closed=Count("id", filter=rules.closed_by_q(as_of)),
        overdue=Count("id", filter=rules.overdue_on_q(as_of)),
        answered=Count("id", filter=rules.answered_q()),
        satisfied=Count("id", filter=rules.satisfied_q()),
    )
    grouped = list(rows.order_by().values("department_id").annotate(**counts))
    if not grouped:
        return None
    departments = Unit.objects.in_bulk([g["department_id"] for g in grouped])

    def line(name, code, g):
        return {
            "unit": name,
            "unit_code": code,
            "received": g["received"],
            "closed": g["closed"],
            "pending": g["received"] - g["closed"],
            "overdue": g["overdue"],
            "closure_rate": _text(rate(g["closed"], g["received"])),
            "answered": g["answered"],
            "satisfaction_rate": _text(rate(g["satisfied"], g["answered"])),
        }

    lines = [line(departments[g["department_id"]].name, departments[g["department_id"]].code, g) for g in grouped]
    lines.sort(key=lambda x: (-x["overdue"], -x["pending"], x["unit_code"]))
    return {
        "since": since.isoformat(),
        "as_of": as_of.isoformat(),
        "lines": lines,
        "totals": line("", "", rows.order_by().aggregate(**counts)),
    }


def _text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:f}"
