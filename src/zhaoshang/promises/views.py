from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.core import clock, filetypes
from zhaoshang.core.history import entries_for
from zhaoshang.core.views import add_form_errors, flash_errors, flash_form_errors, get_restricted
from zhaoshang.core.xlsx import download
from zhaoshang.organization import access

from . import rules, selectors, services, xlsx
from .choices import ComplaintStatus, PromiseStatus
from .forms import (
    AnswerForm,
    CancelForm,
    ComplaintFilterForm,
    ComplaintForm,
    DeliverForm,
    ImportForm,
    InvestorAnswerForm,
    PromiseFilterForm,
    PromiseForm,
)
from .models import Complaint, Promise

LIST_LIMIT = 500
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def _history(model, pk):
    return entries_for(list(model.history.filter(id=pk).select_related("history_user")))


# --- promises -------------------------------------------------------------------------------------------------------


@login_required
def index(request):
    """The promises the user may see; ``overdue=1`` answers "which promises to investors are overdue"."""
    form = PromiseFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.PromiseFilters(
        status=data.get("status") or "",
        overdue=bool(data.get("overdue")),
        department=data.get("department"),
        kind=data.get("kind") or "",
        q=(data.get("q") or "").strip(),
    )
    today = clock.today()
    rows = selectors.promise_list(user=request.user, filters=filters, today=today)
    if request.GET.get("format") == "xlsx":
        return download(xlsx.promise_workbook(rows), f"promises-{today.isoformat()}.xlsx")
    overdue = selectors.promise_list(user=request.user, filters=selectors.PromiseFilters(overdue=True), today=today)
    return render(
        request,
        "promises/list.html",
        {
            "form": form,
            "rows": [(p, rules.promise_overdue(p, today)) for p in rows[:LIST_LIMIT]],
            "count": rows.count(),
            "overdue_count": overdue.count(),
            "overdue_url": selectors.promise_url(overdue=1),
            "limit": LIST_LIMIT,
            "query": request.GET.urlencode(),
            "can_add": services.may_record(request.user),
        },
    )


@login_required
def detail(request, pk):
    promise = get_restricted(
        Promise.objects.select_related("investor", "project", "department", "recorded_by"), request.user, pk
    )
    can_change = services.may_change(request.user, promise)
    pending = promise.status == PromiseStatus.PENDING
    return render(
        request,
        "promises/detail.html",
        {
            "promise": promise,
            "overdue": rules.promise_overdue(promise, clock.today()),
            "history": _history(Promise, promise.pk),
            "can_edit": can_change and pending,
            "deliver_form": DeliverForm(initial={"delivered_on": clock.today()}) if can_change and pending else None,
            "cancel_form": CancelForm() if pending and access.edits_everything(request.user) else None,
        },
    )


def _promise_form(request, promise):
    if promise is None and not services.may_record(request.user):
        raise PermissionDenied
    form = PromiseForm(request.POST or None, instance=promise, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_promise(user=request.user, promise=promise, data=form.cleaned_data)
            messages.success(request, _("Promise saved."))
            return redirect(saved)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "promises/form.html", {"form": form, "promise": promise})


@login_required
def create(request):
    return _promise_form(request, None)


@login_required
def edit(request, pk):
    promise = get_restricted(Promise.objects.all(), request.user, pk, "change")
    if promise.status != PromiseStatus.PENDING:
        raise PermissionDenied
    return _promise_form(request, promise)


@login_required
@require_POST
def deliver(request, pk):
    promise = get_restricted(Promise.objects.all(), request.user, pk, "change")
    form = DeliverForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.deliver(
                user=request.user,
                promise=promise,
                delivered_on=form.cleaned_data["delivered_on"],
                uploaded=form.cleaned_data["proof"],
                note=form.cleaned_data["delivery_note"],
            )
            messages.success(request, _("The promise is recorded as delivered."))
        except ValidationError as error:
            flash_errors(request, error)
    else:
        flash_form_errors(request, form)
    return redirect(promise)


@login_required
@require_POST
def cancel(request, pk):
    promise = get_restricted(Promise.objects.all(), request.user, pk, "change")
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel(user=request.user, promise=promise, note=form.cleaned_data["note"])
            messages.success(request, _("The promise is cancelled."))
        except ValidationError as error:
            flash_errors(request, error)
    else:
        flash_form_errors(request, form)
    return redirect(promise)


@login_required
def proof(request, pk):
    promise = get_restricted(Promise.objects.all(), request.user, pk)
    if not promise.proof:
        raise Http404
    try:
        handle = promise.proof.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=promise.proof_name or "proof",
        content_type=filetypes.served_type(promise.proof_type),
    )
    # The browser must neither guess another type nor run anything the file holds.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


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
            created, errors = services.import_promises(user=request.user, data=upload.read())
            if not errors:
                messages.success(request, _("%(count)s promises imported.") % {"count": len(created)})
                return redirect("promises:list")
    return render(request, "promises/import.html", {"form": form, "errors": [str(e) for e in errors[:200]]})


