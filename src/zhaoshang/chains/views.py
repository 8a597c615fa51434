from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.core.history import entries_for
from zhaoshang.core.views import add_form_errors
from zhaoshang.organization import access

from . import selectors, services, xlsx
from .forms import ChainForm, ContactForm, LinkForm, LocalForm, TargetForm
from .models import ChainLink, IndustryChain, LocalEnterprise, TargetEnterprise


@login_required
def chain_list(request):
    chains = list(selectors.chain_list())
    gap_counts = selectors.gap_counts()
    for chain in chains:
        chain.gap_count = gap_counts.get(chain.pk, 0)
    return render(
        request,
        "chains/list.html",
        {"chains": chains, "is_bureau": access.edits_everything(request.user)},
    )


@login_required
def by_name(request, name):
    """The dashboard's chain breakdown links here by the chain's name as the ledger records it."""
    chain = IndustryChain.objects.filter(name=name.strip()).first()
    if chain is None:
        messages.info(request, _("No chain map of this name yet."))
        return redirect("chains:list")
    return redirect(chain)


@login_required
def chain_detail(request, pk):
    chain = get_object_or_404(IndustryChain.objects.select_related("unit"), pk=pk)
    view = selectors.chain_view(chain, request.user)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(xlsx.plan_workbook([chain]), content_type=xlsx.XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="chain-{chain.pk}.xlsx"'
        return response
    labels = {
        "locals": _("local enterprises"),
        "targets": _("targets"),
        "projects": _("projects"),
        "gap": _("Gap: no local enterprise"),
        "local": _("local enterprise"),
        "target": _("target enterprise"),
    }
    is_bureau = access.edits_everything(request.user)
    records = list(IndustryChain.history.filter(id=chain.pk).select_related("history_user"))
    records += list(ChainLink.history.filter(chain_id=chain.pk).select_related("history_user"))
    context = {
        "chain": chain,
        "view": view,
        "tree": selectors.diagram(chain, view, {k: str(v) for k, v in labels.items()}),
        "diagram_height": selectors.diagram_height(view),
        "is_bureau": is_bureau,
        "contact_forms": {
            t.pk: ContactForm(instance=t, prefix=f"t{t.pk}")
            for item in view["links"]
            for t in item.targets
            if services.may_contact(request.user, t)
        },
        "history": sorted(entries_for(records), key=lambda entry: entry.when, reverse=True)[:50],
    }
    if is_bureau:
        context.update(
            link_form=LinkForm(prefix="link"),
            local_form=LocalForm(prefix="local", chain=chain),
            target_form=TargetForm(prefix="target", chain=chain),
        )
    return render(request, "chains/detail.html", context)


@login_required
def chain_edit(request, pk=None):
    if not access.edits_everything(request.user):
        raise PermissionDenied
    chain = get_object_or_404(IndustryChain, pk=pk) if pk else None
    form = ChainForm(request.POST or None, instance=chain)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_chain(user=request.user, chain=chain, data=form.cleaned_data)
            return redirect(saved)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "chains/form.html", {"form": form, "chain": chain})


@login_required
@require_POST
def chain_add(request, pk, what):
    """The bureau adds a link, a local enterprise or a target to the chain (from the chain's page)."""
    if not access.edits_everything(request.user):
        raise PermissionDenied
    chain = get_object_or_404(IndustryChain, pk=pk)
    if what == "link":
        form = LinkForm(request.POST, prefix="link")
        save = lambda data: services.save_link(user=request.user, link=ChainLink(chain=chain), data=data)  # noqa: E731
    elif what == "local":
        form = LocalForm(request.POST, prefix="local", chain=chain)
        save = lambda data: services.save_local_enterprise(  # noqa: E731
            user=request.user, enterprise=LocalEnterprise(link=data["link"]), data=data
        )
    elif what == "target":
        form = TargetForm(request.POST, prefix="target", chain=chain)
        save = lambda data: services.save_target(  # noqa: E731
            user=request.user, target=TargetEnterprise(link=data["link"]), data=data
        )
    else:
        raise PermissionDenied
    if form.is_valid():
        try:
            save(form.cleaned_data)
            messages.success(request, _("Saved."))
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
    else:
        messages.error(request, "；".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items()))
    return redirect(chain)


@login_required
@require_POST
def local_delete(request, pk):
    enterprise = get_object_or_404(LocalEnterprise.objects.select_related("link__chain"), pk=pk)
    services.delete_local_enterprise(user=request.user, enterprise=enterprise)
    return redirect(enterprise.link.chain)


@login_required
@require_POST
def target_contact(request, pk):
    target = get_object_or_404(TargetEnterprise.objects.restrict(request.user, "change"), pk=pk)
    form = ContactForm(request.POST, instance=target, prefix=f"t{target.pk}")
    if form.is_valid():
        services.record_contact(
            user=request.user, target=target, status=form.cleaned_data["status"], note=form.cleaned_data["contact_note"]
        )
        messages.success(request, _("Saved."))
    else:
        messages.error(request, "；".join(" ".join(v) for v in form.errors.values()))
    return redirect(target.link.chain)


@login_required
@require_POST
def target_lead(request, pk):
    target = get_object_or_404(TargetEnterprise.objects.restrict(request.user, "change"), pk=pk)
    try:
        lead = services.to_lead(user=request.user, target=target)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect(target.link.chain)
    messages.success(request, _("Lead created for %(name)s.") % {"name": target.name})
    return redirect(lead)


@login_required
def gap_list(request):
    links = selectors.gaps()
    if request.GET.get("format") == "xlsx":
        chains = IndustryChain.objects.filter(active=True)
        response = HttpResponse(xlsx.plan_workbook(chains), content_type=xlsx.XLSX_TYPE)
        response["Content-Disposition"] = 'attachment; filename="chains.xlsx"'
        return response
    return render(request, "chains/gaps.html", {"links": links})


@login_required
def plan_import(request):
    if not access.edits_everything(request.user):
        raise PermissionDenied
    errors = []
    if request.method == "POST" and request.FILES.get("file"):
        try:
            count = xlsx.import_plan(user=request.user, data=request.FILES["file"].read())
            messages.success(request, _("%(count)s rows imported.") % {"count": count})
            return redirect("chains:list")
        except xlsx.ImportFailed as failure:
            errors = failure.errors
    return render(request, "chains/import.html", {"errors": errors})
