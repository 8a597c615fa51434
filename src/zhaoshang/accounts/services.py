"""Passwords, lockouts and API tokens: every change goes through here (views and commands call these)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core import clock
from zhaoshang.organization import access

from .models import AccountState, ApiToken, token_digest

TOKEN_PREFIX = "zs_"


def must_change_password(user) -> bool:
    if not getattr(user, "pk", None):
        return False
    return AccountState.objects.filter(user=user, must_change_password=True).exists()


def check_password_given(password: str | None, user=None) -> str:
    """A password that is not blank and passes the validators (Chinese messages), or ValidationError."""
    if not password or not password.strip():
        raise ValidationError(_("A password is required."), code="blank_password")
    validate_password(password, user)
    return password


@transaction.atomic
def change_own_password(*, user, new_password: str) -> None:
    check_password_given(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    AccountState.objects.filter(user=user).update(must_change_password=False)


@transaction.atomic
def reset_password(*, user, account, temporary_password: str) -> None:
    """An admin sets a temporary password; the account must choose its own at the next login. Clears a lockout."""
    if not access.is_admin(user):
        raise PermissionDenied
    check_password_given(temporary_password, account)
    account.set_password(temporary_password)
    account.save(update_fields=["password"])
    AccountState.objects.update_or_create(
        user=account,
        defaults={"must_change_password": True, "password_reset_at": clock.now(), "password_reset_by": user},
    )
    axes_reset(username=account.get_username())


def unlock(*, user, username: str) -> int:
    """Forget the failed logins of ``username`` (every address); the number of lockout records removed."""
    if not access.is_admin(user):
        raise PermissionDenied
    return axes_reset(username=username)


# --- API tokens ----------------------------------------------------------------------------------------


def _may_manage_tokens_of(user, owner) -> bool:
    return access.is_active(user) and (user.pk == owner.pk or access.is_admin(user))


@transaction.atomic
def create_token(*, user, owner, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token for ``owner``; returns it with the raw token, which is never stored and shown only now."""
    if not _may_manage_tokens_of(user, owner):
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the token a name."))
    if not isinstance(days, int) or not ApiToken.MIN_DAYS <= days <= ApiToken.MAX_DAYS:
        raise ValidationError(
            _("A token is valid for %(min)d to %(max)d days.") % {"min": ApiToken.MIN_DAYS, "max": ApiToken.MAX_DAYS}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=owner,
        name=name[:80],
        digest=token_digest(raw),
        prefix=raw[:10],
        created_by=user,
        expires_at=clock.now() + timedelta(days=days),
    )
    return token, raw


def revoke_token(*, user, token: ApiToken) -> None:
    if not _may_manage_tokens_of(user, token.user):
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])


def user_for_token(raw: str):
    """The active user owning the usable token ``raw``, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = ApiToken.objects.usable().select_related("user").filter(digest=token_digest(raw)).first()
    if token is None:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- two-factor ----------------------------------------------------------------------------------------


def has_second_factor(user) -> bool:
    from django_otp import user_has_device

    return bool(getattr(user, "pk", None)) and user_has_device(user, confirmed=True)


def second_factor_required(user) -> bool:
    """ZHAOSHANG_REQUIRE_2FA forces the county roles that change or verify records to enrol."""
    from django.conf import settings

    return bool(settings.ZHAOSHANG_REQUIRE_2FA) and access.needs_second_factor(user)
