"""Issue 17 in the browser: a reporter typing a project another unit has already recorded is warned while typing
(without learning the other unit's project), saves anyway, and the bureau merges the pair on its review page; a
gated period's evidence is attached from the project page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.claims.models import ClaimPair
from zhaoshang.projects import services
from zhaoshang.projects.models import FundsReceipt, Project

from .helpers import MINIMAL_PDF, login, screenshot, zh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OTHER_UNITS_PROJECT = "年产5万吨新型环保建材项目"


@pytest.fixture
def claimed_by_b(users, units):
    """Township B's project: the one township A's reporter is about to record again."""
    project = services.create_project(
        user=users["bureau"],
        data={
            "code": "HK-001",
            "name": OTHER_UNITS_PROJECT,
            "location": "河口乡工业园",
            "planned_investment": Decimal("8000"),
            "contract_amount": Decimal("8000"),
        },
        credits=[(units["b"], Decimal("100"))],
        investor=services.get_or_create_investor(name="浙江华能新材料科技有限公司"),
    )
    services.add_receipt(user=users["bureau"], project=project, date=dt.date.today(), amount=Decimal("300"))
    return Project.objects.get(pk=project.pk)


def test_warned_while_typing_then_merged_by_the_bureau(page, new_page, users, units, claimed_by_b):
    login(page, "reporter_a")
    page.goto("/projects/new/")
    page.fill("#id_code", "CG-007")
    page.fill("#id_investor_name", "华能新材料科技股份有限公司")
    page.fill("#id_location", "河口乡工业园")
    page.fill("#id_planned_investment", "7800")
    page.fill("#id_name", "新建年产5万吨新型环保建材")
    page.press("#id_name", "End")  # a keyup: the live check runs after its delay
    warning = page.locator("#double-claim-check .alert-warning")
    warning.wait_for()
    text = warning.inner_text()
    assert zh("Another unit has recorded a similar project; the bureau will review.") in text
    # The reporter of township A learns nothing of township B's project.
    assert "HK-001" not in page.content() and OTHER_UNITS_PROJECT not in page.content()
    screenshot(page, "double_claim_live_warning")

    # A warning never blocks: the project is saved, and the project page says it was found similar.
    with page.expect_navigation():
        page.click("#project-form button[type=submit]")
    mine = Project.objects.get(code="CG-007")
    assert page.url.endswith(f"/projects/{mine.pk}/")
    page.locator("#double-claims").wait_for()
    assert "HK-001" not in page.content()
    pair = ClaimPair.objects.get(key=ClaimPair.key_of(mine.pk, claimed_by_b.pk))
    assert pair.status == "open" and pair.found_by == "entry"

    # The bureau reviews the pair and merges it into township B's project, half each.
    bureau = new_page()
    login(bureau, "bureau")
    bureau.goto("/claims/")
    bureau.locator(f"a[href='/claims/{pair.pk}/']").first.click()
    bureau.wait_for_load_state()
    assert "HK-001" in bureau.content() and "CG-007" in bureau.content()
    merge_form = bureau.locator("form", has=bureau.locator("input[name=kept]")).first
    merge_form.locator(f"input[name=kept][value='{claimed_by_b.pk}']").check()
    with bureau.expect_navigation():
        merge_form.locator("button[type=submit]").click()
    screenshot(bureau, "double_claim_merge_confirm")
    with bureau.expect_navigation():
        bureau.locator("form button.btn-danger[type=submit]").first.click()
    pair.refresh_from_db()
    assert pair.status == "same" and pair.kept_id == claimed_by_b.pk
    assert not Project.objects.filter(code="CG-007").exists()
    kept = Project.objects.get(pk=claimed_by_b.pk)
    assert sorted((c.unit.code, c.share) for c in kept.credits.all()) == [
        ("T01", Decimal("50.00")),
        ("T02", Decimal("50.00")),
    ]
    assert FundsReceipt.objects.filter(project=kept).count() == 1

    bureau.goto(f"/projects/{kept.pk}/")
    assert "CG-007" in bureau.locator(".merged-from").inner_text()
    screenshot(bureau, "double_claim_merged_project")


def test_evidence_attached_from_the_project_page(page, users, make_project):
    project = make_project(code="EV-1", name="智能制造基地项目")
    signed = services.record_stage(
        user=users["bureau"], project=project, stage="signed", date=dt.date.today(), amount=Decimal("500")
    )
    login(page, "reporter_a")
    page.goto(f"/projects/{project.pk}/")
    state = page.locator("#timeline .evidence-state").first
    assert state.get_attribute("data-evidence") == "missing"
    assert zh("Attach") in state.inner_text()
    state.locator("summary").click()
    state.locator("select[name=kind]").select_option("contract")
    state.locator("input[type=file]").set_input_files(
        {"name": "合同.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
    )
    with page.expect_navigation():
        state.locator("button[type=submit]").click()
    assert page.locator("#timeline .evidence-state").first.get_attribute("data-evidence") == "evidenced"
    assert signed.attachments.filter(kind="contract").count() == 1
    screenshot(page, "evidence_attached")
