from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.core import clock
from zhaoshang.core.history import entries_for
from zhaoshang.core.views import add_form_errors
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit
from zhaoshang.projects import services as project_services

from . import rules, selectors, services, xlsx
from .forms import (
    AssignForm,
    ChannelForm,
    CloseForm,
    ConvertForm,
    FollowUpForm,
    IntakeForm,
    LeadFilterForm,
    LeadForm,
    MergeForm,
)
from .models import Channel, FollowUp, IntakeLink, Lead

INTAKE_SALT = "zhaoshang.leads.intake"
INTAKE_MAX_AGE = 30 * 60  # a confirmation page left open longer asks again


def _filters(request) -> tuple[LeadFilterForm, dict]:
    form = LeadFilterForm(request.GET or None, user=request.user)
    return form, (form.cleaned_data if form.is_valid() else {})


@login_required
def lead_list(request):
    form, filters = _filters(request)
    leads = selectors.lead_list(request.user, filters)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(xlsx.export_workbook(leads), content_type=xlsx.XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="leads-{clock.today():%Y%m%d}.xlsx"'
        return response
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "leads/list.html",
        {
            "form": form,
            "leads": leads[:500],
            "count": leads.count(),
            "today": clock.today(),
            "query": query.urlencode(),
            "can_add": services.may_add(request.user),
            "is_bureau": access.edits_everything(request.user),
        },
    )


def _lead(request, pk, action="view") -> Lead:
    return get_object_or_404(
        Lead.objects.restrict(request.user, action).select_related(
            "unit", "owner", "channel", "introducer", "event", "project", "merged_into"
        ),
        pk=pk,
    )


@login_required
def lead_detail(request, pk):
    lead = _lead(request, pk)
    can_change = services.may_change(request.user, lead) and rules.is_open(lead)
    is_bureau = access.edits_everything(request.user)
    today = clock.today()
    context = {
        "lead": lead,
        "follow_ups": lead.follow_ups.select_related("recorded_by"),
        "merged": lead.merged.all(),
        "can_change": can_change,
        "is_bureau": is_bureau,
        "overdue": rules.overdue(lead, today),
        "history": _history(lead),
    }
    if can_change:
        context["assign_form"] = AssignForm(
            user=request.user,
            lead=lead,
            initial={
                "unit": lead.unit_id,
                "owner": lead.owner_id,
                "follow_up_on": lead.follow_up_on or today + dt.timedelta(days=services.FIRST_FOLLOW_UP_DAYS),
            },
            prefix="assign",
        )
        context["follow_up_form"] = FollowUpForm(
            initial={"date": today, "next_follow_up_on": today + dt.timedelta(days=services.FIRST_FOLLOW_UP_DAYS)},
            prefix="follow",
        )
        context["close_form"] = CloseForm(prefix="close")
        if is_bureau:
            context["merge_form"] = MergeForm(lead=lead, prefix="merge")
    return render(request, "leads/detail.html", context)


def _history(lead: Lead):
    records = list(Lead.history.filter(id=lead.pk).select_related("history_user"))
    records += list(FollowUp.history.filter(lead_id=lead.pk).select_related("history_user"))
    return sorted(entries_for(records), key=lambda entry: entry.when, reverse=True)


def _lead_form(request, lead: Lead | None):
    if lead is None and not services.may_add(request.user):
        raise PermissionDenied
    assign = lead is None and access.edits_everything(request.user)
    form = LeadForm(request.POST or None, instance=lead, user=request.user, assign=assign)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if lead is None:
                saved = services.create_lead(user=request.user, data=data)
            else:
                saved = services.update_lead(user=request.user, lead=Lead.objects.get(pk=lead.pk), data=data)
            messages.success(request, _("Lead %(company)s saved.") % {"company": saved.company})
            return redirect(saved)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "leads/form.html", {"form": form, "lead": lead})


@login_required
def lead_create(request):
    return _lead_form(request, None)


@login_required
def lead_edit(request, pk):
    return _lead_form(request, _lead(request, pk, "change"))


