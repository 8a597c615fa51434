from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from zhaoshang.core.views import add_form_errors
from zhaoshang.organization import access
from zhaoshang.targets.models import Period

from . import selectors, services
from .forms import PersonFilterForm, PersonForm, TargetsForm
from .models import Person, PersonTarget
from .xlsx import XLSX_TYPE, reward_workbook


@login_required
def person_list(request):
    form = PersonFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    persons = selectors.person_list(user=request.user, q=data.get("q", ""), level=data.get("level", ""))
    return render(
        request,
        "persons/person_list.html",
        {"persons": persons[:500], "count": persons.count(), "form": form, "can_add": _may_add(request.user)},
    )


def _may_add(user) -> bool:
    return access.edits_everything(user) or (access.is_reporter(user) and bool(access.unit_ids(user)))


@login_required
def person_detail(request, pk):
    person = get_object_or_404(Person.objects.restrict(request.user).select_related("unit", "user"), pk=pk)
    links = person.introducer_links.select_related("project").order_by("-project__id")
    return render(
        request,
        "persons/person_detail.html",
        {
            "person": person,
            "links": links,
            "led": person.led_projects.order_by("-id"),
            "stewarded": person.stewarded_projects.order_by("-id"),
            "teams": person.team_projects.order_by("-id"),
            "can_edit": Person.objects.restrict(request.user, "change").filter(pk=pk).exists(),
        },
    )


def _person_form(request, person):
    if person is None and not _may_add(request.user):
        raise PermissionDenied
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_person(user=request.user, person=person, data=form.cleaned_data)
            messages.success(request, _("Person %(name)s saved.") % {"name": saved.name})
            return redirect(saved)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "persons/person_form.html", {"form": form, "person": person})


@login_required
def person_create(request):
    return _person_form(request, None)


@login_required
def person_edit(request, pk):
    return _person_form(request, get_object_or_404(Person.objects.restrict(request.user, "change"), pk=pk))


def _period(request):
    periods = list(Period.objects.order_by("-start", "-pk"))
    chosen = request.GET.get("period")
    period = next((p for p in periods if str(p.pk) == chosen), periods[0] if periods else None)
    return period, periods


@login_required
def ranking(request):
    period, periods = _period(request)
    figures = selectors.person_ranking(period, user=request.user) if period else []
    return render(
        request,
        "persons/ranking.html",
        {"period": period, "periods": periods, "figures": figures, "can_edit": access.edits_everything(request.user)},
    )


@login_required
def rewards(request):
    period, periods = _period(request)
    lines = selectors.reward_list(period, user=request.user) if period else []
    if period and request.GET.get("format") == "xlsx":
        response = HttpResponse(reward_workbook(lines, period=period), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="rewards-{period.code}.xlsx"'
        return response
    return render(request, "persons/rewards.html", {"period": period, "periods": periods, "lines": lines})


@login_required
def targets(request, period_pk):
    """A period's targets per level and the per-person overrides (bureau)."""
    if not access.edits_everything(request.user):
        raise PermissionDenied
    period = get_object_or_404(Period, pk=period_pk)
    per_level, _per_person = selectors.targets_of(period)
    form = TargetsForm(request.POST or None, per_level=per_level)
    overrides = PersonTarget.objects.filter(period=period).select_related("person__unit")
    if request.method == "POST" and form.is_valid():
        per_person = {}
        for target in overrides:
            value = request.POST.get(f"person_{target.person_id}", "").strip()
            per_person[target.person] = _decimal(value)
        added = request.POST.get("add_person", "").strip()
        if added.isdigit():
            person = Person.objects.filter(pk=int(added)).first()
            if person is not None:
                per_person[person] = _decimal(request.POST.get("add_projects", "").strip())
        try:
            services.save_targets(user=request.user, period=period, per_level=form.per_level(), per_person=per_person)
            messages.success(request, _("Person targets saved."))
            return redirect(f"{request.path}")
        except (ValidationError, ValueError) as error:
            messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
    return render(
        request,
        "persons/targets.html",
        {"period": period, "form": form, "overrides": overrides, "persons": selectors.choosable_persons()},
    )


def _decimal(value: str):
    from decimal import Decimal, InvalidOperation

    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation as error:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from error
