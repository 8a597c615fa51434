"""A stage whose date runs backwards along the pipeline is refused with a message in the interface's
language, and nothing changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from zhaoshang.projects import services
from zhaoshang.projects.models import Project

from .helpers import CJK, flash_messages, login, screenshot, zh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def timeline(page) -> list[str]:
    return [text.strip() for text in page.locator("#timeline li").all_inner_texts()]


def test_stage_dated_before_an_earlier_stage_is_refused(page, users, make_project):
    today = dt.date.today()
    intention, signed = today - dt.timedelta(days=20), today - dt.timedelta(days=10)
    project = make_project(code="ERR-1")
    services.record_stage(user=users["bureau"], project=project, stage="intention", date=intention)
    services.record_stage(user=users["bureau"], project=project, stage="signed", date=signed, amount=Decimal("800"))

    login(page, "reporter_a")
    page.goto(f"/projects/{project.pk}/")
    before_timeline = timeline(page)
    before_stage = page.inner_text("#project-stage")
    assert len(before_timeline) == 2

    # "Started" dated before the signing.
    started = signed - dt.timedelta(days=3)
    page.select_option("#stage-form select[name=stage]", "started")
    page.fill("#stage-form input[name=date]", started.isoformat())
    with page.expect_navigation():
        page.click("#stage-form button[type=submit]")

    errors = flash_messages(page)
    with translation.override("zh-hans"):
        expected = services.stage_date_errors({"intention": intention, "signed": signed, "started": started})[0]
    assert len(errors) == 1, errors
    assert expected in errors[0]
    assert started.isoformat() in errors[0] and signed.isoformat() in errors[0]
    if CJK.search(expected):  # once the zh_Hans catalogue translates the message, it must show in Chinese
        assert CJK.search(errors[0])
    assert "Traceback" not in page.content()
    screenshot(page, "stage_error")

    assert timeline(page) == before_timeline
    assert page.inner_text("#project-stage") == before_stage
    project = Project.objects.get(pk=project.pk)
    assert (project.stage, project.stage_date) == ("signed", signed)
    assert project.stage_events.count() == 2


def test_signing_without_an_amount_is_refused(page, users, make_project):
    today = dt.date.today()
    project = make_project(code="ERR-2")
    login(page, "reporter_a")
    page.goto(f"/projects/{project.pk}/")
    page.select_option("#stage-form select[name=stage]", "signed")
    page.fill("#stage-form input[name=date]", today.isoformat())
    page.fill("#stage-form input[name=amount]", "")
    with page.expect_navigation():
        page.click("#stage-form button[type=submit]")
    assert flash_messages(page) == [zh("Signing needs the contract amount.")]
    assert page.locator("#timeline li[data-stage]").count() == 0
    assert Project.objects.get(pk=project.pk).stage_events.count() == 0
