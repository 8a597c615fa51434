"""The assessment of a period, by category, and the drill-down of a unit's figures to their rows."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from zhaoshang.core import clock
from zhaoshang.core.views import get_restricted
from zhaoshang.organization.choices import Category
from zhaoshang.organization.models import Unit
from zhaoshang.projects.models import FundsReceipt, Project
from zhaoshang.targets.forms import AssessForm
from zhaoshang.targets.models import Period

from . import selectors
from .labels import FLAG_COLOURS, FLAG_LABELS

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
            (u for u in assessment.units if u.unit.category == category and u.score is not None), key=lambda u: u.rank
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
        for group in result.groups:
            rows = []
            for indicator in group.indicators:
                share = {pid: (shares.get(pid) or Decimal("0")) / 100 for pid in indicator.project_ids}
                rows.append(
                    {
                        "indicator": indicator,
                        "projects": [(projects[pid], share[pid]) for pid in indicator.project_ids if pid in projects],
                        "receipts": sorted(
                            (
                                (receipts[rid], shares.get(receipts[rid].project_id, Decimal("0")) / 100)
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
