"""Pages of coordination items and stalled projects."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.core import clock
from zhaoshang.core.revision import cached
from zhaoshang.core.views import CountedPaginator, flash_errors, flash_form_errors, get_restricted
from zhaoshang.organization import access
from zhaoshang.projects import services as project_services
from zhaoshang.projects.choices import Status
from zhaoshang.projects.models import Project

from . import coordination, selectors
from .filtersets import ItemFilterSet
from .forms import ItemForm, ItemStatusForm, StalledForm
from .models import CoordinationItem, SchedulingConfig

PAGE_SIZE = 50


@login_required
def item_list(request):
    queryset = selectors.items(user=request.user).order_by("deadline", "pk")
    filterset = ItemFilterSet(request.GET or None, queryset=queryset)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    if filterset.is_bound and not filterset.is_valid():
        rows = queryset.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "scheduling/item_list.html",
        {"filter": filterset, "page": page, "today": clock.today(), "query": query.urlencode()},
    )


@login_required
def item_detail(request, pk):
    item = get_restricted(selectors.items(user=request.user), request.user, pk, "view")
    can_update_status = CoordinationItem.objects.restrict(request.user, "change").filter(pk=item.pk).exists()
    edit_form = None
    if access.edits_everything(request.user):
        edit_form = ItemForm(
            initial={
                "description": item.description,
                "department": item.department,
                "deadline": item.deadline,
                "status": item.status,
                "note": item.note,
            },
            auto_id="item_%s",
        )
    status_form = None
    if can_update_status and not access.edits_everything(request.user) and item.status != "closed":
        status_form = ItemStatusForm(initial={"status": "in_progress"}, auto_id="status_%s")
    return render(
        request,
        "scheduling/item_detail.html",
        {
            "item": item,
            "today": clock.today(),
            "edit_form": edit_form,
            "status_form": status_form,
            "history": selectors.item_history(item),
        },
    )


@login_required
@require_POST
def item_edit(request, pk):
    item = get_restricted(CoordinationItem.objects, request.user, pk, "change")
    form = ItemForm(request.POST)
    if form.is_valid():
        try:
            coordination.update_item(user=request.user, item=item, data=form.cleaned_data)
            messages.success(request, _("Coordination item saved."))
        except ValidationError as error:
            flash_errors(request, error)
    else:
        flash_form_errors(request, form)
    return redirect(item)


@login_required
@require_POST
def item_status(request, pk):
    item = get_restricted(CoordinationItem.objects, request.user, pk, "change")
    form = ItemStatusForm(request.POST)
    if form.is_valid():
        try:
            coordination.set_item_status(
                user=request.user, item=item, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
            )
            messages.success(request, _("Coordination item updated."))
        except ValidationError as error:
            flash_errors(request, error)
    else:
        flash_form_errors(request, form)
    return redirect(item)


@login_required
def stalled_list(request):
    today = clock.today()
    config = SchedulingConfig.load()
    stalled = selectors.stalled_queryset(user=request.user, today=today, config=config)
    # Counting every stalled project took most of the page's time at 100,000 projects: the count is kept until the
    # data changes (core.revision; the settings are tracked too), for the day and what the user sees.
    count = cached(
        "stalled-count",
        [access.visibility_key(request.user), today],
        stalled.count,
        app_labels=("organization", "projects", "scheduling"),
    )
    page = CountedPaginator(stalled, PAGE_SIZE, count=count).get_page(request.GET.get("page"))
    found = selectors.stalled_projects(user=request.user, today=today, config=config, queryset=page.object_list)
    changeable = set(
        Project.objects.restrict(request.user, "change")
        .filter(pk__in=[entry.project.pk for entry in found])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "scheduling/stalled.html",
        {"found": found, "page": page, "changeable": changeable, "today": today},
    )


@login_required
@require_POST
def stalled_mark(request, pk):
    project = get_restricted(Project.objects, request.user, pk, "change")
    form = StalledForm(request.POST)
    if form.is_valid():
        try:
            project_services.set_status(
                user=request.user, project=project, status=Status.STALLED, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("%(project)s marked as stalled.") % {"project": project.name})
        except ValidationError as error:
            flash_errors(request, error)
    else:
        flash_form_errors(request, form)
    return redirect("scheduling:stalled")
