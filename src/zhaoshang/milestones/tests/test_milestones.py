import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from zhaoshang.core.xlsx import set_text
from zhaoshang.milestones import rules, selectors
from zhaoshang.milestones.models import Milestone, MilestoneKind
from zhaoshang.milestones.reminders import due
from zhaoshang.milestones.xlsx import import_plans
from zhaoshang.notifications.models import Delivery, Notification
from zhaoshang.projects import services as project_services

DAY = dt.timedelta(days=1)


def test_rules_python_and_orm_agree_with_the_edge_cases(users, signed, plan, today, settings):
    days = settings.MILESTONE_UPCOMING_DAYS
    a, b = signed(), signed()
    project_services.record_stage(user=users["bureau"], project=a, stage="started", date=today - 5 * DAY)
    a.refresh_from_db()
    made = {
        "today": plan(a, "土地供应", today),
        "late": plan(a, "立项/备案", today - DAY),
        "late_done": plan(a, "环评", today - DAY, today - 2 * DAY),
        "window_end": plan(a, "能评", today + days * DAY),
        "after_window": plan(a, "施工许可", today + (days + 1) * DAY),
        "stage_done": plan(a, "开工", today - 30 * DAY),  # the project started: done by its stage date
        "stage_late": plan(a, "投产", today - DAY),  # not producing yet: overdue
        "unplanned": plan(a, "入库入统"),
        "b_stage_upcoming": plan(b, "开工", today + DAY),
    }
    expected = {
        "done": {"late_done", "stage_done"},
        "overdue": {"late", "stage_late"},
        "upcoming": {"today", "window_end", "b_stage_upcoming"},
    }
    names = {m.pk: name for name, m in made.items()}
    everything = Milestone.objects.select_related("kind", "project")
    predicates = {
        "done": (rules.done, rules.done_q()),
        "overdue": (lambda m: rules.overdue(m, today), rules.overdue_q(today)),
        "upcoming": (lambda m: rules.upcoming(m, today, days), rules.upcoming_q(today, days)),
    }
    for key, (python, orm) in predicates.items():
        by_python = {names[m.pk] for m in everything if python(m)}
        by_orm = {names[pk] for pk in everything.filter(orm).values_list("pk", flat=True)}
        assert by_python == by_orm == expected[key], key
    # The stage's milestone stores no date: its actual date is the project's stage date.
    assert made["stage_done"].actual_on is None and rules.actual_date(made["stage_done"]) == today - 5 * DAY
    # From a project (the prefix form).
    assert set(a.__class__.objects.filter(rules.overdue_q(today, "milestones__")).values_list("pk", flat=True)) == {
        a.pk
    }


def _post_plan(client, project, rows):
    data = {}
    for kind in MilestoneKind.objects.filter(active=True):
        values = rows.get(kind.name, {})
        for field in ("planned_on", "actual_on", "evidence", "note"):
            data[f"k{kind.pk}-{field}"] = values.get(field, "")
    return client.post(reverse("milestones:plan", args=[project.pk]), data)


