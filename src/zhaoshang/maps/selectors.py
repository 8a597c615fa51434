"""What the county map draws: every positioned resource, project and enterprise a user may see, as points.

Each kind's records are read through its own permission rule (``restrict``): everyone reads the county's
resources, a reporter only their unit's projects and enterprises. The enterprises' status is the liaison's own
rule (``liaison.rules``: open and overdue demands), the projects' their stage; dropped projects are not drawn."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhaoshang.liaison import rules as liaison_rules
from zhaoshang.liaison.models import Demand, Enterprise
from zhaoshang.projects.choices import Stage, Status
from zhaoshang.projects.models import Project
from zhaoshang.resources.models import KINDS as RESOURCE_KINDS

ENTERPRISE_OVERDUE, ENTERPRISE_OPEN, ENTERPRISE_QUIET = "overdue", "open", "quiet"
ENTERPRISE_STATUSES = {
    ENTERPRISE_OVERDUE: gettext_lazy("Demands past their deadline"),
    ENTERPRISE_OPEN: gettext_lazy("Open demands"),
    ENTERPRISE_QUIET: gettext_lazy("No open demand"),
}
PLACE_LIMIT = 500  # the unplaced records offered for placing by a click, per kind


@dataclass(frozen=True)
class Kind:
    key: str
    label: object
    statuses: dict  # value → label


def kinds() -> list[Kind]:
    """The kinds of point, in the map's order, each with its statuses (the filters)."""
    rows = [
        Kind(key, model._meta.verbose_name_plural, dict(model._meta.get_field("status").flatchoices))
        for key, model in RESOURCE_KINDS.items()
    ]
    rows.append(Kind("project", Project._meta.verbose_name_plural, dict(Stage.choices)))
    rows.append(Kind("enterprise", Enterprise._meta.verbose_name_plural, ENTERPRISE_STATUSES))
    return rows


def model_of(kind: str):
    if kind in RESOURCE_KINDS:
        return RESOURCE_KINDS[kind]
    return {"project": Project, "enterprise": Enterprise}.get(kind)


def _projects(user):
    return Project.objects.restrict(user).exclude(status=Status.DROPPED)


def _enterprises(user, today: dt.date):
    demands = Demand.objects.filter(enterprise=OuterRef("pk"))
    return Enterprise.objects.restrict(user).annotate(
        overdue=Exists(demands.filter(liaison_rules.overdue_q(today))),
        open=Exists(demands.filter(liaison_rules.open_q())),
    )


# The line of detail a resource's point shows: a parcel's area, a factory's floor area, an idle asset's owner.
DETAIL = {"parcel": "area_mu", "factory": "floor_area_m2", "idle": "owner"}


def _plain(number) -> str:
    return f"{number.normalize():f}"


def _resource_detail(key: str, value) -> str:
    if value in (None, ""):
        return ""
    if key == "parcel":
        return _("%(area)s mu") % {"area": _plain(value)}
    if key == "factory":
        return _("%(area)s m²") % {"area": _plain(value)}
    return value


def _placed(queryset):
    return queryset.filter(latitude__isnull=False, longitude__isnull=False)


def points(user, today: dt.date) -> list[dict]:
    """Every positioned record the user may see: kind, id, name, status and its label, unit, a line of detail,
    the record's page, and its position as [longitude, latitude] (ECharts' order)."""
    every = kinds()
    labels = {kind.key: kind.statuses for kind in every}
    kind_labels = {kind.key: str(kind.label) for kind in every}
    rows: list[dict] = []

    def add(kind, pk, name, status, unit, detail, url, lat, lng):
        rows.append(
            {
                "kind": kind,
                "kind_label": kind_labels[kind],
                "id": pk,
                "name": name,
                "status": status,
                "status_label": str(labels[kind].get(status, status)),
                "unit": unit or "",
                "detail": detail or "",
                "url": url,
                "value": [float(lng), float(lat)],
            }
        )

    for key, model in RESOURCE_KINDS.items():
        fields = ["pk", "name", "status", "unit__name", "latitude", "longitude", DETAIL[key]]
        for pk, name, status, unit, lat, lng, extra in (
            _placed(model.objects.restrict(user)).values_list(*fields).order_by("pk")
        ):
            detail = _resource_detail(key, extra)
            add(key, pk, name, status, unit, detail, reverse("resources:detail", args=[key, pk]), lat, lng)
    projects = _placed(_projects(user)).values_list(
        "pk", "code", "name", "stage", "responsible_unit__name", "planned_investment", "latitude", "longitude"
    )
    for pk, code, name, stage, unit, planned, lat, lng in projects.order_by("pk"):
        detail = _("%(code)s · planned %(amount)s 10k yuan") % {"code": code, "amount": _plain(planned)}
        add("project", pk, name, stage, unit or "", detail, reverse("projects:detail", args=[pk]), lat, lng)
    enterprises = _placed(_enterprises(user, today)).values_list(
        "pk", "name", "unit__name", "overdue", "open", "address", "latitude", "longitude"
    )
    for pk, name, unit, overdue, open_, address, lat, lng in enterprises.order_by("pk"):
        status = ENTERPRISE_OVERDUE if overdue else ENTERPRISE_OPEN if open_ else ENTERPRISE_QUIET
        add("enterprise", pk, name, status, unit, address, reverse("liaison:enterprise", args=[pk]), lat, lng)
    return rows


def unplaced(user) -> list[dict]:
    """The records without a position the user may change, per kind (the first ``PLACE_LIMIT``), to place by a
    click on the map."""
    sources = [(key, model.objects.restrict(user, "change")) for key, model in RESOURCE_KINDS.items()]
    sources.append(("project", Project.objects.restrict(user, "change").exclude(status=Status.DROPPED)))
    sources.append(("enterprise", Enterprise.objects.restrict(user, "change")))
    groups = []
    for key, queryset in sources:
        missing = queryset.filter(Q(latitude__isnull=True) | Q(longitude__isnull=True)).order_by("pk")
        rows = [(f"{key}:{pk}", name) for pk, name in missing.values_list("pk", "name")[:PLACE_LIMIT]]
        if rows:
            groups.append({"kind": key, "label": str(model_of(key)._meta.verbose_name_plural), "rows": rows})
    return groups
