from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from zhaoshang.core import clock
from zhaoshang.core.views import add_form_errors
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit
from zhaoshang.persons.models import Person
from zhaoshang.projects.models import StewardRule

from . import selectors, services
from .forms import LINKABLE, HeadForm, LinksForm, RuleForm


@login_required
def home(request):
    """A county leader's home: their projects and linked units, overdue first. Other users go to the dashboard
    (county roles) or the ledger (a unit's reporters, who see only their unit's projects)."""
    if not access.reads_everything(request.user):
        return redirect("projects:ledger")
    person = selectors.person_of(request.user)
    if person is None:
        if access.is_leader(request.user):
            return render(request, "leaders/home.html", {"data": None})
        return redirect("dashboard:home")
    return _home(request, person)


@login_required
def leader_home(request, pk):
    """The bureau sees a leader's home as the leader does."""
    if not access.edits_everything(request.user):
        raise PermissionDenied
    return _home(request, get_object_or_404(Person, pk=pk))


def _home(request, person):
    data = selectors.leader_home(user=request.user, person=person, today=clock.today())
    return render(request, "leaders/home.html", {"data": data})


@login_required
def leader_list(request):
    """The bureau's page: county leaders and their linked units, the heads of townships and sectors, the rule."""
    if not access.edits_everything(request.user):
        raise PermissionDenied
    links: dict[int, list] = {}
    for person in selectors.leaders():
        links[person.pk] = (person, selectors.linked_units(person))
    heads = selectors.heads()
    units = Unit.objects.filter(active=True, category__in=LINKABLE).order_by("code")
    return render(
        request,
        "leaders/leader_list.html",
        {
            "leaders": list(links.values()),
            "units": [(unit, heads.get(unit.pk)) for unit in units],
            "rule": StewardRule.load(),
        },
    )


@login_required
def links_edit(request, pk):
    if not access.edits_everything(request.user):
        raise PermissionDenied
    person = get_object_or_404(Person, pk=pk)
    form = LinksForm(request.POST or None, initial={"units": [u.pk for u in selectors.linked_units(person)]})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_links(user=request.user, person=person, units=form.cleaned_data["units"])
            messages.success(request, _("Links of %(name)s saved.") % {"name": person.name})
            return redirect("leaders:list")
        except ValidationError as error:
            add_form_errors(form, error)
    return render(
        request, "leaders/form.html", {"form": form, "title": _("Linked units of %(name)s") % {"name": person.name}}
    )


@login_required
def head_edit(request, unit_pk):
    if not access.edits_everything(request.user):
        raise PermissionDenied
    unit = get_object_or_404(Unit, pk=unit_pk)
    head = selectors.heads().get(unit.pk)
    form = HeadForm(request.POST or None, unit=unit, initial={"person": head.person_id if head else None})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_head(user=request.user, unit=unit, person=form.cleaned_data["person"])
            messages.success(request, _("Head of %(unit)s saved.") % {"unit": unit.name})
            return redirect("leaders:list")
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "leaders/form.html", {"form": form, "title": _("Head of %(unit)s") % {"unit": unit.name}})


@login_required
def rule_edit(request):
    if not access.edits_everything(request.user):
        raise PermissionDenied
    rule = StewardRule.load()
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_rule(user=request.user, rule=rule, data=form.cleaned_data)
            messages.success(request, _("Steward rule saved."))
            return redirect("leaders:list")
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "leaders/form.html", {"form": form, "title": _("Steward rule")})