@login_required
def template(request):
    """The import's template: the export's columns, no rows."""
    return download(xlsx.promise_workbook([]), "promises-template.xlsx")


@login_required
def panel(request):
    """The leader's page panel 逾期承诺与投诉 (loaded by URL): overdue promises and complaints in the user's scope."""
    return render(request, "promises/_panel.html", {"panel": selectors.overdue_panel(user=request.user)})


# --- complaints -----------------------------------------------------------------------------------------------------


@login_required
def complaints(request):
    form = ComplaintFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.ComplaintFilters(
        status=data.get("status") or "",
        overdue=bool(data.get("overdue")),
        department=data.get("department"),
        channel=data.get("channel") or "",
        q=(data.get("q") or "").strip(),
    )
    today = clock.today()
    rows = selectors.complaint_list(user=request.user, filters=filters, today=today)
    if request.GET.get("format") == "xlsx":
        return download(xlsx.complaint_workbook(rows), f"complaints-{today.isoformat()}.xlsx")
    overdue = selectors.complaint_list(user=request.user, filters=selectors.ComplaintFilters(overdue=True), today=today)
    return render(
        request,
        "promises/complaints.html",
        {
            "form": form,
            "rows": [(c, rules.complaint_overdue(c, today)) for c in rows[:LIST_LIMIT]],
            "count": rows.count(),
            "overdue_count": overdue.count(),
            "overdue_url": selectors.complaint_url(overdue=1),
            "limit": LIST_LIMIT,
            "query": request.GET.urlencode(),
            "can_add": services.may_record(request.user),
        },
    )


@login_required
def complaint_detail(request, pk):
    complaint = get_restricted(
        Complaint.objects.select_related("investor", "project", "department", "recorded_by"), request.user, pk
    )
    can_change = services.may_change(request.user, complaint)
    status = complaint.status
    return render(
        request,
        "promises/complaint_detail.html",
        {
            "complaint": complaint,
            "overdue": rules.complaint_overdue(complaint, clock.today()),
            "history": _history(Complaint, complaint.pk),
            "can_edit": can_change and status != ComplaintStatus.CLOSED,
            "can_take_up": can_change and status == ComplaintStatus.OPEN,
            "answer_form": AnswerForm(initial={"outcome": complaint.outcome})
            if can_change and status in (ComplaintStatus.OPEN, ComplaintStatus.HANDLING)
            else None,
            "investor_answer_form": InvestorAnswerForm() if can_change and status == ComplaintStatus.ANSWERED else None,
        },
    )


def _complaint_form(request, complaint):
    if complaint is None and not services.may_record(request.user):
        raise PermissionDenied
    form = ComplaintForm(request.POST or None, instance=complaint, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_complaint(user=request.user, complaint=complaint, data=form.cleaned_data)
            messages.success(request, _("Complaint saved."))
            return redirect(saved)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "promises/complaint_form.html", {"form": form, "complaint": complaint})


@login_required
def complaint_create(request):
    return _complaint_form(request, None)


@login_required
def complaint_edit(request, pk):
    complaint = get_restricted(Complaint.objects.all(), request.user, pk, "change")
    if complaint.status == ComplaintStatus.CLOSED:
        raise PermissionDenied
    return _complaint_form(request, complaint)


@login_required
@require_POST
def complaint_take_up(request, pk):
    complaint = get_restricted(Complaint.objects.all(), request.user, pk, "change")
    try:
        services.take_up(user=request.user, complaint=complaint)
    except ValidationError as error:
        flash_errors(request, error)
    return redirect(complaint)


@login_required
@require_POST
def complaint_answer(request, pk):
    complaint = get_restricted(Complaint.objects.all(), request.user, pk, "change")
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer(user=request.user, complaint=complaint, outcome=form.cleaned_data["outcome"])
            messages.success(request, _("The complaint is answered: ask the investor whether they are satisfied."))
        except ValidationError as error:
            flash_errors(request, error)
    else:
        flash_form_errors(request, form)
    return redirect(complaint)


@login_required
@require_POST
def complaint_investor_answer(request, pk):
    complaint = get_restricted(Complaint.objects.all(), request.user, pk, "change")
    form = InvestorAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.record_investor_answer(
                user=request.user,
                complaint=complaint,
                investor_answer=form.cleaned_data["investor_answer"],
                deadline=form.cleaned_data["deadline"],
            )
            if complaint.status == ComplaintStatus.CLOSED:
                messages.success(request, _("The complaint is closed."))
            else:
                messages.warning(
                    request, _("The investor is not satisfied: the complaint goes back to the department.")
                )
        except ValidationError as error:
            flash_errors(request, error)
    else:
        flash_form_errors(request, form)
    return redirect(complaint)
