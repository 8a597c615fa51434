"""Enterprise liaison: the satisfaction rule (no 销号 without it, unsatisfied reopens) and its ORM form, the
escalation dates, the permission rule on the pages and the API (a demand seen by its department too), the
per-department figures equal to the lists they open, the .xlsx round trips and their errors, the demo."""

from __future__ import annotations

import datetime as dt
import io
import random

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zhaoshang.liaison import rules, services
from zhaoshang.liaison.choices import DemandEscalation, DemandStatus, Satisfaction
from zhaoshang.liaison.demo import build_demo
from zhaoshang.liaison.models import Demand, DemandUpdate, Enterprise, Visit
from zhaoshang.notifications.models import Notification
from zhaoshang.organization.models import Unit, User
from zhaoshang.projects import credit_code

pytestmark = pytest.mark.django_db

CODE = credit_code.with_check_digit("91411526" + "12345678" + credit_code.org_check_digit("12345678"))


@pytest.fixture
def dept2(units):
    return Unit.objects.create(code="D02", name="县自然资源局", parent=units["county"], category="department")


@pytest.fixture
def reporter_d(units):
    return User.objects.create_user(username="reporter_d", password="pass-word-1", role="reporter", unit=units["dept"])


def enterprise(unit, name="恒泰新材料有限公司", **extra):
    return Enterprise.objects.create(name=name, unit=unit, **extra)


def demand(ent, department, deadline, status=DemandStatus.OPEN, satisfaction="", **extra):
    return Demand.objects.create(
        enterprise=ent,
        department=department,
        category=extra.pop("category", "land"),
        description=extra.pop("description", "扩建用地"),
        raised_on=extra.pop("raised_on", deadline - dt.timedelta(days=30)),
        deadline=deadline,
        status=status,
        satisfaction=satisfaction,
        **extra,
    )


def test_satisfaction_rule_and_its_orm_forms(users, units, today):
    ent = enterprise(units["a"])
    d = units["dept"]
    rows = [
        demand(ent, d, today - dt.timedelta(days=1)),  # overdue
        demand(ent, d, today, status=DemandStatus.IN_PROGRESS),  # due today: not overdue
        demand(ent, d, today - dt.timedelta(days=5), status=DemandStatus.IN_PROGRESS, satisfaction="unsatisfied"),
        demand(ent, d, today - dt.timedelta(days=9), status=DemandStatus.CLOSED, satisfaction="satisfied"),
        demand(ent, d, today + dt.timedelta(days=3), status=DemandStatus.CLOSED, satisfaction="basically_satisfied"),
        demand(ent, d, today - dt.timedelta(days=20), status=DemandStatus.CLOSED),  # a closed row with no answer
    ]
    pairs = [
        (lambda x: rules.overdue(x, today), rules.overdue_q(today)),
        (rules.is_closed, rules.closed_q()),
        (rules.is_open, rules.open_q()),
        (rules.is_answered, rules.answered_q()),
        (rules.is_satisfied, rules.satisfied_q()),
    ]
    for predicate, q in pairs:
        by_python = {x.pk for x in rows if predicate(x)}
        assert by_python == set(Demand.objects.filter(q).values_list("pk", flat=True))
        assert by_python
    assert {x.pk for x in rows if rules.overdue(x, today)} == {rows[0].pk, rows[2].pk}
    assert {x.pk for x in rows if rules.is_closed(x)} == {rows[3].pk, rows[4].pk}  # not the one without an answer
    # Escalation: 3 days late the department, 10 the bureau; Python and ORM agree.
    late = {n: demand(ent, d, today - dt.timedelta(days=n)) for n in (0, 2, 3, 9, 10, 30)}
    assert {n: rules.escalation_due(x, today) for n, x in late.items()} == {0: 0, 2: 0, 3: 1, 9: 1, 10: 2, 30: 2}
    for level in rules.LEVELS:
        by_python = {x.pk for x in Demand.objects.all() if rules.to_escalate(x, today) == level}
        assert by_python == set(Demand.objects.filter(rules.to_escalate_q(level, today)).values_list("pk", flat=True))
    # No 销号 without the answer; unsatisfied sends it back to in progress; satisfied closes it out.
    open_one = rows[0]
    with pytest.raises(ValidationError):
        services.answer(user=users["reporter_a"], demand=open_one, satisfaction="")
    open_one.refresh_from_db()
    assert open_one.status == DemandStatus.OPEN and not open_one.closed_on
    services.answer(user=users["reporter_a"], demand=open_one, satisfaction=Satisfaction.UNSATISFIED, note="未解决")
    open_one.refresh_from_db()
    assert (open_one.status, open_one.closed_on, open_one.satisfaction) == ("in_progress", None, "unsatisfied")
    services.answer(user=users["reporter_a"], demand=open_one, satisfaction=Satisfaction.BASICALLY_SATISFIED)
    open_one.refresh_from_db()
    assert (open_one.status, open_one.closed_on) == (DemandStatus.CLOSED, today)
    assert open_one.updates.count() == 2 and open_one.history.first().history_user == users["reporter_a"]
    with pytest.raises(ValidationError):  # a closed-out demand is no longer changed
        services.add_update(user=users["reporter_a"], demand=open_one, date=today, note="再跟进")


