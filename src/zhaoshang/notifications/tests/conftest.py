"""Real transports for the notification tests: an SMTP server and an HTTP receiver on 127.0.0.1.

Nothing in the sending code is replaced: Django's SMTP backend talks to aiosmtpd, and urllib.request
POSTs to a ThreadingHTTPServer that records each request and answers as a test tells it to.
"""

from __future__ import annotations

import email
import email.policy
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

SMTP_USER, SMTP_PASSWORD = "zhaoshang", "p@ss:word/1"


# --- SMTP ---------------------------------------------------------------------------------------


class Inbox:
    """aiosmtpd handler keeping every accepted message."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []
        self.logins: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == SMTP_USER
            and auth_data.password.decode() == SMTP_PASSWORD
        )
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)

    def clear(self):
        self.messages.clear()
        self.envelopes.clear()
        self.logins.clear()

    def to(self) -> list[str]:
        return sorted(address for envelope in self.envelopes for address in envelope.rcpt_tos)


class EphemeralController(Controller):
    """aiosmtpd's Controller on port 0: learn the port the OS chose before the readiness probe uses it."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture(scope="session")
def smtp_server():
    inbox = Inbox()
    controller = EphemeralController(
        inbox,
        hostname="127.0.0.1",
        port=0,
        authenticator=inbox.authenticate,
        auth_require_tls=False,  # a test on the loopback interface; production uses smtp+tls or smtps
    )
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def inbox(smtp_server, settings):
    """Django's SMTP backend pointed at the local server (with a login, as EMAIL_URL would set it)."""
    controller, box = smtp_server
    box.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = SMTP_USER
    settings.EMAIL_HOST_PASSWORD = SMTP_PASSWORD
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "zhaoshang@county.example"
    settings.SITE_URL = "https://zs.county.example"
    return box


# --- HTTP ---------------------------------------------------------------------------------------


@dataclass
class Post:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self):
        return json.loads(self.body.decode("utf-8"))


class Receiver:
    """Records POSTs; answers each path with the (status, JSON) set in ``answers`` (default: ok)."""

    def __init__(self, server: ThreadingHTTPServer):
        self.server = server
        self.posts: list[Post] = []
        self.answers: dict[str, tuple[int, object]] = {}
        self.lock = threading.Lock()

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def to(self, path: str) -> list[Post]:
        return [post for post in self.posts if post.path == path]

    def reset(self):
        with self.lock:
            self.posts.clear()
            self.answers.clear()


def _handler(receiver_ref: list):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            receiver: Receiver = receiver_ref[0]
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            parts = urlsplit(self.path)
            with receiver.lock:
                receiver.posts.append(Post(parts.path, parse_qs(parts.query), dict(self.headers.items()), body))
                status, answer = receiver.answers.get(parts.path, (200, {"errcode": 0, "errmsg": "ok"}))
            data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):  # keep the test output quiet
            pass

    return Handler


@pytest.fixture(scope="session")
def http_receiver():
    ref: list = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(ref))
    ref.append(Receiver(server))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield ref[0]
    server.shutdown()
    server.server_close()


@pytest.fixture
def receiver(http_receiver, settings):
    http_receiver.reset()
    settings.WEBHOOK_TIMEOUT = 5
    settings.SITE_URL = "https://zs.county.example"
    return http_receiver


# --- data ---------------------------------------------------------------------------------------


@pytest.fixture
def robots(units, receiver):
    """One robot per platform: WeCom for township A, DingTalk (signed) for township B, Feishu (signed)
    for the bureau."""
    from zhaoshang.notifications.models import Webhook

    return {
        "wecom": Webhook.objects.create(
            unit=units["a"], platform="wecom", name="城关镇招商群", url=receiver.url("/wecom?key=k-a")
        ),
        "dingtalk": Webhook.objects.create(
            unit=units["b"],
            platform="dingtalk",
            name="河口乡招商群",
            url=receiver.url("/dingtalk?access_token=t-b"),
            secret="SECdingtalk-secret",
        ),
        "feishu": Webhook.objects.create(
            unit=None, platform="feishu", name="招商局工作群", url=receiver.url("/feishu/hook"), secret="feishu-secret"
        ),
    }


@pytest.fixture
def with_emails(users):
    """Give the fixed users e-mail addresses (the supervisor keeps none)."""
    for name, user in users.items():
        if name != "supervisor":
            user.email = f"{name}@county.example"
            user.save(update_fields=["email"])
    users["leader"].display_name = "王县长"
    users["leader"].save(update_fields=["display_name"])
    return users
