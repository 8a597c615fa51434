"""How a message leaves the system: by mail (Django's mail backend) or to a group robot (HTTP POST).

Each group robot platform has its own body and signing. Sources (the platforms' own guides; their
sample code is reproduced on many pages, which is where the details below were checked):

* WeCom (企业微信) group robot, "群机器人配置说明", developer.work.weixin.qq.com/document/path/91770:
  POST JSON ``{"msgtype": "markdown", "markdown": {"content": ...}}`` to the webhook URL, whose ``key``
  query parameter is the credential (no signing); content at most 4096 bytes of UTF-8; the answer is
  ``{"errcode": 0, "errmsg": "ok"}`` (HTTP 200 also for errors, so errcode must be read).
* DingTalk (钉钉) custom robot, "自定义机器人安全设置" (加签),
  open.dingtalk.com/document/robots/customize-robot-security-settings, and the message types page
  open.dingtalk.com/document/development/robot-message-type: string to sign ``f"{timestamp}\\n{secret}"``
  with the timestamp in milliseconds (at most an hour off), HmacSHA256 keyed with the secret, Base64,
  then URL-encoded, appended to the webhook URL as ``&timestamp=…&sign=…``; body ``{"msgtype":
  "markdown", "markdown": {"title": ..., "text": ...}}``; answer ``{"errcode": 0, "errmsg": "ok"}``.
* Feishu (飞书) custom bot, "自定义机器人使用指南" (签名校验),
  open.feishu.cn/document/client-docs/bot-v3/add-custom-bot: timestamp in seconds, HmacSHA256 keyed
  with ``f"{timestamp}\\n{secret}"`` over an EMPTY message, Base64; body ``{"timestamp": "...",
  "sign": "...", "msg_type": "text", "content": {"text": ...}}`` (timestamp and sign only when the bot
  has a secret); answer ``{"code": 0, "msg": "success"}`` (older bots: ``{"StatusCode": 0, ...}``).

Only the standard library speaks HTTP here (urllib.request, with a timeout), so a dead robot costs at
most the timeout and raises SendError, which the caller records; it never stops the other channels.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.translation import gettext as _

from .choices import Platform

WECOM_MAX_BYTES = 4096
# DingTalk and Feishu accept about 20,000 bytes; the messages here are a few lines, this is a safeguard.
OTHER_MAX_BYTES = 18000
ERROR_DETAIL_CHARS = 300


class SendError(Exception):
    """The message did not go out; ``str()`` says why, short enough to store and show."""


@dataclass(frozen=True)
class Message:
    title: str
    body: str = ""
    url: str = ""  # a path in the app (made absolute with settings.SITE_URL) or a full URL


def absolute_url(url: str) -> str:
    site = getattr(settings, "SITE_URL", "")
    if url.startswith("/") and not url.startswith("//") and site:
        return site + url
    return url


def _cut(text: str, max_bytes: int) -> str:
    """``text`` cut to at most ``max_bytes`` of UTF-8, never inside a character."""
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    return data[: max_bytes - 3].decode("utf-8", errors="ignore") + "…"


# --- signing ------------------------------------------------------------------------------------


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk 加签, before URL-encoding: Base64(HmacSHA256(key=secret, msg=f"{timestamp}\\n{secret}"))."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu 签名校验: Base64(HmacSHA256(key=f"{timestamp}\\n{secret}", msg=b""))."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


# --- message bodies -----------------------------------------------------------------------------


def _link_line(message: Message, markdown: bool) -> str:
    url = absolute_url(message.url)
    if not url:
        return ""
    label = _("Open in the system")
    return f"[{label}]({url})" if markdown else f"{label}: {url}"


def webhook_request(platform: str, url: str, secret: str, message: Message, *, now: float | None = None):
    """The URL to POST to and the JSON body, for one platform. Pure: ``now`` fixes the clock in tests."""
    now = time.time() if now is None else now
    link_md, link_text = _link_line(message, True), _link_line(message, False)
    if platform == Platform.WECOM:
        content = "\n".join(part for part in (f"**{message.title}**", message.body, link_md) if part)
        return url, {"msgtype": "markdown", "markdown": {"content": _cut(content, WECOM_MAX_BYTES)}}
    if platform == Platform.DINGTALK:
        # DingTalk's markdown needs a blank line for a line break.
        body = message.body.replace("\n", "\n\n")
        text = "\n\n".join(part for part in (f"#### {message.title}", body, link_md) if part)
        payload = {"msgtype": "markdown", "markdown": {"title": message.title, "text": _cut(text, OTHER_MAX_BYTES)}}
        if secret:
            timestamp = int(now * 1000)
            query = urllib.parse.urlencode({"timestamp": timestamp, "sign": dingtalk_sign(secret, timestamp)})
            url = f"{url}{'&' if '?' in url else '?'}{query}"
        return url, payload
    if platform == Platform.FEISHU:
        text = "\n".join(part for part in (message.title, message.body, link_text) if part)
        payload = {"msg_type": "text", "content": {"text": _cut(text, OTHER_MAX_BYTES)}}
        if secret:
            timestamp = int(now)
            payload = {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp), **payload}
        return url, payload
    raise ValueError(f"unknown platform {platform!r}")


# --- sending ------------------------------------------------------------------------------------


def _platform_error(answer) -> str | None:
    """The error a robot reports inside an HTTP 200 answer, or None when it says ok."""
    if not isinstance(answer, dict):
        return None
    for code_field, text_field in (("errcode", "errmsg"), ("code", "msg"), ("StatusCode", "StatusMessage")):
        code = answer.get(code_field)
        if code not in (None, 0, "0"):
            return _("the robot answered error %(code)s: %(message)s") % {
                "code": code,
                "message": str(answer.get(text_field, ""))[:ERROR_DETAIL_CHARS],
            }
    return None


def post_json(url: str, payload: dict, *, timeout: float | None = None) -> None:
    """POST ``payload`` as JSON; SendError unless the answer is 2xx and, if JSON, reports no error.

    The URL is never part of an error message: it holds the robot's credential.
    """
    timeout = timeout if timeout is not None else getattr(settings, "WEBHOOK_TIMEOUT", 10)
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # http(s) only: forms.py checks
            raw = response.read(65536)
    except urllib.error.HTTPError as error:
        detail = error.read(ERROR_DETAIL_CHARS).decode("utf-8", errors="replace").strip()
        raise SendError(
            _("HTTP error %(status)s: %(detail)s") % {"status": error.code, "detail": detail or error.reason}
        ) from None
    except urllib.error.URLError as error:
        raise SendError(_("cannot reach the robot: %(reason)s") % {"reason": error.reason}) from None
    except (TimeoutError, OSError) as error:
        raise SendError(_("cannot reach the robot: %(reason)s") % {"reason": error}) from None
    try:
        answer = json.loads(raw.decode("utf-8"))
    except ValueError:
        return  # a 2xx answer that is not JSON: nothing more to check
    problem = _platform_error(answer)
    if problem:
        raise SendError(problem)


def send_webhook(webhook, message: Message) -> None:
    url, payload = webhook_request(webhook.platform, webhook.url, webhook.secret, message)
    post_json(url, payload)


def email_text(message: Message) -> str:
    parts = [message.body]
    url = absolute_url(message.url)
    if url:
        parts.append(_("Open in the system: %(url)s") % {"url": url})
    return "\n\n".join(part for part in parts if part)


class Mailer:
    """Sends mails over one SMTP connection, opened at the first mail; use as a context manager."""

    def __init__(self):
        self.connection = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # closing a broken connection must not hide what happened before
                pass
        return False

    def send(self, address: str, message: Message) -> None:
        subject = " ".join(message.title.split())  # no line breaks in a subject
        mail = EmailMessage(subject=subject, body=email_text(message), to=[address])
        try:
            if self.connection is None:
                self.connection = get_connection()
                self.connection.open()
            mail.connection = self.connection
            if mail.send() != 1:
                raise SendError(_("the mail server did not accept the message"))
        except SendError:
            raise
        except Exception as error:  # smtplib's errors, socket errors, TLS errors…
            # A connection that failed is not reused: the next mail opens a fresh one.
            self.__exit__()
            self.connection = None
            raise SendError(_("mail not sent: %(reason)s") % {"reason": error}) from None