def test_close_form_requires_the_answer(client, users, units, today):
    d = demand(enterprise(units["a"]), units["dept"], today + dt.timedelta(days=5))
    client.force_login(users["reporter_a"])
    url = reverse("liaison:demand_answer", args=[d.pk])
    client.post(url, {"c-satisfaction": "", "c-date": today.isoformat()})
    d.refresh_from_db()
    assert d.status == DemandStatus.OPEN
    client.post(reverse("liaison:demand_progress", args=[d.pk]), {"u-date": today.isoformat(), "u-note": "已对接"})
    d.refresh_from_db()
    assert d.status == DemandStatus.IN_PROGRESS and d.updates.count() == 1
    client.post(url, {"c-satisfaction": "unsatisfied", "c-date": today.isoformat()})
    d.refresh_from_db()
    assert d.status == DemandStatus.IN_PROGRESS and d.satisfaction == "unsatisfied"
    client.post(url, {"c-satisfaction": "satisfied", "c-satisfaction_note": "<b>好</b>", "c-date": today.isoformat()})
    d.refresh_from_db()
    assert d.status == DemandStatus.CLOSED and d.closed_on == today
    page = client.get(reverse("liaison:demand", args=[d.pk])).content.decode()
    assert "&lt;b&gt;好&lt;/b&gt;" in page and 'id="close-form"' not in page


def test_escalation_tells_the_department_then_the_bureau_once(users, units, reporter_d, today):
    d = demand(enterprise(units["a"]), units["dept"], today - dt.timedelta(days=3))
    services.escalate(today=today)
    d.refresh_from_db()
    assert (d.escalation, d.escalated_on) == (DemandEscalation.DEPARTMENT, today)
    assert Notification.objects.filter(user=reporter_d, key__contains="escalation:1").count() == 1
    assert not Notification.objects.filter(user=users["bureau"]).exists()
    services.escalate(today=today)  # a second run the same day sends nothing more
    assert Notification.objects.filter(key__contains="escalation").count() == 1
    services.escalate(today=today + dt.timedelta(days=6))  # 9 days late: nothing new
    assert Notification.objects.filter(key__contains="escalation").count() == 1
    services.escalate(today=today + dt.timedelta(days=7))  # 10 days late: the bureau
    d.refresh_from_db()
    assert d.escalation == DemandEscalation.BUREAU
    assert Notification.objects.filter(user=users["bureau"], key__contains="escalation:2").exists()
    # A new deadline starts the escalation again.
    services.update_demand(user=users["bureau"], demand=d, data={"deadline": today + dt.timedelta(days=10)})
    d.refresh_from_db()
    assert (d.escalation, d.escalated_on) == (0, None)


