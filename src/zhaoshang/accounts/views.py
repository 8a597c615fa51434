"""Own password, admin reset, the login log with unlock, API tokens and the optional second factor."""

from __future__ import annotations

from io import BytesIO

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhaoshang.core.forms import bootstrap
from zhaoshang.core.views import add_form_errors
from zhaoshang.organization import access
from zhaoshang.organization.models import User

from . import services
from .forms import LoginLogFilter, OtpForm, TokenForm
from .models import ApiToken


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes' answer to a locked-out login: 429 with the product's page."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "429.html", {"minutes": minutes}, status=429)


def _require_admin(request):
    if not access.is_admin(request.user):
        raise PermissionDenied


@login_required
def password_change(request):
    forced = services.must_change_password(request.user)
    form = bootstrap(PasswordChangeForm(request.user, request.POST or None))
    if request.method == "POST" and form.is_valid():
        try:
            services.change_own_password(user=request.user, new_password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form, "forced": forced})


@login_required
def password_reset(request, pk):
    _require_admin(request)
    account = get_object_or_404(User, pk=pk)
    form = bootstrap(SetPasswordForm(account, request.POST or None))
    form.fields["new_password1"].label = _("temporary password")
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_password(
                user=request.user, account=account, temporary_password=form.cleaned_data["new_password1"]
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(
                request,
                _("Password of %(user)s reset; they must choose a new one at their next login.") % {"user": account},
            )
            return redirect("organization:user_list")
    return render(request, "accounts/password_reset.html", {"form": form, "account": account})


@login_required
def login_log(request):
    _require_admin(request)
    if request.method == "POST":
        username = request.POST.get("username", "")
        services.unlock(user=request.user, username=username)
        messages.success(request, _("%(user)s unlocked.") % {"user": username})
        return redirect("accounts:login_log")
    form = LoginLogFilter(request.GET or None)
    logins = AccessLog.objects.order_by("-attempt_time")
    failures = AccessFailureLog.objects.order_by("-attempt_time")
    attempts = AccessAttempt.objects.order_by("-attempt_time")
    if form.is_valid():
        if username := form.cleaned_data.get("username"):
            logins = logins.filter(username__icontains=username)
            failures = failures.filter(username__icontains=username)
            attempts = attempts.filter(username__icontains=username)
        if day := form.cleaned_data.get("day"):
            logins = logins.filter(attempt_time__date=day)
            failures = failures.filter(attempt_time__date=day)
    limit = settings.AXES_FAILURE_LIMIT
    locked = [a for a in attempts[:200] if a.failures_since_start >= limit]
    return render(
        request,
        "accounts/login_log.html",
        {"form": form, "logins": logins[:200], "failures": failures[:200], "locked": locked, "limit": limit},
    )


@login_required
def tokens(request):
    """The user's own tokens; an admin may name another user with ?user=ID."""
    owner = request.user
    if request.GET.get("user") or request.POST.get("user"):
        _require_admin(request)
        owner = get_object_or_404(User, pk=request.GET.get("user") or request.POST.get("user"))
    form = TokenForm(request.POST if request.POST.get("action") == "create" else None)
    created = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            token = get_object_or_404(ApiToken, pk=request.POST.get("token"), user=owner)
            services.revoke_token(user=request.user, token=token)
            messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
            return redirect(request.get_full_path())
        if form.is_valid():
            try:
                token, created = services.create_token(
                    user=request.user, owner=owner, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
                )
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "owner": owner, "tokens": owner.api_tokens.all(), "created": created},
    )


# --- two-factor ----------------------------------------------------------------------------------------


def _qr_svg(uri: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = BytesIO()
    image.save(out)
    return out.getvalue().decode("utf-8").split("?>", 1)[-1]


@login_required
def two_factor(request):
    """Enrol an authenticator app (TOTP), or remove it."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if request.method == "POST" and request.POST.get("action") == "remove" and confirmed:
        if services.second_factor_required(user):
            messages.error(request, _("Two-factor authentication is required for your role."))
        else:
            TOTPDevice.objects.filter(user=user).delete()
            messages.success(request, _("Two-factor authentication removed."))
        return redirect("accounts:two_factor")
    if confirmed:
        return render(request, "accounts/two_factor.html", {"confirmed": confirmed})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name="TOTP", confirmed=False
    )
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect("home")
        form.add_error("code", _("Wrong code; check the phone's clock and try again."))
    secret = device.bin_key.hex()
    import base64

    secret_b32 = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return render(
        request,
        "accounts/two_factor.html",
        {"form": form, "qr": mark_safe(_qr_svg(device.config_url)), "secret": secret_b32, "hex": secret},
    )


@login_required
def otp_verify(request):
    """The second step of a login for a user with an authenticator."""
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip()
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_is_allowed()[0] and device.verify_token(code):
                otp_login(request, device)
                target = request.GET.get("next") or ""
                if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                    target = settings.LOGIN_REDIRECT_URL
                return redirect(target)
        form.add_error("code", _("Wrong code; check the phone's clock and try again."))
    return render(request, "accounts/otp_verify.html", {"form": form})
