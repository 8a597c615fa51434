from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from zhaoshang.core import clock
from zhaoshang.core.history import entries_for
from zhaoshang.core.views import add_form_errors, get_restricted
from zhaoshang.organization.models import Unit

from . import selectors, services, xlsx
from .forms import ImportForm, ReceptionFilterForm, ReceptionForm
from .models import Reception

LIST_LIMIT = 500
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def _filters(request) -> tuple[ReceptionFilterForm, selectors.Filters]:
    form = ReceptionFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.Filters(
        unit=data.get("unit"),
        kind=data.get("kind") or "",
        month=data.get("month"),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        q=(data.get("q") or "").strip(),
    )
    return form, filters


@login_required
def index(request):
    form, filters = _filters(request)
    rows = selectors.reception_list(user=request.user, filters=filters)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(xlsx.workbook(rows.select_related("unit")), content_type=xlsx.XLSX_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, "receptions.xlsx")
        return response
    return render(
        request,
        "receptions/list.html",
        {
            "form": form,
            "rows": rows[:LIST_LIMIT],
            "totals": selectors.totals(rows),
            "limit": LIST_LIMIT,
            "query": request.GET.urlencode(),
            "can_add": services.may_record(request.user),
        },
    )


@login_required
def detail(request, pk):
    reception = get_restricted(Reception.objects.select_related("unit", "recorded_by"), request.user, pk)
    history = entries_for(list(Reception.history.filter(id=reception.pk).select_related("history_user")))
    return render(
        request,
        "receptions/detail.html",
        {
            "reception": reception,
            # The leads linked that this user may see (a lead belongs to the unit following it).
            "leads": reception.leads.restrict(request.user).order_by("company", "pk"),
            "history": history,
            "can_edit": Reception.objects.restrict(request.user, "change").filter(pk=pk).exists(),
        },
    )


def _form(request, reception):
    if reception is None and not services.may_record(request.user):
        raise PermissionDenied
    form = ReceptionForm(request.POST or None, instance=reception, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_reception(user=request.user, reception=reception, data=form.cleaned_data)
            messages.success(request, _("Reception or trip saved."))
            return redirect(saved)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "receptions/form.html", {"form": form, "reception": reception})


@login_required
def create(request):
    return _form(request, None)


@login_required
def edit(request, pk):
    return _form(request, get_restricted(Reception.objects.all(), request.user, pk, "change"))


@login_required
def import_view(request):
    if not services.may_record(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx") or upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", _("Upload an .xlsx file of at most 10 MB."))
        else:
            created, errors = services.import_receptions(user=request.user, data=upload.read())
            if not errors:
                messages.success(request, _("%(count)s receptions and trips imported.") % {"count": len(created)})
                return redirect("receptions:list")
    return render(request, "receptions/import.html", {"form": form, "errors": [str(e) for e in errors[:200]]})


@login_required
def template(request):
    """The import's template: the export's columns, no rows."""
    response = HttpResponse(xlsx.workbook([]), content_type=xlsx.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, "receptions-template.xlsx")
    return response


def _year(request) -> int:
    today = clock.today()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= 2100:
        raise Http404
    return year


@login_required
def counts(request):
    year = _year(request)
    rows = selectors.monthly_counts(request.user, year)
    return render(
        request,
        "receptions/counts.html",
        {"year": year, "rows": rows, "months": selectors.MONTHS, "years": range(clock.today().year, 2019, -1)},
    )


@login_required
def unit_panel(request, unit_pk):
    """The unit page's panel (loaded by URL): the unit's counts per month of the year."""
    unit = get_restricted(Unit.objects, request.user, unit_pk)
    year = _year(request)
    rows = selectors.monthly_counts(request.user, year, unit=unit)
    return render(
        request,
        "receptions/_unit_panel.html",
        {"unit": unit, "year": year, "row": rows[0] if rows else None, "months": selectors.MONTHS},
    )
