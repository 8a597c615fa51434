"""Each platform's body and signing, as received by a local HTTP server; mail through a local SMTP server."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pytest

from zhaoshang.notifications import transports
from zhaoshang.notifications.models import Webhook
from zhaoshang.notifications.transports import Message, SendError

MESSAGE = Message(
    title="第12期调度提醒", body="城关镇：3个项目的进展未报。\n请于27日前填报。", url="/scheduling/rounds/12/"
)
LINK = "https://zs.county.example/scheduling/rounds/12/"


def robot(receiver, platform, path, secret=""):
    return Webhook(platform=platform, url=receiver.url(path), secret=secret, name=platform)


def test_wecom_markdown_with_the_key_in_the_url(receiver):
    transports.send_webhook(robot(receiver, "wecom", "/cgi-bin/webhook/send?key=abc-123"), MESSAGE)
    (post,) = receiver.posts
    assert post.path == "/cgi-bin/webhook/send" and post.query == {"key": ["abc-123"]}
    assert post.headers["Content-Type"] == "application/json; charset=utf-8"
    content = post.json["markdown"]["content"]
    assert post.json == {"msgtype": "markdown", "markdown": {"content": content}}
    assert content.startswith("**第12期调度提醒**\n城关镇：3个项目的进展未报。")
    assert content.endswith(f"]({LINK})")


def test_wecom_content_is_cut_to_4096_bytes(receiver):
    transports.send_webhook(robot(receiver, "wecom", "/w"), Message(title="长", body="项" * 3000))
    content = receiver.posts[0].json["markdown"]["content"]
    assert len(content.encode()) <= 4096 and content.endswith("…")


def test_dingtalk_signed_markdown(receiver):
    secret = "SECabcdef0123456789"
    before = int(time.time() * 1000)
    transports.send_webhook(robot(receiver, "dingtalk", "/robot/send?access_token=tok", secret), MESSAGE)
    (post,) = receiver.posts
    assert post.path == "/robot/send"
    assert set(post.query) == {"access_token", "timestamp", "sign"} and post.query["access_token"] == ["tok"]
    timestamp = post.query["timestamp"][0]
    assert before <= int(timestamp) <= int(time.time() * 1000)  # milliseconds
    # parse_qs has URL-decoded the sign: it must be the plain Base64 HMAC of "timestamp\nsecret".
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert post.query["sign"] == [expected]
    assert post.json["msgtype"] == "markdown"
    assert post.json["markdown"]["title"] == "第12期调度提醒"
    text = post.json["markdown"]["text"]
    assert text.startswith("#### 第12期调度提醒\n\n城关镇：3个项目的进展未报。\n\n请于27日前填报。")
    assert LINK in text


def test_dingtalk_sign_is_url_encoded_on_the_wire(receiver):
    url, _payload = transports.webhook_request(
        "dingtalk", "https://oapi.example/robot/send?access_token=t", "s", MESSAGE
    )
    raw_sign = url.split("&sign=")[1]
    assert "+" not in raw_sign and "/" not in raw_sign and "=" not in raw_sign  # %2B, %2F, %3D


def test_dingtalk_without_secret_adds_nothing_to_the_url(receiver):
    transports.send_webhook(robot(receiver, "dingtalk", "/robot/send?access_token=tok"), MESSAGE)
    assert receiver.posts[0].query == {"access_token": ["tok"]}


def test_feishu_signed_text(receiver):
    secret = "feishu-secret-xyz"
    before = int(time.time())
    transports.send_webhook(robot(receiver, "feishu", "/open-apis/bot/v2/hook/abc", secret), MESSAGE)
    (post,) = receiver.posts
    assert post.path == "/open-apis/bot/v2/hook/abc" and post.query == {}
    body = post.json
    assert set(body) == {"timestamp", "sign", "msg_type", "content"}
    assert isinstance(body["timestamp"], str) and before <= int(body["timestamp"]) <= time.time()  # seconds
    expected = base64.b64encode(
        hmac.new(f"{body['timestamp']}\n{secret}".encode(), b"", hashlib.sha256).digest()
    ).decode()
    assert body["sign"] == expected
    assert body["msg_type"] == "text"
    assert set(body["content"]) == {"text"}
    text = body["content"]["text"]
    assert text.startswith("第12期调度提醒\n城关镇：3个项目的进展未报。\n请于27日前填报。\n") and text.endswith(LINK)


def test_feishu_without_secret_sends_no_signature(receiver):
    transports.send_webhook(robot(receiver, "feishu", "/hook"), MESSAGE)
    assert set(receiver.posts[0].json) == {"msg_type", "content"}


def test_signatures_match_the_platforms_sample_values():
    # Fixed inputs, so a change of algorithm (key and message swapped, hex instead of Base64) shows.
    assert (
        transports.dingtalk_sign("this is secret", 1577262236757)
        == base64.b64encode(
            hmac.new(b"this is secret", b"1577262236757\nthis is secret", hashlib.sha256).digest()
        ).decode()
    )
    assert (
        transports.feishu_sign("demo", 1599360473)
        == base64.b64encode(hmac.new(b"1599360473\ndemo", b"", hashlib.sha256).digest()).decode()
    )


@pytest.mark.parametrize(
    ("status", "answer", "words"),
    [
        (500, {"error": "boom"}, "500"),
        (200, {"errcode": 310000, "errmsg": "sign not match"}, "310000"),
        (200, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"}, "19021"),
        (200, {"errcode": 93000, "errmsg": "invalid webhook url"}, "93000"),
    ],
)
def test_errors_are_reported_without_the_url(receiver, status, answer, words):
    receiver.answers["/bad"] = (status, answer)
    with pytest.raises(SendError) as failure:
        transports.send_webhook(robot(receiver, "dingtalk", "/bad?access_token=TOKEN-SECRET", "SECx"), MESSAGE)
    assert words in str(failure.value)
    assert "TOKEN-SECRET" not in str(failure.value)


def test_an_ok_answer_that_is_not_json_counts_as_sent(receiver):
    receiver.answers["/plain"] = (200, b"ok")
    transports.send_webhook(robot(receiver, "wecom", "/plain?key=k"), MESSAGE)


def test_an_unreachable_robot_fails_quickly(receiver):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    hook = Webhook(platform="wecom", url=f"http://127.0.0.1:{port}/send?key=k")
    with pytest.raises(SendError):
        transports.send_webhook(hook, MESSAGE)


def test_mail_goes_through_smtp_with_login(inbox):
    with transports.Mailer() as mailer:
        mailer.send("reporter_a@county.example", MESSAGE)
        mailer.send("reporter_b@county.example", MESSAGE)
    assert inbox.to() == ["reporter_a@county.example", "reporter_b@county.example"]
    assert inbox.logins == ["zhaoshang"]  # one connection, one login, for both mails
    mail = inbox.messages[0]
    assert mail["Subject"] == "第12期调度提醒"
    assert mail["From"] == "zhaoshang@county.example"
    text = mail.get_content()
    assert "请于27日前填报。" in text and LINK in text


def test_mail_to_a_dead_server_raises_send_error(inbox, settings):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = sock.getsockname()[1]
    with transports.Mailer() as mailer, pytest.raises(SendError):
        mailer.send("someone@county.example", MESSAGE)
