"""A scheduling round in the browser: township A's reporter fills two progress reports (one with a problem to
coordinate) and submits them all at once; the bureau returns one with a comment; the reporter reads the
comment, corrects the report and submits it again; the round board counts it all."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.projects import services as project_services
from zhaoshang.scheduling import services
from zhaoshang.scheduling.models import CoordinationItem, ProgressReport

from .helpers import flash_messages, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def board_counts(page, unit_code: str) -> dict[str, int]:
    row = page.locator(f"#round-board tr[data-unit='{unit_code}']")
    return {
        name: int(row.locator(f"[data-count={name}]").inner_text())
        for name in ("due", "submitted", "returned", "accepted", "missing")
    }


def switch_user(page, username: str) -> None:
    """Log in as someone else in the same browser context (its cached static files make this quick)."""
    page.context.clear_cookies()
    login(page, username)


def open_report(page, code: str) -> None:
    with page.expect_navigation():
        page.click(f"#round-reports tr[data-project='{code}'] td:first-child a")


def test_reporter_submits_a_round_bureau_returns_one_reporter_corrects_it(page, users, units, make_project):
    today = dt.date.today()
    bureau = users["bureau"]
    plant = make_project(units["a"], code="SR-1", name="电子元件厂")
    project_services.record_stage(
        user=bureau, project=plant, stage="signed", date=today - dt.timedelta(days=40), amount=Decimal("3000")
    )
    park = make_project(units["a"], code="SR-2", name="冷链物流园", county_leader="李副县长")
    make_project(units["b"], code="SR-B", name="河口乡茶厂")
    scheduling_round = services.open_round(user=bureau, date=today)

    # 1. The reporter finds the round and fills both reports.
    login(page, "reporter_a")
    page.goto("/scheduling/")
    with page.expect_navigation():
        page.click(f"#rounds a[href='/scheduling/rounds/{scheduling_round.pk}/']")
    assert board_counts(page, "T01") == {"due": 2, "submitted": 0, "returned": 0, "accepted": 0, "missing": 2}
    assert page.locator("#round-board tr[data-unit='T02']").count() == 0  # B's row is not A's business

    open_report(page, "SR-1")
    page.fill("#report-form [name=progress]", "厂房主体封顶，设备进场安装。")
    page.select_option("#report-form [name=stage_reached]", "started")
    page.fill("#report-form [name=stage_date]", (today - dt.timedelta(days=5)).isoformat())
    page.fill("#report-form [name=investment_completed]", "800")
    page.fill("#report-form [name=percent_done]", "45")
    page.fill("#report-form [name=next_steps]", "申请竣工验收。")
    with page.expect_navigation():
        page.click("#report-form button[value=save]")
    assert flash_messages(page) == []
    assert page.get_attribute("#report-status", "data-status") == "due"

    page.goto(f"/scheduling/rounds/{scheduling_round.pk}/")
    open_report(page, "SR-2")
    page.fill("#report-form [name=progress]", "完成项目备案。")
    page.fill("#report-form [name=problems]", "需县供电公司协调电力增容。")
    with page.expect_navigation():
        page.click("#report-form button[value=save]")

    # 2. Submit all at once (the browser asks for confirmation).
    page.goto(f"/scheduling/rounds/{scheduling_round.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#submit-all-form button[type=submit]")
    assert flash_messages(page) == [], flash_messages(page)
    assert board_counts(page, "T01") == {"due": 2, "submitted": 2, "returned": 0, "accepted": 0, "missing": 0}
    plant.refresh_from_db()
    assert (plant.stage, plant.stage_date) == ("started", today - dt.timedelta(days=5))
    item = CoordinationItem.objects.get()
    assert (item.project, item.county_leader) == (park, "李副县长")

    # 3. The bureau returns SR-1 with a comment.
    switch_user(page, "bureau")
    page.goto(f"/scheduling/rounds/{scheduling_round.pk}/")
    assert board_counts(page, "T02")["missing"] == 1
    open_report(page, "SR-1")
    page.fill("#return-form [name=comment]", "本期完成投资与银行流水不符，请核实后重报。")
    with page.expect_navigation():
        page.click("#return-form button[type=submit]")
    assert page.get_attribute("#report-status", "data-status") == "returned"

    # 4. The reporter sees the comment, corrects the report and submits it again.
    switch_user(page, "reporter_a")
    page.goto(f"/scheduling/rounds/{scheduling_round.pk}/")
    assert board_counts(page, "T01")["returned"] == 1
    assert page.get_attribute("#round-reports tr[data-project='SR-1']", "data-status") == "returned"
    open_report(page, "SR-1")
    assert "本期完成投资与银行流水不符" in page.inner_text("#return-comment")
    assert page.input_value("#report-form [name=investment_completed]") == "800.00"
    page.fill("#report-form [name=investment_completed]", "650")
    with page.expect_navigation():
        page.click("#report-form button[value=submit]")
    assert flash_messages(page) == []
    assert page.url.endswith(f"/scheduling/rounds/{scheduling_round.pk}/")
    report = ProgressReport.objects.get(project=plant)
    assert (report.status, report.investment_completed) == ("submitted", Decimal("650.00"))

    # 5. The bureau's board counts the round: A all submitted, B still missing.
    switch_user(page, "bureau")
    page.goto(f"/scheduling/rounds/{scheduling_round.pk}/")
    assert board_counts(page, "T01") == {"due": 2, "submitted": 2, "returned": 0, "accepted": 0, "missing": 0}
    assert board_counts(page, "T02") == {"due": 1, "submitted": 0, "returned": 0, "accepted": 0, "missing": 1}
    assert board_counts(page, "total")["due"] == 3
    screenshot(page, "scheduling_round_board")
