from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.core import clock
from zhaoshang.core.history import entries_for
from zhaoshang.core.views import add_form_errors, flash_errors, flash_form_errors, get_restricted
from zhaoshang.core.xlsx import download

from . import rules, selectors, services, xlsx
from .forms import (
    CloseForm,
    DemandFilterForm,
    DemandForm,
    EnterpriseFilterForm,
    EnterpriseForm,
    ImportForm,
    LiaisonForm,
    UpdateForm,
    VisitForm,
)
from .models import Demand, Enterprise, Liaison, Visit

LIST_LIMIT = 500
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


# --- enterprises -------------------------------------------------------------------------------------------------


@login_required
def index(request):
    form = EnterpriseFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.EnterpriseFilters(
        unit=data.get("unit"),
        industry=data.get("industry") or "",
        size=data.get("size") or "",
        q=(data.get("q") or "").strip(),
    )
    rows = selectors.enterprise_list(user=request.user, filters=filters)
    if request.GET.get("format") == "xlsx":
        return download(xlsx.enterprises_workbook(rows), "enterprises.xlsx")
    return render(
        request,
        "liaison/list.html",
        {
            "form": form,
            "rows": rows[:LIST_LIMIT],
            "count": rows.count(),
            "limit": LIST_LIMIT,
            "query": request.GET.urlencode(),
            "can_add": services.may_record(request.user),
        },
    )


@login_required
def enterprise_detail(request, pk):
    enterprise = get_restricted(Enterprise.objects.select_related("unit", "investor"), request.user, pk)
    can_edit = services.may_change(request.user, enterprise)
    today = clock.today()
    demands = list(
        selectors.demand_list(user=request.user, today=today, filters=selectors.DemandFilters(enterprise=enterprise))
    )
    for demand in demands:
        demand.is_overdue = rules.overdue(demand, today)
    history = entries_for(list(Enterprise.history.filter(id=enterprise.pk).select_related("history_user")))
    return render(
        request,
        "liaison/enterprise.html",
        {
            "enterprise": enterprise,
            "liaisons": enterprise.liaisons.select_related("cadre", "cadre__unit"),
            "visits": enterprise.visits.select_related("cadre"),
            "demands": demands,
            "history": history,
            "can_edit": can_edit,
            "liaison_form": LiaisonForm(initial={"since": today}, user=request.user) if can_edit else None,
        },
    )


def _enterprise_form(request, enterprise):
    if enterprise is None and not services.may_record(request.user):
        raise PermissionDenied
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_enterprise(user=request.user, enterprise=enterprise, data=form.cleaned_data)
            messages.success(request, _("Enterprise saved."))
            return redirect(saved)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "liaison/form.html", {"form": form, "enterprise": enterprise, "what": "enterprise"})


@login_required
def enterprise_create(request):
    return _enterprise_form(request, None)


@login_required
def enterprise_edit(request, pk):
    enterprise = get_restricted(Enterprise.objects.all(), request.user, pk, "change")
    return _enterprise_form(request, enterprise)


@login_required
@require_POST
def liaison_add(request, pk):
    enterprise = get_restricted(Enterprise.objects.all(), request.user, pk, "change")
    form = LiaisonForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.add_liaison(user=request.user, enterprise=enterprise, **form.cleaned_data)
            messages.success(request, _("Liaison cadre assigned."))
        except ValidationError as error:
            flash_errors(request, error)
    else:
        flash_form_errors(request, form)
    return redirect(enterprise)


@login_required
@require_POST
def liaison_end(request, pk):
    liaison = get_restricted(Liaison.objects.select_related("enterprise"), request.user, pk, "change")
    services.end_liaison(user=request.user, liaison=liaison)
    return redirect(liaison.enterprise)


