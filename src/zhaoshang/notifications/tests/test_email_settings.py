"""EMAIL_URL (or EMAIL_URL_FILE) configures Django's mail; without it mail goes to the console."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.mail import EmailMessage, get_connection

from zhaoshang.settings import email_settings

from .conftest import SMTP_PASSWORD, SMTP_USER


def test_no_url_means_the_console():
    assert email_settings(None)["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert email_settings("")["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.parametrize(
    ("url", "host", "port", "tls", "ssl"),
    [
        ("smtp://mail.county.example", "mail.county.example", 25, False, False),
        ("smtp://u:p@mail.county.example:2525", "mail.county.example", 2525, False, False),
        ("smtp+tls://u:p@smtp.exmail.qq.com", "smtp.exmail.qq.com", 587, True, False),
        ("smtps://u:p@smtp.exmail.qq.com", "smtp.exmail.qq.com", 465, False, True),
        ("smtps://u:p@smtp.exmail.qq.com:994", "smtp.exmail.qq.com", 994, False, True),
    ],
)
def test_schemes(url, host, port, tls, ssl):
    found = email_settings(url)
    assert found["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (found["EMAIL_HOST"], found["EMAIL_PORT"], found["EMAIL_USE_TLS"], found["EMAIL_USE_SSL"]) == (
        host,
        port,
        tls,
        ssl,
    )


def test_user_and_password_are_percent_decoded_and_timeout_read():
    found = email_settings("smtps://zs%40county.example:p%40ss%3Aword%2F1@mail.example?timeout=3")
    assert found["EMAIL_HOST_USER"] == "zs@county.example"
    assert found["EMAIL_HOST_PASSWORD"] == "p@ss:word/1"
    assert found["EMAIL_TIMEOUT"] == 3


def test_unknown_scheme_is_refused():
    with pytest.raises(ValueError, match="EMAIL_URL"):
        email_settings("imap://mail.example")


def test_parsed_settings_log_in_to_a_real_server(inbox):
    port = get_connection().port  # the local aiosmtpd server of the inbox fixture
    found = email_settings(f"smtp://{SMTP_USER}:p%40ss%3Aword%2F1@127.0.0.1:{port}")
    assert found["EMAIL_HOST_PASSWORD"] == SMTP_PASSWORD
    connection = get_connection(
        backend=found["EMAIL_BACKEND"],
        host=found["EMAIL_HOST"],
        port=found["EMAIL_PORT"],
        username=found["EMAIL_HOST_USER"],
        password=found["EMAIL_HOST_PASSWORD"],
        use_tls=found["EMAIL_USE_TLS"],
        use_ssl=found["EMAIL_USE_SSL"],
        timeout=found["EMAIL_TIMEOUT"],
    )
    EmailMessage("测试", "正文", to=["bureau@county.example"], connection=connection).send()
    assert inbox.logins == [SMTP_USER] and inbox.to() == ["bureau@county.example"]


def test_email_url_from_a_file(tmp_path):
    secret = tmp_path / "email_url"
    secret.write_text("smtps://zs:s3cret@mail.county.example\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_URL")}
    env |= {"EMAIL_URL_FILE": str(secret), "DEFAULT_FROM_EMAIL": "招商局 <zs@county.example>"}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_SSL, s.EMAIL_HOST_PASSWORD, "
        "s.DEFAULT_FROM_EMAIL)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env | {"DJANGO_SETTINGS_MODULE": "zhaoshang.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.county.example",
        "465",
        "True",
        "s3cret",
        "招商局",
        "<zs@county.example>",
    ]
