"""Holds a logged-in user on one page until their account is in order: the second factor entered (when they have
a device, or must have one), then a password of their own after an admin reset. The API answers 403 instead."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from . import services

# Pages a held user may still reach.
OPEN_VIEWS = frozenset(
    {
        "accounts:password_change",
        "accounts:otp_verify",
        "accounts:two_factor",
        "login",
        "logout",
        "set_language",
    }
)


def hold_for(user) -> str | None:
    """The page this user must go to before any other, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    has_device = services.has_second_factor(user)
    if has_device and not user.is_verified():
        return "accounts:otp_verify"
    if not has_device and services.second_factor_required(user):
        return "accounts:two_factor"
    if services.must_change_password(user):
        return "accounts:password_change"
    return None


class AccountGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name in OPEN_VIEWS or match.view_name.startswith("admin:"):
            return None
        target = hold_for(request.user)
        if target is None:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Finish logging in on the web page first.")}, status=403)
        return redirect(target)
