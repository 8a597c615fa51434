"""Issue 11 part 6 in a real browser: two people edit the same project; the second save is refused with a
message naming the field, their value and yours, and the first person's change stays."""

from __future__ import annotations

import pytest

from zhaoshang.projects.models import Project

from .helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_second_save_shows_what_changed(new_page, users, units, make_project):
    project = make_project(units["a"], code="STALE-1", name="原名称", responsible_unit=units["a"])
    first, second = new_page(), new_page()
    login(first, "reporter_a")
    login(second, "bureau")
    for page in (first, second):
        page.goto(f"/projects/{project.pk}/edit/")
    first.fill("#project-form input[name=name]", "甲改的名称")
    first.click("#project-form button[type=submit]")
    first.wait_for_url(f"**/projects/{project.pk}/")

    second.fill("#project-form input[name=planned_investment]", "999")
    second.click("#project-form button[type=submit]")
    alert = second.locator("#project-form .alert-danger")
    alert.wait_for()
    text = alert.inner_text()
    assert "其他人" in text and "甲改的名称" in text and "原名称" in text
    project.refresh_from_db()
    assert project.name == "甲改的名称" and project.planned_investment != 999
    assert Project.objects.count() == 1
