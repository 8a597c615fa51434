from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.core import clock
from zhaoshang.core.history import entries_for
from zhaoshang.core.views import add_form_errors, flash_errors, get_restricted
from zhaoshang.core.xlsx import download

from . import periods, rules, selectors, services, xlsx
from .forms import ImportForm, IndicatorForm, ValueEditForm, ValueForm
from .models import Indicator, IndicatorValue

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
TABLE_LIMIT = 500


@login_required
def index(request):
    """Every indicator with its latest value (or how many units met it), met or not, its trend and a sparkline."""
    show_all = bool(request.GET.get("all")) and services.may_define(request.user)
    summaries = selectors.overview(user=request.user, include_inactive=show_all)
    return render(
        request,
        "environment/list.html",
        {
            "summaries": summaries,
            "not_met": sum(1 for s in summaries if s.met is False or (s.row_count > 1 and s.met_count < s.row_count)),
            "show_all": show_all,
            "can_define": services.may_define(request.user),
            "can_enter": services.may_enter_some(request.user),
        },
    )


@login_required
def export(request):
    """Every value the user sees, one a row (the import's shape)."""
    rows = selectors.value_list(user=request.user)
    return download(xlsx.values_workbook(rows), f"environment-{clock.today().isoformat()}.xlsx")


@login_required
def detail(request, pk):
    indicator = get_restricted(Indicator.objects.select_related("department"), request.user, pk)
    values = list(selectors.value_list(user=request.user, indicator=indicator)[:TABLE_LIMIT])
    previous = {(v.department_id, v.period): v.value for v in values}
    rows = []
    for item in values:
        before = previous.get((item.department_id, periods.previous(item.period, indicator.frequency)))
        rows.append(
            (item, rules.trend(indicator.direction, before, item.value), services.may_change(request.user, item))
        )
    history = list(Indicator.history.filter(id=indicator.pk).select_related("history_user"))
    value_ids = [item.pk for item in values]
    history += list(IndicatorValue.history.filter(id__in=value_ids).select_related("history_user"))
    entries = sorted(entries_for(history), key=lambda entry: entry.when, reverse=True)
    can_enter = services.may_enter_any(request.user, indicator)
    return render(
        request,
        "environment/detail.html",
        {
            "indicator": indicator,
            "rows": rows,
            "chart": {**selectors.chart(user=request.user, indicator=indicator), "labels": {"target": _("target")}},
            "history": entries[:100],
            "can_define": services.may_define(request.user),
            "can_enter": can_enter,
            "value_form": ValueForm(indicator=indicator, user=request.user) if can_enter else None,
        },
    )


def _indicator_form(request, indicator):
    if not services.may_define(request.user):
        raise PermissionDenied
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_indicator(user=request.user, indicator=indicator, data=form.cleaned_data)
            messages.success(request, _("Indicator saved."))
            return redirect(saved)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "environment/indicator_form.html", {"form": form, "indicator": indicator})


@login_required
def create(request):
    return _indicator_form(request, None)


@login_required
def edit(request, pk):
    return _indicator_form(request, get_restricted(Indicator.objects.all(), request.user, pk, "change"))


@login_required
def enter(request, pk):
    """Enter a value of the indicator (a value already entered for that unit and period is changed)."""
    indicator = get_restricted(Indicator.objects.all(), request.user, pk)
    if not services.may_enter_any(request.user, indicator):
        raise PermissionDenied
    form = ValueForm(request.POST or None, indicator=indicator, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _item, created = services.save_value(
                user=request.user,
                indicator=indicator,
                department=data.get("department"),
                period=data["period"],
                value=data["value"],
                note=data["note"],
            )
            messages.success(request, _("Value saved.") if created else _("The value entered before is changed."))
            return redirect(indicator)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "environment/value_form.html", {"form": form, "indicator": indicator, "item": None})


@login_required
def value_edit(request, pk):
    item = get_restricted(IndicatorValue.objects.select_related("indicator", "department"), request.user, pk, "change")
    form = ValueEditForm(
        request.POST or None, indicator=item.indicator, initial={"value": item.value, "note": item.note}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_value(
                user=request.user, item=item, value=form.cleaned_data["value"], note=form.cleaned_data["note"]
            )
            messages.success(request, _("Value saved."))
            return redirect(item.indicator)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "environment/value_form.html", {"form": form, "indicator": item.indicator, "item": item})


@login_required
@require_POST
def value_delete(request, pk):
    item = get_restricted(IndicatorValue.objects.select_related("indicator"), request.user, pk, "delete")
    try:
        services.delete_value(user=request.user, item=item)
        messages.success(request, _("The value is deleted."))
    except ValidationError as error:
        flash_errors(request, error)
    return redirect(item.indicator)


@login_required
def import_view(request):
    if not services.may_enter_some(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx") or upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", _("Upload an .xlsx file of at most 10 MB."))
        else:
            saved, errors = services.import_values(user=request.user, data=upload.read())
            if not errors:
                messages.success(request, _("%(count)s indicator values imported.") % {"count": len(saved)})
                return redirect("environment:list")
    return render(request, "environment/import.html", {"form": form, "errors": [str(e) for e in errors[:200]]})


@login_required
def template(request):
    """The import's template: the export's columns, no rows."""
    return download(xlsx.values_workbook([]), "environment-template.xlsx")
