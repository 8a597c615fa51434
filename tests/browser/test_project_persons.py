"""The project form picks introducers from the register with a search box, adds a second introducer row,
and saves a 50/50 split."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhaoshang.persons.models import Person

from .helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pick_two_introducers(page, page_log, users, units, make_project):
    zhang = Person.objects.create(name="张三", unit=units["a"], post="镇长")
    wang = Person.objects.create(name="王五", unit=units["b"], post="乡长")
    project = make_project(code="PP-1", user=users["reporter_a"])
    login(page, "reporter_a")
    page.goto(f"/projects/{project.pk}/edit/")
    search = page.locator(".introducer-row .select-search").first
    search.fill("王五")
    visible = page.locator("#id_introducer-0-person option:not([hidden])").all_inner_texts()
    assert any("王五" in text for text in visible) and not any("张三" in text for text in visible)
    page.select_option("#id_introducer-0-person", str(wang.pk))
    page.fill("#id_introducer-0-share", "50")
    page.click("#add-introducer")
    page.select_option("#id_introducer-1-person", str(zhang.pk))
    page.fill("#id_introducer-1-share", "50")
    with page.expect_navigation():
        page.click("#project-form button[type=submit]")
    assert "Traceback" not in page.content()
    assert page.locator(".alert-danger, .errorlist").count() == 0, [
        t[:300] for t in page.locator(".alert-danger, .errorlist").all_inner_texts()
    ]
    assert {(link.person.name, link.share) for link in project.introducer_links.all()} == {
        ("张三", Decimal("50")),
        ("王五", Decimal("50")),
    }
    assert not page_log.static_problems()
