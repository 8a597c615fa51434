from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from zhaoshang.core import clock, filetypes, optimistic
from zhaoshang.core.history import entries_for
from zhaoshang.core.revision import cached
from zhaoshang.core.views import CountedPaginator, add_form_errors, flash_form_errors, get_restricted
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit
from zhaoshang.organization.selectors import subtree_ids

from . import investors as investor_selectors
from . import selectors, services
from .choices import STAGE_ORDER, Stage
from .filtersets import LedgerFilterSet
from .forms import (
    AttachmentForm,
    CreditFormSet,
    IntroducerFormSet,
    InvestorForm,
    MissingEvidenceForm,
    ProjectForm,
    ProjectPersonsForm,
    ReceiptEditForm,
    ReceiptForm,
    StageForm,
    StatusForm,
)
from .models import Attachment, FundsReceipt, Investor, Project, StageEvent, StewardRule
from .tables import LedgerTable

PAGE_SIZE = 50


def filtered_ledger(request):
    filterset = LedgerFilterSet(request.GET or None, queryset=selectors.ledger(user=request.user), user=request.user)
    if not filterset.is_bound:
        return filterset, filterset.queryset
    # An invalid filter (text in an amount box, say) shows its error and no rows, never the unfiltered set.
    return filterset, filterset.qs if filterset.is_valid() else filterset.queryset.none()


# What the ledger's rows and filters read: its totals are kept until any of these change (decision 9).
LEDGER_APPS = ("organization", "projects")


def _totals(request, filterset, queryset, received) -> dict:
    """The count and sums of the whole filtered set: at a million projects a few hundred thousand rows are summed,
    so they are kept per viewer, filter and data revision, like the dashboard's figures (the rows of the page
    are still read each time; both come from the same queryset, so the totals always equal what the rows show)."""
    params = sorted((k, v) for k, values in request.GET.lists() if k not in ("page", "sort") for v in values)
    parts = [access.visibility_key(request.user), urlencode(params), filterset.is_bound, clock.today()]
    return cached("ledger-totals", parts, lambda: selectors.ledger_totals(queryset, received), app_labels=LEDGER_APPS)


@login_required
def ledger(request):
    filterset, queryset = filtered_ledger(request)
    # Filtered by funds received within dates (the dashboard's funds figures link so), the funds column and its
    # total are the funds received within those dates: the figure that linked here equals the total shown.
    received = filterset.received_window()
    totals = _totals(request, filterset, queryset, received)
    rows = selectors.with_care_flags(selectors.ledger_rows(queryset), StewardRule.load())
    table = LedgerTable(selectors.with_funds_within(rows, received))
    # The totals already counted the filtered set: the paginator need not count it again.
    paginate = {"per_page": PAGE_SIZE, "paginator_class": CountedPaginator, "count": totals["count"]}
    RequestConfig(request, paginate=paginate).configure(table)
    # The page's rows get their stage's label here, translated once per request: ``get_stage_display`` in the
    # template hashed (and so translated) every label of the stages for every row.
    stage_labels = {value: str(label) for value, label in Stage.choices}
    for project in table.page.object_list.data:  # the queryset the template iterates: read once
        project.stage_label = stage_labels.get(project.stage, project.stage)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/ledger.html",
        {
            "money_columns": ("planned_investment", "contract_amount", "funds_total"),
            # Each cell carries its column's heading (data-label): a phone shows every row as a card of
            # "heading: value" lines (.table-cards in zhaoshang.css). Text, not lazy: translated once, not per row.
            "labels": {column.name: str(column.header) for column in table.columns},
            "filter": filterset,
            "table": table,
            "totals": totals,
            "received": received,
            "query": query.urlencode(),
            "can_add": services.may_add_projects(request.user),
        },
    )


def _investor(form, user):
    data = form.cleaned_data
    return services.get_or_create_investor(
        name=data.get("investor_name") or "",
        origin=data.get("investor_origin") or "",
        credit_code=data.get("investor_credit_code") or "",
        user=user,
    )