def test_plan_saves_all_rows_and_records_the_stage_once(client, users, signed, kinds, today):
    project = signed()
    attachment = project_services.add_attachment(
        user=users["bureau"],
        project=project,
        uploaded=SimpleUploadedFile("批复.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
    )
    client.force_login(users["reporter_a"])
    page = client.get(reverse("milestones:plan", args=[project.pk]))
    assert page.status_code == 200 and "开工" in page.content.decode()
    started = today - 3 * DAY
    response = _post_plan(
        client,
        project,
        {
            "土地供应": {"planned_on": today - 60 * DAY, "actual_on": today - 50 * DAY, "evidence": attachment.pk},
            "开工": {"planned_on": today - 10 * DAY, "actual_on": started, "note": "<b>按期</b>"},
            "投产": {"planned_on": today + 200 * DAY},
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.started_on == started  # recorded as the stage, through record_stage
    land = Milestone.objects.get(project=project, kind=kinds["土地供应"])
    assert land.evidence == attachment and land.actual_on == today - 50 * DAY and land.updated_by == users["reporter_a"]
    assert land.history.first().history_user == users["reporter_a"]
    stage = Milestone.objects.get(project=project, kind=kinds["开工"])
    assert stage.actual_on is None and rules.actual_date(stage) == started
    assert Milestone.objects.filter(project=project).count() == 3  # no empty rows for kinds left blank
    page = client.get(reverse("milestones:plan", args=[project.pk])).content.decode()
    assert started.isoformat() in page and "&lt;b&gt;按期&lt;/b&gt;" in page

    # 投产 before 开工: record_stage refuses; the error is on its row and nothing of the post is saved.
    response = _post_plan(
        client,
        project,
        {
            "土地供应": {"planned_on": today - 61 * DAY, "actual_on": today - 50 * DAY},
            "开工": {"planned_on": today - 10 * DAY, "actual_on": started},
            "投产": {"planned_on": today + 200 * DAY, "actual_on": started - 20 * DAY},
        },
    )
    assert response.status_code == 200 and "row-error" in response.content.decode()
    land.refresh_from_db()
    project.refresh_from_db()
    assert land.planned_on == today - 60 * DAY and project.producing_on is None
    # Clearing the stage's date on the plan is refused (the stage events own it).
    response = _post_plan(client, project, {"开工": {"planned_on": today - 10 * DAY}})
    assert response.status_code == 200 and "row-error" in response.content.decode()


def test_reporter_of_another_unit_neither_sees_nor_changes_the_plan(client, users, signed, plan, today, units):
    project = signed()
    milestone = plan(project, "环评", today - DAY)
    client.force_login(users["reporter_b"])
    url = reverse("milestones:plan", args=[project.pk])
    assert client.get(url).status_code == 404
    assert _post_plan(client, project, {"环评": {"planned_on": today}}).status_code == 404
    assert client.get(f"/api/milestones/{milestone.pk}/").status_code == 404
    assert client.get("/api/milestones/").json()["count"] == 0
    assert "环评" not in client.get(reverse("milestones:list") + "?tab=all").content.decode()
    client.force_login(users["reporter_a"])
    assert client.get("/api/milestones/").json()["results"][0]["kind_name"] == "环评"
    # The leader reads but does not change.
    client.force_login(users["leader"])
    page = client.get(url).content.decode()
    assert "disabled" in page and "创建节点计划" not in page and "保存节点计划" not in page
    assert _post_plan(client, project, {"环评": {"planned_on": today}}).status_code == 403
    milestone.refresh_from_db()
    assert milestone.planned_on == today - DAY
    # The kinds page is the bureau's.
    assert client.get(reverse("milestones:kinds")).status_code == 403


def test_counts_equal_the_list_rows_on_the_tile_panels_and_list(client, users, signed, plan, today, units):
    a, b = signed(), signed(units["b"])
    plan(a, "环评", today - DAY)
    plan(a, "能评", today - 2 * DAY)
    plan(a, "立项/备案", today + DAY)
    plan(b, "环评", today - DAY)
    plan(b, "能评", today - DAY, today - DAY)  # done
    for username, overdue, upcoming in (("bureau", 3, 1), ("reporter_a", 2, 1), ("reporter_b", 1, 0)):
        client.force_login(users[username])
        tile = client.get(reverse("milestones:tile")).content.decode()
        assert f'data-count="{overdue}"' in tile and f'data-count="{upcoming}"' in tile
        for tab, expected in (("overdue", overdue), ("upcoming", upcoming)):
            page = client.get(reverse("milestones:list") + f"?tab={tab}")
            assert page.context["counts"][tab] == expected == page.context["count"] == len(page.context["rows"])
            assert page.content.decode().count("data-milestone=") == expected
    client.force_login(users["bureau"])
    panel = client.get(reverse("milestones:list") + f"?tab=overdue&unit={units['a'].pk}&panel=1")
    assert panel.context["counts"]["overdue"] == 2 == panel.content.decode().count("data-milestone=")
    assert client.get(reverse("projects:unit", args=[units["a"].pk])).status_code == 200
    assert reverse("milestones:plan", args=[a.pk]) in client.get(a.get_absolute_url()).content.decode()
    assert reverse("milestones:tile") in client.get(reverse("dashboard:home")).content.decode()


def test_reminders_go_to_the_units_reporters_once_a_day(users, signed, plan, today, units):
    a, b = signed(), signed(units["b"])
    plan(a, "环评", today - DAY)
    plan(a, "能评", today + 2 * DAY)
    plan(a, "施工许可", today + 100 * DAY)  # beyond the window
    plan(b, "环评", today - DAY, today - DAY)  # done
    reminders = list(due(today))
    assert [r.unit_id for r in reminders] == [units["a"].pk]
    assert "1" in reminders[0].title and "环评" in reminders[0].body and "施工许可" not in reminders[0].body
    out = io.StringIO()
    call_command("milestone_reminders", stdout=out)
    call_command("milestone_reminders", stdout=out)
    call_command("remind", stdout=io.StringIO())  # collects the same reminders under the same keys
    assert Notification.objects.filter(user=users["reporter_a"]).count() == 1
    assert not Notification.objects.filter(user=users["reporter_b"]).exists()
    assert Delivery.objects.filter(key__startswith="milestones:").count() == 1
    call_command("milestone_reminders", date=(today + DAY).isoformat(), stdout=out)
    assert Notification.objects.filter(user=users["reporter_a"]).count() == 2


def _sheet(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["项目编号", "节点", "计划日期", "实际日期"])
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            if isinstance(value, str):
                set_text(sheet, number, column, value)
            else:
                sheet.cell(number, column, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_round_trip_and_a_bad_row_saves_nothing(client, users, signed, plan, kinds, today):
    project = signed(code="=HYPERLINK(1)")
    plan(project, "环评", today - DAY)
    client.force_login(users["reporter_a"])
    exported = client.get(reverse("milestones:list") + "?tab=all&format=xlsx").content
    sheet = load_workbook(io.BytesIO(exported)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:2] == ("=HYPERLINK(1)", "环评") and sheet.cell(2, 1).data_type == "s"
    # Back in as it was: nothing changes.
    assert import_plans(user=users["reporter_a"], data=exported) == 1
    assert Milestone.objects.get().planned_on == today - DAY
    # New rows: a planned date, and 开工's actual date recorded as the stage.
    data = _sheet(
        [
            [project.code, "能评", today + 5 * DAY, None],
            [project.code, "开工", (today - 2 * DAY).isoformat(), (today - DAY).isoformat()],
        ]
    )
    client.post(reverse("milestones:import"), {"file": SimpleUploadedFile("p.xlsx", data)})
    project.refresh_from_db()
    assert project.started_on == today - DAY
    assert Milestone.objects.get(kind=kinds["开工"]).actual_on is None
    assert Milestone.objects.get(kind=kinds["能评"]).planned_on == today + 5 * DAY
    # A bad row: nothing of the file is saved, and the errors name the row and the column.
    bad = _sheet([[project.code, "环评", today + 9 * DAY, None], [project.code, "环评", "明天", None], ["X9", "环评"]])
    response = client.post(reverse("milestones:import"), {"file": SimpleUploadedFile("p.xlsx", bad)})
    errors = response.context["errors"]
    assert any("第3行" in e and "计划日期" in e for e in errors) and any(
        "第4行" in e and "项目编号" in e for e in errors
    )
    assert Milestone.objects.get(kind=kinds["环评"]).planned_on == today - DAY
    # Reporter B's file cannot reach A's project.
    with pytest.raises(ValidationError, match="第2行"):
        import_plans(user=users["reporter_b"], data=_sheet([[project.code, "环评", today, None]]))


def test_bureau_keeps_the_kinds(client, users, kinds, make_project):
    client.force_login(users["bureau"])
    url = reverse("milestones:kinds")
    response = client.post(url, {"name": "上规", "order": 95, "stage": "", "active": "on"})
    assert response.status_code == 302
    added = MilestoneKind.objects.get(name="上规")
    assert added.stage is None
    # A second kind linked to started is refused; stages other than started and producing are not offered.
    response = client.post(
        reverse("milestones:kind_edit", args=[added.pk]), {"name": "上规", "order": 95, "stage": "started"}
    )
    assert response.status_code == 200 and MilestoneKind.objects.get(pk=added.pk).stage is None
    response = client.post(
        reverse("milestones:kind_edit", args=[added.pk]), {"name": "上规", "order": 95, "stage": "signed"}
    )
    assert response.status_code == 200
    # Rename and deactivate; move up.
    client.post(reverse("milestones:kind_edit", args=[added.pk]), {"name": "入规", "order": 95, "stage": ""})
    added.refresh_from_db()
    assert added.name == "入规" and not added.active
    client.post(reverse("milestones:kind_move", args=[added.pk]), {"direction": "up"})
    order = list(MilestoneKind.objects.order_by("order").values_list("name", flat=True))
    assert order[-2:] == ["入规", "入库入统"]
    names = [row.kind.name for row in selectors.plan_rows(make_project())]
    assert "入规" not in names and len(names) == 9


def test_demo_plans_read_the_stages_and_never_write_them(users, signed, today):
    import random

    from zhaoshang.milestones.demo import build_demo

    projects = [signed() for _ in range(3)]
    project_services.record_stage(user=users["bureau"], project=projects[0], stage="started", date=today - DAY)
    stages = {p.pk: (p.stage, p.stage_date) for p in a_fresh(projects)}
    assert build_demo(random.Random(1), today, user=users["bureau"]) == 27
    assert stages == {p.pk: (p.stage, p.stage_date) for p in a_fresh(projects)}
    assert not Milestone.objects.filter(kind__stage__isnull=False, actual_on__isnull=False).exists()
    assert Milestone.objects.filter(rules.overdue_q(today)).exists()
    assert Milestone.objects.filter(rules.done_q()).exists()
    assert Milestone.history.count() == 27


def a_fresh(projects):
    return [p.__class__.objects.get(pk=p.pk) for p in projects]


def test_the_leaders_page_shows_the_milestones_of_their_projects(client, users, signed, plan, today, units):
    from zhaoshang.persons.models import Person

    person = Person.objects.create(name="王县长", unit=units["county"], level="county", user=users["leader"])
    led, other = signed(), signed()
    project_services.set_project_persons(user=users["bureau"], project=led, leader=person)
    plan(led, "环评", today - DAY)
    plan(other, "能评", today - DAY)
    client.force_login(users["leader"])
    home = client.get(reverse("leaders:home")).content.decode()
    assert f"leader={person.pk}" in home
    panel = client.get(reverse("milestones:list") + f"?tab=overdue&leader={person.pk}&panel=1")
    assert panel.context["counts"]["overdue"] == 1 and "环评" in panel.content.decode()
    assert "能评" not in panel.content.decode()
