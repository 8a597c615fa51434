"""Bulletin pages. Bureau staff and admins create, edit and issue; leaders and supervisors read and
download everything; reporters see and download issued bulletins only (a draft is a 404 for them)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.core.views import add_form_errors, get_restricted, validation_messages
from zhaoshang.organization import access
from zhaoshang.projects.views import ledger_url
from zhaoshang.targets.models import Period

from . import compute, selectors, services
from . import presentation as show
from .forms import CreateForm, DocumentSettingsForm, DraftForm
from .models import Bulletin, DocumentSettings

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _may_edit(user) -> bool:
    return user.is_authenticated and access.edits_everything(user)


@login_required
def bulletin_list(request):
    periods = list(Period.objects.order_by("-start", "code"))
    period = None
    if request.GET.get("period"):
        period = next((p for p in periods if str(p.pk) == request.GET["period"]), None)
    bulletins = selectors.bulletins_for(user=request.user, period=period)
    return render(
        request,
        "bulletins/list.html",
        {"bulletins": bulletins, "periods": periods, "period": period, "can_edit": _may_edit(request.user)},
    )


@login_required
def document_settings(request):
    """公文设置: the masthead, signature and imprint of the bureau's documents."""
    if not _may_edit(request.user):
        raise PermissionDenied
    row = DocumentSettings.load()
    form = DocumentSettingsForm(request.POST or None, instance=row, defaults=compute.heading_defaults())
    if request.method == "POST" and form.is_valid():
        try:
            services.save_document_settings(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Document settings saved."))
            return redirect("bulletins:list")
    return render(request, "bulletins/document_settings.html", {"form": form})


@login_required
def bulletin_create(request):
    if not _may_edit(request.user):
        raise PermissionDenied
    initial = {"period": request.GET.get("period")} if request.GET.get("period") else None
    form = CreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            bulletin = services.create_draft(
                user=request.user, period=form.cleaned_data["period"], month=form.cleaned_data["month"]
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Draft created. Check the figures, edit the text, then issue it."))
            return redirect(bulletin)
    return render(request, "bulletins/create.html", {"form": form})


# The overall table's columns that are figures of a date span (the others are changes): (column, span).
OVERALL_SPANS = {1: "month", 2: "previous_month", 4: "same_month_last_year", 6: "cumulative", 7: "cumulative_last_year"}
# What each overall figure counts, as the ledger filters and totals it: (filter, the ledger total it equals).
OVERALL_LEDGER = {
    "signed_count": ("signed", "count"),
    "signed_amount": ("signed", "contract"),
    "started_count": ("started", "count"),
    "started_investment": ("started", "planned"),
    "funds": (None, "funds"),
}


def overall_links(data: dict) -> list[dict[int, dict]]:
    """For each row of the overall table, the ledger address of each figure of a date span, with the figure as
    the ledger will total it: the projects that reached the stage within the dates (``projects.rules``), or the
    funds received within them. Only for a draft: an issued bulletin's figures are frozen, the ledger is not."""
    links = []
    for figure in data["overall"]["figures"]:
        reached, total = OVERALL_LEDGER[figure["key"]]
        row = {}
        for column, span in OVERALL_SPANS.items():
            start, end = data["overall"]["windows"][span]
            params = (
                {"reached": reached, "date_from": start, "date_to": end}
                if reached
                else {"received_from": start, "received_to": end}
            )
            row[column] = {"url": ledger_url(**params), "total": total, "value": figure[span]}
        links.append(row)
    return links


def _document_context(bulletin: Bulletin, data: dict) -> dict:
    rows = show.overall_rows(data)
    links = overall_links(data) if not bulletin.is_issued else [{} for _row in rows]
    return {
        "opening": show.opening_paragraph(data),
        "scope": data["overall"]["scope"],
        "overall_headers": show.overall_headers(data),
        "overall_rows": [
            [(cell, row_links.get(column)) for column, cell in enumerate(row)]
            for row, row_links in zip(rows, links, strict=True)
        ],
        "summary": show.summary_paragraph(data),
        "county": show.county_paragraph(data),
        "tables": [] if show.is_points(data) else show.category_tables(data),
        "points_tables": show.points_tables(data),
        "points_paragraph": show.points_paragraph(data),
        "ranking_note": show.ranking_note(data),
        "candidates": data["lists"]["flags"].get("accountability_candidate", []) if not bulletin.is_issued else [],
        "flag_paragraphs": show.flag_paragraphs(data),
        "stalled_paragraph": show.stalled_paragraph(data),
        "stalled_headers": show.STALLED_HEADERS,
        "stalled_rows": show.stalled_rows(data),
        "big_paragraphs": show.big_project_paragraphs(data),
        "reward_paragraph": show.reward_paragraph(data),
        "reward_headers": show.REWARD_HEADERS,
        "reward_rows": show.reward_rows(data),
        "reception_paragraph": show.reception_paragraph(data),
        "reception_headers": show.RECEPTION_HEADERS,
        "reception_rows": show.reception_rows(data),
        "liaison_paragraph": show.liaison_paragraph(data),
        "liaison_headers": show.LIAISON_HEADERS,
        "liaison_rows": show.liaison_rows(data),
        "requirements": show.requirement_paragraphs(bulletin.requirements),
        "issuer": data.get("issuer", ""),
        "signed_date": show.chinese_date(bulletin.date),
        "computed_at": (data.get("computed_at") or "")[:16].replace("T", " "),
    }


@login_required
def bulletin_detail(request, pk):
    queryset = Bulletin.objects.select_related("period", "issued_by", "corrects").defer("detail")
    bulletin = get_restricted(queryset, request.user, pk, "view")
    can_edit = _may_edit(request.user) and not bulletin.is_issued
    form = None
    if can_edit:
        form = DraftForm(request.POST or None, instance=bulletin)
    elif request.method == "POST":
        get_restricted(Bulletin.objects, request.user, pk, "change")
        raise PermissionDenied  # an issued bulletin is final
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(user=request.user, bulletin=bulletin, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Draft saved."))
            return redirect(bulletin)
        bulletin.refresh_from_db()
    context = {
        "bulletin": bulletin,
        "form": form,
        "can_edit": can_edit,
        "errors": [],
        "may_correct": bulletin.is_issued and _may_edit(request.user),
        "superseded_by": bulletin.superseded_by if bulletin.is_issued else None,
    }
    try:
        context.update(_document_context(bulletin, selectors.bulletin_data(bulletin, detail=False)))
        context["has_data"] = True
    except ValidationError as error:
        context["errors"] = validation_messages(error)
        context["has_data"] = False
    return render(request, "bulletins/detail.html", context)


@login_required
@require_POST
def bulletin_correct(request, pk):
    """Start a correction (更正) of an issued bulletin."""
    bulletin = get_restricted(Bulletin.objects, request.user, pk, "view")
    if not _may_edit(request.user):
        raise PermissionDenied
    try:
        correction = services.create_correction(user=request.user, bulletin=bulletin)
    except ValidationError as error:
        for message in validation_messages(error):
            messages.error(request, message)
        return redirect(bulletin)
    messages.success(
        request, _("Correction drafted. Change what was wrong, then issue it: it supersedes the original.")
    )
    return redirect(correction)


@login_required
@require_POST
def bulletin_finding(request, pk, unit_id):
    """The bureau's finding on one candidate for accountability (认定 / 不予认定, with the reason)."""
    bulletin = get_restricted(Bulletin.objects, request.user, pk, "change")
    held = request.POST.get("held")
    if held not in ("1", "0"):
        messages.error(request, _("Choose whether the unit is held accountable."))
        return redirect(bulletin)
    try:
        services.decide_accountability(
            user=request.user,
            bulletin=bulletin,
            unit_id=unit_id,
            held=held == "1",
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        for message in validation_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, _("Finding recorded."))
    return redirect(f"{bulletin.get_absolute_url()}#accountability")


@login_required
@require_POST
def bulletin_issue(request, pk):
    bulletin = get_restricted(Bulletin.objects, request.user, pk, "change")
    try:
        services.issue(user=request.user, bulletin=bulletin)
    except ValidationError as error:
        for message in validation_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, _("The bulletin has been issued. Its figures are now final."))
    return redirect(bulletin)


@login_required
@require_POST
def bulletin_delete(request, pk):
    bulletin = get_restricted(Bulletin.objects, request.user, pk, "delete")
    try:
        services.delete_draft(user=request.user, bulletin=bulletin)
    except ValidationError as error:
        for message in validation_messages(error):
            messages.error(request, message)
        return redirect(bulletin)
    messages.success(request, _("Draft deleted."))
    return redirect(f"{_list_url()}?period={bulletin.period_id}")


def _list_url() -> str:
    from django.urls import reverse

    return reverse("bulletins:list")


def _download(request, pk, make, extension: str, content_type: str, *, detail: bool):
    queryset = Bulletin.objects.select_related("period")
    bulletin = get_restricted(queryset if detail else queryset.defer("detail"), request.user, pk, "view")
    try:
        content = make(bulletin, selectors.bulletin_data(bulletin, detail=detail))
    except ValidationError as error:
        for message in validation_messages(error):
            messages.error(request, message)
        return redirect(bulletin)
    name = bulletin.file_stem + ("" if bulletin.is_issued else "-草稿") + extension
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=name, content_type=content_type)


@login_required
def bulletin_docx(request, pk):
    return _download(request, pk, selectors.docx_bytes, ".docx", DOCX, detail=False)


@login_required
def bulletin_xlsx(request, pk):
    return _download(request, pk, selectors.xlsx_bytes, ".xlsx", XLSX, detail=True)