def _project_form(request, project: Project | None):
    if project is None and not services.may_add_projects(request.user):
        raise PermissionDenied
    if project is None:
        # A reporter's project is credited to their own unit by default; bureau staff choose.
        own = access.is_reporter(request.user) and request.user.unit_id
        initial_credits = [{"unit": request.user.unit, "share": 100}] if own else [{}]
    else:
        initial_credits = [{"unit": c.unit, "share": c.share} for c in project.credits.all()]
    form = ProjectForm(request.POST or None, instance=project)
    if project is not None and request.method != "POST":
        form.initial["version"] = services.project_version(project)
    if project is None and request.method != "POST":
        form.initial["code"] = services.next_code()  # generated by the pattern; the user may change it
    credits = CreditFormSet(request.POST or None, prefix="credit", initial=initial_credits)
    # The register's persons: only when the form carried them (a client posting the ledger fields alone keeps them).
    # Prefixed: the project's own free-text fields are named stewards and work_team too.
    with_persons = request.method != "POST" or "persons-persons_shown" in request.POST
    persons = ProjectPersonsForm(
        request.POST if request.method == "POST" else None, prefix="persons", initial=_persons_initial(project)
    )
    introducers = IntroducerFormSet(
        request.POST if request.method == "POST" else None,
        prefix="introducer",
        initial=[{"person": link.person, "share": link.share} for link in project.introducer_links.all()]
        if project is not None
        else [],
    )
    persons_valid = not with_persons or (persons.is_valid() and introducers.is_valid())
    if request.method == "POST" and form.is_valid() and credits.is_valid() and persons_valid:
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            with transaction.atomic():
                investor = _investor(form, request.user)
                if project is None:
                    project = services.create_project(
                        user=request.user, data=data, credits=credits.credits(), investor=investor
                    )
                    messages.success(request, _("Project %(code)s created.") % {"code": project.code})
                else:
                    services.update_project(
                        user=request.user,
                        project=project,
                        data=data,
                        credits=credits.credits(),
                        investor=investor,
                        version=optimistic.posted_version(request),
                    )
                    messages.success(request, _("Project %(code)s saved.") % {"code": project.code})
                if with_persons:
                    services.set_project_persons(
                        user=request.user,
                        project=project,
                        introducers=introducers.introducers(),
                        leader=persons.cleaned_data["leader"],
                        stewards=persons.cleaned_data["stewards"],
                        team=persons.cleaned_data["team"],
                    )
            return redirect(project)
        except optimistic.StaleEdit as error:
            form.add_error(None, error.messages)
            # The form keeps the user's values and now carries the record as saved: saving again, having read
            # the differences, is a deliberate overwrite.
            project.refresh_from_db()
            form.data = form.data.copy()
            form.data["version"] = services.project_version(project)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                add_form_errors(form, error)
    return render(
        request,
        "projects/project_form.html",
        {"form": form, "credits": credits, "project": project, "persons": persons, "introducers": introducers},
    )


def _persons_initial(project: Project | None) -> dict:
    if project is None:
        return {}
    return {
        "leader": project.leader,
        "stewards": list(project.steward_persons.all()),
        "team": list(project.team_persons.all()),
    }


@login_required
def project_create(request):
    return _project_form(request, None)


@login_required
def project_edit(request, pk):
    return _project_form(request, get_restricted(Project.objects, request.user, pk, "change"))


def next_stage(project: Project) -> str:
    """The stage a user most likely records next: the one after the current stage."""
    stages = Stage.values
    return stages[min(STAGE_ORDER[project.stage] + 1, len(stages) - 1)] if project.stage_date else project.stage


