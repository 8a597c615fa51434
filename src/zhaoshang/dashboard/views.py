"""The dashboard page, and its slow sections (the ranking and the forecast) loaded after it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from zhaoshang.core import clock
from zhaoshang.core.revision import cached
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit
from zhaoshang.targets.models import Period

from . import charts, lists, selectors
from .forms import DashboardForm

# Loaded after the page: they cost what the assessment, the stalled rule and the simulation cost.
LAZY_SECTIONS = ("stalled", "ranking", "forecast")


@dataclass
class Parameters:
    form: DashboardForm
    period: Period
    as_of: object
    unit: Unit | None
    big: Decimal

    @property
    def query(self) -> str:
        """The pickers' values as a query string (for the sections loaded later and for links)."""
        params = {"as_of": self.as_of.isoformat(), "big": f"{self.big:f}"}
        if self.period.pk:
            params["period"] = self.period.pk
        if self.unit is not None:
            params["unit"] = self.unit.pk
        return urlencode(params)


def parameters(request) -> Parameters:
    """The period, as-of date, unit and big-project amount asked for, or their defaults. A unit the user may not
    see is a 404, as everywhere else."""
    user = request.user
    unit = None
    unit_id = request.GET.get("unit")
    if unit_id:
        try:
            unit = selectors.visible_unit(user=user, unit_id=int(unit_id))
        except (Unit.DoesNotExist, ValueError):
            raise Http404 from None
    form = DashboardForm(request.GET or None, user=user)
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    today = clock.today()
    period = cleaned.get("period") or selectors.default_period(today) or selectors.calendar_year(today)
    as_of = cleaned.get("as_of") or selectors.default_as_of(period, today)
    big = cleaned.get("big")
    big = selectors.DEFAULT_BIG_PROJECT if big is None else big
    if not form.is_bound or form.is_valid():
        # Show the values in effect, defaults included; an invalid form keeps what was typed and its errors.
        initial = {"period": period.pk, "as_of": as_of, "unit": unit.pk if unit else None, "big": big}
        form = DashboardForm(initial=initial, user=user)
    return Parameters(form=form, period=period, as_of=as_of, unit=unit, big=big)


# What the page computes at once; the screen asks for the same, so both read one cached result.
PAGE_SECTIONS = [s for s in selectors.SECTIONS if s not in LAZY_SECTIONS]


@login_required
def dashboard(request):
    p = parameters(request)
    sections = PAGE_SECTIONS
    data = selectors.dashboard_data(
        user=request.user, period=p.period, as_of=p.as_of, unit=p.unit, big_amount=p.big, sections=sections
    )
    return render(
        request,
        "dashboard/page.html",
        {
            "form": p.form,
            "period": p.period,
            "as_of": p.as_of,
            "unit": p.unit,
            "data": data,
            "charts": charts.payload(data),
            "query": p.query,
            "lazy": LAZY_SECTIONS if p.period.pk else ("stalled",),
            "points_scheme": _scores_by_points(p.period),
            "county": _county(request.user, p),
            "receptions": _receptions(request.user),
        },
    )


def _receptions(user) -> dict:
    """The receptions and trips tile (issue 18): this month's and this year's, of what the user may see."""
    from zhaoshang.receptions.selectors import tile

    return tile(user, clock.today())


def _county(user, p: Parameters):
    """The county's completion of its targets from above (the first one is the headline), on the county's
    dashboard of a user who reads every unit; None otherwise or when the period has none."""
    from zhaoshang.assessment.county import county_completion
    from zhaoshang.organization import access

    if not p.period.pk or p.unit is not None or not access.reads_everything(user):
        return None
    return county_completion(p.period, p.as_of)


def _scores_by_points(period: Period) -> bool:
    """The period scores by a points scheme (issue 13): the ranking tab is then by points, not by category."""
    from zhaoshang.assessment.selectors import points_scheme

    return bool(period.pk) and points_scheme(period) is not None


@login_required
def section(request, name):
    """One of the slow sections, as an HTML fragment the page fetches once it is shown."""
    if name not in LAZY_SECTIONS:
        raise Http404
    p = parameters(request)

    def read() -> dict:
        return selectors.dashboard_data(
            user=request.user, period=p.period, as_of=p.as_of, unit=p.unit, big_amount=p.big, sections=[name]
        )

    def fragment(data: dict) -> str:
        context = {"data": data, "period": p.period, "as_of": p.as_of, "unit": p.unit, "query": p.query}
        if name == "forecast" and data["forecast"].get("available"):
            context["forecast_chart"] = charts.forecast_payload(data["forecast"])
        return render_to_string(f"dashboard/_{name}.html", context, request)

    if name == "forecast":
        return HttpResponse(fragment(read()))  # a stored result: it says when it was computed, or polls
    # The ranking lists every unit: drawing it cost more than reading its figures. The fragment shows nothing of
    # the user but what they may see, so it is kept as the figures are: per viewer, parameters and data revision
    # (the key of ``selectors.dashboard_data``).
    period_key = p.period.pk or f"{p.period.code}:{p.period.start}:{p.period.end}"
    parts = [name, access.visibility_key(request.user), period_key, p.as_of, p.unit.pk if p.unit else "", p.big]
    if name == "ranking":
        # Read from the stored assessment, which a job writes without moving the data revision: a fragment that
        # says "computing" or "recomputing" is never kept (it polls until the job is done), and a fresh one is
        # kept under the time its assessment was computed.
        data = read()
        state = data["ranking"]
        if state.get("pending") or state.get("stale"):
            return HttpResponse(fragment(data))
        parts.append(state.get("computed_at"))
        return HttpResponse(cached("dashboard-fragment", parts, lambda: fragment(data), app_labels=lists.REVISION_APPS))
    return HttpResponse(cached("dashboard-fragment", parts, lambda: fragment(read()), app_labels=lists.REVISION_APPS))


@login_required
def screen(request):
    """数据大屏: the headline figures against the schedule, the ranking's top and bottom, the months and the
    funnel, large and dark for a command-centre display, reloading itself. It reads exactly what the dashboard
    and its ranking section read (the same cached results, the same permissions): a refresh costs no more than
    opening the dashboard."""
    p = parameters(request)
    kwargs = {"user": request.user, "period": p.period, "as_of": p.as_of, "unit": p.unit, "big_amount": p.big}
    data = selectors.dashboard_data(**kwargs, sections=PAGE_SECTIONS)
    if p.period.pk:
        data = {**data, "ranking": selectors.dashboard_data(**kwargs, sections=["ranking"])["ranking"]}
    return render(
        request,
        "dashboard/screen.html",
        {
            "period": p.period,
            "as_of": p.as_of,
            "unit": p.unit,
            "data": data,
            "charts": charts.payload({k: data[k] for k in ("funnel", "trend") if k in data}),
            "query": p.query,
            "refresh": settings.DASHBOARD_SCREEN_REFRESH,
            "updated": clock.local_now(),
        },
    )
