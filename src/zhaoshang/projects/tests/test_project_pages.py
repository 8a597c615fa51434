"""The project pages as a user meets them (issue 12): no stage badge before any stage, generated codes."""

from __future__ import annotations

from django.urls import reverse


def test_a_new_project_without_stages_shows_no_stage_badge(client, users, make_project, units):
    """Issue 12: a project just entered (no stage event) showed the 洽谈 badge."""
    project = make_project(units["a"])
    client.force_login(users["bureau"])
    page = client.get(project.get_absolute_url()).content.decode()
    badge = page.split('id="project-stage">')[1].split("</span>")[0]
    assert badge == "尚未登记阶段。"


def test_a_new_project_gets_the_next_code_of_the_pattern(client, users, make_project, settings):
    """Issue 12: project codes are generated (editable pattern); the form suggests the next free one."""
    from zhaoshang.core import clock

    year = clock.today().year
    make_project(code=f"ZS{year}-0007")
    make_project(code=f"ZS{year - 1}-0042")
    client.force_login(users["bureau"])
    form = client.get(reverse("projects:create")).context["form"]
    assert form.initial["code"] == f"ZS{year}-0008"
    settings.PROJECT_CODE_PATTERN = "XM-{year}-{seq:03d}"
    assert client.get(reverse("projects:create")).context["form"].initial["code"] == f"XM-{year}-001"
