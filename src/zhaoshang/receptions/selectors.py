"""Reading receptions and trips: the filtered list a user may see with its totals, the monthly counts per unit
(receptions' batches and persons, trips) and the figures the dashboard and the bulletin show.

Every count here is the sum over the rows of ``reception_list`` with the same filters (unit, kind, month), so a
figure that links to the list equals the totals row the list shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth
from django.urls import reverse

from zhaoshang.organization.models import Unit

from .choices import ReceptionKind
from .models import Reception

MONTHS = tuple(range(1, 13))


@dataclass(frozen=True)
class Filters:
    unit: Unit | None = None
    kind: str = ""
    month: dt.date | None = None  # the first day of a month
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""


def month_end(first: dt.date) -> dt.date:
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def reception_list(*, user, filters: Filters | None = None):
    """The receptions and trips the user may see (the permission rule), narrowed by the filters. ``unit`` is the
    unit the row is recorded for (not its sub-units): the counts per unit count the same rows."""
    f = filters or Filters()
    rows = Reception.objects.restrict(user).select_related("unit")
    if f.unit is not None:
        rows = rows.filter(unit=f.unit)
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if f.month is not None:
        rows = rows.filter(date__gte=f.month, date__lte=month_end(f.month))
    if f.date_from is not None:
        rows = rows.filter(date__gte=f.date_from)
    if f.date_to is not None:
        rows = rows.filter(date__lte=f.date_to)
    if f.q:
        rows = rows.filter(
            Q(companies__icontains=f.q)
            | Q(place__icontains=f.q)
            | Q(purpose__icontains=f.q)
            | Q(our_people__icontains=f.q)
            | Q(outcome__icontains=f.q)
        )
    return rows.order_by("-date", "-id")


def totals(rows) -> dict:
    """Records, batches and persons of these rows (the list's totals row)."""
    found = rows.order_by().aggregate(records=Count("id"), batches=Sum("batches"), persons=Sum("persons"))
    return {"records": found["records"] or 0, "batches": found["batches"] or 0, "persons": found["persons"] or 0}


def list_url(**params) -> str:
    """The list filtered: ``unit`` (id), ``kind``, ``month`` (a date: its month), ``date_from``, ``date_to``."""
    query = {}
    for key, value in params.items():
        if value in (None, ""):
            continue
        if key == "month":
            value = f"{value:%Y-%m}"
        elif isinstance(value, dt.date):
            value = value.isoformat()
        query[key] = value
    return reverse("receptions:list") + ("?" + urlencode(query) if query else "")


# --- monthly counts per unit ----------------------------------------------------------------------------


@dataclass
class Cell:
    """One unit's month (or year): receptions' batches and persons, and the trips (records of kind trip)."""

    batches: int = 0
    persons: int = 0
    trips: int = 0
    reception_url: str = ""
    trip_url: str = ""

    @property
    def empty(self) -> bool:
        return not (self.batches or self.persons or self.trips)


@dataclass
class UnitRow:
    unit: Unit | None  # None: the total of all units
    months: list[Cell] = field(default_factory=list)
    year: Cell = field(default_factory=Cell)


def _add(cell: Cell, kind: str, batches: int, persons: int, records: int) -> None:
    if kind == ReceptionKind.TRIP:
        cell.trips += records
    else:
        cell.batches += batches
        cell.persons += persons


def monthly_counts(user, year: int, *, unit: Unit | None = None) -> list[UnitRow]:
    """Per unit the user may see that recorded any in ``year`` (or only ``unit``), per month: the receptions'
    batches and persons and the number of trips, with the year's and a total row (last) when more than one
    unit. Each cell links to the list of the rows it counts."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = Reception.objects.restrict(user).filter(date__gte=start, date__lte=end)
    if unit is not None:
        rows = rows.filter(unit=unit)
    grouped = (
        rows.order_by()
        .annotate(month=ExtractMonth("date"))
        .values("unit_id", "kind", "month")
        .annotate(batches=Sum("batches"), persons=Sum("persons"), records=Count("id"))
    )
    by_unit: dict[int, UnitRow] = {}
    total = UnitRow(unit=None, months=[Cell() for _ in MONTHS])
    units = Unit.objects.in_bulk({g["unit_id"] for g in grouped} | ({unit.pk} if unit else set()))
    for unit_id, found in units.items():
        by_unit[unit_id] = UnitRow(unit=found, months=[Cell() for _ in MONTHS])
    for g in grouped:
        row = by_unit[g["unit_id"]]
        for target in (row.months[g["month"] - 1], row.year, total.months[g["month"] - 1], total.year):
            _add(target, g["kind"], g["batches"] or 0, g["persons"] or 0, g["records"])
    result = sorted(by_unit.values(), key=lambda r: r.unit.code)
    for row in [*result, total]:
        unit_id = row.unit.pk if row.unit else None
        for number, cell in zip(MONTHS, row.months, strict=True):
            first = dt.date(year, number, 1)
            cell.reception_url = list_url(unit=unit_id, kind=ReceptionKind.RECEPTION, month=first)
            cell.trip_url = list_url(unit=unit_id, kind=ReceptionKind.TRIP, month=first)
        row.year.reception_url = list_url(unit=unit_id, kind=ReceptionKind.RECEPTION, date_from=start, date_to=end)
        row.year.trip_url = list_url(unit=unit_id, kind=ReceptionKind.TRIP, date_from=start, date_to=end)
    if len(result) > 1:
        result.append(total)
    return result


def tile(user, today: dt.date) -> dict:
    """The dashboard's tile: this month's and this year's receptions (batches, persons) and trips, county-wide
    (of what the user may see), up to today; read in one query."""
    from django.utils.translation import gettext as _

    month, year = today.replace(day=1), dt.date(today.year, 1, 1)
    received, trip, in_month = Q(kind=ReceptionKind.RECEPTION), Q(kind=ReceptionKind.TRIP), Q(date__gte=month)
    found = (
        Reception.objects.restrict(user)
        .filter(date__gte=year, date__lte=today)
        .order_by()
        .aggregate(
            month_batches=Sum("batches", filter=received & in_month),
            month_persons=Sum("persons", filter=received & in_month),
            month_trips=Count("id", filter=trip & in_month),
            year_batches=Sum("batches", filter=received),
            year_persons=Sum("persons", filter=received),
            year_trips=Count("id", filter=trip),
        )
    )
    spans = []
    for key, label, start in (("month", _("This month"), month), ("year", _("This year"), year)):
        cell = Cell(
            batches=found[f"{key}_batches"] or 0,
            persons=found[f"{key}_persons"] or 0,
            trips=found[f"{key}_trips"] or 0,
            reception_url=list_url(kind=ReceptionKind.RECEPTION, date_from=start, date_to=today),
            trip_url=list_url(kind=ReceptionKind.TRIP, date_from=start, date_to=today),
        )
        spans.append((label, cell))
    return {"spans": spans, "url": reverse("receptions:counts") + f"?year={today.year}"}


# --- the bulletin's section -------------------------------------------------------------------------------


def bulletin_block(month: dt.date, as_of: dt.date, since: dt.date) -> dict | None:
    """The bulletin's section 招商接待与外出招商: per unit, the month's (from ``month`` to ``as_of`` at most) and
    the cumulative (from ``since``) receptions' batches and persons and trips, county-wide. None when no
    reception or trip is recorded in the month: the section (and its key in the snapshot) is then left out."""
    end = min(month_end(month), as_of)
    in_month = Reception.objects.filter(date__gte=month, date__lte=end)
    if not in_month.exists():
        return None

    def per_unit(rows) -> dict[int, Cell]:
        found: dict[int, Cell] = {}
        grouped = rows.order_by().values("unit_id", "kind").annotate(b=Sum("batches"), p=Sum("persons"), n=Count("id"))
        for g in grouped:
            _add(found.setdefault(g["unit_id"], Cell()), g["kind"], g["b"] or 0, g["p"] or 0, g["n"])
        return found

    month_cells = per_unit(in_month)
    cumulative = per_unit(Reception.objects.filter(date__gte=min(since, month), date__lte=end))
    units = Unit.objects.in_bulk(set(month_cells) | set(cumulative))
    lines = []
    for unit_id in sorted(units, key=lambda pk: units[pk].code):
        now, so_far = month_cells.get(unit_id, Cell()), cumulative.get(unit_id, Cell())
        lines.append(
            {
                "unit": units[unit_id].name,
                "unit_code": units[unit_id].code,
                "batches": now.batches,
                "persons": now.persons,
                "trips": now.trips,
                "total_batches": so_far.batches,
                "total_persons": so_far.persons,
                "total_trips": so_far.trips,
            }
        )
    keys = ("batches", "persons", "trips", "total_batches", "total_persons", "total_trips")
    return {
        "month": month.isoformat(),
        "since": min(since, month).isoformat(),
        "lines": lines,
        "totals": {key: sum(line[key] for line in lines) for key in keys},
    }