def _visit_form(request, enterprise, visit):
    form = VisitForm(request.POST or None, instance=visit, user=request.user, initial={"date": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_visit(user=request.user, enterprise=enterprise, visit=visit, data=form.cleaned_data)
            messages.success(request, _("Visit saved."))
            return redirect(enterprise)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "liaison/form.html", {"form": form, "enterprise": enterprise, "what": "visit"})


@login_required
def visit_create(request, pk):
    enterprise = get_restricted(Enterprise.objects.all(), request.user, pk, "change")
    return _visit_form(request, enterprise, None)


@login_required
def visit_edit(request, pk):
    visit = get_restricted(Visit.objects.select_related("enterprise"), request.user, pk, "change")
    return _visit_form(request, visit.enterprise, visit)


# --- demands -----------------------------------------------------------------------------------------------------


@login_required
def demand_create(request, pk):
    enterprise = get_restricted(Enterprise.objects.all(), request.user, pk, "change")
    initial = {"raised_on": clock.today(), "visit": request.GET.get("visit") or None}
    form = DemandForm(request.POST or None, enterprise=enterprise, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            demand = services.create_demand(user=request.user, enterprise=enterprise, data=form.cleaned_data)
            messages.success(request, _("Demand saved; the department is told."))
            return redirect(demand)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "liaison/form.html", {"form": form, "enterprise": enterprise, "what": "demand"})


@login_required
def demand_edit(request, pk):
    demand = get_restricted(Demand.objects.select_related("enterprise"), request.user, pk, "change")
    # The form works on a copy: the service compares the demand as it was (a new deadline, a new department).
    form = DemandForm(request.POST or None, instance=Demand.objects.get(pk=demand.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_demand(user=request.user, demand=demand, data=form.cleaned_data)
            messages.success(request, _("Demand saved."))
            return redirect(demand)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(
        request,
        "liaison/form.html",
        {"form": form, "enterprise": demand.enterprise, "demand": demand, "what": "demand"},
    )


def _demand_filters(request) -> tuple[DemandFilterForm, selectors.DemandFilters]:
    form = DemandFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.DemandFilters(
        department=data.get("department"),
        unit=data.get("unit"),
        enterprise=data.get("enterprise"),
        status=data.get("status") or "",
        overdue=bool(data.get("overdue")),
        category=data.get("category") or "",
        satisfaction=data.get("satisfaction") or "",
        q=(data.get("q") or "").strip(),
    )
    return form, filters


@login_required
def demands(request):
    form, filters = _demand_filters(request)
    today = clock.today()
    rows = selectors.demand_list(user=request.user, today=today, filters=filters)
    if request.GET.get("format") == "xlsx":
        return download(xlsx.demands_workbook(rows), "demands.xlsx")
    shown = list(rows[:LIST_LIMIT])
    for demand in shown:
        demand.is_overdue = rules.overdue(demand, today)
    return render(
        request,
        "liaison/demands.html",
        {
            "form": form,
            "rows": shown,
            "count": rows.count(),
            "limit": LIST_LIMIT,
            "query": request.GET.urlencode(),
            "can_import": services.may_record(request.user),
        },
    )


@login_required
def demand_detail(request, pk):
    demand = get_restricted(
        Demand.objects.select_related("enterprise", "enterprise__unit", "department", "visit", "recorded_by"),
        request.user,
        pk,
    )
    today = clock.today()
    can_edit = services.may_change(request.user, demand) and rules.is_open(demand)
    history = entries_for(list(Demand.history.filter(id=demand.pk).select_related("history_user")))
    return render(
        request,
        "liaison/demand.html",
        {
            "demand": demand,
            "overdue": rules.overdue(demand, today),
            "updates": demand.updates.select_related("by"),
            "history": history,
            "can_edit": can_edit,
            # The enterprise's page only for those who may see the enterprise (a department sees the demand).
            "enterprise_visible": Enterprise.objects.restrict(request.user).filter(pk=demand.enterprise_id).exists(),
            "update_form": UpdateForm(initial={"date": today}, prefix="u") if can_edit else None,
            "close_form": CloseForm(initial={"date": today}, prefix="c") if can_edit else None,
        },
    )


@login_required
@require_POST
def demand_progress(request, pk):
    demand = get_restricted(Demand.objects.all(), request.user, pk, "change")
    form = UpdateForm(request.POST, prefix="u")
    if form.is_valid():
        try:
            services.add_update(user=request.user, demand=demand, **form.cleaned_data)
            messages.success(request, _("Progress recorded."))
        except ValidationError as error:
            flash_errors(request, error)
    else:
        flash_form_errors(request, form)
    return redirect(demand)


@login_required
@require_POST
def demand_answer(request, pk):
    demand = get_restricted(Demand.objects.all(), request.user, pk, "change")
    form = CloseForm(request.POST, prefix="c")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.answer(
                user=request.user,
                demand=demand,
                satisfaction=data["satisfaction"],
                note=data["satisfaction_note"],
                date=data["date"],
            )
            if rules.is_open(demand):
                messages.warning(request, _("The enterprise is not satisfied: the demand is back in progress."))
            else:
                messages.success(request, _("The demand is closed out."))
        except ValidationError as error:
            flash_errors(request, error)
    else:
        flash_form_errors(request, form)
    return redirect(demand)


@login_required
def departments(request):
    rows = selectors.by_department(user=request.user, today=clock.today())
    return render(request, "liaison/departments.html", {"rows": rows})


@login_required
def tile(request):
    """The dashboard's tile (loaded by URL): pending and overdue demands, closure and satisfaction rates."""
    return render(request, "liaison/_tile.html", selectors.tile(user=request.user, today=clock.today()))


# --- imports -----------------------------------------------------------------------------------------------------


def _import(request, service, template_url, title, done_url):
    if not services.may_record(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx") or upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", _("Upload an .xlsx file of at most 10 MB."))
        else:
            created, errors = service(user=request.user, data=upload.read())
            if not errors:
                messages.success(request, _("%(count)s rows imported.") % {"count": len(created)})
                return redirect(done_url)
    return render(
        request,
        "liaison/import.html",
        {"form": form, "errors": [str(e) for e in errors[:200]], "template_url": template_url, "title": title},
    )


@login_required
def import_enterprises(request):
    return _import(
        request, services.import_enterprises, reverse("liaison:template"), _("Import enterprises"), "liaison:list"
    )


@login_required
def import_demands(request):
    return _import(
        request,
        services.import_demands,
        reverse("liaison:demand_template"),
        _("Import enterprise demands"),
        "liaison:demands",
    )


@login_required
def enterprise_template(request):
    return download(xlsx.enterprises_workbook([]), "enterprises-template.xlsx")


@login_required
def demand_template(request):
    return download(xlsx.demands_workbook([]), "demands-template.xlsx")
