"""Pages of supervision: batches to verify, rectification items and verification results."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.core import clock, optimistic
from zhaoshang.core.views import add_form_errors, flash_errors, flash_form_errors, get_restricted
from zhaoshang.organization import access
from zhaoshang.projects.models import FundsReceipt, StageEvent

from . import selectors, services
from .choices import AWAITING_UNIT, BatchStatus, RectificationStatus, Result
from .forms import BatchForm, DeadlineForm, ExplanationForm, RectificationFilterForm, ReviewForm, VerifyForm
from .models import Rectification, SupervisionBatch

PROJECTS_PER_PAGE = 20
ROWS_PER_PAGE = 50
HISTORY_ROWS = 300


@login_required
def home(request):
    if access.is_reporter(request.user):
        return redirect("supervision:rectification_list")
    return redirect("supervision:batch_list")


# --- batches ---------------------------------------------------------------------------------------


@login_required
def batch_list(request):
    batches = selectors.batch_list(user=request.user)
    if access.is_reporter(request.user):
        # Reporters follow their own results, not other units' batches.
        return redirect("supervision:rectification_list")
    return render(
        request,
        "supervision/batch_list.html",
        {"batches": batches.prefetch_related("projects"), "can_create": access.can_verify(request.user)},
    )


@login_required
def batch_create(request):
    if not access.can_verify(request.user):
        raise PermissionDenied
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = services.create_batch(
                user=request.user,
                name=data.get("name") or "",
                start=data["start"],
                end=data["end"],
                method=data["method"],
                min_amount=data.get("min_amount"),
                units=list(data.get("units") or ()),
                sample_size=data.get("sample_size"),
                seed=data.get("seed"),
            )
            messages.success(
                request,
                _("Batch created: %(selected)s of %(candidates)s candidate projects selected.")
                % {"selected": batch.projects.count(), "candidates": batch.candidate_count},
            )
            return redirect(batch)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "supervision/batch_form.html", {"form": form})


@login_required
def batch_detail(request, pk):
    batch = get_restricted(SupervisionBatch.objects, request.user, pk, "view")
    projects = (
        batch.projects.order_by("code")
        .select_related("responsible_unit")
        .prefetch_related("credits__unit", "attachments")
    )
    page = Paginator(projects, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    items = selectors.batch_projects(batch, page.object_list)
    selectors.attach_rectifications(row for item in items for row in item.rows)
    for item in items:
        for row in item.rows:
            row.version = services.subject_version(row.subject, row.reported_amount, row.latest)
    can_verify = batch.status == BatchStatus.OPEN and access.can_verify(request.user)
    return render(
        request,
        "supervision/batch_detail.html",
        {
            "batch": batch,
            "page": page,
            "items": items,
            "results": Result.choices,
            "progress": selectors.batch_progress(batch),
            "can_verify": can_verify,
            "can_manage": access.can_verify(request.user),
            "deadline_default": clock.today() + dt.timedelta(days=services.DEFAULT_DEADLINE_DAYS),
            # The newest changes: a large batch gathers thousands of verifications.
            "history": selectors.batch_history(batch)[:HISTORY_ROWS],
        },
    )


@login_required
@require_POST
def verify(request, pk):
    batch = get_restricted(SupervisionBatch.objects, request.user, pk, "change")
    form = VerifyForm(request.POST)
    anchor = ""
    if form.is_valid():
        data = form.cleaned_data
        model = StageEvent if data["kind"] == "event" else FundsReceipt
        subject = get_restricted(model.objects, request.user, data["object_id"], "view")
        anchor = f"#row-{data['kind']}-{subject.pk}"
        try:
            services.verify(
                user=request.user,
                batch=batch,
                stage_event=subject if data["kind"] == "event" else None,
                receipt=subject if data["kind"] == "receipt" else None,
                result=data["result"],
                amount=data.get("amount"),
                date=data.get("date"),
                comment=data.get("comment") or "",
                deadline=data.get("deadline"),
                version=optimistic.posted_version(request),
            )
            messages.success(request, _("Verification saved."))
        except ValidationError as error:
            flash_errors(request, error)
    else:
        flash_form_errors(request, form)
    page = request.POST.get("page") or ""
    query = f"?page={page}" if page.isdigit() else ""
    return redirect(reverse("supervision:batch_detail", args=[batch.pk]) + query + anchor)


@login_required
@require_POST
def verify_many(request, pk):
    """Confirm the selected records of a batch at once."""
    batch = get_restricted(SupervisionBatch.objects, request.user, pk, "change")
    rows = []
    for value in request.POST.getlist("row"):
        kind, _sep, rest = value.partition(":")
        pk_text, _sep, version = rest.partition(":")
        if kind in ("event", "receipt") and pk_text.isdigit():
            rows.append((kind, int(pk_text), version))
    try:
        count = services.confirm_many(user=request.user, batch=batch, rows=rows)
        messages.success(request, _("%(count)d records confirmed.") % {"count": count})
    except ValidationError as error:
        flash_errors(request, error)
    page = request.POST.get("page") or ""
    query = f"?page={page}" if page.isdigit() else ""
    return redirect(reverse("supervision:batch_detail", args=[batch.pk]) + query)


@login_required
@require_POST
def batch_status(request, pk):
    batch = get_restricted(SupervisionBatch.objects, request.user, pk, "change")
    status = request.POST.get("status", "")
    try:
        services.set_batch_status(user=request.user, batch=batch, status=status)
        messages.success(request, _("Batch status saved."))
    except ValidationError as error:
        flash_errors(request, error)
    return redirect(batch)


# --- rectification ---------------------------------------------------------------------------------


@login_required
def rectification_list(request):
    form = RectificationFilterForm(request.GET or None)
    status, overdue = "", False
    if form.is_bound and form.is_valid():
        status, overdue = form.cleaned_data["status"], form.cleaned_data["overdue"]
    items = selectors.rectification_list(user=request.user, status=status, overdue=overdue)
    page = Paginator(items, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/rectification_list.html",
        {"form": form, "page": page, "today": clock.today(), "query": query.urlencode()},
    )


@login_required
def rectification_detail(request, pk):
    item = get_restricted(Rectification.objects, request.user, pk, "view")
    user = request.user
    can_submit = item.status in AWAITING_UNIT and services.may_submit(user, item)
    can_review = item.status == RectificationStatus.SUBMITTED and access.can_verify(user)
    verification = item.verification
    subject = item.stage_event or item.receipt
    return render(
        request,
        "supervision/rectification_detail.html",
        {
            "item": item,
            "verification": verification,
            "subject": subject,
            "evidence": subject.attachments.all() if subject is not None else [],
            "can_submit": can_submit,
            "can_review": can_review,
            "can_set_deadline": item.status != RectificationStatus.CLOSED and access.can_verify(user),
            "explanation_form": ExplanationForm(initial={"explanation": item.explanation}),
            "review_form": ReviewForm(),
            "deadline_form": DeadlineForm(initial={"deadline": item.deadline}),
            "history": selectors.rectification_history(item),
        },
    )


@login_required
@require_POST
def rectification_submit(request, pk):
    item = get_restricted(Rectification.objects, request.user, pk, "change")
    form = ExplanationForm(request.POST)
    if form.is_valid():
        try:
            services.submit_rectification(user=request.user, item=item, explanation=form.cleaned_data["explanation"])
            messages.success(request, _("Explanation submitted."))
        except ValidationError as error:
            flash_errors(request, error)
    else:
        flash_form_errors(request, form)
    return redirect(item)


@login_required
@require_POST
def rectification_review(request, pk):
    item = get_restricted(Rectification.objects, request.user, pk, "change")
    if not access.can_verify(request.user):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_rectification(
                user=request.user,
                item=item,
                close=form.cleaned_data["decision"] == "close",
                comment=form.cleaned_data.get("comment") or "",
            )
            messages.success(request, _("Review saved."))
        except ValidationError as error:
            flash_errors(request, error)
    else:
        flash_form_errors(request, form)
    return redirect(item)


@login_required
@require_POST
def rectification_deadline(request, pk):
    item = get_restricted(Rectification.objects, request.user, pk, "change")
    if not access.can_verify(request.user):
        raise PermissionDenied
    form = DeadlineForm(request.POST)
    if form.is_valid():
        try:
            services.set_deadline(user=request.user, item=item, deadline=form.cleaned_data["deadline"])
            messages.success(request, _("Deadline saved."))
        except ValidationError as error:
            flash_errors(request, error)
    else:
        flash_form_errors(request, form)
    return redirect(item)


# --- verification results --------------------------------------------------------------------------


@login_required
def verification_list(request):
    result = request.GET.get("result", "")
    result = result if result in Result.values else ""
    rows = selectors.verification_list(user=request.user, result=result)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/verification_list.html",
        {"page": page, "result": result, "query": f"result={result}" if result else ""},
    )
