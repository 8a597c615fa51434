"""Every role's main pages load cleanly in a real browser: no console errors, every static file served,
Bootstrap applied, Chinese text rendered. Full-page screenshots go to screenshots/ for a human to look at."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.projects import services

from .helpers import CJK, PHONE, login, screenshot, zh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRANSPARENT = {"rgba(0, 0, 0, 0)", "transparent"}


@pytest.fixture
def some_projects(users, units, make_project):
    """A few projects across units and stages, so pages have something to lay out."""
    today = dt.date.today()
    bureau = users["bureau"]
    signed = make_project(
        units["a"],
        code="ZS-2024-0001",
        name="年产十万吨高性能复合新材料生产线及配套研发中心建设项目",
        planned_investment=Decimal("125000"),
        industry="C",
        county_leader="张三",
    )
    services.record_stage(user=bureau, project=signed, stage="intention", date=today - dt.timedelta(days=60))
    services.record_stage(
        user=bureau, project=signed, stage="signed", date=today - dt.timedelta(days=30), amount=Decimal("98000")
    )
    services.add_receipt(user=bureau, project=signed, date=today - dt.timedelta(days=5), amount=Decimal("12345.67"))
    make_project(units["b"], code="ZS-2024-0002", name="河口乡文旅康养综合体", planned_investment=Decimal("3000"))
    make_project(units["dept"], code="ZS-2024-0003", name="县城智慧物流园", kind="tertiary", industry="G")
    return {"signed": signed}


def assert_page_ok(page, page_log, url: str) -> None:
    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"
    assert page_log.page_errors == [], f"{url}: JavaScript errors {page_log.page_errors}"
    # Chromium asks for /favicon.ico by itself, at a moment of its choosing; its 404 is reported, not failed.
    console_errors = [e for e in page_log.console_errors if "/favicon.ico" not in e]
    assert console_errors == [], f"{url}: console errors {console_errors}"
    assert page_log.static_problems() == [], f"{url}: static files not served {page_log.static_problems()}"
    navbar = page.eval_on_selector("nav.navbar", "el => getComputedStyle(el).backgroundColor")
    assert navbar not in TRANSPARENT, f"{url}: Bootstrap CSS not applied (navbar background {navbar})"
    icon = page.eval_on_selector("nav .bi", "el => getComputedStyle(el, '::before').fontFamily")
    assert "bootstrap-icons" in icon, f"{url}: Bootstrap Icons not applied ({icon})"
    assert page.get_attribute("html", "lang") == "zh-hans"
    brand = page.inner_text("nav .navbar-brand").strip()
    assert brand == zh("Investment Promotion System")
    assert CJK.search(page.inner_text("main")), f"{url}: the page shows no Chinese"
    page_log.clear()


@pytest.mark.parametrize("username", ["admin", "bureau", "leader", "supervisor", "reporter_a"])
def test_main_pages_load_cleanly_for_every_role(page, page_log, users, some_projects, username):
    login(page, username)
    user = users[username]
    for url in ("/projects/", f"/projects/units/{user.unit_id}/", "/org/units/"):
        assert_page_ok(page, page_log, url)
    # The ledger lists the user's projects with their Chinese names.
    page.goto("/projects/")
    assert page.locator("table.ledger-table tbody tr").count() >= 1
    assert CJK.search(page.inner_text("table.ledger-table"))


def test_screenshots(page, new_page, page_log, users, units, some_projects):
    """Full-page screenshots at 1366x900 (and the ledger at phone size) for a human to look at."""
    login(page, "bureau")
    project = some_projects["signed"]
    pages = {
        "ledger": "/projects/",
        "project_detail": f"/projects/{project.pk}/",
        "project_form": "/projects/new/",
        "project_edit": f"/projects/{project.pk}/edit/",
        "unit_page": f"/projects/units/{units['a'].pk}/",
        "unit_list": "/org/units/",
        "receptions": "/receptions/",
        "reception_counts": "/receptions/counts/",
        "leads": "/leads/",
        "events": "/events/",
        "library": "/library/",
        "milestones": "/milestones/",
    }
    for name, url in pages.items():
        assert_page_ok(page, page_log, url)
        if name == "project_detail":
            page.click("details:has(#receipt-form) > summary")
        screenshot(page, name)


def test_ledger_fits_a_phone_screen(new_page, page_log, users, some_projects):
    """At 390x844 nothing sticks out sideways, except inside the scrollable (.table-responsive) ledger table."""
    phone = new_page(viewport=PHONE, log=page_log)
    login(phone, "reporter_a")
    assert_page_ok(phone, page_log, "/projects/")
    screenshot(phone, "ledger_390x844")
    too_wide = phone.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .filter(el => !el.closest('.table-responsive'))
            .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                 (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''))
            .slice(0, 10)"""
    )
    assert too_wide == [], f"elements overflow the 390px screen: {too_wide}"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


PHONE_PAGES = (
    "/projects/",
    "/dashboard/",
    "/targets/",
    "/bulletins/",
    "/supervision/",
    "/scheduling/",
    "/scheduling/items/",
    "/supervision/rectifications/",
    "/org/units/",
    "/projects/investors/",
    "/projects/search/?q=项目",
    "/help/",
    "/help/ledger/",
    "/accounts/tokens/",
    "/receptions/",
    "/receptions/counts/",
    "/leads/",
    "/leads/conversion/",
    "/events/",
    "/library/",
    "/milestones/",
)


@pytest.mark.parametrize("username", ["bureau", "reporter_a"])
def test_no_page_scrolls_sideways_on_a_phone(new_page, page_log, users, some_projects, username):
    """Issue 12: at 390 px no page scrolls sideways (wide tables scroll inside their own box), for every role."""
    phone = new_page(viewport=PHONE, log=page_log)
    login(phone, username)
    wide = {}
    for url in PHONE_PAGES:
        phone.goto(url)
        phone.wait_for_load_state("networkidle")
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[url] = width
    assert wide == {}, f"pages wider than {PHONE['width']} px: {wide}"


def test_date_inputs_show_their_initial_date(page, users, some_projects):
    """<input type=date> only takes YYYY-MM-DD; a localised value (2024/05/01) leaves it blank."""
    today = dt.date.today().isoformat()
    login(page, "bureau")
    page.goto(f"/projects/{some_projects['signed'].pk}/")
    page.click("details:has(#receipt-form) > summary")
    assert page.input_value("#stage-form input[name=date]") == today
    assert page.input_value("#receipt-form input[name=date]") == today
    page.goto("/projects/?date_from=2024-05-01")
    assert page.input_value("#ledger-filter input[name=date_from]") == "2024-05-01"
