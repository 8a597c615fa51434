"""The user guide inside the product (issue 12): reachable from every page, rendered safely."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("page", "guide"),
    [("/projects/", "ledger"), ("/scheduling/", "scheduling"), ("/dashboard/", "dashboard"), ("/org/units/", None)],
)
def test_every_page_links_to_its_guide(client, users, page, guide):
    client.force_login(users["bureau"])
    html = client.get(page, follow=True).content.decode()
    expected = reverse("help:page", args=[guide]) if guide else reverse("help:index")
    assert f'href="{expected}" id="help-link"' in html


def test_the_guide_renders_with_its_pictures_and_links(client, users):
    client.force_login(users["reporter_a"])
    overview = client.get(reverse("help:index"))
    assert overview.status_code == 200 and "用户指南" in overview.content.decode()
    ledger = client.get(reverse("help:page", args=["ledger"])).content.decode()
    assert 'src="/help/img/ledger.png"' in ledger and "<table" in overview.content.decode()
    image = client.get("/help/img/ledger.png")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert client.get("/help/img/../../README.md").status_code == 404
    assert client.get(reverse("help:page", args=["nothing"])).status_code == 404


def test_raw_html_in_the_guide_is_not_passed_through(client, users, settings, tmp_path):
    (tmp_path / "README.md").write_text(
        "# 指南\n\n<script>window.x=1</script>\n\n<img src=x onerror=alert(1)>\n", "utf-8"
    )
    settings.GUIDE_DIR = tmp_path
    client.force_login(users["bureau"])
    html = client.get(reverse("help:index")).content.decode()
    body = html.split('id="help-page">')[1]
    assert "<script>window.x" not in body and "<img src=x" not in body and "&lt;script&gt;" in body
