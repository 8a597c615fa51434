from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from zhaoshang.core.views import add_form_errors

from . import access, selectors, services
from .forms import UnitForm, UserForm
from .models import Unit, User


def home(request):
    """The site's front page: the ledger, or for leaders their home (their projects and linked units)."""
    if not request.user.is_authenticated:
        return redirect("login")
    if access.is_leader(request.user):
        return redirect("leaders:home")
    return redirect("projects:ledger")


@login_required
def unit_list(request):
    units = list(selectors.unit_list(user=request.user))
    by_parent: dict = {}
    for unit in units:
        by_parent.setdefault(unit.parent_id, []).append(unit)
    visible = {u.pk for u in units}
    rows = []

    def walk(parent_id, depth):
        for unit in by_parent.get(parent_id, []):
            rows.append((unit, depth))
            walk(unit.pk, depth + 1)

    for unit in units:  # roots: units whose parent is not visible to this user
        if unit.parent_id is None or unit.parent_id not in visible:
            rows.append((unit, 0))
            walk(unit.pk, 1)
    return render(
        request,
        "organization/unit_list.html",
        {
            "rows": rows,
            "can_manage": access.edits_everything(request.user),
        },
    )


def _unit_form(request, unit):
    if not access.edits_everything(request.user):
        raise PermissionDenied
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_unit(user=request.user, unit=unit, data=form.cleaned_data)
            messages.success(request, _("Unit %(name)s saved.") % {"name": saved.name})
            return redirect(saved)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "organization/unit_form.html", {"form": form, "unit": unit})


@login_required
def unit_create(request):
    return _unit_form(request, None)


@login_required
def unit_edit(request, pk):
    return _unit_form(request, get_object_or_404(Unit, pk=pk))


def _require_admin(request):
    if not access.is_admin(request.user):
        raise PermissionDenied


@login_required
def user_list(request):
    _require_admin(request)
    users = User.objects.select_related("unit").order_by("role", "username")
    return render(request, "organization/user_list.html", {"users": users})


def _user_form(request, account):
    _require_admin(request)
    form = UserForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: v for k, v in form.cleaned_data.items() if k != "password"}
            services.save_user(
                user=request.user, account=account, data=data, password=form.cleaned_data.get("password")
            )
            messages.success(request, _("User saved."))
            return redirect("organization:user_list")
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "organization/user_form.html", {"form": form, "account": account})


@login_required
def user_create(request):
    return _user_form(request, None)


@login_required
def user_edit(request, pk):
    return _user_form(request, get_object_or_404(User, pk=pk))
