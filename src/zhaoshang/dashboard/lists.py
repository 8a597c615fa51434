"""The dashboard's lists: big projects, stalled projects, overdue coordination items, the ranking and the
year-end forecast. Each reuses the selector of the app that owns the rule (scheduling's stalled detection and
overdue items, the assessment, the forecast)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, DateField, F, Max, OuterRef, Q, Subquery, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.assessment import stored as stored_assessment
from zhaoshang.core.expressions import LocalDate
from zhaoshang.jobs import stored
from zhaoshang.organization import access
from zhaoshang.organization.choices import Category
from zhaoshang.organization.selectors import subtree_ids
from zhaoshang.projects.choices import Stage, Status
from zhaoshang.projects.models import StageEvent
from zhaoshang.projects.selectors import with_credits
from zhaoshang.scheduling import selectors as scheduling
from zhaoshang.scheduling.models import CoordinationItem, ProgressReport
from zhaoshang.supervision import selectors as supervision

from .forecast import forecast as run_forecast

BIG_STAGES = ("lead", "negotiating", "intention", "signed", "started")  # not yet producing
BIG_LIMIT = 50
LIST_LIMIT = 10
# The apps whose data the dashboard reads (core.revision): any change in them is a new dashboard.
REVISION_APPS = stored_assessment.REVISION_APPS  # what the figures read: the assessment's apps
CATEGORY_ORDER = ("township", "department", "vertical", "park", "office", "jurisdiction")


def big_projects(scope, *, as_of: dt.date, big_amount: Decimal) -> dict:
    """Big projects still on their way (planned ≥ ``big_amount``, active, not yet producing): how many, and the
    largest ones with their stage, county leader and the days since their last progress (stage event or submitted
    progress report, up to the as-of date)."""
    # Active and not yet producing, written as exclusions (the same projects): SQLite, without statistics, would
    # read the status or stage index, most of the ledger, rather than the planned-investment range.
    big_q = (
        Q(planned_investment__gte=big_amount)
        & ~Q(status__in=(Status.STALLED, Status.DROPPED))
        & ~Q(stage__in=[s for s in Stage.values if s not in BIG_STAGES])
    )
    totals = scope.queryset().filter(big_q).order_by().aggregate(count=Count("pk"), planned=Sum("planned_investment"))
    last_event = (
        StageEvent.objects.filter(project=OuterRef("pk"), date__lte=as_of)
        .order_by()
        .values("project")
        .annotate(m=Max("date"))
        .values("m")[:1]
    )
    rows = scope.queryset().filter(big_q).annotate(last_event=Subquery(last_event, output_field=DateField()))
    day_after = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min))
    last_report = (
        ProgressReport.objects.filter(project=OuterRef("pk"), submitted_at__isnull=False)
        .filter(submitted_at__lt=day_after)
        .order_by()
        .values("project")
        .annotate(m=Max(LocalDate("submitted_at")))
        .values("m")[:1]
    )
    rows = rows.annotate(last_report=Subquery(last_report, output_field=DateField()))
    # The largest first. For the whole ledger the database walks the planned-investment index and works out the
    # dates for these rows only; a unit's few projects are found first and then sorted (an expression, which no
    # index serves, keeps SQLite from walking the whole index in search of them).
    largest = "-planned_investment" if scope.projects is None else (F("planned_investment") + 0).desc()
    rows = with_credits(rows.select_related("responsible_unit")).order_by(largest, "code")[:BIG_LIMIT]
    big = []
    for project in rows:
        dates = [d for d in (project.last_event, project.last_report) if d is not None]
        last = max(dates) if dates else None
        big.append(
            {
                "id": project.pk,
                "code": project.code,
                "name": project.name,
                "url": project.get_absolute_url(),
                "stage": project.stage,
                "stage_label": str(Stage(project.stage).label),
                "planned": project.planned_investment,
                "county_leader": project.county_leader,
                "units": [credit.unit.name for credit in project.credits.all()],
                "last_progress": last,
                "days": (as_of - last).days if last else None,
            }
        )
    return {
        "threshold": big_amount,
        "count": totals["count"],
        "value": totals["count"],
        "amount": Decimal(totals["planned"] or 0).quantize(Decimal("0.01")),
        "amount_field": "planned",
        "url": scope.url(planned_min=f"{big_amount:f}", status=Status.ACTIVE, stage=list(BIG_STAGES)),
        "rows": big,
        "shown": len(big),
    }


def stalled(scope, *, as_of: dt.date) -> dict:
    """Projects marked stalled in the ledger, and those scheduling's stalled rule finds:
    ``scheduling.selectors.stalled_projects`` — no stage change and no report for N days, or two missed rounds."""
    marked = scope.queryset().filter(status=Status.STALLED).count()
    marked_figure = {"count": marked, "value": marked, "url": scope.url(status=Status.STALLED)}
    stalled_projects = scheduling.stalled_queryset(user=scope.user, today=as_of)
    if scope.unit is not None:
        stalled_projects = stalled_projects.filter(pk__in=scope.projects.values("pk"))
    count = stalled_projects.count()
    found = scheduling.stalled_projects(user=scope.user, today=as_of, queryset=stalled_projects[:LIST_LIMIT])
    return {
        "available": True,
        "count": count,
        "list_url": reverse("scheduling:stalled"),
        "rows": [
            {
                "id": entry.project.pk,
                "code": entry.project.code,
                "name": entry.project.name,
                "url": entry.project.get_absolute_url(),
                "unit": entry.project.responsible_unit.name if entry.project.responsible_unit else "",
                "reason": entry.reason,
                "days": entry.days,
                "last_activity": entry.last_activity,
            }
            for entry in found
        ],
        "marked": marked_figure,
    }


def overdue(scope, *, as_of: dt.date) -> dict:
    """Coordination items past their deadline and not solved (scheduling.selectors.overdue_items)."""
    items = scheduling.overdue_items(today=as_of, user=scope.user)
    if scope.unit is not None:
        # The items that belong to the chosen unit and its sub-units (the model's own definition).
        items = items.filter(CoordinationItem.unit_scope_q(frozenset(subtree_ids(scope.unit.pk))))
    count = items.count()
    rows = [
        {
            "id": item.pk,
            "url": item.get_absolute_url(),
            "project": item.project.name,
            "project_code": item.project.code,
            "project_url": item.project.get_absolute_url(),
            "description": item.description,
            "department": item.department.name if item.department else "",
            "county_leader": item.county_leader,
            "deadline": item.deadline,
            "days_overdue": (as_of - item.deadline).days,
        }
        for item in items[:LIST_LIMIT]
    ]
    return {
        "available": True,
        "count": count,
        "list_url": reverse("scheduling:item_list") + "?" + urlencode({"overdue": "on"}),
        "rows": rows,
    }


def alerts(scope, *, as_of: dt.date) -> dict:
    """What is overdue besides the coordination items: progress reports still missing after their scheduling day
    (``scheduling.selectors.missing_reports``) and rectifications past their deadline and not closed
    (``supervision.selectors.rectification_list``). Counted over what the user may see; a chosen unit narrows
    them to the unit and its sub-units."""
    reports = scheduling.missing_reports(user=scope.user, today=as_of)
    rectifications = supervision.rectification_list(user=scope.user, overdue=True, today=as_of)
    if scope.unit is not None:
        units = subtree_ids(scope.unit.pk)
        reports = reports.filter(unit_id__in=units)
        rectifications = rectifications.filter(unit_id__in=units)
    return {
        "reports": {"count": reports.count(), "url": reverse("scheduling:round_list")},
        "rectifications": {
            "count": rectifications.count(),
            "url": reverse("supervision:rectification_list") + "?" + urlencode({"overdue": "on"}),
        },
    }


def _flag_labels():
    from zhaoshang.assessment.labels import FLAG_COLOURS, FLAG_LABELS

    return FLAG_LABELS, FLAG_COLOURS


def ranking(scope, *, period, as_of: dt.date) -> dict:
    """The assessment's ranking by category with its flags: the stored assessment (``assessment.stored``) of the
    same period, date and basis that the assessment page reads, so the same figures; never computed in the
    request (``pending`` while a job computes it, ``stale`` after a data change). A reporter sees their own
    units' rows only; a chosen unit's categories are shown with its rows marked."""
    if not period.pk:
        return {"available": False, "categories": []}
    found = stored.fetch(stored_assessment.PERIOD_RESULT, stored_assessment.params(period, as_of, period.basis))
    state = found.page_state()
    if found.data is None:  # computing: the section says so and polls
        return {"available": True, "categories": [], "basis": period.basis, **state}
    assessment, scheme_error = stored_assessment.revive(found.data)
    if scheme_error:  # a stored scheme that cannot be computed: the assessment page says why
        return {"available": False, "categories": [], "scheme_error": scheme_error, **state}
    labels, colours = _flag_labels()
    user = scope.user
    visible = access.visible_unit_ids(user)
    marked = set(subtree_ids(scope.unit.pk)) if scope.unit is not None else set()
    query = urlencode({"as_of": as_of.isoformat(), "basis": period.basis})
    if any(result.points is not None for result in assessment.units):
        return {
            **state,
            "available": True,
            "points": True,
            "schedule_progress": assessment.schedule_progress,
            "basis": period.basis,
            "url": reverse("assessment:period", args=[period.pk]) + "?" + query,
            "categories": _points_groups(assessment, period=period, scope=scope, query=query, marked=marked),
        }
    categories = []
    by_group: dict[str, list] = {}
    for result in assessment.units:
        if result.score is not None:
            by_group.setdefault(result.ranking_group or result.unit.category, []).append(result)
    parents = _section_parents(by_group)
    for category in [*CATEGORY_ORDER, *parents]:
        ranked = sorted(by_group.get(category, ()), key=lambda r: r.order)
        if visible is not None:
            ranked = [r for r in ranked if r.unit.id in visible]
        if not ranked or (marked and not any(r.unit.id in marked for r in ranked)):
            continue
        names: list[str] = []
        for result in ranked:
            for group in result.groups:
                if group.spec.name not in names:
                    names.append(group.spec.name)
        rows = []
        for result in ranked:
            by_name = {g.spec.name: g for g in result.groups}
            rows.append(
                {
                    "unit_id": result.unit.id,
                    "code": result.unit.code,
                    "name": result.unit.name,
                    "tier": result.unit.tier,
                    "rank": result.rank,
                    "rank_of": result.rank_of,
                    "score": result.score,
                    "schedule_ratio": result.schedule_ratio,
                    "funds": result.funds,
                    "groups": [
                        {"completion": by_name[n].completion, "met": by_name[n].met} if n in by_name else None
                        for n in names
                    ],
                    "flags": [(flag, str(labels[flag]), colours[flag]) for flag in result.flags],
                    "url": reverse("assessment:unit", args=[period.pk, result.unit.id]) + "?" + query,
                    "ledger_url": scope.url_for_unit(result.unit.id),
                    "marked": result.unit.id in marked,
                }
            )
        categories.append(
            {
                "code": category if category in Category.values else f"sections-{parents[category][0]}",
                "label": str(Category(category).label) if category in Category.values else parents[category][1],
                "groups": names,
                "rows": rows,
                # Units whose score keeps pace with the schedule (the assessment's own ratio of score to progress).
                "on_schedule": sum(1 for r in ranked if r.schedule_ratio is not None and r.schedule_ratio >= 1),
            }
        )
    return {
        **state,
        "available": True,
        "schedule_progress": assessment.schedule_progress,
        "basis": period.basis,
        "url": reverse("assessment:period", args=[period.pk]) + "?" + query,
        "categories": categories,
    }


ITEM_COLUMNS_MAX = 8  # the ranking tab shows each item's points up to this many items


def _section_parents(keys) -> dict[str, tuple[int, str]]:
    """The ranking groups of sections among ``keys`` ("section:<unit id>", ``engine.ranking_key``) → the unit's
    id and the group's title "<unit>所属科室", ordered by the unit's code (after every category, as on the
    assessment page)."""
    from zhaoshang.assessment.engine import section_parent
    from zhaoshang.organization.models import Unit

    wanted = {key: section_parent(key) for key in keys if key is not None and section_parent(key) is not None}
    units = Unit.objects.in_bulk(set(wanted.values()))
    found = {key: units[pk] for key, pk in wanted.items() if pk in units}
    return {
        key: (unit.pk, _("Sections of %(unit)s") % {"unit": unit.name})
        for key, unit in sorted(found.items(), key=lambda pair: pair[1].code)
    }


def _group_label(key: str | None, parents: dict | None = None) -> str:
    if key is None:
        return _("Not ranked")
    if key == "all":
        return _("All units")
    if key in Category.values:
        return str(Category(key).label)
    if parents and key in parents:
        return parents[key][1]
    return key


def _group_code(key: str | None, index: int, parents: dict) -> str | None:
    """A ranking group's code on the page: a category's, "all", "sections-<unit id>", else "group-<n>"."""
    if key in Category.values or key in ("all", None):
        return key
    if key in parents:
        return f"sections-{parents[key][0]}"
    return f"group-{index}"


def _points_groups(assessment, *, period, scope, query: str, marked: set) -> list[dict]:
    """Under a points scheme (issue 13), the ranking by points within the scheme's ranking groups (categories in
    their usual order, then the bureau's groups by name, the units scored but not ranked last), each unit's points
    linking to the items on its assessment page (``#items``), which add up to them."""
    labels, colours = _flag_labels()
    visible = access.visible_unit_ids(scope.user)
    by_group: dict = {}
    for result in assessment.units:
        if result.points is not None and (visible is None or result.unit.id in visible):
            by_group.setdefault(result.ranking_group, []).append(result)
    parents = _section_parents(by_group)
    keys = [c for c in CATEGORY_ORDER if c in by_group]
    keys += sorted(k for k in by_group if k is not None and k not in CATEGORY_ORDER and k not in parents)
    keys += list(parents)
    keys += [None] if None in by_group else []
    groups = []
    for index, key in enumerate(keys, start=1):
        ranked = sorted(by_group[key], key=lambda r: (r.order or 0, -r.points, r.unit.code))
        if marked and not any(r.unit.id in marked for r in ranked):
            continue
        items = [(item.code, item.name) for item in ranked[0].items] if len(ranked[0].items) <= ITEM_COLUMNS_MAX else []
        rows = []
        for result in ranked:
            url = reverse("assessment:unit", args=[period.pk, result.unit.id]) + "?" + query
            own = {item.code: item.points for item in result.items}
            rows.append(
                {
                    "unit_id": result.unit.id,
                    "code": result.unit.code,
                    "name": result.unit.name,
                    "tier": result.unit.tier,
                    "rank": result.rank if key is not None else None,
                    "rank_of": result.rank_of if key is not None else None,
                    "points": result.points,
                    "score": result.score,
                    "schedule_ratio": result.schedule_ratio,
                    "funds": result.funds,
                    "items": [own.get(code) for code, _name in items],
                    "flags": [(flag, str(labels[flag]), colours[flag]) for flag in result.flags],
                    "url": url,
                    "points_url": url + "#items",
                    "ledger_url": scope.url_for_unit(result.unit.id),
                    "marked": result.unit.id in marked,
                }
            )
        groups.append(
            {
                "code": _group_code(key, index, parents),
                "label": _group_label(key, parents),
                "ranked": key is not None,
                "groups": [],
                "items": [name for _code, name in items],
                "rows": rows,
                "on_schedule": sum(1 for r in ranked if r.schedule_ratio is not None and r.schedule_ratio >= 1),
            }
        )
    return groups


FORECAST_RESULT = "dashboard.forecast"  # the stored result (jobs.stored) the forecast section reads


def forecast_params(scope, *, period, as_of: dt.date, runs: int | None = None) -> dict:
    """The stored forecast's parameters for this scope: the units are the chosen unit's subtree, or the user's own
    units for a user who does not read everything, worked out here from the user and never taken from the
    request, so a reporter's forecast covers their own units only."""
    unit_ids = None
    if scope.unit is not None:
        unit_ids = sorted(subtree_ids(scope.unit.pk))
    elif not access.reads_everything(scope.user):
        unit_ids = sorted(access.unit_ids(scope.user))
    params: dict = {"period": period.pk, "as_of": as_of, "unit_ids": unit_ids}
    if runs is not None:
        params["runs"] = runs
    return params


def compute_forecast(params: dict) -> dict:
    """The stored forecast (run by a job, ``jobs.stored``): what the section shows of ``dashboard.forecast``'s
    result (rows of plain figures, no links: they depend on who looks), not its object graph."""
    from zhaoshang.targets.models import Period

    period = Period.objects.get(pk=params["period"])
    unit_ids = params["unit_ids"]
    kwargs = {"unit_ids": unit_ids}
    if params.get("runs") is not None:
        kwargs["runs"] = params["runs"]
    result = run_forecast(period, params["as_of"], **kwargs)
    names: list[str] = []
    for unit in result.units:
        for group in unit.groups:
            if group["name"] not in names:
                names.append(group["name"])

    def row(unit, *, county: bool) -> dict:
        by_name = {g["name"]: g for g in unit.groups}
        return {
            "unit_id": unit.unit_id,
            "code": unit.code,
            "name": (_("County") if unit_ids is None else _("These units together")) if county else unit.name,
            "category": unit.category,
            "current": unit.current_score,
            "expected": unit.expected_score,
            "p10": unit.p10,
            "p90": unit.p90,
            "groups": [by_name.get(n) for n in names],
            "projects": len(unit.project_ids),
            "project_ids": unit.project_ids[:200],
            "new_projects": unit.expected_new_projects,
        }

    order = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    units = sorted(result.units, key=lambda u: (order.get(u.category, 99), -(u.expected_score or 0), u.code))
    return {
        "runs": result.runs,
        "seed": result.seed,
        "as_of": result.as_of,
        "period_end": result.period_end,
        "groups": names,
        "county": row(result.county, county=True) if result.units else None,
        "units": [row(u, county=False) for u in units],
        "elapsed_ms": result.elapsed_ms,
    }


def forecast(scope, *, period, as_of: dt.date, runs: int | None = None) -> dict:
    """The year-end forecast (``dashboard.forecast``) for the units in scope and the county, when the period has
    targets: read from its stored result (``jobs.stored``), never simulated in the request (thousands of
    assessments). ``pending`` when nothing is stored yet (the section polls), ``stale`` when the data changed
    since (the section shows it and says it is being recomputed)."""
    if not period.pk:
        return {"available": False}
    found = stored.fetch(FORECAST_RESULT, forecast_params(scope, period=period, as_of=as_of, runs=runs))
    state = found.page_state()
    if found.data is None:
        return {"available": True, "units": [], **state}
    data = {"available": True, **found.data, **state}
    if data["county"] is not None:
        data["county"] = {**data["county"], "url": scope.url()}
    data["units"] = [{**row, "url": scope.url_for_unit(row["unit_id"])} for row in data["units"]]
    from zhaoshang.assessment.selectors import points_scheme

    if points_scheme(period) is not None:
        # The forecast projects the completion of the targets, not a points scheme's points (issue 13): say so.
        data["points_scheme"] = True
    return data