def _act(request, pk, prefix, form_class, act, **form_kwargs):
    """A POSTed action on a lead; its errors come back as messages on the lead's page."""
    lead = _lead(request, pk)
    form = form_class(request.POST, prefix=prefix, **form_kwargs, **({"lead": lead} if prefix == "merge" else {}))
    if form.is_valid():
        try:
            act(lead, form.cleaned_data)
            messages.success(request, _("Saved."))
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
    else:
        messages.error(request, "；".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items()))
    return redirect(lead)


@login_required
@require_POST
def lead_assign(request, pk):
    lead = _lead(request, pk)
    return _act(
        request,
        pk,
        "assign",
        lambda *a, **k: AssignForm(*a, user=request.user, lead=lead, **k),
        lambda lead, d: services.assign(
            user=request.user, lead=lead, unit=d["unit"], owner=d["owner"], follow_up_on=d["follow_up_on"]
        ),
    )


@login_required
@require_POST
def lead_follow_up(request, pk):
    return _act(
        request,
        pk,
        "follow",
        FollowUpForm,
        lambda lead, d: services.add_follow_up(
            user=request.user, lead=lead, date=d["date"], note=d["note"], next_follow_up_on=d["next_follow_up_on"]
        ),
    )


@login_required
@require_POST
def lead_close(request, pk):
    def act(lead, data):
        services.close(user=request.user, lead=lead, reason=data["reason"])

    return _act(request, pk, "close", CloseForm, act)


@login_required
@require_POST
def lead_merge(request, pk):
    return _act(
        request, pk, "merge", MergeForm, lambda lead, d: services.merge(user=request.user, lead=lead, into=d["into"])
    )


@login_required
@require_POST
def lead_reopen(request, pk):
    lead = _lead(request, pk)
    try:
        services.reopen(user=request.user, lead=lead)
        messages.success(request, _("Lead reopened."))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect(lead)


@login_required
def lead_convert(request, pk):
    lead = _lead(request, pk, "change")
    if not rules.is_open(lead) or not project_services.may_add_projects(request.user):
        raise PermissionDenied
    initial = {
        "code": project_services.next_code(),
        "name": lead.company,
        "industry": lead.industry,
        "planned_investment": lead.estimated_amount,
    }
    form = ConvertForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.convert(user=request.user, lead=lead, data=form.cleaned_data)
            messages.success(request, _("Lead converted into project %(code)s.") % {"code": project.code})
            return redirect(project)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "leads/convert.html", {"form": form, "lead": lead})


@login_required
def conversion(request):
    today = clock.today()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    by_channel = selectors.conversion(request.user, by="channel", year=year)
    by_unit = selectors.conversion(request.user, by="unit", year=year)
    return render(
        request,
        "leads/conversion.html",
        {
            "year": year,
            "years": range(today.year, today.year - 5, -1),
            "tables": [
                (_("By channel"), "channel", by_channel, selectors.total(by_channel)),
                (_("By unit"), "unit", by_unit, selectors.total(by_unit)),
            ],
        },
    )


@login_required
def unit_panel(request, unit_pk):
    """The unit page's panel (loaded by htmx: the organization app does not import this one)."""
    unit = get_object_or_404(Unit, pk=unit_pk)
    counts = selectors.counts_for_unit(request.user, unit.pk)
    return render(request, "leads/_unit_panel.html", {"unit": unit, "counts": counts, "year": clock.today().year})


# --- the bureau's lists ------------------------------------------------------------------------------------------


def _bureau(request):
    if not access.edits_everything(request.user):
        raise PermissionDenied


@login_required
def channel_list(request, pk=None):
    _bureau(request)
    channel = get_object_or_404(Channel, pk=pk) if pk else None
    form = ChannelForm(request.POST or None, instance=channel)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_channel(user=request.user, channel=channel, data=form.cleaned_data)
            messages.success(request, _("Channel saved."))
            return redirect("leads:channels")
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "leads/channels.html", {"form": form, "channel": channel, "channels": Channel.objects.all()})