@login_required
def project_detail(request, pk):
    get_restricted(Project.objects, request.user, pk, "view")
    project = selectors.project_detail(user=request.user, pk=pk)
    can_change = Project.objects.restrict(request.user, "change").filter(pk=pk).exists()
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "can_change": can_change,
            "can_delete": can_change and services.may_delete_project(request.user, project),
            "history": selectors.project_history(project, user=request.user),
            # Four forms on one page: each has its own id prefix so that labels point at their own inputs.
            "stage_form": StageForm(initial={"date": clock.today(), "stage": next_stage(project)}, auto_id="stage_%s"),
            "status_form": StatusForm(
                initial={
                    "status": project.status,
                    "reason": project.status_reason,
                    "version": services.status_version(project),
                },
                auto_id="status_%s",
            ),
            "receipt_form": ReceiptForm(
                initial={"date": clock.today(), "evidence_kind": "receipt"}, auto_id="receipt_%s"
            ),
            "attachment_form": AttachmentForm(auto_id="attachment_%s"),
        },
    )


@login_required
@require_POST
def project_delete(request, pk):
    project = get_restricted(Project.objects, request.user, pk, "delete")
    services.delete_project(user=request.user, project=project)
    messages.success(request, _("Project %(code)s deleted.") % {"code": project.code})
    return redirect("projects:ledger")


