from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.core import clock
from zhaoshang.core.views import add_form_errors
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit
from zhaoshang.persons.models import Person
from zhaoshang.projects.models import Project

from . import rules, selectors, services
from .forms import ImportForm, KindForm, ListFilterForm, PlanRowForm, plan_initial
from .models import MilestoneKind
from .xlsx import XLSX_TYPE, import_plans, list_workbook

LIST_LIMIT = 500


def _scope(request):
    """The unit and the leader a list or panel is narrowed to (from the query string), when the user may see them."""
    unit = leader = None
    unit_id = request.GET.get("unit", "")
    if unit_id.isdigit() and len(unit_id) < 10:
        unit = Unit.objects.filter(pk=int(unit_id)).first()
    leader_id = request.GET.get("leader", "")
    if leader_id.isdigit() and len(leader_id) < 10 and access.reads_everything(request.user):
        leader = Person.objects.filter(pk=int(leader_id)).first()
    return unit, leader


@login_required
def index(request):
    """Overdue, upcoming or all milestones the user may see; the bureau filters by unit; .xlsx with format=xlsx."""
    tab = request.GET.get("tab", "overdue")
    tab = tab if tab in selectors.TABS else "overdue"
    form = ListFilterForm(request.GET or None, bureau=access.reads_everything(request.user))
    unit, leader = _scope(request)
    today = clock.today()
    milestones = selectors.milestone_list(user=request.user, tab=tab, today=today, unit=unit, leader=leader)
    days = selectors.upcoming_days()
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(list_workbook(milestones, today=today, days=days), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="milestones-{tab}-{today.isoformat()}.xlsx"'
        return response
    counts = selectors.counts(user=request.user, today=today, unit=unit, leader=leader)
    rows = [_row(m, today, days) for m in milestones[:LIST_LIMIT]]
    query = request.GET.copy()
    query.pop("tab", None)
    query.pop("format", None)
    context = {
        "tab": tab,
        "rows": rows,
        "count": milestones.count(),
        "counts": counts,
        "form": form,
        "unit": unit,
        "leader": leader,
        "days": days,
        "query": query.urlencode(),
        "limit": LIST_LIMIT,
        "is_bureau": access.edits_everything(request.user),
        "may_import": access.edits_everything(request.user) or access.is_reporter(request.user),
    }
    if request.GET.get("panel"):
        return render(request, "milestones/_panel.html", context)
    return render(request, "milestones/list.html", context)


def _row(milestone, today, days):
    return {
        "milestone": milestone,
        "actual": rules.actual_date(milestone),
        "overdue": rules.overdue(milestone, today),
        "upcoming": rules.upcoming(milestone, today, days),
    }


@login_required
def tile(request):
    """The dashboard's tile: overdue and upcoming milestones in the user's scope, each linking to its list."""
    counts = selectors.counts(user=request.user, today=clock.today())
    return render(request, "milestones/_tile.html", {"counts": counts, "days": selectors.upcoming_days()})


@login_required
def plan(request, pk):
    project = get_object_or_404(Project.objects.restrict(request.user), pk=pk)
    can_change = services.may_change_plan(request.user, project)
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    rows = selectors.plan_rows(project)
    data = request.POST if request.method == "POST" else None
    for row in rows:
        row.form = PlanRowForm(
            data,
            prefix=f"k{row.kind.pk}",
            project=project,
            initial=plan_initial(row.milestone, row.actual),
        )
        row.errors = []
        if not can_change:
            for field in row.form.fields.values():
                field.disabled = True
    if request.method == "POST":
        if all(row.form.is_valid() for row in rows):
            try:
                services.save_plan(
                    user=request.user, project=project, rows={row.kind: row.form.cleaned_data for row in rows}
                )
                messages.success(request, _("The milestone plan is saved."))
                return redirect("milestones:plan", project.pk)
            except ValidationError as error:
                by_kind = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
                for row in rows:
                    row.errors = by_kind.get(str(row.kind.pk), [])
                for message in by_kind.get("", []):
                    messages.error(request, message)
                messages.error(request, _("Nothing was saved: correct the rows marked below."))
        else:
            messages.error(request, _("Nothing was saved: correct the rows marked below."))
    today = clock.today()
    days = selectors.upcoming_days()
    for row in rows:
        row.overdue = row.milestone.pk is not None and rules.overdue(row.milestone, today)
        row.upcoming = row.milestone.pk is not None and rules.upcoming(row.milestone, today, days)
        row.done = rules.done(row.milestone)
    return render(
        request,
        "milestones/plan.html",
        {"project": project, "rows": rows, "can_change": can_change, "has_plan": project.milestones.exists()},
    )


@login_required
def kinds(request):
    if not access.edits_everything(request.user):
        raise PermissionDenied
    last = MilestoneKind.objects.order_by("-order").values_list("order", flat=True).first() or 0
    form = KindForm(request.POST or None, initial={"order": min(last + 10, 32767), "active": True})
    if request.method == "POST" and form.is_valid():
        try:
            kind = services.save_kind(user=request.user, data=form.cleaned_data)
            messages.success(request, _("Milestone %(name)s saved.") % {"name": kind.name})
            return redirect("milestones:kinds")
        except ValidationError as error:
            add_form_errors(form, error)
    kinds = MilestoneKind.objects.order_by("order", "pk")
    return render(request, "milestones/kinds.html", {"kinds": kinds, "form": form})


@login_required
def kind_edit(request, pk):
    if not access.edits_everything(request.user):
        raise PermissionDenied
    kind = get_object_or_404(MilestoneKind, pk=pk)
    form = KindForm(request.POST or None, instance=kind)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_kind(user=request.user, kind=kind, data=form.cleaned_data)
            messages.success(request, _("Milestone %(name)s saved.") % {"name": kind.name})
            return redirect("milestones:kinds")
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "milestones/kind_form.html", {"form": form, "kind": kind})


@login_required
@require_POST
def kind_move(request, pk):
    if not access.edits_everything(request.user):
        raise PermissionDenied
    kind = get_object_or_404(MilestoneKind, pk=pk)
    services.move_kind(user=request.user, kind=kind, up=request.POST.get("direction") == "up")
    return redirect("milestones:kinds")


@login_required
def import_view(request):
    if not (access.edits_everything(request.user) or access.is_reporter(request.user)):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            errors = [_("The file is larger than 10 MB.")]
        else:
            try:
                count = import_plans(user=request.user, data=upload.read())
                messages.success(request, _("%(count)s milestones imported.") % {"count": count})
                return redirect(reverse("milestones:list") + "?tab=all")
            except ValidationError as error:
                errors = error.messages
    return render(request, "milestones/import.html", {"form": form, "errors": errors})
