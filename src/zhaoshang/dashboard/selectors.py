"""The leaders' dashboard: every figure of the page for one period, as-of date and (optionally) unit.

Scope. The headline cards, funnel, months and breakdowns count every project in the ledger the user may see
(``Project.objects.restrict``), narrowed to a unit and its sub-units like the ledger's unit filter: whole
projects and whole amounts, as reported, without the period's recognition rules — the bulletins' "overall"
figures. The ranking is the assessment itself (``assessment.selectors.assess_period``: credit shares,
recognition rules, targets), read from the stored result the assessment page reads too (``assessment.stored``,
computed by a background job), so it shows exactly what the assessment page shows.

Drill-down. Every figure carries ``url``: the ledger's own filter address for exactly the projects behind it.
Figures that count projects carry ``count``, and sums of contract or planned amounts ``amount_field``, so the
ledger's count and total are the figure (the tests fetch every address). Funds in place are sums of receipts
dated inside the dates, which the ledger's all-time funds column cannot total: their address lists the projects
that received them.

Cost. A handful of queries whatever the size of the ledger (see queries.py); the stalled rule, the ranking
and the forecast are sections the page loads after itself. The ranking and the forecast are read from stored
results (``jobs.stored``), never computed in the request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from zhaoshang.assessment.engine import schedule_progress
from zhaoshang.core.concurrency import run_side_by_side
from zhaoshang.core.revision import cached
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit
from zhaoshang.projects import rules as project_rules
from zhaoshang.projects.choices import Industry, Kind, Stage
from zhaoshang.projects.filtersets import NOT_SET, LedgerFilterSet
from zhaoshang.projects.models import Project
from zhaoshang.projects.views import ledger_url
from zhaoshang.targets.models import Period

from . import lists, queries
from .windows import Span, months, spans

DEFAULT_BIG_PROJECT = Decimal("10000")  # 万元: 1亿
CENT = Decimal("0.01")
SECTIONS = (
    "headline",
    "funnel",
    "trend",
    "breakdowns",
    "big_projects",
    "stalled",
    "overdue",
    "alerts",
    "ranking",
)
# Asked for by name only: the forecast runs a simulation of thousands of assessments.
OPTIONAL_SECTIONS = ("forecast",)


class Scope:
    """The projects a dashboard covers and the ledger parameters that select them."""

    def __init__(self, *, user, unit: Unit | None):
        self.user = user
        self.unit = unit
        self.params: dict = {"unit": unit.pk} if unit is not None else {}
        if unit is None and access.reads_everything(user):
            self.projects = None  # the whole ledger: no subquery at all
        else:
            base = Project.objects.restrict(user, "view")
            if unit is None:
                self.projects = base
            else:
                # The ledger's own unit filter (the unit and its sub-units, credited or responsible).
                filterset = LedgerFilterSet(self.params, queryset=base, user=user)
                if not filterset.is_valid():
                    raise PermissionDenied
                self.projects = filterset.qs

    def url(self, **params) -> str:
        return ledger_url(**{**self.params, **{k: v for k, v in params.items() if v is not None}})

    def url_for_unit(self, unit_id: int) -> str:
        """The ledger of another unit (a row of the ranking or the forecast)."""
        return ledger_url(unit=unit_id)

    def queryset(self):
        return Project.objects.all() if self.projects is None else self.projects


def reached_params(stage: str, span: Span) -> dict:
    return {"reached": stage, "date_from": span.start.isoformat(), "date_to": span.end.isoformat()}


def received_params(span: Span) -> dict:
    return {"received_from": span.start.isoformat(), "received_to": span.end.isoformat()}


def default_period(today: dt.date) -> Period | None:
    """The period containing today (the longest-running one when several do, usually the year), or else the
    latest."""
    current = Period.objects.filter(start__lte=today, end__gte=today).order_by("start", "-end", "pk").first()
    return current or Period.objects.order_by("-end", "-start", "pk").first()


def calendar_year(today: dt.date) -> Period:
    """An unsaved stand-in when no period exists yet: the calendar year (no targets, so no ranking)."""
    return Period(code="", name=str(today.year), start=dt.date(today.year, 1, 1), end=dt.date(today.year, 12, 31))


def default_as_of(period: Period, today: dt.date) -> dt.date:
    return min(today, period.end)


def visible_unit(*, user, unit_id) -> Unit:
    """The unit if the user may see it (a reporter: their own unit and its sub-units); Unit.DoesNotExist if not."""
    return Unit.objects.restrict(user, "view").get(pk=unit_id)


# --- sections ---------------------------------------------------------------------------------------------


def _change(current, base) -> dict:
    """Against ``base``: the difference and the relative change (None when the base is zero)."""
    pct = None if not base else ((Decimal(current) - Decimal(base)) / Decimal(base)).quantize(Decimal("0.0001"))
    return {"abs": current - base, "pct": pct}


def _card(key: str, label: str, unit_label: str, values: dict[str, dict]) -> dict:
    card = {"key": key, "label": label, "unit": unit_label, **values["current"]}
    for name in ("month_ago", "year_ago"):
        card[name] = values[name]
        card[f"vs_{name}"] = _change(values["current"]["value"], values[name]["value"])
    return card


def headline(scope: Scope, windows: dict[str, Span], facts: dict, funds: dict) -> list[dict]:
    def per_window(build) -> dict[str, dict]:
        return {name: build(name, span) for name, span in windows.items()}

    def signed(name, span):
        w = facts["windows"][name]
        return {"value": w["signed"], "count": w["signed"], "url": scope.url(**reached_params("signed", span))}

    def started(name, span):
        w = facts["windows"][name]
        return {
            "value": w["started"],
            "count": w["started"],
            "amount": w["started_planned"],
            "amount_field": "planned",
            "url": scope.url(**reached_params("started", span)),
        }

    def contract(name, span):
        w = facts["windows"][name]
        return {
            "value": w["contract"],
            "count": w["signed"],
            "amount": w["contract"],
            "amount_field": "contract",
            "url": scope.url(**reached_params("signed", span)),
        }

    def funds_in_place(name, span):
        # The ledger filtered by funds received within the dates totals the funds received within them.
        value = funds["windows"][name]
        return {"value": value, "amount": value, "amount_field": "funds", "url": scope.url(**received_params(span))}

    def foreign(name, span):
        w = facts["windows"][name]
        return {
            "value": w["foreign_usd"],
            "count": w["foreign"],
            "url": scope.url(**reached_params("signed", span), capital_type="foreign"),
        }

    return [
        _card("signed", _("Projects signed"), _("projects"), per_window(signed)),
        _card("started", _("Projects started"), _("projects"), per_window(started)),
        _card("contract", _("Contract amount signed"), _("10k yuan"), per_window(contract)),
        _card("funds", _("Funds in place"), _("10k yuan"), per_window(funds_in_place)),
        _card("foreign", _("Foreign capital signed"), _("10k US dollars"), per_window(foreign)),
    ]


def funnel(scope: Scope, current: Span, facts: dict) -> list[dict]:
    rows = []
    previous = None
    for stage in queries.PIPELINE:
        count = facts["funnel"][stage]
        duration = facts["durations"].get(stage, {"median": None, "projects": 0})
        rows.append(
            {
                "stage": stage,
                "label": str(Stage(stage).label),
                "count": count,
                "url": scope.url(**reached_params(stage, current)),
                # The number reaching this stage against the number reaching the one before, in the same dates.
                # Above 100% only when projects that entered the stage before did so ahead of these dates: said,
                # not shown as a rate (issue 12: "意向 148 > 洽谈 145, 102.1%").
                "conversion": None
                if not previous or count > previous
                else (Decimal(count) / previous).quantize(Decimal("0.0001")),
                "more_than_before": bool(previous) and count > previous,
                # Median days spent in this stage by the projects that moved on from it in the dates.
                "median_days": duration["median"],
                "moved_on": duration["projects"],
            }
        )
        previous = count
    return rows


def trend(scope: Scope, month_list: list[dict], facts: dict, funds: dict) -> dict:
    def point(section: dict, key: str, span: Span, params: dict, *, value_is_amount: bool, amount_field=None):
        row = section.get(key, {"count": 0, "amount": Decimal("0.00")}) if not span.empty else None
        if row is None:
            return None  # a month still to come
        figure = {
            "value": row["amount"] if value_is_amount else row["count"],
            "count": row["count"],
            "url": scope.url(**params),
        }
        if amount_field:
            figure.update(amount=row["amount"], amount_field=amount_field)
        return figure

    def funds_point(key: str, span: Span):
        if span.empty:
            return None
        value = funds["months"].get(key, Decimal("0.00"))
        return {"value": value, "amount": value, "amount_field": "funds", "url": scope.url(**received_params(span))}

    series = {"signed": [], "signed_last_year": [], "started": [], "started_last_year": []}
    series |= {"funds": [], "funds_last_year": []}
    for index, month in enumerate(month_list):
        for suffix, key, span in (("", f"c{index}", month["span"]), ("_last_year", f"l{index}", month["last_year"])):
            series[f"signed{suffix}"].append(
                point(
                    facts["months_signed"],
                    key,
                    span,
                    reached_params("signed", span),
                    value_is_amount=False,
                    amount_field="contract",
                )
            )
            series[f"started{suffix}"].append(
                point(
                    facts["months_started"],
                    key,
                    span,
                    reached_params("started", span),
                    value_is_amount=False,
                    amount_field="planned",
                )
            )
            series[f"funds{suffix}"].append(funds_point(key, span))
    return {"months": [m["label"] for m in month_list], "series": series}


def _band_label(low: Decimal | None, high: Decimal | None) -> str:
    """ "≥10000", "5000–10000", "<500" (万元; the lower bound is included, the upper one is not)."""
    if high is None:
        return f"≥{low:.0f}"
    if low is None:
        return f"<{high:.0f}"
    return f"{low:.0f}–{high:.0f}"


def breakdowns(scope: Scope, current: Span, facts: dict) -> dict:
    """The projects signed in the period up to the as-of date, by industry, chain, origin, kind, high-tech and
    planned-investment band: count and contract amount, each with its ledger address."""
    signed = reached_params("signed", current)
    dims = facts["dimensions"]

    def entry(label: str, row: dict, **params) -> dict:
        return {
            "label": label,
            "count": row["count"],
            "value": row["count"],
            "amount": row["amount"],
            "amount_field": "contract",
            "url": scope.url(**signed, **params),
        }

    def by_count(entries: Iterable[dict]) -> list[dict]:
        return sorted(entries, key=lambda e: (-e["count"], -e["amount"], e["label"]))

    industry = by_count(
        entry(str(Industry(key).label) if key in Industry.values else _("(not set)"), row, industry=key or NOT_SET)
        for key, row in dims["industry"].items()
    )
    # Chains are recorded as "chain·link": roll the links up into their chain (the ledger filter does the same).
    chains: dict[str, dict] = {}
    for key, row in dims["chain"].items():
        chain = project_rules.chain_of(key)
        total = chains.setdefault(chain, {"count": 0, "amount": Decimal("0.00")})
        total["count"] += row["count"]
        total["amount"] += row["amount"]
    chain = by_count(entry(key or _("(not set)"), row, chain=key or NOT_SET) for key, row in chains.items())
    origin = by_count(entry(key or _("(not set)"), row, origin=key or NOT_SET) for key, row in dims["origin"].items())
    kind = by_count(
        entry(str(Kind(key).label) if key in Kind.values else key, row, kind=key) for key, row in dims["kind"].items()
    )
    high_tech = [
        entry(_("High-tech") if key == "1" else _("Not high-tech"), row, high_tech="true" if key == "1" else "false")
        for key, row in sorted(dims["high_tech"].items(), reverse=True)
    ]
    total = sum(e["count"] for e in high_tech)
    high_tech_count = sum(e["count"] for e in high_tech if e["url"].endswith("high_tech=true"))
    band = []
    for key, low, high in queries.BANDS:
        row = dims["band"].get(key, {"count": 0, "amount": Decimal("0.00")})
        params = {}
        if low is not None:
            params["planned_min"] = f"{low:f}"
        if high is not None:
            params["planned_max"] = f"{high - CENT:f}"  # amounts have two decimals: below 5000 is at most 4999.99
        band.append(entry(_band_label(low, high), row, **params))
    return {
        "industry": industry,
        "chain": chain,
        "origin": origin,
        "kind": kind,
        "high_tech": high_tech,
        "high_tech_share": None if not total else (Decimal(high_tech_count) / total).quantize(Decimal("0.0001")),
        "band": band,
    }


# --- the whole dashboard ----------------------------------------------------------------------------------


def dashboard_data(
    *,
    user,
    period: Period,
    as_of: dt.date,
    unit: Unit | None = None,
    big_amount: Decimal = DEFAULT_BIG_PROJECT,
    sections: Iterable[str] | None = None,
) -> dict:
    """Everything the dashboard shows. ``sections`` limits the work to some of SECTIONS (default: all of them)
    or adds the forecast. Kept (``core.revision.cached``) until the data behind it changes: a second look at the
    same period, date and unit is read from the cache; the forecast is a stored result (``jobs.stored``)
    computed by a background job."""
    if unit is not None and not Unit.objects.restrict(user, "view").filter(pk=unit.pk).exists():
        raise PermissionDenied
    wanted = set(SECTIONS if sections is None else sections)
    # Read from stored results (jobs.stored) after the cache: a section still computing must not be kept.
    simulated = wanted & {*OPTIONAL_SECTIONS, "ranking"}
    # Whose dashboard: everyone who reads the whole ledger sees the same one; a reporter sees their unit's.
    viewer = access.visibility_key(user)
    period_key = period.pk or f"{period.code}:{period.start}:{period.end}"
    parts = [viewer, period_key, as_of, unit.pk if unit else "", big_amount, ",".join(sorted(wanted - simulated))]
    data = cached(
        "dashboard",
        parts,
        lambda: _compute(user=user, period=period, as_of=as_of, unit=unit, big_amount=big_amount, wanted=wanted),
        app_labels=lists.REVISION_APPS,
    )
    if simulated:
        scope = Scope(user=user, unit=unit)
        data = dict(data)
        if "ranking" in simulated:
            data["ranking"] = lists.ranking(scope, period=period, as_of=as_of)
        if "forecast" in simulated:
            data["forecast"] = lists.forecast(scope, period=period, as_of=as_of)
    return data


def _compute(*, user, period: Period, as_of: dt.date, unit: Unit | None, big_amount: Decimal, wanted: set) -> dict:
    scope = Scope(user=user, unit=unit)
    windows = spans(period.start, period.end, as_of)
    current = windows["current"]
    month_list = months(period.start, period.end, as_of)
    data: dict = {
        "period": {"id": period.pk, "code": period.code, "name": period.name, "start": period.start, "end": period.end},
        "as_of": as_of,
        "unit": None if unit is None else {"id": unit.pk, "code": unit.code, "name": unit.name},
        "windows": windows,
        "big_amount": big_amount,
        "ledger_url": scope.url(),
        # The share of the period elapsed (时间进度), as the assessment counts it: what the figures are read against.
        "schedule_progress": schedule_progress(period.start, period.end, as_of, period.schedule_basis),
    }

    def figures() -> dict:
        found = {}
        if wanted & {"headline", "funnel", "trend", "breakdowns"}:
            found["facts"] = queries.reached_facts(
                scope=scope.projects, windows=windows, months=month_list, usd_rate=period.usd_rate
            )
        if wanted & {"headline", "trend"}:
            found["funds"] = queries.funds(scope=scope.projects, windows=windows, months=month_list)
        return found

    def listed() -> dict:
        found = {}
        if "big_projects" in wanted:
            found["big_projects"] = lists.big_projects(scope, as_of=as_of, big_amount=big_amount)
        if "stalled" in wanted:
            found["stalled"] = lists.stalled(scope, as_of=as_of)
        if "overdue" in wanted:
            found["overdue"] = lists.overdue(scope, as_of=as_of)
        if "alerts" in wanted:
            found["alerts"] = lists.alerts(scope, as_of=as_of)
        return found

    # The figures, the lists and the ranking read independently: side by side when they may (core.concurrency).
    tasks = {}
    if wanted & {"headline", "funnel", "trend", "breakdowns"}:
        tasks["figures"] = figures
    if wanted & {"big_projects", "stalled", "overdue", "alerts"}:
        tasks["lists"] = listed
    read = run_side_by_side(tasks)
    facts, funds = read.get("figures", {}).get("facts"), read.get("figures", {}).get("funds")
    if "headline" in wanted:
        data["headline"] = headline(scope, windows, facts, funds)
    if "funnel" in wanted:
        data["funnel"] = funnel(scope, current, facts)
        data["funnel_note"] = any(row["more_than_before"] for row in data["funnel"])
    if "trend" in wanted:
        data["trend"] = trend(scope, month_list, facts, funds)
    if "breakdowns" in wanted:
        data["breakdowns"] = breakdowns(scope, current, facts)
    data.update(read.get("lists", {}))
    return data
