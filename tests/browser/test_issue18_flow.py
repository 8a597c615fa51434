"""Issue 18 in the browser: a lead sent from a phone through the public intake page (no account) is triaged by the
bureau, followed up by the township's reporter, converted into a project that keeps its introducer, and taken to
production; the lead, the conversion figures and the project show it. Screenshots of the intake page at 390 px."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from zhaoshang.leads.models import Channel, IntakeLink, Lead
from zhaoshang.milestones.models import Milestone
from zhaoshang.milestones.services import create_default_kinds
from zhaoshang.projects.models import Project

from .helpers import PHONE, flash_messages, login, screenshot, zh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_a_lead_from_the_phone_page_becomes_a_producing_project(new_page, page_log, users, units, stage_words):
    channel = Channel.objects.get_or_create(name="以商招商")[0]
    link = IntakeLink.objects.create(unit=None, token="county-link")
    kinds = create_default_kinds()  # a transactional test's flush emptied the list the migration seeds
    today = dt.date.today()

    # 1. Anyone, on a phone, without an account: fill in, check, send.
    phone = new_page(viewport=PHONE, log=page_log)
    phone.goto(f"/leads/intake/{link.token}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.fill("#id_company", "苏州华锐新材料有限公司")
    phone.fill("#id_contact_name", "李总")
    phone.fill("#id_contact_phone", "13800001111")
    phone.select_option("#id_industry", "C")
    phone.fill("#id_estimated_amount", "20000")
    phone.select_option("#id_channel", str(channel.pk))
    phone.fill("#id_introducer_name", "张引荐")
    phone.fill("#id_description", "拟新建高性能复合材料生产线，需用地约60亩。")
    screenshot(phone, "lead_intake_390x844")
    submit(phone, "#intake-form button[type=submit]")
    assert "苏州华锐新材料有限公司" in phone.inner_text("#intake-shown")
    assert Lead.objects.count() == 0  # nothing is saved before the confirmation
    screenshot(phone, "lead_intake_confirm_390x844")
    submit(phone, "#intake-send")
    assert phone.locator("#intake-done").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    lead = Lead.objects.get()
    assert (lead.source, lead.status, lead.unit, lead.introducer_name) == ("public", "new", None, "张引荐")

    # 2. The bureau triages it: township A, its reporter, a follow-up date.
    page = new_page(log=page_log)
    login(page, "bureau")
    page.goto("/leads/?status=new")
    page.click("#lead-table a:has-text('苏州华锐新材料有限公司')")
    page.select_option("#id_assign-unit", str(units["a"].pk))
    page.select_option("#id_assign-owner", str(users["reporter_a"].pk))
    page.fill("#id_assign-follow_up_on", (today + dt.timedelta(days=3)).isoformat())
    submit(page, "#assign")
    assert flash_messages(page) == []
    assert page.inner_text("#lead-status").strip() == zh("Being followed")

    # 3. The reporter of township A follows it up and converts it.
    reporter = new_page(log=page_log)
    login(reporter, "reporter_a")
    reporter.goto(f"/leads/{lead.pk}/")
    reporter.fill("#id_follow-note", "企业来县考察园区，确认用地需求。")
    submit(reporter, "#add-follow-up")
    assert "企业来县考察园区" in reporter.inner_text("#follow-ups")
    screenshot(reporter, "lead_detail")
    submit(reporter, "#convert")
    reporter.fill("#id_code", "ZS-LEAD-001")
    reporter.fill("#id_name", "华锐高性能复合材料项目")
    submit(reporter, "#convert-save")
    project = Project.objects.get(code="ZS-LEAD-001")
    assert f"/projects/{project.pk}/" in reporter.url
    assert project.introducer == "张引荐" and project.investor.name == "苏州华锐新材料有限公司"

    # 4. Signed on the project page; then every milestone of the plan, 开工 and 投产 recording the stages.
    reporter.select_option("#stage-form select[name=stage]", "signed")
    reporter.fill("#stage-form input[name=date]", (today - dt.timedelta(days=40)).isoformat())
    reporter.fill("#stage-form input[name=amount]", "18000")
    submit(reporter, "#stage-form button[type=submit]")
    assert flash_messages(reporter) == []
    submit(reporter, f"a[href='/milestones/project/{project.pk}/']")
    for index, kind in enumerate(kinds):
        reporter.fill(f"#id_k{kind.pk}-planned_on", (today - dt.timedelta(days=36 - 4 * index)).isoformat())
        reporter.fill(f"#id_k{kind.pk}-actual_on", (today - dt.timedelta(days=35 - 4 * index)).isoformat())
    submit(reporter, "#plan-form button[type=submit]")
    assert reporter.locator(".row-error").count() == 0, reporter.locator(".row-error").all_inner_texts()
    assert reporter.locator("#plan tbody tr .text-bg-success").count() == len(kinds)
    screenshot(reporter, "milestone_plan")
    project.refresh_from_db()
    started = next(kind for kind in kinds if kind.stage == "started")
    started_on = today - dt.timedelta(days=35 - 4 * kinds.index(started))
    assert (project.stage, project.started_on) == ("producing", started_on)
    assert not Milestone.objects.filter(kind__stage__isnull=False).exclude(actual_on=None).exists()  # entered once

    # 5. Every list and count shows it: the lead converted (linking the project), the conversion figures.
    reporter.goto(f"/leads/{lead.pk}/")
    assert reporter.inner_text("#lead-status").strip() == zh("Converted to a project")
    assert "ZS-LEAD-001" in reporter.inner_text("#lead-project")
    page.goto(f"/leads/conversion/?year={today.year}")
    screenshot(page, "lead_conversion")
    row = page.locator("#conversion-channel tbody tr", has_text="以商招商")
    assert [cell.strip() for cell in row.locator("td").all_inner_texts()[1:5]] == ["1", "0", "1", "0"]
    row.locator("td").nth(3).locator("a").click()
    page.wait_for_load_state()
    assert re.search(r"\b1\b", page.inner_text("#lead-count"))
    assert page.locator("#lead-table tbody tr").count() == 1
    page.goto("/leads/")
    screenshot(page, "lead_list")
    page.goto(f"/milestones/?unit={units['a'].pk}")
    assert "ZS-LEAD-001" not in page.inner_text("main")  # nothing overdue or due: every milestone is done
    page.goto("/leads/intake-links/")
    screenshot(page, "lead_intake_links")
    assert page_log.page_errors == []
