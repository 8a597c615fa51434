"""Issue 12, phones at 390 px: lists are cards (each row a card as wide as the screen, its headings shown),
unit names on one line, and a supervisor can verify a record with a form that fits the screen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.organization.models import Unit
from zhaoshang.projects import services as projects
from zhaoshang.supervision import services as supervision

from .helpers import PHONE, login, screenshot, zh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ledger_rows(users, units, make_project):
    today = dt.date.today()
    long_unit = Unit.objects.create(
        code="D09", name="县行政审批服务局", parent=units["county"], category="department", tier=2
    )
    signed = make_project(
        long_unit,
        code="PH-001",
        name="年产十万吨高性能复合新材料生产线及配套研发中心建设项目",
        planned_investment=Decimal("125000"),
        county_leader="张三",
    )
    projects.record_stage(
        user=users["bureau"],
        project=signed,
        stage="signed",
        date=today - dt.timedelta(days=10),
        amount=Decimal("98000"),
    )
    receipt = projects.add_receipt(
        user=users["bureau"], project=signed, date=today - dt.timedelta(days=5), amount=Decimal("800")
    )
    make_project(units["b"], code="PH-002", name="河口乡文旅康养综合体", planned_investment=Decimal("3000"))
    return {"signed": signed, "receipt": receipt, "unit": long_unit}


def test_the_ledger_is_cards_on_a_phone(new_page, page_log, users, ledger_rows):
    phone = new_page(viewport=PHONE, log=page_log)
    login(phone, "bureau")
    phone.goto("/projects/")
    screenshot(phone, "ledger_cards_390x844")
    rows = phone.locator("#ledger-table tbody tr")
    assert rows.count() == 2
    assert not phone.locator("#ledger-table thead").is_visible()  # the headings are on every line instead
    for index in range(rows.count()):
        row = rows.nth(index)
        box = row.bounding_box()
        # A card spans the screen, less the page's and the card's margins; never squeezed into a column.
        assert box["width"] >= PHONE["width"] * 0.8 and box["x"] + box["width"] <= PHONE["width"]
        # The title (the project's name) comes first, on top of the card.
        title = row.locator("td.card-title-cell")
        assert title.bounding_box()["y"] - box["y"] < 20
        assert title.locator("a").get_attribute("href").startswith("/projects/")
    card = phone.locator("#ledger-table tbody tr", has_text="PH-001")
    # Each line reads "heading: value": the heading is drawn before the value (td::before, data-label).
    planned = card.locator("td.money").first
    label = planned.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == f'"{zh("planned (10k)")}"'
    assert "125,000.00" in planned.inner_text()
    # The unit's name is one line: as tall as one line of text in its cell.
    name = card.locator(".unit-name").first
    assert name.inner_text() == "县行政审批服务局"
    line = name.evaluate("el => parseFloat(getComputedStyle(el).lineHeight) || el.offsetHeight")
    assert name.bounding_box()["height"] <= line * 1.5
    # Rows can still be selected for export: the checkbox is on screen and can be ticked.
    checkbox = card.locator("input[name=selected]")
    checkbox.check()
    assert checkbox.is_checked()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page_log.page_errors == []


def test_a_record_can_be_verified_on_a_phone(new_page, page_log, users, units, ledger_rows):
    batch = supervision.create_batch(
        user=users["supervisor"],
        method="units",
        units=[ledger_rows["unit"]],
        start=dt.date.today() - dt.timedelta(days=60),
        end=dt.date.today(),
    )
    phone = new_page(viewport=PHONE, log=page_log)
    login(phone, "supervisor")
    phone.goto(f"/supervision/batches/{batch.pk}/")
    receipt = ledger_rows["receipt"]
    form = phone.locator(f"#verify-receipt-{receipt.pk}")
    form.scroll_into_view_if_needed()
    screenshot(phone, "verify_390x844")
    button = form.locator("button[type=submit]")
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["height"] >= 40
    for field in ("select[name=result]", "input[name=comment]", "input[name=amount]"):
        field_box = form.locator(field).bounding_box()
        assert field_box["x"] + field_box["width"] <= PHONE["width"], field
        assert field_box["height"] >= 40, field
    form.locator("select[name=result]").select_option("rejected")
    form.locator("input[name=comment]").fill("回单金额不符")
    with phone.expect_navigation():
        button.click()  # a real click at the button's place: nothing covers it
    row = phone.locator(f"#row-receipt-{receipt.pk}")
    assert row.get_attribute("data-result") == "rejected"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
