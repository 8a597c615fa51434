"""Pages: a user's own notifications and the bell; group robots and the delivery log for the bureau."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhaoshang.notifications import services
from zhaoshang.notifications.models import Delivery, Notification, Webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes(users):
    def make(user, title, key, url="/projects/"):
        return Notification.objects.create(user=user, title=title, body="正文", url=url, key=key)

    return {
        "a1": make(users["reporter_a"], "城关镇提醒一", "k1"),
        "a2": make(users["reporter_a"], "城关镇提醒二", "k2"),
        "b1": make(users["reporter_b"], "河口乡提醒", "k1"),
        "bureau": make(users["bureau"], "招商局提醒", "k1"),
    }


def bell(client) -> str:
    page = client.get(reverse("notifications:list")).content.decode()
    start = page.index('id="notification-bell"')
    return page[start : page.index("</a>", start)]


def test_a_user_sees_only_their_own(client, users, notes):
    client.force_login(users["reporter_a"])
    page = client.get(reverse("notifications:list")).content.decode()
    assert "城关镇提醒一" in page and "城关镇提醒二" in page
    assert "河口乡提醒" not in page and "招商局提醒" not in page
    # Even the bureau, who reads everything else, does not read others' notifications.
    client.force_login(users["bureau"])
    page = client.get(reverse("notifications:list")).content.decode()
    assert "招商局提醒" in page and "城关镇提醒一" not in page


def test_another_users_notification_is_404(client, users, notes):
    client.force_login(users["reporter_b"])
    for name in ("open", "read"):
        url = reverse(f"notifications:{name}", args=[notes["a1"].pk])
        response = client.post(url) if name == "read" else client.get(url)
        assert response.status_code == 404
    client.force_login(users["bureau"])
    assert client.get(reverse("notifications:open", args=[notes["a1"].pk])).status_code == 404
    notes["a1"].refresh_from_db()
    assert notes["a1"].read_at is None


def test_the_bell_counts_unread(client, users, notes):
    client.force_login(users["reporter_a"])
    assert 'id="notification-count">2<' in bell(client)
    response = client.get(reverse("notifications:open", args=[notes["a1"].pk]))
    assert response.status_code == 302 and response["Location"] == "/projects/"
    assert 'id="notification-count">1<' in bell(client)
    client.post(reverse("notifications:read", args=[notes["a2"].pk]), {"next": "/notifications/?unread=1"})
    assert "notification-count" not in bell(client)
    # The bell is on every page, e.g. the ledger.
    assert 'id="notification-bell"' in client.get(reverse("projects:ledger")).content.decode()


def test_mark_all_read_touches_only_ones_own(client, users, notes):
    client.force_login(users["reporter_a"])
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert Notification.objects.filter(user=users["reporter_a"], read_at__isnull=True).count() == 0
    assert Notification.objects.filter(read_at__isnull=True).count() == 2  # reporter_b's and the bureau's


def test_unread_filter(client, users, notes):
    client.force_login(users["reporter_a"])
    services.mark_read(user=users["reporter_a"], notification=notes["a1"])
    page = client.get(reverse("notifications:list") + "?unread=1").content.decode()
    assert "城关镇提醒二" in page and "城关镇提醒一" not in page


def test_open_never_redirects_off_site(client, users):
    note = Notification.objects.create(user=users["reporter_a"], title="x", url="https://evil.example/", key="x")
    client.force_login(users["reporter_a"])
    response = client.get(reverse("notifications:open", args=[note.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_anonymous_users_are_sent_to_login(client, notes):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- group robots -------------------------------------------------------------------------------


ROBOT_PAGES = [
    ("get", "notifications:webhook_list", False),
    ("get", "notifications:webhook_create", False),
    ("get", "notifications:delivery_list", False),
    ("get", "notifications:webhook_edit", True),
    ("post", "notifications:webhook_test", True),
    ("post", "notifications:webhook_delete", True),
]


@pytest.mark.parametrize(("method", "name", "with_pk"), ROBOT_PAGES)
@pytest.mark.parametrize("role", ["reporter_a", "reporter_b", "leader", "supervisor"])
def test_robot_pages_are_for_the_bureau_only(client, users, robots, receiver, method, name, with_pk, role):
    client.force_login(users[role])
    url = reverse(name, args=[robots["wecom"].pk]) if with_pk else reverse(name)
    assert getattr(client, method)(url).status_code == 403
    assert receiver.posts == [] and Webhook.objects.count() == 3


def test_bureau_creates_edits_and_removes_a_robot(client, users, units, receiver):
    client.force_login(users["bureau"])
    assert client.get(reverse("notifications:webhook_create")).status_code == 200
    response = client.post(
        reverse("notifications:webhook_create"),
        {
            "unit": units["b"].pk,
            "name": "河口乡群",
            "platform": "dingtalk",
            "url": receiver.url("/dingtalk?access_token=t"),
            "secret": "SECone",
            "active": "on",
        },
    )
    assert response.status_code == 302
    hook = Webhook.objects.get()
    assert (hook.unit, hook.secret, hook.history.get().history_user) == (units["b"], "SECone", users["bureau"])
    assert "SECone" not in client.get(reverse("notifications:webhook_edit", args=[hook.pk])).content.decode()

    # Saved with an empty secret field: the secret is kept.
    data = {"unit": units["b"].pk, "name": "河口乡招商群", "platform": "dingtalk", "url": hook.url, "active": "on"}
    assert client.post(reverse("notifications:webhook_edit", args=[hook.pk]), data).status_code == 302
    hook.refresh_from_db()
    assert hook.name == "河口乡招商群" and hook.secret == "SECone"
    assert (
        client.post(reverse("notifications:webhook_edit", args=[hook.pk]), data | {"clear_secret": "on"}).status_code
        == 302
    )
    hook.refresh_from_db()
    assert hook.secret == ""

    assert client.post(reverse("notifications:webhook_delete", args=[hook.pk])).status_code == 302
    assert not Webhook.objects.exists()


def test_a_wecom_robot_takes_no_secret_and_urls_must_be_http(client, users, units):
    client.force_login(users["admin"])
    data = {"name": "x", "platform": "wecom", "url": "https://qyapi.example/send?key=k", "secret": "s", "active": "on"}
    response = client.post(reverse("notifications:webhook_create"), data)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    response = client.post(reverse("notifications:webhook_create"), data | {"secret": "", "url": "ftp://x.example/"})
    assert response.status_code == 200 and not Webhook.objects.exists()


def test_send_a_test_message(client, users, robots, receiver):
    client.force_login(users["bureau"])
    response = client.post(reverse("notifications:webhook_test", args=[robots["feishu"].pk]), follow=True)
    assert response.status_code == 200
    (post,) = receiver.posts
    assert post.path == "/feishu/hook" and post.json["msg_type"] == "text" and "sign" in post.json
    assert [m.level_tag for m in response.context["messages"]] == ["success"]

    receiver.answers["/wecom"] = (200, {"errcode": 93000, "errmsg": "invalid webhook url"})
    response = client.post(reverse("notifications:webhook_test", args=[robots["wecom"].pk]), follow=True)
    (message,) = response.context["messages"]
    assert message.level_tag == "error" and "93000" in message.message
    assert not Delivery.objects.exists()  # tests are not reminders


def test_the_robot_list_and_delivery_log_show_failures(client, users, units, with_emails, robots, receiver, inbox):
    receiver.answers["/wecom"] = (500, {"error": "down"})
    services.notify_units(unit_ids=[units["a"].pk], title="调度提醒", body="", key="k")
    client.force_login(users["bureau"])
    page = client.get(reverse("notifications:webhook_list")).content.decode()
    assert "城关镇招商群" in page and "招商局工作群" in page and "HTTP" in page
    page = client.get(reverse("notifications:delivery_list") + "?status=failed").content.decode()
    assert page.count("<tr>") == 2  # the header and the failed robot message
    page = client.get(reverse("notifications:delivery_list") + "?channel=email").content.decode()
    assert "reporter_a@county.example" in page