@login_required
def intake_links(request):
    _bureau(request)
    if request.method == "POST":
        unit_id = request.POST.get("unit") or ""
        unit = get_object_or_404(Unit, pk=int(unit_id)) if unit_id.isdigit() and len(unit_id) < 10 else None
        services.create_intake_link(user=request.user, unit=unit)
        messages.success(request, _("Intake link created."))
        return redirect("leads:intake_links")
    links = IntakeLink.objects.select_related("unit")
    return render(
        request,
        "leads/intake_links.html",
        {
            "links": [(link, request.build_absolute_uri(reverse("leads:intake", args=[link.token]))) for link in links],
            "units": Unit.objects.filter(active=True).order_by("code"),
        },
    )


@login_required
@require_POST
def intake_link_toggle(request, pk):
    _bureau(request)
    link = get_object_or_404(IntakeLink, pk=pk)
    services.set_intake_link_active(user=request.user, link=link, active=not link.active)
    return redirect("leads:intake_links")


@login_required
def intake_link_qr(request, pk):
    """The link as a QR code (SVG, drawn here: nothing is fetched from the internet)."""
    _bureau(request)
    import qrcode
    import qrcode.image.svg

    link = get_object_or_404(IntakeLink, pk=pk)
    url = request.build_absolute_uri(reverse("leads:intake", args=[link.token]))
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return HttpResponse(image.to_string(), content_type="image/svg+xml")


# --- the public intake page (no account) ------------------------------------------------------------------------


def intake(request, token):
    """Fill in, confirm, sent: three steps, no captcha; an address sends at most ``LEAD_INTAKE_PER_HOUR`` leads
    an hour. The confirmation carries the filled-in form signed, so what is saved is what was shown."""
    link = get_object_or_404(IntakeLink.objects.select_related("unit"), token=token, active=True)
    context = {"link": link}
    step = request.POST.get("step") if request.method == "POST" else None
    if step in ("confirm", "edit"):
        try:
            data = signing.loads(request.POST.get("payload", ""), salt=INTAKE_SALT, max_age=INTAKE_MAX_AGE)
        except signing.BadSignature:
            messages.error(request, _("The confirmation expired: please fill in the form again."))
            return redirect("leads:intake", token=token)
        if step == "edit":  # back to the form, as filled in
            return render(request, "leads/intake.html", {**context, "form": IntakeForm(initial=data)})
        form = IntakeForm(data)
        if not form.is_valid():
            return render(request, "leads/intake.html", {**context, "form": form})
        try:
            services.submit_public(link=link, data=form.cleaned_data, address=services.client_address(request))
        except services.IntakeLimit:
            return render(request, "leads/intake_limit.html", context, status=429)
        return render(request, "leads/intake_done.html", context)
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        payload = signing.dumps({k: request.POST.get(k, "") for k in IntakeForm.Meta.fields}, salt=INTAKE_SALT)
        shown = [(form[name].label, _display(form, name)) for name in IntakeForm.Meta.fields]
        return render(request, "leads/intake_confirm.html", {**context, "payload": payload, "shown": shown})
    return render(request, "leads/intake.html", {**context, "form": form})


def _display(form, name):
    value = form.cleaned_data.get(name)
    if value in (None, ""):
        return ""
    field = form.fields[name]
    if hasattr(field, "choices") and not hasattr(value, "pk"):
        return dict(field.choices).get(value, value)
    return value


# --- .xlsx import -----------------------------------------------------------------------------------------------


@login_required
def lead_import(request):
    if not services.may_add(request.user):
        raise PermissionDenied
    if request.GET.get("template"):
        response = HttpResponse(xlsx.template_workbook(), content_type=xlsx.XLSX_TYPE)
        response["Content-Disposition"] = 'attachment; filename="leads-template.xlsx"'
        return response
    errors, created = [], None
    if request.method == "POST" and request.FILES.get("file"):
        upload = request.FILES["file"]
        try:
            created = xlsx.import_leads(user=request.user, data=upload.read())
            messages.success(request, _("%(count)s leads imported.") % {"count": len(created)})
            return redirect("leads:list")
        except xlsx.ImportFailed as failure:
            errors = failure.errors
    return render(request, "leads/import.html", {"errors": errors})
