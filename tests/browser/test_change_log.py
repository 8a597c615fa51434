"""The change log in a real browser: an admin finds a deleted project through the filters, opens its history
with its last values, and a supervisor reaches it from the navigation bar."""

from __future__ import annotations

import pytest

from zhaoshang.projects import services

from .helpers import login, screenshot
from .test_pages_render import assert_page_ok

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_finds_a_deleted_project_and_its_last_values(page, page_log, users, make_project):
    project = make_project(name="已撤销的冷链物流项目", user=users["bureau"], county_leader="赵县长")
    services.delete_project(user=users["bureau"], project=project)
    login(page, "supervisor")
    page.goto("/")
    page.click("nav a.nav-link[href='/audit/']")
    assert_page_ok(page, page_log, page.url)
    page.select_option("#f-model", "projects.project")
    page.click("#change-log-filters button")
    page.wait_for_load_state()
    rows = page.locator("#change-log tbody tr")
    assert rows.count() == 2  # created and deleted
    assert "删除" in rows.nth(0).inner_text() and "已撤销的冷链物流项目" in rows.nth(0).inner_text()
    screenshot(page, "change_log")
    rows.nth(0).locator("a").click()
    page.wait_for_load_state()
    assert "赵县长" in page.inner_text("#last-values")
    assert page.locator("#object-history tbody tr").count() == 2
    screenshot(page, "change_log_deleted_project")


def test_bad_date_shows_the_message(page, users):
    login(page, "admin")
    response = page.goto("/audit/?from=2026-02-30")
    assert response.status == 400
    assert "不是有效日期" in page.inner_text(".alert-danger")
