"""The bureau's review of double claims and the investors flagged for it (issue 17).

The review pages: every county role reads them, bureau staff and admins decide (``decide.may_decide``); a
reporter gets 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.core.views import add_form_errors, flash_errors, flash_form_errors

from . import decide, reviews
from .choices import PairStatus
from .forms import DifferentForm, MergeForm, PairFilterForm, PhaseForm
from .models import ClaimPair

PAIRS_PER_PAGE = 30


@login_required
def review(request):
    if not decide.may_review(request.user):
        raise PermissionDenied
    decided = request.GET.get("tab") == "decided"
    form = PairFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {key: form.cleaned_data[key] for key in ("status", "unit", "min_score")}
    pairs = reviews.pair_list(user=request.user, decided=decided, **filters)
    page = Paginator(pairs, PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "claims/review.html",
        {
            "form": form,
            "page": page,
            "rows": reviews.sides_of(page),
            "decided": decided,
            "query": query.urlencode(),
        },
    )


def _pair(request, pk) -> ClaimPair:
    try:
        return reviews.get_pair(user=request.user, pk=pk)
    except ClaimPair.DoesNotExist:
        raise Http404 from None


def _forms(pair: ClaimPair, projects, data=None, which=""):
    present = [p for p in projects if p is not None]
    return {
        "merge_form": MergeForm(
            data if which == "merge" else None, projects=present, share_rows=decide.share_rows(*present)
        )
        if len(present) == 2
        else None,
        "phase_form": PhaseForm(data if which == "phase" else None, projects=present),
        "different_form": DifferentForm(data if which == "different" else None),
    }


def _pair_page(request, pair, projects, forms, *, confirm=False, status=200):
    can_decide = decide.may_decide(request.user) and pair.status == PairStatus.OPEN and None not in projects
    context = {"pair": pair, "sides": projects, "can_decide": can_decide, "confirm": confirm, **forms}
    if confirm:
        form = forms["merge_form"]
        context["kept_project"] = next(p for p in projects if str(p.pk) == form.cleaned_data["kept"])
        context["absorbed_project"] = next(p for p in projects if str(p.pk) != form.cleaned_data["kept"])
    return render(request, "claims/pair.html", context, status=status)


@login_required
def pair_detail(request, pk):
    pair = _pair(request, pk)
    projects = reviews.sides(pair)
    return _pair_page(request, pair, projects, _forms(pair, projects))


@login_required
@require_POST
def pair_merge(request, pk):
    if not decide.may_decide(request.user):
        raise PermissionDenied
    pair = _pair(request, pk)
    projects = reviews.sides(pair)
    if None in projects:
        messages.error(
            request, _("A project of the pair %(pair)s no longer exists: it cannot be decided.") % {"pair": pair}
        )
        return redirect("claims:pair", pk=pair.pk)
    forms = _forms(pair, projects, request.POST, "merge")
    form = forms["merge_form"]
    if not form.is_valid():
        return _pair_page(request, pair, projects, forms, status=400)
    kept = next(p for p in projects if str(p.pk) == form.cleaned_data["kept"])
    shares = form.shares()
    errors = decide.merge_share_errors(shares, {c.unit_id for p in projects for c in p.credits.all()})
    absorbed = next(p for p in projects if p.pk != kept.pk)
    errors += decide.merged_stage_errors(kept, absorbed)  # told before the confirmation, not after
    if errors:
        add_form_errors(form, ValidationError(errors))
        return _pair_page(request, pair, projects, forms, status=400)
    if not form.cleaned_data["confirm"]:
        return _pair_page(request, pair, projects, forms, confirm=True)
    try:
        kept = decide.merge(user=request.user, pair=pair, kept=kept, shares=shares, note=form.cleaned_data["note"])
    except ValidationError as error:
        add_form_errors(form, error)
        return _pair_page(request, pair, projects, forms, status=400)
    messages.success(request, _("Merged into %(code)s.") % {"code": kept.code})
    return redirect("claims:pair", pk=pair.pk)


@login_required
@require_POST
def pair_different(request, pk):
    if not decide.may_decide(request.user):
        raise PermissionDenied
    pair = _pair(request, pk)
    form = DifferentForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("claims:pair", pk=pair.pk)
    try:
        decide.decide_different(user=request.user, pair=pair, note=form.cleaned_data["note"])
        messages.success(request, _("Recorded: different projects."))
    except ValidationError as error:
        flash_errors(request, error)
    return redirect("claims:pair", pk=pair.pk)


@login_required
@require_POST
def pair_phase(request, pk):
    if not decide.may_decide(request.user):
        raise PermissionDenied
    pair = _pair(request, pk)
    projects = [p for p in reviews.sides(pair) if p is not None]
    form = PhaseForm(request.POST, projects=projects)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("claims:pair", pk=pair.pk)
    earlier = next(p for p in projects if str(p.pk) == form.cleaned_data["earlier"])
    try:
        decide.decide_phase(user=request.user, pair=pair, earlier=earlier, note=form.cleaned_data["note"])
        messages.success(request, _("Recorded: a second phase of %(code)s.") % {"code": earlier.code})
    except ValidationError as error:
        flash_errors(request, error)
    return redirect("claims:pair", pk=pair.pk)
