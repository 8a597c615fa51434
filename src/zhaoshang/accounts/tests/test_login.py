"""Issue 11, part 8: throttling and lockout, the login log, unlock; passwords; SECRET_KEY; error pages."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.urls import reverse

from conftest import PASSWORD
from zhaoshang.accounts.models import AccountState

LOGIN = "/login/"


def post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


def test_five_wrong_passwords_lock_the_account_and_unlock_restores_it(client, users):
    for _ in range(4):
        response = post_login(client, "reporter_a", "wrong-password")
        assert response.status_code == 200  # the form again
    response = post_login(client, "reporter_a", "wrong-password")
    assert response.status_code == 429
    # The 6th attempt, even with the right password, is refused with the Chinese lockout page.
    response = post_login(client, "reporter_a", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录失败次数过多" in page
    assert "_auth_user_id" not in client.session
    assert AccessFailureLog.objects.filter(username="reporter_a").count() >= 5

    admin = users["admin"]
    admin_client = client.__class__()
    admin_client.force_login(admin)
    log = admin_client.get(reverse("accounts:login_log"))
    assert log.status_code == 200
    assert "reporter_a" in log.content.decode()
    admin_client.post(reverse("accounts:login_log"), {"username": "reporter_a"})
    assert not AccessAttempt.objects.filter(username="reporter_a").exists()

    response = post_login(client, "reporter_a", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(users["reporter_a"].pk)
    assert AccessLog.objects.filter(username="reporter_a").exists()


def test_lockout_is_per_username_and_address(client, users):
    for _ in range(5):
        post_login(client, "reporter_a", "wrong-password")
    other = client.post(LOGIN, {"username": "reporter_a", "password": PASSWORD}, REMOTE_ADDR="10.0.0.8")
    assert other.status_code == 302
    assert post_login(client.__class__(), "reporter_b", PASSWORD).status_code == 302


def test_login_log_is_for_admins_only(client, users):
    client.force_login(users["bureau"])
    assert client.get(reverse("accounts:login_log")).status_code == 403


def test_blank_password_refused_in_user_form(client, users, units):
    client.force_login(users["admin"])
    data = {"username": "newbie", "display_name": "新人", "unit": units["a"].pk, "role": "reporter", "is_active": "on"}
    response = client.post(reverse("organization:user_create"), {**data, "password": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    response = client.post(reverse("organization:user_create"), {**data, "password": "short"})
    assert "密码长度太短" in response.content.decode()
    from zhaoshang.organization.models import User

    assert not User.objects.filter(username="newbie").exists()
    response = client.post(reverse("organization:user_create"), {**data, "password": "Lang-genug-2026"})
    assert response.status_code == 302
    assert User.objects.get(username="newbie").check_password("Lang-genug-2026")


def test_blank_password_refused_by_the_service(users, units):
    from django.core.exceptions import ValidationError

    from zhaoshang.organization import services

    data = {"username": "blank", "role": "reporter", "unit": units["a"]}
    for password in (None, "", "   "):
        with pytest.raises(ValidationError):
            services.save_user(user=users["admin"], data=data, password=password)


def test_createsuperuser_noinput_needs_a_password(db, monkeypatch):
    from django.core.management import CommandError, call_command

    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="DJANGO_SUPERUSER_PASSWORD"):
        call_command("createsuperuser", "--noinput", username="root", email="root@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Sehr-geheim-2026")
    call_command("createsuperuser", "--noinput", username="root", email="root@example.com")
    from zhaoshang.organization.models import User

    assert User.objects.get(username="root").check_password("Sehr-geheim-2026")


def test_user_changes_own_password(client, users):
    client.force_login(users["reporter_a"])
    url = reverse("accounts:password_change")
    response = client.post(url, {"old_password": "nope", "new_password1": "x", "new_password2": "x"})
    assert response.status_code == 200
    assert "旧密码不正确" in response.content.decode()
    new = "Neues-Passwort-77"
    response = client.post(url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    users["reporter_a"].refresh_from_db()
    assert users["reporter_a"].check_password(new)
    # The session survives the change.
    assert client.get(reverse("projects:ledger")).status_code == 200


def test_admin_reset_forces_a_change_at_next_login(client, users):
    admin = client.__class__()
    admin.force_login(users["admin"])
    account = users["reporter_b"]
    temporary = "Vorlaeufig-2026"
    url = reverse("accounts:password_reset", args=[account.pk])
    assert admin.post(url, {"new_password1": "", "new_password2": ""}).status_code == 200
    response = admin.post(url, {"new_password1": temporary, "new_password2": temporary})
    assert response.status_code == 302
    assert AccountState.objects.get(user=account).must_change_password

    assert post_login(client, "reporter_b", temporary).status_code == 302
    response = client.get(reverse("projects:ledger"))
    assert response.status_code == 302 and response.url == reverse("accounts:password_change")
    assert client.get("/api/projects/").status_code == 403
    new = "Eigenes-Passwort-9"
    client.post(
        reverse("accounts:password_change"),
        {"old_password": temporary, "new_password1": new, "new_password2": new},
    )
    assert not AccountState.objects.get(user=account).must_change_password
    assert client.get(reverse("projects:ledger")).status_code == 200


def test_only_admins_reset_passwords(client, users):
    client.force_login(users["bureau"])
    url = reverse("accounts:password_reset", args=[users["reporter_a"].pk])
    assert client.post(url, {"new_password1": "Xyz-12345-ab", "new_password2": "Xyz-12345-ab"}).status_code == 403


def _settings_import(extra: dict) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "ZHAOSHANG_TRIAL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-c", "import zhaoshang.settings as s; print('KEY', s.SECRET_KEY[:15])"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_no_secret_key_outside_debug_refuses_to_start():
    result = _settings_import({})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY is not set" in result.stderr
    assert "KEY django-insecure" in _settings_import({"ZHAOSHANG_TRIAL": "1"}).stdout
    assert "KEY django-insecure" in _settings_import({"DEBUG": "1"}).stdout
    assert "KEY own-key-abcdefg" in _settings_import({"SECRET_KEY": "own-key-abcdefghijklmnop"}).stdout


def test_session_hours_from_environment():
    result = subprocess.run(
        [sys.executable, "-c", "import zhaoshang.settings as s; print(s.SESSION_COOKIE_AGE)"],
        env={**os.environ, "ZHAOSHANG_SESSION_HOURS": "2", "ZHAOSHANG_TRIAL": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "7200"


@pytest.fixture
def production_errors(settings):
    settings.DEBUG = False
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False


def test_error_pages_in_chinese(client, users, production_errors):
    client.force_login(users["reporter_a"])
    response = client.get("/projects/999999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and "navbar" in page
    response = client.get(reverse("accounts:login_log"))
    assert response.status_code == 403
    assert "navbar" in response.content.decode()


def test_server_error_page_needs_no_context(client, users, production_errors):
    from django.template import loader
    from django.utils import translation

    with translation.override("zh-hans"):
        page = loader.get_template("500.html").render()
    assert "服务器出错" in page
    client.raise_request_exception = False
    client.force_login(users["reporter_a"])
    from unittest import mock  # only to make one view fail; the page itself renders for real

    with mock.patch("zhaoshang.accounts.views.render", side_effect=RuntimeError("boom")):
        response = client.get(reverse("accounts:tokens"))
    assert response.status_code == 500
    assert "服务器出错" in response.content.decode()