def _post_with_evidence(request, project, form_class, write):
    """Validate a detail-page form, run ``write`` and attach its evidence file, all in one transaction."""
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            with transaction.atomic():
                target = write(form.cleaned_data)
                upload = form.cleaned_data.get("evidence")
                if upload:
                    kwargs = {"stage_event": target} if isinstance(target, StageEvent) else {"receipt": target}
                    services.add_attachment(
                        user=request.user,
                        project=project,
                        uploaded=upload,
                        kind=form.cleaned_data.get("evidence_kind") or "other",
                        **kwargs,
                    )
            messages.success(request, _("Saved."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for message in errors:
                messages.error(request, f"{label}: {message}" if label else message)
    return redirect(project)


@login_required
@require_POST
def stage_record(request, pk):
    project = get_restricted(Project.objects, request.user, pk, "change")
    return _post_with_evidence(
        request,
        project,
        StageForm,
        lambda data: services.record_stage(
            user=request.user,
            project=project,
            stage=data["stage"],
            date=data["date"],
            amount=data.get("amount"),
            note=data.get("note") or "",
        ),
    )


@login_required
@require_POST
def stage_delete(request, pk):
    event = get_restricted(StageEvent.objects, request.user, pk, "change")
    services.delete_stage_event(user=request.user, event=event)
    messages.success(request, _("Stage event removed."))
    return redirect(event.project)


@login_required
@require_POST
def status_set(request, pk):
    project = get_restricted(Project.objects, request.user, pk, "change")
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_status(
                user=request.user,
                project=project,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data.get("reason") or "",
                date=form.cleaned_data.get("date"),
                version=optimistic.posted_version(request),
            )
            messages.success(request, _("Status saved."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    else:
        flash_form_errors(request, form)  # an unknown status or an over-long reason: said, not dropped
    return redirect(project)


@login_required
@require_POST
def receipt_add(request, pk):
    project = get_restricted(Project.objects, request.user, pk, "change")
    return _post_with_evidence(
        request,
        project,
        ReceiptForm,
        lambda data: services.add_receipt(
            user=request.user,
            project=project,
            date=data["date"],
            amount=data["amount"],
            currency=data["currency"],
            original_amount=data.get("original_amount"),
            exchange_rate=data.get("exchange_rate"),
            source=data.get("source") or "",
            voucher_no=data.get("voucher_no") or "",
            note=data.get("note") or "",
        ),
    )


@login_required
def receipt_edit(request, pk):
    """Correct a receipt: whoever may change its project (bureau, the responsible unit)."""
    receipt = get_restricted(FundsReceipt.objects.select_related("project"), request.user, pk, "change")
    initial = {name: getattr(receipt, name) for name in services.RECEIPT_FIELDS}
    initial["version"] = services.receipt_version(receipt)
    form = ReceiptEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.RECEIPT_FIELDS}
        for name in ("source", "voucher_no", "note"):
            data[name] = data[name] or ""
        try:
            services.update_receipt(
                user=request.user, receipt=receipt, version=optimistic.posted_version(request), **data
            )
            messages.success(request, _("Funds receipt saved."))
            return redirect(receipt.project)
        except optimistic.StaleEdit as error:
            form.add_error(None, error.messages)
            receipt.refresh_from_db()
            form.data = form.data.copy()
            form.data["version"] = services.receipt_version(receipt)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "projects/receipt_form.html", {"form": form, "receipt": receipt})


@login_required
@require_POST
def receipt_delete(request, pk):
    receipt = get_restricted(FundsReceipt.objects, request.user, pk, "change")
    services.delete_receipt(user=request.user, receipt=receipt)
    messages.success(request, _("Funds receipt removed."))
    return redirect(receipt.project)


@login_required
@require_POST
def attachment_add(request, pk):
    project = get_restricted(Project.objects, request.user, pk, "change")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            # The event or receipt of this project, else refused by the service (another project's) or not found.
            links = {
                "stage_event": StageEvent.objects.filter(pk=data["stage_event"]).first()
                if data["stage_event"]
                else None,
                "receipt": FundsReceipt.objects.filter(pk=data["receipt"]).first() if data["receipt"] else None,
            }
            if (data["stage_event"] and links["stage_event"] is None) or (data["receipt"] and links["receipt"] is None):
                raise ValidationError(_("The stage event or receipt to attach to no longer exists."))
            services.add_attachment(
                user=request.user, project=project, uploaded=data["file"], kind=data["kind"], **links
            )
            messages.success(request, _("File attached."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect(project)


@login_required
def attachment_download(request, pk):
    attachment = get_restricted(Attachment.objects, request.user, pk, "view")
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=filetypes.served_type(attachment.content_type),
    )
    # The browser must neither guess another type nor run anything the file holds.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = get_restricted(Attachment.objects, request.user, pk, "change")
    services.delete_attachment(user=request.user, attachment=attachment)
    messages.success(request, _("Attachment removed."))
    return redirect(attachment.project)


def ledger_url(**params) -> str:
    """The ledger's address for a filter: what figures elsewhere link to."""
    from django.urls import reverse

    return reverse("projects:ledger") + ("?" + urlencode(params, doseq=True) if params else "")


@login_required
def unit_detail(request, pk):
    """A unit's page: its sub-units, the projects credited to it or its sub-units (the latest 100, with the
    totals of all), its users (for admins) and its history. It lives with the ledger, which it mostly shows."""
    unit = get_restricted(Unit.objects, request.user, pk, "view")
    projects = selectors.ledger(user=request.user).filter(Project.unit_scope_q(subtree_ids(unit.pk)))
    return render(
        request,
        "organization/unit_detail.html",
        {
            "unit": unit,
            "children": unit.children.order_by("code"),
            "projects": selectors.with_credits(projects).order_by("-stage_date", "-id")[:100],
            "totals": selectors.ledger_totals(projects),
            "users": unit.users.order_by("username") if access.is_admin(request.user) else [],
            "history": entries_for(list(Unit.history.filter(id=unit.pk).select_related("history_user"))),
            "can_manage": access.edits_everything(request.user),
        },
    )


# --- the investor register (decision 15) -----------------------------------------------------------------


@login_required
def investor_list(request):
    """The county-wide investor register: names, types and origins, read by every role; bureau staff edit."""
    query = (request.GET.get("q") or "").strip()
    investors = Investor.objects.order_by("name")
    if query:
        investors = investors.filter(name__icontains=query)
    page = Paginator(investors, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/investor_list.html",
        {
            "page": page,
            "query": query,
            "can_edit": access.edits_everything(request.user),
            "can_review": access.reads_everything(request.user),
        },
    )


@login_required
def investor_flagged(request):
    """Investors for the bureau to review (issue 17): one company under several records, one investor across
    many units, one investor typed many ways. County readers; the bureau merges records from here."""
    flagged = investor_selectors.flagged_investors(user=request.user)
    return render(
        request,
        "projects/investor_flagged.html",
        {
            "flagged": flagged,
            "can_merge": access.edits_everything(request.user),
            "units_flag": investor_selectors.units_flag(),
            "spellings_flag": investor_selectors.spellings_flag(),
            "limit": investor_selectors.LIMIT,
        },
    )


@login_required
@require_POST
def investor_merge(request):
    """Merge the investor ``drop`` into ``keep`` (``services.merge_investors``): bureau staff and admins."""
    if not access.edits_everything(request.user):
        raise PermissionDenied
    try:
        keep = Investor.objects.get(pk=int(request.POST.get("keep") or 0))
        drop = Investor.objects.get(pk=int(request.POST.get("drop") or 0))
    except (ValueError, Investor.DoesNotExist):
        raise Http404 from None
    try:
        services.merge_investors(user=request.user, keep=keep, drop=drop)
        messages.success(request, _("%(drop)s merged into %(keep)s.") % {"drop": drop.name, "keep": keep.name})
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("projects:investors_flagged")


@login_required
def investor_edit(request, pk):
    if not access.edits_everything(request.user):
        raise PermissionDenied
    try:
        investor = Investor.objects.get(pk=pk)
    except Investor.DoesNotExist:
        raise Http404 from None
    form = InvestorForm(request.POST or None, instance=investor)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_investor(
                user=request.user, investor=investor, data={name: form.cleaned_data[name] for name in form.Meta.fields}
            )
            messages.success(request, _("Investor %(name)s saved.") % {"name": form.cleaned_data["name"]})
            return redirect("projects:investors")
        except ValidationError as error:
            add_form_errors(form, error)
        investor.refresh_from_db()
    history = entries_for(list(Investor.history.filter(id=investor.pk).select_related("history_user")))
    return render(request, "projects/investor_form.html", {"form": form, "investor": investor, "history": history})


# --- site-wide search (issue 12) --------------------------------------------------------------------------

SEARCH_LIMIT = 20


@login_required
def search(request):
    """Projects (code, name, investor), investors and units matching the words typed in the menu bar: only what
    the user may see, 20 of each at most, each list linking to the whole of it."""
    query = (request.GET.get("q") or "").strip()[:100]
    found = {"projects": [], "investors": [], "units": []}
    if query:
        # The ledger's own text search (code, name, investor), within what the user may see.
        projects = LedgerFilterSet({"q": query}, queryset=selectors.ledger(user=request.user), user=request.user).qs
        found["projects"] = list(projects.select_related("investor").order_by("-stage_date", "code")[:SEARCH_LIMIT])
        found["investors"] = list(Investor.objects.filter(name__icontains=query).order_by("name")[:SEARCH_LIMIT])
        units = Unit.objects.restrict(request.user, "view").filter(Q(name__icontains=query) | Q(code__icontains=query))
        found["units"] = list(units.order_by("code")[:SEARCH_LIMIT])
    return render(request, "projects/search.html", {"query": query, **found})


# --- missing evidence (issue 17) -----------------------------------------------------------------------------


@login_required
def missing_evidence(request):
    """缺佐证: the stage events and receipts inside the dates that lack their evidence, with counts per unit; a
    reporter sees their units' projects, the county roles every unit's (filtered by unit)."""
    today = clock.today()
    visible = access.visible_unit_ids(request.user)
    units = Unit.objects.filter(active=True).order_by("code")
    if visible is not None:
        units = units.filter(pk__in=visible)
    initial = {"start": today.replace(month=1, day=1), "end": today}
    form = MissingEvidenceForm(request.GET or None, initial=initial, units=units)
    found = selectors.Missing(rows=[], total=0, by_unit=[])
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {**initial, "unit": None}
        unit = data.get("unit")
        found = selectors.missing_evidence(
            user=request.user, start=data["start"], end=data["end"], unit_id=unit.pk if unit else None
        )
    return render(
        request,
        "projects/missing_evidence.html",
        {
            "form": form,
            "rows": found.rows,
            "row_count": found.total,
            "by_unit": found.by_unit,
            "shown": selectors.MISSING_ROWS_SHOWN,
        },
    )
