"""A township reporter's whole round in the browser: ledger → new project → stages → funds with evidence →
download → ledger totals; then a reporter of another township cannot see any of it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from zhaoshang.projects.choices import Stage
from zhaoshang.projects.models import Attachment, Project

from .helpers import MINIMAL_PDF, flash_messages, ledger_totals, login, zh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "BR-2024-001"


def submit(page, form_selector: str) -> None:
    """Click the form's submit button and wait for the page it leads to (POST, redirect, GET)."""
    with page.expect_navigation():
        page.click(f"{form_selector} button[type=submit]")


def record_stage(page, stage: str, date: dt.date, amount: str | None = None) -> None:
    page.select_option("#stage-form select[name=stage]", stage)
    page.fill("#stage-form input[name=date]", date.isoformat())
    if amount is not None:
        page.fill("#stage-form input[name=amount]", amount)
    submit(page, "#stage-form")
    assert flash_messages(page) == [], f"recording {stage} failed"


def test_reporter_records_a_project_and_another_township_cannot_see_it(
    page, new_page, users, units, make_project, tmp_path
):
    # Something already in both townships' ledgers, so the totals start from non-zero figures.
    earlier = make_project(units["a"], code="OLD-A", planned_investment=Decimal("800"), contract_amount=Decimal("500"))
    make_project(units["b"], code="OLD-B", contract_amount=Decimal("70"))
    today = dt.date.today()

    # 1. reporter_a reads the ledger's totals.
    login(page, "reporter_a")
    page.goto("/projects/")
    before = ledger_totals(page)
    assert (before.count, before.contract, before.funds) == (1, Decimal("500.00"), Decimal("0.00"))
    assert page.locator("table.ledger-table a", has_text="OLD-A").count() == 1
    assert page.locator("table.ledger-table a", has_text="OLD-B").count() == 0

    # 2. A new project, credited by default to the reporter's own unit at 100%.
    page.click("a[href='/projects/new/']")
    page.wait_for_url("**/projects/new/")
    assert page.input_value("#id_credit-0-unit") == str(units["a"].pk)
    assert Decimal(page.input_value("#id_credit-0-share")) == Decimal("100")
    page.fill("#id_code", CODE)
    page.fill("#id_name", "年产十万吨新材料项目")
    page.fill("#id_planned_investment", "5000")
    page.select_option("#id_industry", "C")
    page.select_option("#id_kind", "industrial")
    submit(page, "#project-form")
    match = re.search(r"/projects/(\d+)/$", page.url)
    assert match, f"after saving the form the browser is at {page.url}: {flash_messages(page)}"
    pk = int(match.group(1))
    project = Project.objects.get(pk=pk)
    assert project.code == CODE
    assert [(c.unit.code, c.share) for c in project.credits.all()] == [("T01", Decimal("100.00"))]

    # 3. Stages: intention → signed (contract 1200) → started.
    record_stage(page, "intention", today - dt.timedelta(days=30))
    record_stage(page, "signed", today - dt.timedelta(days=20), amount="1200")
    record_stage(page, "started", today - dt.timedelta(days=10))
    timeline = page.locator("#timeline li[data-stage]")
    assert [timeline.nth(i).get_attribute("data-stage") for i in range(timeline.count())] == [
        "intention",
        "signed",
        "started",
    ]
    assert (today - dt.timedelta(days=20)).isoformat() in timeline.nth(1).inner_text()
    assert page.inner_text("#project-stage").strip() == zh(Stage.STARTED.label)
    assert "1,200.00" in page.inner_text("#contract-amount")

    # 4. Funds in place: 300 with a PDF bank receipt as evidence, through the folded-away form.
    pdf = tmp_path / "evidence.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    assert not page.is_visible("#receipt-form")
    page.click("details:has(#receipt-form) > summary")
    assert page.is_visible("#receipt-form")
    page.fill("#receipt-form [name=date]", today.isoformat())  # its initial value: see test_pages_render
    assert page.input_value("#receipt-form [name=evidence_kind]") == "receipt"
    page.fill("#receipt-form [name=amount]", "300")
    page.set_input_files("#receipt-form [name=evidence]", str(pdf))
    submit(page, "#receipt-form")
    assert flash_messages(page) == []
    assert page.inner_text("#funds-total").strip() == "300.00"
    assert "300.00" in page.inner_text("#receipts")
    assert "evidence.pdf" in page.inner_text("#attachments")

    # 5. The evidence comes back byte for byte.
    link = page.locator("#receipts a[href*='/attachments/']").first
    attachment_url = link.get_attribute("href")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "evidence.pdf"
    assert Path(download.path()).read_bytes() == MINIMAL_PDF
    attachment = Attachment.objects.get(project=project)
    assert attachment.receipt is not None and attachment.kind == "receipt"

    # 6. The ledger's totals moved by exactly this project.
    page.goto("/projects/")
    after = ledger_totals(page)
    assert after.count == before.count + 1
    assert after.contract == before.contract + Decimal("1200")
    assert after.funds == before.funds + Decimal("300")
    assert after.planned == before.planned + Decimal("5000")
    assert page.locator("table.ledger-table a", has_text=CODE).count() == 1

    # 7. reporter_b, of township B, sees none of it.
    other = new_page()
    login(other, "reporter_b")
    other.goto("/projects/")
    assert other.locator("table.ledger-table a", has_text="OLD-B").count() == 1
    other.fill("#ledger-filter [name=q]", CODE)
    with other.expect_navigation():
        other.click("#ledger-filter button[type=submit]")
    assert f"q={CODE}" in other.url
    assert ledger_totals(other).count == 0
    assert other.locator("table.ledger-table a", has_text=CODE).count() == 0
    for url in (f"/projects/{pk}/", f"/projects/{pk}/edit/", attachment_url, f"/projects/{earlier.pk}/"):
        response = other.goto(url)
        assert response.status == 404, f"reporter_b got {response.status} at {url}"
    # ... while reporter_a still can open the detail page.
    assert page.goto(f"/projects/{pk}/").status == 200
