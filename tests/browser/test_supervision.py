"""Supervision in the browser: a supervisor opens a batch and rejects a funds receipt with a comment; the
unit's reporter finds the rectification item and submits what was corrected."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhaoshang.projects import services as projects
from zhaoshang.supervision.models import Rectification, SupervisionBatch, Verification

from .helpers import MINIMAL_PDF, flash_messages, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, form_selector: str) -> None:
    with page.expect_navigation():
        page.click(f"{form_selector} button[type=submit]")


def test_a_rejected_receipt_reaches_the_unit_as_a_rectification_item(page, new_page, users, units, make_project):
    today = dt.date.today()
    project = make_project(units["a"], code="SV-001", name="新材料项目", planned_investment=Decimal("3000"))
    funds = projects.add_receipt(
        user=users["bureau"], project=project, date=today - dt.timedelta(days=5), amount=Decimal("800")
    )
    projects.add_attachment(
        user=users["bureau"],
        project=project,
        uploaded=SimpleUploadedFile("回单.pdf", MINIMAL_PDF, content_type="application/pdf"),
        kind="receipt",
        receipt=funds,
    )

    # 1. The supervisor opens a batch of the township's projects (the current quarter by default).
    login(page, "supervisor")
    page.goto("/supervision/batches/new/")
    page.check("#batch-form input[name=method][value=units]")
    page.select_option("#batch-form select[name=units]", str(units["a"].pk))
    submit(page, "#batch-form")
    assert re.search(r"/supervision/batches/\d+/$", page.url), flash_messages(page)
    batch = SupervisionBatch.objects.get()
    assert list(batch.projects.all()) == [project]

    # 2. The receipt's row shows its evidence; the supervisor rejects it with a comment.
    row = f"#row-receipt-{funds.pk}"
    assert page.locator(f"{row} a[href*='/projects/attachments/']").inner_text().strip() == "回单.pdf"
    form = f"#verify-receipt-{funds.pk}"
    page.select_option(f"{form} select[name=result]", "rejected")
    page.fill(f"{form} input[name=comment]", "银行回单与到账金额不符")
    submit(page, form)
    assert flash_messages(page) == []
    assert page.get_attribute(row, "data-result") == "rejected"
    assert "银行回单与到账金额不符" in page.inner_text(row)
    verification = Verification.objects.get()
    assert (verification.result, verification.verified_by) == ("rejected", users["supervisor"])
    item = Rectification.objects.get()
    assert page.locator(f"{row} a[href='/supervision/rectifications/{item.pk}/']").count() == 1

    # 3. The township's reporter sees the item and explains what was corrected.
    reporter = new_page()
    login(reporter, "reporter_a")
    reporter.click("nav a[href='/supervision/']")
    reporter.wait_for_url("**/supervision/rectifications/")
    listed = reporter.locator("#rectification-table tbody tr")
    assert listed.count() == 1 and "SV-001" in listed.first.inner_text()
    with reporter.expect_navigation():
        listed.first.locator(f"a[href='/supervision/rectifications/{item.pk}/']").first.click()
    assert "银行回单与到账金额不符" in reporter.inner_text("#rectification-description")
    reporter.fill("#explanation-form textarea[name=explanation]", "已补交与到账金额一致的银行回单")
    submit(reporter, "#explanation-form")
    assert flash_messages(reporter) == []
    assert "已补交与到账金额一致的银行回单" in reporter.inner_text("#rectification-explanation")
    assert reporter.locator("#explanation-form").count() == 0
    item.refresh_from_db()
    assert (item.status, item.submitted_by, item.unit) == ("submitted", users["reporter_a"], units["a"])
