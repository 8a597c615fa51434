"""The pages: each one tried by the other township's reporter (404 for what they cannot see, 403 for what
they see but may not do), the reporter's and the bureau's round through the forms, and history rows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from zhaoshang.scheduling import coordination, reports, services
from zhaoshang.scheduling.models import CoordinationItem, ProgressReport, SchedulingConfig, SchedulingRound

from .conftest import DAY, FILLED, report_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(open_day, users, units):
    """A's report A1 submitted with a problem (an item for the department), A2 left due."""
    a1 = report_of(open_day, "A1")
    reports.save_report(user=users["reporter_a"], report=a1, data={**FILLED, "problems": "道路未通"})
    reports.submit_report(user=users["reporter_a"], report=a1, today=DAY)
    item = CoordinationItem.objects.get()
    coordination.update_item(user=users["bureau"], item=item, data={"department": units["dept"]})
    return {"round": open_day, "a1": a1, "a2": report_of(open_day, "A2"), "item": item}


def login(client, user):
    client.force_login(user)
    return client


def test_other_townships_reporter_gets_404_for_what_they_cannot_see(client, world, users, county):
    login(client, users["reporter_b"])
    a1, item = world["a1"], world["item"]
    for url in (
        reverse("scheduling:report", args=[a1.pk]),
        reverse("scheduling:item", args=[item.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (reverse("scheduling:report", args=[world["a2"].pk]), {**FILLED, "action": "submit"}),
        (reverse("scheduling:report_return", args=[a1.pk]), {"comment": "x"}),
        (reverse("scheduling:report_accept", args=[a1.pk]), {}),
        (
            reverse("scheduling:item_edit", args=[item.pk]),
            {"description": "x", "deadline": "2026-12-01", "status": "closed"},
        ),
        (reverse("scheduling:item_status", args=[item.pk]), {"status": "solved", "note": "x"}),
        (reverse("scheduling:stalled_mark", args=[county["A1"].pk]), {"reason": "x"}),
    ):
        assert client.post(url, data).status_code == 404, url
    world["a2"].refresh_from_db()
    item.refresh_from_db()
    assert world["a2"].status == "due" and item.status == "open"
    assert CoordinationItem.history.filter(id=item.pk).count() == 2


def test_other_townships_reporter_gets_403_for_the_bureaus_actions(client, world, users):
    login(client, users["reporter_b"])
    scheduling_round = world["round"]
    assert client.get(reverse("scheduling:config")).status_code == 403
    for name, data in (
        ("scheduling:config", {"days_of_month": "1"}),
        ("scheduling:plan_month", {"month": "2026-12"}),
        ("scheduling:round_open", {"date": "2026-12-01", "stages": ["signed"]}),
    ):
        assert client.post(reverse(name), data).status_code == 403, name
    for name, data in (
        ("scheduling:round_open_planned", {}),
        ("scheduling:round_move", {"new_date": "2026-10-13", "reason": "x"}),
        ("scheduling:round_close", {}),
        ("scheduling:round_remind", {}),
    ):
        assert client.post(reverse(name, args=[scheduling_round.pk]), data).status_code == 403, name
    scheduling_round.refresh_from_db()
    assert (scheduling_round.status, scheduling_round.date) == ("open", DAY)
    assert SchedulingRound.objects.count() == 1 and not SchedulingConfig.objects.exists()


def test_reporters_own_report_review_actions_are_403(client, world, users):
    login(client, users["reporter_a"])
    assert client.post(reverse("scheduling:report_return", args=[world["a1"].pk]), {"comment": "x"}).status_code == 403
    assert client.post(reverse("scheduling:report_accept", args=[world["a1"].pk])).status_code == 403


def test_lists_show_the_other_township_nothing_of_a(client, world, users, county):
    login(client, users["reporter_b"])
    board = client.get(reverse("scheduling:round", args=[world["round"].pk]))
    assert board.status_code == 200
    assert 'data-project="A1"' not in board.text and 'data-project="A2"' not in board.text
    assert 'data-project="B1"' in board.text and 'data-project="AB"' in board.text
    # TIE, reported by A, is credited half to B: B reads its report (and only that one of A's).
    assert {row.unit.code: row.due for row in board.context["board"].rows} == {"T01": 1, "T02": 2}
    assert board.context["fillable_count"] == 2
    items = client.get(reverse("scheduling:item_list"))
    assert items.status_code == 200 and items.context["page"].paginator.count == 0
    stalled = client.get(reverse("scheduling:stalled"))
    assert stalled.status_code == 200
    assert all(entry.project.code in {"B1", "AB", "TIE"} for entry in stalled.context["found"])
    assert client.get(reverse("scheduling:round_list")).status_code == 200
    # Submit-all by B submits nothing of A's (and fails: B's reports are empty).
    response = client.post(reverse("scheduling:round_submit_all", args=[world["round"].pk]), follow=True)
    assert response.status_code == 200
    assert world["round"].reports.filter(unit__code="T01", status="due").count() == 2


def test_department_reporter_works_the_item_through_the_page(client, world, users, units):
    from zhaoshang.organization.models import User

    dept = User.objects.create_user(username="reporter_d", password="x", role="reporter", unit=units["dept"])
    login(client, dept)
    item = world["item"]
    page = client.get(reverse("scheduling:item", args=[item.pk]))
    assert page.status_code == 200 and page.context["status_form"] is not None and page.context["edit_form"] is None
    response = client.post(reverse("scheduling:item_status", args=[item.pk]), {"status": "solved", "note": "已通车"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "solved"
    # The department cannot see A's reports, only the item.
    assert client.get(reverse("scheduling:report", args=[world["a1"].pk])).status_code == 404


@pytest.mark.parametrize("name", ["bureau", "admin", "leader", "supervisor", "reporter_a"])
def test_every_page_renders_for_the_county_and_the_reporting_unit(client, world, users, name):
    login(client, users[name])
    scheduling_round = world["round"]
    urls = [
        reverse("scheduling:round_list"),
        reverse("scheduling:round", args=[scheduling_round.pk]),
        reverse("scheduling:round", args=[scheduling_round.pk]) + "?status=due",
        reverse("scheduling:report", args=[world["a1"].pk]),
        reverse("scheduling:report", args=[world["a2"].pk]),
        reverse("scheduling:item_list"),
        reverse("scheduling:item_list") + "?overdue=on&status=open",
        reverse("scheduling:item", args=[world["item"].pk]),
        reverse("scheduling:stalled"),
    ]
    if name in ("bureau", "admin"):
        urls.append(reverse("scheduling:config"))
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_round_board_heads_its_columns_in_chinese(client, world, users):
    login(client, users["bureau"])
    page = client.get(reverse("scheduling:round", args=[world["round"].pk])).content.decode()
    board = page[page.index('id="round-board"') :]
    headers = re.findall(r"<th[^>]*>([^<]+)</th>", board[: board.index("</thead>")])
    # "应填报" is every report due in the round; "未填报" the ones never submitted.
    assert headers[1] == "应填报" and "待填报" not in headers


def test_the_reporters_round_through_the_forms(client, world, users):
    login(client, users["reporter_a"])
    a2 = world["a2"]
    url = reverse("scheduling:report", args=[a2.pk])
    page = client.get(url)
    assert page.context["form"] is not None
    # Saving a draft keeps it due; submitting with a stage error keeps it due and shows the ledger's error.
    response = client.post(url, {**FILLED, "action": "save"})
    assert response.status_code == 302 and ProgressReport.objects.get(pk=a2.pk).status == "due"
    response = client.post(url, {**FILLED, "stage_reached": "started", "stage_date": "2026-08-01", "action": "submit"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert ProgressReport.objects.get(pk=a2.pk).status == "due"
    response = client.post(url, {**FILLED, "stage_reached": "started", "stage_date": "2026-10-01", "action": "submit"})
    assert response.status_code == 302 and response.url == world["round"].get_absolute_url()
    a2.refresh_from_db()
    assert a2.status == "submitted" and a2.project.stage == "started"
    # The bureau returns it with a comment; the reporter sees the comment and the form again.
    login(client, users["bureau"])
    assert client.get(url).context["can_review"]
    client.post(reverse("scheduling:report_return", args=[a2.pk]), {"comment": "请补充开工照片"})
    login(client, users["reporter_a"])
    page = client.get(url)
    assert "请补充开工照片" in page.text and page.context["form"] is not None
    client.post(url, {**FILLED, "progress": "已补充开工照片", "action": "submit"})
    a2.refresh_from_db()
    assert a2.status == "submitted" and a2.progress == "已补充开工照片"


def test_bureau_runs_the_calendar_through_the_pages(client, county, users):
    login(client, users["bureau"])
    response = client.post(
        reverse("scheduling:config"),
        {
            "days_of_month": "12，27",
            "stages": ["signed", "started"],
            "stalled_after_days": "45",
            "reminder_offsets": "3 1",
            "item_deadline_days": "10",
        },
    )
    assert response.status_code == 302
    config = SchedulingConfig.load()
    assert (config.stages, config.stalled_after_days, config.reminder_offsets) == (["signed", "started"], 45, [3, 1])
    assert client.post(reverse("scheduling:plan_month"), {"month": "2026-12"}).status_code == 302
    planned = SchedulingRound.objects.get(planned_date=dt.date(2026, 12, 12))
    client.post(reverse("scheduling:round_move", args=[planned.pk]), {"new_date": "2026-12-14", "reason": "周六"})
    planned.refresh_from_db()
    assert planned.date == dt.date(2026, 12, 14)
    client.post(reverse("scheduling:round_open_planned", args=[planned.pk]))
    planned.refresh_from_db()
    assert planned.status == "open" and sorted(planned.reports.values_list("project__code", flat=True)) == ["A2", "AB"]
    response = client.post(reverse("scheduling:round_remind", args=[planned.pk]), follow=True)
    assert response.status_code == 200
    # "Submit all" is a unit's button, not the bureau's.
    assert client.post(reverse("scheduling:round_submit_all", args=[planned.pk])).status_code == 403
    response = client.post(
        reverse("scheduling:round_open"), {"date": "2026-12-27", "stages": ["intention"]}, follow=True
    )
    assert response.status_code == 200
    assert SchedulingRound.objects.get(date=dt.date(2026, 12, 27)).reports.count() == 2  # B1, TIE
    planned.refresh_from_db()
    assert planned.status == "closed"
    assert client.get(reverse("scheduling:round_list")).status_code == 200


def test_project_page_section_lists_reports_in_order(world, users, county):
    later = services.open_round(user=users["bureau"], date=dt.date(2026, 10, 27))
    html = render_to_string(
        "scheduling/includes/project_reports.html", {"project": county["A1"], "user": users["reporter_a"]}
    )
    assert html.index('data-round="2026-10-12"') < html.index('data-round="2026-10-27"')
    assert "道路未通" in html
    html = render_to_string(
        "scheduling/includes/project_reports.html", {"project": county["A1"], "user": users["reporter_b"]}
    )
    assert "data-round" not in html
    assert later.reports.filter(project=county["A1"]).exists()


def test_history_rows_record_who_and_when(world, users):
    a1 = world["a1"]
    reports.return_report(user=users["bureau"], report=a1, comment="数字有误")
    records = list(ProgressReport.history.filter(id=a1.pk).order_by("history_date", "history_id"))
    assert [(r.status, r.history_user.username if r.history_user else None) for r in records] == [
        ("due", "bureau"),  # opened by the bureau
        ("due", "reporter_a"),  # draft saved
        ("submitted", "reporter_a"),
        ("returned", "bureau"),
    ]
    assert records[-1].history_change_reason == "数字有误"
    assert all(r.history_date for r in records)
    round_records = list(SchedulingRound.history.filter(id=world["round"].pk))
    assert {r.history_user.username for r in round_records} == {"bureau"}
