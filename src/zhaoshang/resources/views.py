from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.core import clock, filetypes
from zhaoshang.core.history import entries_for
from zhaoshang.core.views import add_form_errors, flash_errors, flash_form_errors
from zhaoshang.leads.models import Lead
from zhaoshang.library.models import Opportunity
from zhaoshang.projects.models import Project

from . import selectors, services, xlsx
from .forms import AttachmentForm, FilterForm, ImportForm, MatchForm, StatusForm, resource_form_class
from .models import KINDS, LINK_OF, Attachment

LIST_LIMIT = 500


def _model(kind: str):
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


def _tabs(kind: str):
    return [(key, str(model._meta.verbose_name_plural), key == kind) for key, model in KINDS.items()]


@login_required
def resource_list(request, kind: str = "parcel"):
    model = _model(kind)
    form = FilterForm(request.GET or None, kind=kind)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.resource_list(request.user, kind, filters)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(xlsx.export_workbook(kind, rows), content_type=xlsx.XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="resources-{kind}-{clock.today():%Y%m%d}.xlsx"'
        return response
    base = request.GET.copy()
    for key in ("status", "format"):
        base.pop(key, None)
    export = request.GET.copy()
    export["format"] = "xlsx"
    return render(
        request,
        "resources/list.html",
        {
            "kind": kind,
            "tabs": _tabs(kind),
            "title": model._meta.verbose_name_plural,
            "form": form,
            "resources": rows[:LIST_LIMIT],
            "count": rows.count(),
            "limit": LIST_LIMIT,
            "status_counts": selectors.status_counts(request.user, kind, filters),
            "current_status": filters.get("status", ""),
            "base_query": base.urlencode(),
            "export_query": export.urlencode(),
            "can_add": services.may_add(request.user),
        },
    )


def _resource(request, kind, pk, action="view"):
    model = _model(kind)
    return get_object_or_404(model.objects.restrict(request.user, action).select_related("unit", "project"), pk=pk)


@login_required
def detail(request, kind, pk):
    resource = _resource(request, kind, pk)
    model = type(resource)
    can_change = services.may_change(request.user, resource)
    attachments = list(Attachment.objects.filter(**{LINK_OF[kind]: resource}).select_related("uploaded_by"))
    records = list(model.history.filter(id=resource.pk).select_related("history_user"))
    records += list(Attachment.history.filter(**{f"{LINK_OF[kind]}_id": resource.pk}).select_related("history_user"))
    context = {
        "kind": kind,
        "resource": resource,
        "fields": _shown_fields(resource),
        "photos": [a for a in attachments if a.is_image],
        "documents": [a for a in attachments if not a.is_image],
        "can_change": can_change,
        "history": sorted(entries_for(records), key=lambda entry: entry.when, reverse=True),
        "status_changes": _status_changes(resource, records),
    }
    if can_change:
        context["status_form"] = StatusForm(
            resource=resource,
            user=request.user,
            initial={"status": resource.status, "project": resource.project_id},
            prefix="status",
        )
        context["attachment_form"] = AttachmentForm(prefix="file")
    return render(request, "resources/detail.html", context)


def _status_changes(resource, records) -> list[dict]:
    """Each change of status (and the first one), latest first: when, who, to what, the project, the reason."""
    labels = dict(type(resource)._meta.get_field("status").flatchoices)
    own = sorted(
        (r for r in records if r.instance_type is type(resource) and r.history_type != "-"),
        key=lambda r: (r.history_date, r.history_id),
    )
    changes, previous = [], None
    for record in own:
        if previous is None or (record.status, record.project_id) != (previous.status, previous.project_id):
            changes.append(
                {
                    "when": record.history_date,
                    "who": record.history_user,
                    "status": labels.get(record.status, record.status),
                    "project_id": record.project_id,
                    "reason": record.history_change_reason or "",
                }
            )
        previous = record
    codes = dict(
        Project.objects.filter(pk__in={c["project_id"] for c in changes if c["project_id"]}).values_list("pk", "code")
    )
    for change in changes:
        change["project"] = codes.get(change["project_id"], "")
    return changes[::-1]


def _shown_fields(resource) -> list[tuple[str, object]]:
    """(label, value) of every field a person reads on the page, in the form's order."""
    shown = []
    for name in services.EDITABLE[resource.KIND]:
        field = resource._meta.get_field(name)
        if name in ("name", "note", "latitude", "longitude"):  # the position: a line of its own, with the map
            continue
        if name == "unit":
            value = resource.unit.name
        elif field.choices:
            value = getattr(resource, f"get_{name}_display")()
        else:
            value = getattr(resource, name)
        shown.append((field.verbose_name, "—" if value in (None, "") else value))
    shown.append((resource._meta.get_field("note").verbose_name, resource.note or "—"))
    return shown


def _form(request, kind, resource):
    model = _model(kind)
    if resource is None and not services.may_add(request.user):
        raise PermissionDenied
    form_class = resource_form_class(kind)
    form = form_class(request.POST or None, instance=resource, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_resource(user=request.user, model=model, resource=resource, data=form.cleaned_data)
            messages.success(request, _("%(name)s saved.") % {"name": saved})
            return redirect(saved)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(
        request,
        "resources/form.html",
        {"form": form, "resource": resource, "kind": kind, "title": model._meta.verbose_name},
    )


@login_required
def create(request, kind):
    return _form(request, kind, None)


@login_required
def edit(request, kind, pk):
    return _form(request, kind, _resource(request, kind, pk, "change"))


@login_required
@require_POST
def status(request, kind, pk):
    resource = _resource(request, kind, pk, "change")
    form = StatusForm(request.POST, resource=resource, user=request.user, prefix="status")
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.change_status(
                user=request.user,
                resource=resource,
                status=data["status"],
                project=data["project"],
                reason=data["reason"],
            )
            messages.success(
                request, _("%(name)s is now “%(status)s”.") % {"name": saved, "status": saved.get_status_display()}
            )
        except ValidationError as error:
            flash_errors(request, error)
    else:
        flash_form_errors(request, form)
    return redirect(resource)


@login_required
@require_POST
def attach(request, kind, pk):
    resource = _resource(request, kind, pk, "change")
    form = AttachmentForm(request.POST, request.FILES, prefix="file")
    if form.is_valid():
        try:
            services.add_attachment(
                user=request.user, resource=resource, uploaded=form.cleaned_data["file"], kind=form.cleaned_data["kind"]
            )
            messages.success(request, _("File attached."))
        except ValidationError as error:
            flash_errors(request, error)
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect(resource)


@login_required
def attachment_download(request, pk):
    attachment = get_object_or_404(Attachment.objects.restrict(request.user), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # Photos are shown on the resource's page; anything else is a download.
    inline = attachment.is_image and request.GET.get("inline") == "1"
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.original_name,
        content_type=filetypes.served_type(attachment.content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = get_object_or_404(Attachment.objects.restrict(request.user, "change"), pk=pk)
    resource = attachment.resource
    services.delete_attachment(user=request.user, attachment=attachment)
    messages.success(request, _("Attachment removed."))
    return redirect(resource)


@login_required
def import_view(request, kind):
    model = _model(kind)
    if not services.may_add(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            errors = [_("The file is larger than %(size)s MB.") % {"size": 10}]
        else:
            try:
                created = xlsx.import_resources(user=request.user, kind=kind, data=upload.read())
                messages.success(request, _("%(count)s resources imported.") % {"count": len(created)})
                return redirect("resources:kind_list", kind=kind)
            except xlsx.ImportFailed as failure:
                errors = [str(error) for error in failure.errors]
    return render(
        request,
        "resources/import.html",
        {"form": form, "errors": errors, "kind": kind, "title": model._meta.verbose_name_plural},
    )


@login_required
def match(request):
    """Available parcels and factories fitting a lead's or an opportunity's demand, or explicit filters."""
    source, demand = None, {}
    lead_id, opportunity_id = request.GET.get("lead"), request.GET.get("opportunity")
    if lead_id:
        source = _source(Lead, request.user, lead_id)
        demand = selectors.demand_of_lead(source)
    elif opportunity_id:
        source = _source(Opportunity, request.user, opportunity_id)
        demand = selectors.demand_of_opportunity(source)
    explicit = {key for key in ("area_min", "area_max", "land_use", "unit") if key in request.GET}
    initial = {key: demand.get(key) for key in ("area_min", "area_max", "land_use")}
    form = MatchForm(request.GET if explicit else None, initial=initial)
    if explicit:
        filters = form.cleaned_data if form.is_valid() else None
    else:
        filters = {**initial, "unit": None}
    matches = None
    if filters is not None and (source is not None or explicit):
        matches = selectors.match(
            filters.get("area_min"),
            filters.get("area_max"),
            filters.get("land_use") or "",
            filters.get("unit"),
            user=request.user,
            prefer_unit=demand.get("prefer_unit"),
        )
    return render(
        request,
        "resources/match.html",
        {
            "form": form,
            "source": source,
            "matches": matches,
            "lead_id": lead_id or "",
            "opportunity_id": opportunity_id or "",
        },
    )


def _source(model, user, pk):
    if not str(pk).isdigit() or len(str(pk)) > 12:
        raise Http404
    return get_object_or_404(model.objects.restrict(user).select_related("unit"), pk=int(pk))
