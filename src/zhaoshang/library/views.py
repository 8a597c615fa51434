from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.core import clock
from zhaoshang.core.history import entries_for
from zhaoshang.core.views import add_form_errors
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit

from . import catalogue, selectors, services
from .forms import ImportForm, LandedForm, OpportunityFilterForm, OpportunityForm
from .models import Opportunity
from .xlsx import XLSX_TYPE, export_workbook, import_proposals

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LIST_LIMIT = 500


def _filters(request) -> tuple[OpportunityFilterForm, dict]:
    form = OpportunityFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, data


def _query_without_status(request) -> str:
    query = request.GET.copy()
    for key in ("status", "format"):
        query.pop(key, None)
    return query.urlencode()


@login_required
def index(request):
    form, filters = _filters(request)
    rows = selectors.opportunity_list(user=request.user, filters=filters)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(export_workbook(rows), content_type=XLSX_TYPE)
        response["Content-Disposition"] = 'attachment; filename="opportunities.xlsx"'
        return response
    export_query = request.GET.copy()
    export_query["format"] = "xlsx"
    return render(
        request,
        "library/list.html",
        {
            "form": form,
            "opportunities": rows[:LIST_LIMIT],
            "count": rows.count(),
            "limit": LIST_LIMIT,
            "status_counts": selectors.status_counts(user=request.user, filters=filters),
            "current_status": filters.get("status", ""),
            "base_query": _query_without_status(request),
            "export_query": export_query.urlencode(),
            "can_propose": services.may_propose(request.user),
        },
    )


@login_required
def detail(request, pk):
    opportunity = get_object_or_404(Opportunity.objects.restrict(request.user).select_related("unit", "project"), pk=pk)
    bureau = access.edits_everything(request.user)
    history = entries_for(list(Opportunity.history.filter(id=opportunity.pk).select_related("history_user")))
    return render(
        request,
        "library/detail.html",
        {
            "opportunity": opportunity,
            "can_edit": services.may_change(request.user, opportunity),
            "actions": services.allowed_actions(opportunity) if bureau else [],
            "history": history,
        },
    )


def _form(request, opportunity):
    if opportunity is None and not services.may_propose(request.user):
        raise PermissionDenied
    form = OpportunityForm(request.POST or None, instance=opportunity, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_opportunity(user=request.user, opportunity=opportunity, data=form.cleaned_data)
            messages.success(request, _("Opportunity %(title)s saved.") % {"title": saved.title})
            return redirect(saved)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "library/form.html", {"form": form, "opportunity": opportunity})


@login_required
def create(request):
    return _form(request, None)


@login_required
def edit(request, pk):
    return _form(request, get_object_or_404(Opportunity.objects.restrict(request.user, "change"), pk=pk))


def _bureau_opportunity(request, pk) -> Opportunity:
    if not access.edits_everything(request.user):
        raise PermissionDenied
    return get_object_or_404(Opportunity.objects.restrict(request.user, "change"), pk=pk)


@login_required
@require_POST
def transition(request, pk, action):
    if action not in services.ACTIONS:
        raise Http404
    opportunity = _bureau_opportunity(request, pk)
    try:
        saved = services.ACTIONS[action](user=request.user, opportunity=opportunity)
        messages.success(
            request,
            _("Opportunity %(title)s is now “%(status)s”.")
            % {
                "title": saved.title,
                "status": saved.get_status_display(),
            },
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(opportunity)


@login_required
def landed(request, pk):
    opportunity = _bureau_opportunity(request, pk)
    form = LandedForm(request.POST or None, projects=selectors.landing_projects(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.mark_landed(user=request.user, opportunity=opportunity, project=form.cleaned_data["project"])
            messages.success(
                request,
                _("Opportunity %(title)s is now “%(status)s”.")
                % {
                    "title": opportunity.title,
                    "status": _("Landed"),
                },
            )
            return redirect(opportunity)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "library/landed.html", {"form": form, "opportunity": opportunity})


def _county_name() -> str:
    root = Unit.objects.filter(parent__isnull=True).order_by("code").first()
    return root.name if root else ""


@login_required
def catalogue_document(request, kind):
    if kind not in ("docx", "pdf"):
        raise Http404
    document = catalogue.catalogue_docx(
        selectors.catalogue(user=request.user), county=_county_name(), date=clock.today()
    )
    if kind == "pdf":
        try:
            content, content_type = catalogue.docx_to_pdf(document, name="catalogue"), "application/pdf"
        except catalogue.ConversionError:
            messages.error(request, _("The PDF could not be made on this server; download the .docx instead."))
            return redirect("library:list")
    else:
        content, content_type = document, DOCX_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="catalogue.{kind}"'
    return response


@login_required
def import_view(request):
    if not services.may_propose(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = import_proposals(user=request.user, source=form.cleaned_data["file"])
            messages.success(request, _("%(count)s opportunities imported.") % {"count": len(saved)})
            return redirect("library:list")
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "library/import.html", {"form": form})
