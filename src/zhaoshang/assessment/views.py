"""The assessment of a period, by category, the drill-down of a unit's figures to their rows, and the 水分
report (the reported assessment minus the verified one)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from zhaoshang.core import clock
from zhaoshang.core.views import get_restricted
from zhaoshang.organization.choices import Category
from zhaoshang.organization.models import Unit
from zhaoshang.projects import rules
from zhaoshang.projects.models import FundsReceipt, Project
from zhaoshang.supervision.models import SupervisionBatch
from zhaoshang.targets.forms import AssessForm
from zhaoshang.targets.models import Period
from zhaoshang.transfer.views import xlsx_response

from . import selectors, water
from .forms import WaterForm
from .labels import FLAG_COLOURS, FLAG_LABELS

ZERO = Decimal("0")
CATEGORY_ORDER = ["township", "department", "vertical", "park", "office"]


def _parameters(request, period: Period):
    default_as_of = min(clock.today(), period.end)
    form = AssessForm(request.GET or None, initial={"as_of": default_as_of, "basis": period.basis})
    as_of, basis = default_as_of, period.basis
    if form.is_bound and form.is_valid():
        as_of, basis = form.cleaned_data["as_of"], form.cleaned_data["basis"]
    return form, as_of, basis


def _assess(period, as_of, basis):
    return selectors.assess_period(period, as_of, basis=basis)


def _flags(result):
    return [(flag, FLAG_LABELS[flag], FLAG_COLOURS[flag]) for flag in result.flags]


@login_required
def period_assessment(request, pk):
    period = get_object_or_404(Period, pk=pk)
    form, as_of, basis = _parameters(request, period)
    assessment = _assess(period, as_of, basis)
    categories = []
    for category in CATEGORY_ORDER:
        ranked = sorted(
            (u for u in assessment.units if u.unit.category == category and u.score is not None), key=lambda u: u.order
        )
        if not ranked:
            continue
        names = []
        for result in ranked:
            for group in result.groups:
                if group.spec.name not in names:
                    names.append(group.spec.name)
        rows = [
            {
                "result": result,
                "groups": [next((g for g in result.groups if g.spec.name == name), None) for name in names],
                "flags": _flags(result),
            }
            for result in ranked
        ]
        categories.append({"code": category, "label": Category(category).label, "group_names": names, "rows": rows})
    return render(
        request,
        "assessment/period.html",
        {
            "period": period,
            "form": form,
            "as_of": as_of,
            "basis": basis,
            "progress": assessment.schedule_progress,
            "categories": categories,
            "query": f"as_of={as_of.isoformat()}&basis={basis}",
        },
    )


@login_required
def unit_assessment(request, pk, unit_pk):
    period = get_object_or_404(Period, pk=pk)
    unit = get_restricted(Unit.objects, request.user, unit_pk, "view")
    form, as_of, basis = _parameters(request, period)
    assessment = _assess(period, as_of, basis)
    result = next((u for u in assessment.units if u.unit.id == unit.pk), None)
    groups = []
    if result is not None:
        selectors.read_drill_downs(period, assessment, unit_ids={unit.pk})  # the page lists every figure's rows
        project_ids = {pid for g in result.groups for i in g.indicators for pid in i.project_ids}
        receipt_ids = {rid for g in result.groups for i in g.indicators for rid in i.receipt_ids}
        projects = Project.objects.restrict(request.user, "view").in_bulk(project_ids)
        shares = dict(
            Project.objects.filter(pk__in=project_ids, credits__unit=unit).values_list("pk", "credits__share")
        )
        receipts = FundsReceipt.objects.restrict(request.user, "view").select_related("project").in_bulk(receipt_ids)
        if basis == "verified":
            selectors.show_verified(projects, receipts)
        for group in result.groups:
            rows = []
            for indicator in group.indicators:
                share = {pid: rules.share_fraction(shares.get(pid) or ZERO) for pid in indicator.project_ids}
                rows.append(
                    {
                        "indicator": indicator,
                        "projects": [(projects[pid], share[pid]) for pid in indicator.project_ids if pid in projects],
                        "receipts": sorted(
                            (
                                (receipts[rid], rules.share_fraction(shares.get(receipts[rid].project_id) or ZERO))
                                for rid in indicator.receipt_ids
                                if rid in receipts
                            ),
                            key=lambda item: (item[0].date, item[0].pk),
                        ),
                    }
                )
            groups.append({"group": group, "indicators": rows})
    return render(
        request,
        "assessment/unit.html",
        {
            "period": period,
            "unit": unit,
            "result": result,
            "groups": groups,
            "form": form,
            "as_of": as_of,
            "basis": basis,
            "progress": assessment.schedule_progress,
            "flags": _flags(result) if result else [],
        },
    )


# --- 水分 -------------------------------------------------------------------------------------------


def _water(request):
    """The report's subject from the query: a period (as of a date) or a batch; 404 for what one may not see."""
    user = request.user
    form = WaterForm(request.GET or None, user=user)
    as_of = clock.today()
    try:
        if request.GET.get("as_of"):
            as_of = dt.date.fromisoformat(request.GET["as_of"])
    except ValueError:
        raise Http404 from None
    if request.GET.get("batch"):
        batch = get_restricted(SupervisionBatch.objects, user, request.GET["batch"], "view")
        units, totals = water.batch_water(user=user, batch=batch, as_of=as_of)
        return form, batch.name, water.batch_period(batch), min(as_of, batch.end), units, totals
    if request.GET.get("period"):
        try:
            period = get_object_or_404(Period, pk=int(request.GET["period"]))
        except ValueError:
            raise Http404 from None
        units, totals = water.water_report(user=user, period=period, as_of=as_of)
        return form, period.name, period, min(as_of, period.end), units, totals
    return form, "", None, as_of, [], {}


@login_required
def water_report(request):
    form, title, period, until, units, totals = _water(request)
    return render(
        request,
        "assessment/water.html",
        {
            "form": form,
            "title": title,
            "period": period,
            "until": until,
            "units": units,
            "totals": totals,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def water_download(request):
    _form, title, period, until, units, totals = _water(request)
    if period is None:
        raise Http404
    data = water.water_workbook(units, totals, title=title, start=period.start, until=until)
    return xlsx_response(data, f"水分_{title}_{until.isoformat()}.xlsx")