def test_permission_on_pages_and_api(client, users, units, reporter_d, dept2, today):
    mine = enterprise(units["a"], name="城关镇企业")
    theirs = enterprise(units["b"], name="河口乡企业")
    d_mine = demand(mine, units["dept"], today + dt.timedelta(days=9), description="城关诉求")
    d_other = demand(mine, dept2, today + dt.timedelta(days=9), description="别的部门诉求")
    d_theirs = demand(theirs, dept2, today + dt.timedelta(days=9), description="河口诉求")
    visit = Visit.objects.create(enterprise=mine, date=today, visitors="张三")
    client.force_login(users["reporter_b"])
    page = client.get(reverse("liaison:list")).content.decode()
    assert "河口乡企业" in page and "城关镇企业" not in page
    for name, pk in (
        ("liaison:enterprise", mine.pk),
        ("liaison:enterprise_edit", mine.pk),
        ("liaison:demand", d_mine.pk),
        ("liaison:demand_create", mine.pk),
        ("liaison:visit_edit", visit.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    assert (
        client.post(reverse("liaison:demand_answer", args=[d_mine.pk]), {"c-satisfaction": "satisfied"}).status_code
        == 404
    )
    assert {r.pk for r in client.get(reverse("liaison:demands")).context["rows"]} == {d_theirs.pk}
    assert client.get(f"/api/liaison/enterprises/{mine.pk}/").status_code == 404
    assert client.get(f"/api/liaison/demands/{d_mine.pk}/").status_code == 404
    assert {r["id"] for r in client.get("/api/liaison/enterprises/").json()["results"]} == {theirs.pk}
    assert client.delete(f"/api/liaison/enterprises/{theirs.pk}/").status_code in (403, 405)
    # A reporter records only for their unit.
    response = client.post(
        reverse("liaison:enterprise_create"), {"name": "新企业", "unit": units["a"].pk, "size": "small"}
    )
    assert response.status_code == 200 and not Enterprise.objects.filter(name="新企业").exists()
    # The department handling a demand sees and changes it, but not the enterprise's other demands nor its page.
    client.force_login(reporter_d)
    assert {r.pk for r in client.get(reverse("liaison:demands")).context["rows"]} == {d_mine.pk}
    assert {r["id"] for r in client.get("/api/liaison/demands/").json()["results"]} == {d_mine.pk}
    assert client.get(reverse("liaison:demand", args=[d_other.pk])).status_code == 404
    assert client.get(reverse("liaison:enterprise", args=[mine.pk])).status_code == 404
    page = client.get(reverse("liaison:demand", args=[d_mine.pk]))
    assert page.status_code == 200 and not page.context["enterprise_visible"]
    client.post(reverse("liaison:demand_progress", args=[d_mine.pk]), {"u-date": today.isoformat(), "u-note": "办理中"})
    assert DemandUpdate.objects.get(demand=d_mine).by == reporter_d
    # A leader reads everything and changes nothing.
    client.force_login(users["leader"])
    assert client.get(reverse("liaison:enterprise", args=[mine.pk])).status_code == 200
    assert client.get(reverse("liaison:enterprise_edit", args=[mine.pk])).status_code == 403
    assert client.get(reverse("liaison:enterprise_create")).status_code == 403
    assert (
        client.post(reverse("liaison:demand_answer", args=[d_mine.pk]), {"c-satisfaction": "satisfied"}).status_code
        == 403
    )
    # The credit code: checked with its reasons, normalised (full width, lower case), unique.
    client.force_login(users["reporter_a"])
    data = {"name": "乙公司", "unit": units["a"].pk, "size": "small", "credit_code": CODE[:-1] + "0"}
    if CODE[-1] == "0":
        data["credit_code"] = CODE[:-1] + "1"
    response = client.post(reverse("liaison:enterprise_create"), data)
    assert response.status_code == 200 and response.context["form"].errors.get("credit_code")
    typed = " " + CODE.lower().translate(str.maketrans("0123456789", "０１２３４５６７８９")) + " "
    response = client.post(reverse("liaison:enterprise_create"), {**data, "credit_code": typed})
    assert response.status_code == 302 and Enterprise.objects.get(name="乙公司").credit_code == CODE
    response = client.post(reverse("liaison:enterprise_create"), {**data, "name": "丙公司", "credit_code": CODE})
    assert response.status_code == 200 and not Enterprise.objects.filter(name="丙公司").exists()


def test_department_figures_equal_their_lists_and_name_who_is_late(client, users, units, dept2, today):
    a, b = enterprise(units["a"]), enterprise(units["b"], name="河口乡企业")
    late = today - dt.timedelta(days=4)
    soon = today + dt.timedelta(days=4)
    demand(a, units["dept"], soon)
    demand(b, units["dept"], late, status=DemandStatus.CLOSED, satisfaction="satisfied", closed_on=today)
    demand(a, dept2, late)
    demand(b, dept2, late, status=DemandStatus.IN_PROGRESS, satisfaction="unsatisfied")
    demand(a, dept2, soon, status=DemandStatus.CLOSED, satisfaction="basically_satisfied", closed_on=today)
    client.force_login(users["bureau"])
    response = client.get(reverse("liaison:departments"))
    rows = response.context["rows"]
    # Which departments leave demands open past their deadline: 自然资源局 first, with 2.
    assert [(r.department.code if r.department else None, r.overdue) for r in rows] == [
        ("D02", 2),
        ("D01", 0),
        (None, 2),
    ]
    first = rows[0]
    assert (first.received, first.closed, first.answered, first.satisfied) == (3, 1, 2, 1)
    assert str(first.closure_rate) == "33.3" and str(first.satisfaction_rate) == "50.0"
    for row in rows:
        for name in ("received", "pending", "closed", "overdue", "answered", "satisfied"):
            listed = client.get(getattr(row, f"{name}_url"))
            assert listed.context["count"] == getattr(row, name) == len(listed.context["rows"]), (row, name)
    page = response.content.decode()
    assert first.overdue_url.replace("&", "&amp;") in page
    # The dashboard tile: same figures, its links open the same lists; the dashboard loads it by URL.
    tile = client.get(reverse("liaison:tile"))
    assert tile.context["row"].overdue == 2 and tile.context["row"].pending == 3
    assert reverse("liaison:tile") in client.get(reverse("dashboard:home")).content.decode()
    # A reporter's figures count only what they see.
    client.force_login(users["reporter_b"])
    rows = client.get(reverse("liaison:departments")).context["rows"]
    assert sum(r.received for r in rows if r.department) == 2


def _workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    for line in book.active.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, as a user types it, not a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_round_trip_and_errors(client, users, units, today):
    client.force_login(users["reporter_a"])
    from zhaoshang.liaison import xlsx

    with_titles = [str(title) for _name, title in xlsx.ENTERPRISE_COLUMNS]
    bad = _workbook(
        [with_titles, ["=甲公司", CODE, "T01", "C", "小型", "", "", ""], ["乙公司", "123", "T02", "Z", "巨型"]]
    )
    created, errors = services.import_enterprises(user=users["reporter_a"], data=bad)
    text = [str(e) for e in errors]
    assert not created and not Enterprise.objects.exists()
    assert any(e.row == 3 and e.column == str(xlsx.ENTERPRISE_COLUMNS[1][1]) for e in errors), text
    assert any(e.row == 3 and e.column == str(xlsx.ENTERPRISE_COLUMNS[2][1]) for e in errors), text  # not their unit
    assert any(e.row == 3 and e.column == str(xlsx.ENTERPRISE_COLUMNS[4][1]) for e in errors), text
    assert all(text_.startswith("第") for text_ in text), text  # Chinese, naming the row
    good = _workbook(
        [with_titles, ["=甲公司", CODE.lower(), "T01", "C", "小型"], ["乙公司", None, "城关镇", "", "micro"]]
    )
    created, errors = services.import_enterprises(user=users["reporter_a"], data=good)
    assert not errors and len(created) == 2
    ent = Enterprise.objects.get(credit_code=CODE)
    assert ent.name == "=甲公司" and ent.size == "small" and ent.industry == "C"
    # Demands: by credit code or name, a department by code; an unknown department stops the whole file.
    titles = [str(title) for _name, title in xlsx.DEMAND_COLUMNS]
    rows = [
        titles,
        ["", CODE, "用地", "扩建", "D01", "2026-01-05", "2026-02-05"],
        ["乙公司", "", "融资", "贷款", "X99", "2026-02-01", "2026-03-01"],
    ]
    created, errors = services.import_demands(user=users["reporter_a"], data=_workbook(rows))
    assert not created and [(e.row, e.column) for e in errors] == [(3, str(xlsx.DEMAND_COLUMNS[4][1]))]
    rows[2][4] = "县发改局"
    created, errors = services.import_demands(user=users["reporter_a"], data=_workbook(rows))
    assert not errors and len(created) == 2
    assert {(d.enterprise.name, d.category) for d in created} == {("=甲公司", "land"), ("乙公司", "finance")}
    # Another unit's reporter cannot import demands for these enterprises.
    created, errors = services.import_demands(user=users["reporter_b"], data=_workbook(rows))
    assert not created and errors
    # The exports: formula-looking text stays text, the filtered rows only.
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("liaison:list") + "?format=xlsx").content))
    sheet = book.active
    assert sheet.cell(2, 1).value == "=甲公司" and sheet.cell(2, 1).data_type == "s"
    assert sheet.max_row == 3
    response = client.get(reverse("liaison:demands") + "?category=finance&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 2 and sheet.cell(2, 1).value == "乙公司"
    # The import page refuses what is not a workbook, naming the problem.
    upload = io.BytesIO(b"not a workbook")
    upload.name = "x.xlsx"
    response = client.post(reverse("liaison:import"), {"file": upload})
    assert response.status_code == 200 and response.context["errors"]


def test_demo_writes_a_ledger_that_follows_the_rule(units, users, today):
    by_code = {unit.code: unit for unit in units.values()}
    count = build_demo(rng=random.Random(7), units=by_code, users=users, today=today)
    assert count == Demand.objects.count() > 0 and Enterprise.objects.count() == 40
    for d in Demand.objects.all():
        assert (d.status == DemandStatus.CLOSED) == rules.is_closed(d)
        assert d.department.category in ("department", "vertical")
    assert Demand.objects.filter(rules.overdue_q(today)).exists()
    for e in Enterprise.objects.exclude(credit_code=None):
        assert credit_code.is_valid(e.credit_code)


def test_the_pages_from_enterprise_to_demand(
    client, users, units, reporter_d, today, django_capture_on_commit_callbacks
):
    from zhaoshang.persons.models import Person

    cadre = Person.objects.create(name="李干部", unit=units["a"], post="副镇长")
    client.force_login(users["reporter_a"])
    for url in (reverse("liaison:list"), reverse("liaison:enterprise_create"), reverse("liaison:demands")):
        assert client.get(url).status_code == 200
    response = client.post(
        reverse("liaison:enterprise_create"),
        {"name": "瑞丰食品有限公司", "unit": units["a"].pk, "size": "medium", "industry": "C"},
    )
    ent = Enterprise.objects.get(name="瑞丰食品有限公司")
    assert response.status_code == 302 and ent.history.first().history_user == users["reporter_a"]
    client.post(reverse("liaison:liaison_add", args=[ent.pk]), {"cadre": cadre.pk, "since": today.isoformat()})
    assert list(ent.liaisons.values_list("cadre__name", "active")) == [("李干部", True)]
    assert client.get(reverse("liaison:visit_create", args=[ent.pk])).status_code == 200
    client.post(
        reverse("liaison:visit_create", args=[ent.pk]),
        {"date": today.isoformat(), "visitors": "李干部", "cadre": cadre.pk, "raised": "用工短缺"},
    )
    visit = ent.visits.get()
    url = reverse("liaison:demand_create", args=[ent.pk]) + f"?visit={visit.pk}"
    assert client.get(url).status_code == 200
    data = {
        "category": "labour",
        "description": "招聘工人50名",
        "department": units["dept"].pk,
        "visit": visit.pk,
        "raised_on": today.isoformat(),
        "deadline": (today - dt.timedelta(days=1)).isoformat(),
    }
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["form"].errors.get("deadline")
    data["deadline"] = (today + dt.timedelta(days=20)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    d = Demand.objects.get()
    assert response.status_code == 302 and (d.visit, d.recorded_by, d.status) == (visit, users["reporter_a"], "open")
    # The department is told of the demand assigned to it.
    assert Notification.objects.filter(user=reporter_d, key__contains="assigned").exists()
    page = client.get(reverse("liaison:enterprise", args=[ent.pk])).content.decode()
    assert "李干部" in page and "用工短缺" in page and "招聘工人50名" in page
    # A new deadline through the edit page starts the escalation again.
    Demand.objects.filter(pk=d.pk).update(escalation=DemandEscalation.DEPARTMENT, escalated_on=today)
    assert client.get(reverse("liaison:demand_edit", args=[d.pk])).status_code == 200
    client.post(
        reverse("liaison:demand_edit", args=[d.pk]), {**data, "deadline": (today + dt.timedelta(days=30)).isoformat()}
    )
    d.refresh_from_db()
    assert (d.deadline, d.escalation) == (today + dt.timedelta(days=30), DemandEscalation.NONE)
    page = client.get(reverse("liaison:demand", args=[d.pk])).content.decode()
    assert 'id="close-form"' in page and 'id="progress-form"' in page
    liaison = ent.liaisons.get()
    client.post(reverse("liaison:liaison_end", args=[liaison.pk]))
    liaison.refresh_from_db()
    assert not liaison.active
