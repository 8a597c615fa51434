"""The county's own targets from above on the target page: set, changed and removed by the bureau, shown
against the sum of the units' targets, and the rows behind the county's figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhaoshang.core import clock
from zhaoshang.core.forms import BootstrapForm
from zhaoshang.core.views import add_form_errors
from zhaoshang.organization import access
from zhaoshang.projects.choices import Stage

from . import previews, services
from .choices import AmountField, IndicatorKind
from .models import CountyTarget, Period, indicator_key

ZERO = Decimal("0")


class CountyTargetForm(BootstrapForm, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("indicator kind"), choices=IndicatorKind.choices)
    stage = forms.ChoiceField(label=gettext_lazy("stage"), choices=[("", "—"), *Stage.choices], required=False)
    amount_field = forms.ChoiceField(label=gettext_lazy("amount"), choices=AmountField.choices)
    min_amount = forms.DecimalField(
        label=gettext_lazy("minimum amount (10k yuan)"),
        max_digits=16,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
    )
    target = forms.DecimalField(
        label=gettext_lazy("target from above"), max_digits=16, decimal_places=2, min_value=Decimal("0")
    )
    document = forms.CharField(label=gettext_lazy("source document"), max_length=200, required=False)
    document_number = forms.CharField(label=gettext_lazy("document number"), max_length=100, required=False)
    issued_by = forms.CharField(label=gettext_lazy("handed down by"), max_length=100, required=False)

    def data_for_service(self) -> services.CountyTargetData:
        data = self.cleaned_data
        return services.CountyTargetData(
            kind=data["kind"],
            stage=data.get("stage") or "",
            amount_field=data["amount_field"],
            min_amount=data.get("min_amount") or ZERO,
            target=data["target"],
            document=data.get("document") or "",
            document_number=data.get("document_number") or "",
            issued_by=data.get("issued_by") or "",
        )


def county_rows(period: Period) -> list[dict]:
    """Each target from above with the sum of the units' targets of the same indicator and the shortfall."""
    split = previews.unit_target_split(period)
    rows = []
    for target in CountyTarget.objects.filter(period=period).order_by("id"):
        units = split.get(indicator_key(target), ZERO)
        rows.append({"target": target, "units": units, "short": max(target.target - units, ZERO)})
    return rows


def _require_bureau(request) -> None:
    if not access.edits_everything(request.user):
        raise PermissionDenied


def _form_page(request, period: Period, county_target: CountyTarget | None):
    _require_bureau(request)
    initial = {}
    if county_target is not None:
        initial = {
            name: getattr(county_target, name)
            for name in ("kind", "stage", "amount_field", "min_amount", "target", "document", "document_number")
        }
        initial["issued_by"] = county_target.issued_by
    form = CountyTargetForm(
        request.POST or None,
        initial=initial or {"kind": "amount", "stage": "signed", "amount_field": "contract_amount"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_county_target(
                user=request.user, period=period, data=form.data_for_service(), county_target=county_target
            )
            messages.success(request, _("Target from above saved."))
            return redirect(period)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(
        request,
        "targets/county_target_form.html",
        {"form": form, "period": period, "county_target": county_target},
    )


@login_required
def county_target_create(request, pk):
    return _form_page(request, get_object_or_404(Period, pk=pk), None)


@login_required
def county_target_edit(request, pk):
    county_target = get_object_or_404(CountyTarget, pk=pk)
    return _form_page(request, county_target.period, county_target)


@login_required
@require_POST
def county_target_delete(request, pk):
    _require_bureau(request)
    county_target = get_object_or_404(CountyTarget, pk=pk)
    services.delete_county_target(user=request.user, county_target=county_target)
    messages.success(request, _("Target from above removed."))
    return redirect(county_target.period)


@login_required
def county_figure(request, pk):
    """The rows behind the county's figure for one target from above: the projects (or receipts) the
    assessment counts, each with the county's share (the sum of its units' shares), totalling the figure."""
    from zhaoshang.projects.models import FundsReceipt, Project, ProjectCredit
    from zhaoshang.projects.rules import share_fraction

    county_target = get_object_or_404(CountyTarget, pk=pk)
    period = county_target.period
    as_of = min(clock.today(), period.end)
    if request.GET.get("as_of"):
        try:
            as_of = min(dt.date.fromisoformat(request.GET["as_of"]), period.end)
        except ValueError:
            as_of = min(clock.today(), period.end)
    basis = "verified" if request.GET.get("basis") == "verified" else "reported"
    completion = previews.county_completion(period, as_of, basis=basis)
    figure = next((f for f in completion.figures if f.target.pk == county_target.pk), None) if completion else None
    if figure is None:
        raise Http404
    shares: dict[int, Decimal] = {}
    for project_id, share in ProjectCredit.objects.filter(project_id__in=figure.project_ids).values_list(
        "project_id", "share"
    ):
        shares[project_id] = shares.get(project_id, ZERO) + share_fraction(share)
    projects = Project.objects.restrict(request.user, "view").in_bulk(figure.project_ids)
    found = FundsReceipt.objects.restrict(request.user, "view").select_related("project").in_bulk(figure.receipt_ids)
    if basis == "verified":
        previews.show_verified(projects, found)
    rows, receipts = [], []
    if county_target.kind == IndicatorKind.FUNDS:
        for rid in figure.receipt_ids:
            if rid in found:
                receipt = found[rid]
                share = shares.get(receipt.project_id, ZERO)
                receipts.append({"receipt": receipt, "share": share, "credited": share * receipt.amount})
        total = sum((r["credited"] for r in receipts), ZERO)
    else:
        for pid in figure.project_ids:
            if pid not in projects:
                continue
            project, share = projects[pid], shares.get(pid, ZERO)
            if county_target.kind == IndicatorKind.COUNT:
                value = share
            elif county_target.kind == IndicatorKind.AMOUNT:
                value = share * (
                    project.contract_amount
                    if county_target.amount_field == AmountField.CONTRACT
                    else project.planned_investment
                )
            else:
                value = None
            rows.append({"project": project, "share": share, "credited": value})
        total = sum((r["credited"] for r in rows if r["credited"] is not None), ZERO)
    return render(
        request,
        "targets/county_figure.html",
        {
            "period": period,
            "figure": figure,
            "county_target": county_target,
            "as_of": as_of,
            "basis": basis,
            "rows": rows,
            "receipts": receipts,
            "total": total,
            "foreign": county_target.kind == IndicatorKind.FOREIGN,
        },
    )
