"""Issue 14, parts 4 and 5: leaders' links and home, reminders to the linked leader, the 项目保姆 rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from zhaoshang.leaders import services
from zhaoshang.leaders.models import LeaderLink
from zhaoshang.notifications.services import recipients
from zhaoshang.organization.models import Unit
from zhaoshang.persons.models import Person
from zhaoshang.projects import rules
from zhaoshang.projects import services as project_services
from zhaoshang.projects.models import Project, StewardRule

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def people(units, users):
    """张县长 (a county leader with the leader's account), 李副县长 (another leader, no links), heads of 城关镇
    and 县发改局."""
    zhang = Person.objects.create(name="张县长", unit=units["county"], level="county", user=users["leader"])
    other_user = type(users["leader"]).objects.create_user(username="leader2", password="x-pass-word-1", role="leader")
    li = Person.objects.create(name="李副县长", unit=units["county"], level="county", user=other_user)
    town_head = Person.objects.create(name="王镇长", unit=units["a"], level="section")
    dept_head = Person.objects.create(name="赵局长", unit=units["dept"], level="section")
    return {"zhang": zhang, "li": li, "town_head": town_head, "dept_head": dept_head}


@pytest.fixture
def county(units, users, people, make_project):
    """城关镇 (a) is linked to 张县长; P-A (城关镇), P-S (its section), P-B (河口乡, led by 张县长), P-C (河口乡, led
    by 李副县长), P-D (县发改局)."""
    services.set_links(user=users["bureau"], person=people["zhang"], units=[units["a"]])
    projects = {
        "A": make_project(units["a"], code="P-A", planned_investment=D("500")),
        "S": make_project(units["a_section"], code="P-S", planned_investment=D("800")),
        "B": make_project(units["b"], code="P-B", planned_investment=D("20000")),
        "C": make_project(units["b"], code="P-C", planned_investment=D("30000")),
        "D": make_project(units["dept"], code="P-D", planned_investment=D("100")),
    }
    Project.objects.filter(pk=projects["B"].pk).update(leader=people["zhang"])
    Project.objects.filter(pk=projects["C"].pk).update(leader=people["li"])
    return projects


def codes(rows) -> list[str]:
    return sorted(row["project"].code for row in rows)


# --- leaders' links and home -----------------------------------------------------------------------------


def test_a_leader_sees_exactly_their_projects_and_linked_units(client, users, county):
    client.force_login(users["leader"])
    response = client.get(reverse("leaders:home"))
    assert response.status_code == 200
    data = response.context["data"]
    # 城关镇 and its section (linked), P-B (led); not P-C (another leader's) nor P-D (an unlinked department).
    assert codes(data.rows) == ["P-A", "P-B", "P-S"] and data.count == 3
    assert [u["unit"].name for u in data.units] == ["城关镇"]
    town = data.units[0]
    assert town["count"] == 2 and town["planned"] == D("1300.00")
    assert data.own["count"] == 1 and data.own["planned"] == D("20000.00")
    html = response.content.decode()
    assert "P-A" in html and "P-B" in html and "P-C" not in html and "P-D" not in html
    # Each figure links to the ledger rows it counts.
    ledger = client.get(town["url"])
    assert ledger.context["totals"]["count"] == 2 and ledger.context["totals"]["planned"] == D("1300.00")
    own = client.get(data.own["url"])
    assert own.context["totals"]["count"] == 1 and own.context["totals"]["planned"] == D("20000.00")


def test_the_api_gives_the_same_projects(client, users, county, people):
    client.force_login(users["leader"])
    body = client.get("/api/leaders/home/").json()
    assert body["person"] == people["zhang"].pk and body["count"] == 3
    assert sorted(p["code"] for p in body["projects"]) == ["P-A", "P-B", "P-S"]
    assert [u["code"] for u in body["units"]] == ["T01"]
    assert [p["own"] for p in body["projects"] if p["code"] == "P-B"] == [True]
    # Another leader: only their own project.
    client.force_login(people["li"].user)
    body = client.get("/api/leaders/home/").json()
    assert [p["code"] for p in body["projects"]] == ["P-C"] and body["units"] == []
    # An account with no person: 404.
    client.force_login(users["bureau"])
    assert client.get("/api/leaders/home/").status_code == 404


def test_overdue_projects_come_first(client, users, county, today):
    from zhaoshang.scheduling.models import CoordinationItem

    CoordinationItem.objects.create(
        project=county["S"], description="用地指标", deadline=today - dt.timedelta(days=3), department=None
    )
    client.force_login(users["leader"])
    data = client.get(reverse("leaders:home")).context["data"]
    assert data.rows[0]["project"].code == "P-S" and "item" in data.rows[0]["overdue"]
    assert data.overdue["items"]["count"] == 1


def test_a_leader_logs_in_to_their_home_and_without_a_person_is_told(client, users):
    client.force_login(users["leader"])
    assert client.get("/").url == "/leaders/home/"
    response = client.get("/leaders/home/")
    assert response.status_code == 200 and response.context["data"] is None


def test_links_need_a_county_level_person_with_an_account(users, units, people):
    with pytest.raises(ValidationError) as error:
        services.set_links(user=users["bureau"], person=people["town_head"], units=[units["b"]])
    assert "王镇长" in str(error.value)
    assert not LeaderLink.objects.exists()
    links = services.set_links(user=users["bureau"], person=people["zhang"], units=[units["a"], units["b"]])
    assert sorted(link.unit.code for link in links) == ["T01", "T02"]
    links = services.set_links(user=users["bureau"], person=people["zhang"], units=[units["b"]])
    assert [link.unit.code for link in links] == ["T02"]


def test_the_bureau_sets_links_on_the_page(client, users, units, people):
    client.force_login(users["bureau"])
    assert client.get(reverse("leaders:list")).status_code == 200
    response = client.post(reverse("leaders:links", args=[people["zhang"].pk]), {"units": [units["b"].pk]})
    assert response.status_code == 302
    assert list(LeaderLink.objects.values_list("unit__code", flat=True)) == ["T02"]
    client.force_login(users["leader"])
    assert client.get(reverse("leaders:list")).status_code == 403


# --- reminders ------------------------------------------------------------------------------------------


def test_reminders_reach_the_linked_leader_account_and_never_a_name_match(users, people):
    targets, _ = recipients(unit_ids=[], user_ids=[users["leader"].pk])
    assert {t.user for t in targets if t.user} == {users["leader"]}
    # With no account the caller asks for the bureau (scheduling's reminders): the bureau, no leader.
    targets, _ = recipients(unit_ids=[], to_bureau=True)
    assert {t.user.username for t in targets if t.user} == {"bureau"}


# --- 项目保姆 ---------------------------------------------------------------------------------------------


@pytest.fixture
def heads(users, units, people):
    services.set_head(user=users["bureau"], unit=units["a"], person=people["town_head"])
    services.set_head(user=users["bureau"], unit=units["dept"], person=people["dept_head"])


def new_project(users, units, django_capture_on_commit_callbacks, planned, credits=None, **data):
    credits = credits or [(units["a_section"], D("60")), (units["dept"], D("40"))]
    with django_capture_on_commit_callbacks(execute=True):
        return project_services.create_project(
            user=users["bureau"],
            data={"code": f"N{planned}", "name": "新项目", "planned_investment": planned, **data},
            credits=credits,
        )


def test_a_project_below_the_threshold_gets_the_township_and_department_heads(
    users, units, people, heads, django_capture_on_commit_callbacks
):
    # Credited to 城关镇招商办 (a section of 城关镇) and 县发改局; 9999.99 is below 1亿.
    project = new_project(users, units, django_capture_on_commit_callbacks, D("9999.99"))
    assert sorted(p.name for p in project.steward_persons.all()) == ["王镇长", "赵局长"]
    # At the threshold (以上 includes it): no default stewards.
    project = new_project(users, units, django_capture_on_commit_callbacks, D("10000"))
    assert not project.steward_persons.exists()


def test_the_threshold_and_the_switch_come_from_the_county_rule(
    users, units, people, heads, django_capture_on_commit_callbacks
):
    rule = services.save_rule(user=users["bureau"], rule=StewardRule.load(), data={"threshold": D("500")})
    assert StewardRule.load().threshold == D("500.00")
    project = new_project(users, units, django_capture_on_commit_callbacks, D("600"))
    assert not project.steward_persons.exists()
    services.save_rule(user=users["bureau"], rule=rule, data={"threshold": D("10000"), "default_stewards": False})
    project = new_project(users, units, django_capture_on_commit_callbacks, D("700"))
    assert not project.steward_persons.exists()
    with pytest.raises(ValidationError):
        services.save_rule(user=users["bureau"], rule=rule, data={"threshold": D("0")})


def test_signing_at_the_threshold_needs_a_county_leader(users, units, people, make_project, today):
    services.save_rule(user=users["bureau"], rule=StewardRule.load(), data={"leader_required": True})
    at = make_project(units["a"], code="AT", planned_investment=D("10000"))
    below = make_project(units["a"], code="BELOW", planned_investment=D("9999.99"))
    with pytest.raises(ValidationError) as error, translation.override("zh-hans"):
        project_services.record_stage(user=users["bureau"], project=at, stage="signed", date=today, amount=D("1"))
    assert error.value.messages == [
        "项目AT计划投资10000.00万元，在10000.00万元以上：须先明确包抓县领导，才能标记为已签约。"
    ]
    assert not at.stage_events.filter(stage="signed").exists()
    project_services.record_stage(user=users["bureau"], project=below, stage="signed", date=today, amount=D("1"))
    at.leader = people["zhang"]
    at.save()
    project_services.record_stage(user=users["bureau"], project=at, stage="signed", date=today, amount=D("1"))
    assert Project.objects.get(pk=at.pk).stage == "signed"


def test_the_switch_lets_a_big_project_sign_without_a_leader(users, units, make_project, today):
    # Off until the bureau switches it on (the leaders of a county's projects are linked after an upgrade).
    assert StewardRule.load().leader_required is False and StewardRule.load().default_stewards is True
    big = make_project(units["a"], code="BIG", planned_investment=D("50000"))
    project_services.record_stage(user=users["bureau"], project=big, stage="signed", date=today, amount=D("1"))
    assert Project.objects.get(pk=big.pk).stage == "signed"


def test_the_ledger_flags_projects_missing_their_steward_or_leader(client, users, units, people, make_project):
    make_project(units["a"], code="SMALL", planned_investment=D("9999.99"))  # no steward (no heads set)
    cared = make_project(units["a"], code="CARED", planned_investment=D("100"))
    cared.steward_persons.add(people["town_head"])
    make_project(units["a"], code="BIGNONE", planned_investment=D("10000"))  # no leader
    led = make_project(units["a"], code="BIGLED", planned_investment=D("20000"))
    Project.objects.filter(pk=led.pk).update(leader=people["zhang"])
    client.force_login(users["bureau"])
    steward = client.get(reverse("projects:ledger") + "?missing=steward")
    assert [p.code for p in steward.context["table"].page.object_list.data] == ["SMALL"]
    assert steward.context["totals"]["count"] == 1
    leader = client.get(reverse("projects:ledger") + "?missing=leader")
    assert [p.code for p in leader.context["table"].page.object_list.data] == ["BIGNONE"]
    html = client.get(reverse("projects:ledger")).content.decode()
    assert html.count("care-flag") == 2


def test_the_flag_rules_agree_in_python_and_the_database(users, units, people, make_project):
    """Parity: each project's Python predicate against its ORM form, at and around the threshold."""
    threshold = D("10000")
    for code, planned, leader, steward in [
        ("R1", D("9999.99"), False, False),
        ("R2", D("9999.99"), False, True),
        ("R3", D("10000"), False, False),
        ("R4", D("10000"), True, False),
        ("R5", D("10000.01"), False, True),
        ("R6", D("0"), True, False),
    ]:
        project = make_project(units["a"], code=code, planned_investment=planned)
        if leader:
            Project.objects.filter(pk=project.pk).update(leader=people["zhang"])
        if steward:
            project.steward_persons.add(people["town_head"])
    for project in Project.objects.all():
        facts = {
            "planned_investment": project.planned_investment,
            "leader_id": project.leader_id,
            "steward_ids": list(project.steward_persons.values_list("pk", flat=True)),
        }
        in_db_leader = Project.objects.filter(rules.missing_leader_q(threshold), pk=project.pk).exists()
        in_db_steward = Project.objects.filter(rules.missing_steward_q(threshold), pk=project.pk).exists()
        assert rules.missing_leader(facts, threshold) == in_db_leader, project.code
        assert rules.missing_steward(facts, threshold) == in_db_steward, project.code
    assert sorted(Project.objects.filter(rules.missing_leader_q(threshold)).values_list("code", flat=True)) == [
        "R3",
        "R5",
    ]
    assert sorted(Project.objects.filter(rules.missing_steward_q(threshold)).values_list("code", flat=True)) == [
        "R1",
        "R6",
    ]


def test_a_head_must_belong_to_the_unit(users, units, people):
    with pytest.raises(ValidationError) as error:
        services.set_head(user=users["bureau"], unit=units["b"], person=people["town_head"])
    assert "河口乡" in str(error.value)
    assert not Unit.objects.filter(pk=units["b"].pk, head__isnull=False).exists()


def test_a_units_reporter_gets_no_leaders_home(client, users, units, county):
    Person.objects.create(name="报送员", unit=units["a"], level="staff", user=users["reporter_a"])
    client.force_login(users["reporter_a"])
    assert client.get(reverse("leaders:home"))["Location"] == reverse("projects:ledger")
    assert client.get("/api/leaders/home/").status_code == 404
