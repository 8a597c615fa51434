from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from zhaoshang.core.views import add_form_errors

from . import selectors, services
from .forms import EventFilterForm, EventForm
from .models import Event
from .xlsx import XLSX_TYPE, event_workbook


@login_required
def event_list(request):
    form = EventFilterForm(request.GET or None, years=selectors.years())
    data = form.cleaned_data if form.is_valid() else {}
    events = list(selectors.event_list(user=request.user, level=data.get("level", ""), year=data.get("year")))
    totals = selectors.totals(events)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(event_workbook(events, totals), content_type=XLSX_TYPE)
        response["Content-Disposition"] = 'attachment; filename="events.xlsx"'
        return response
    query = request.GET.copy()
    query["format"] = "xlsx"
    return render(
        request,
        "events/list.html",
        {
            "events": events,
            "totals": totals,
            "form": form,
            "xlsx_query": query.urlencode(),
            "can_edit": services.may_edit(request.user),
        },
    )


@login_required
def event_detail(request, pk):
    event = get_object_or_404(Event.objects.select_related("unit"), pk=pk)
    projects = selectors.event_projects(event, user=request.user)
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "projects": projects,
            "project_totals": selectors.project_totals(projects),
            "leads": list(selectors.event_leads(event, user=request.user)),
            "can_edit": services.may_edit(request.user),
        },
    )


def _event_form(request, event):
    if not services.may_edit(request.user):
        raise PermissionDenied
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_event(user=request.user, event=event, data=form.cleaned_data)
            messages.success(request, _("Event %(name)s saved.") % {"name": saved.name})
            return redirect(saved)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "events/form.html", {"form": form, "event": event})


@login_required
def event_create(request):
    return _event_form(request, None)


@login_required
def event_edit(request, pk):
    return _event_form(request, get_object_or_404(Event, pk=pk))
