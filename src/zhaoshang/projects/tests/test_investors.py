"""Issue 11 part 2: one investor register edited by the bureau; contacts are each project's own facts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from zhaoshang.projects import services
from zhaoshang.projects.models import Project

D = Decimal


def _create_form(units, code, **fields):
    return {
        "code": code,
        "name": f"项目{code}",
        "capital_type": "domestic",
        "currency": "CNY",
        "kind": "industrial",
        "planned_investment": "100",
        "contract_amount": "0",
        "credit-TOTAL_FORMS": "1",
        "credit-INITIAL_FORMS": "0",
        "credit-MIN_NUM_FORMS": "1",
        "credit-MAX_NUM_FORMS": "10",
        **fields,
    }


@pytest.mark.django_db
def test_reporter_b_reusing_a_investor_sees_no_contacts_and_changes_nothing(client, users, units):
    client.force_login(users["reporter_a"])
    form = _create_form(
        units,
        "IA",
        investor_name="远航科技有限公司",
        investor_origin="深圳",
        contact_person="张经理",
        contact_phone="13800000001",
        **{"credit-0-unit": str(units["a"].pk), "credit-0-share": "100"},
    )
    assert client.post("/projects/new/", form).status_code == 302
    a_project = Project.objects.get(code="IA")
    assert (a_project.contact_person, a_project.contact_phone) == ("张经理", "13800000001")
    investor = a_project.investor
    history_before = investor.history.count()

    client.force_login(users["reporter_b"])
    page = client.get("/projects/new/").content.decode()
    assert "张经理" not in page and "13800000001" not in page
    form = _create_form(
        units,
        "IB",
        investor_name="远航科技有限公司",
        investor_origin="杭州",
        contact_person="李总",
        contact_phone="13900000002",
        **{"credit-0-unit": str(units["b"].pk), "credit-0-share": "100"},
    )
    assert client.post("/projects/new/", form).status_code == 302
    b_project = Project.objects.get(code="IB")
    assert b_project.investor_id == investor.pk
    # B's edit form and page show the investor's name and origin, and B's own contacts, never A's.
    for url in (f"/projects/{b_project.pk}/edit/", f"/projects/{b_project.pk}/"):
        page = client.get(url).content.decode()
        assert "远航科技有限公司" in page and "李总" in page
        assert "张经理" not in page and "13800000001" not in page
    assert client.get(f"/projects/{a_project.pk}/").status_code == 404
    # The register and A's project are unchanged.
    investor.refresh_from_db()
    a_project.refresh_from_db()
    assert investor.origin == "深圳" and investor.history.count() == history_before
    assert (a_project.contact_person, a_project.contact_phone) == ("张经理", "13800000001")
    # The API shows the investor's name only.
    data = client.get(f"/api/projects/{b_project.pk}/").json()
    assert data["investor"] == "远航科技有限公司" and "张经理" not in str(data)


@pytest.mark.django_db
def test_only_bureau_edits_the_register_with_history(client, users):
    investor = services.get_or_create_investor(name="远航科技有限公司", origin="深圳")
    client.force_login(users["reporter_a"])
    assert client.get("/projects/investors/").status_code == 200
    assert client.get(f"/projects/investors/{investor.pk}/edit/").status_code == 403
    post = {"name": "远航科技有限公司", "kind": "individual", "origin": "广州"}
    assert client.post(f"/projects/investors/{investor.pk}/edit/", post).status_code == 403
    with pytest.raises(PermissionDenied):
        services.update_investor(user=users["reporter_a"], investor=investor, data={"origin": "X"})
    client.force_login(users["bureau"])
    page = client.get("/projects/investors/").content.decode()
    assert "远航科技有限公司" in page and f"/projects/investors/{investor.pk}/edit/" in page
    assert client.post(f"/projects/investors/{investor.pk}/edit/", post).status_code == 302
    investor.refresh_from_db()
    assert (investor.kind, investor.origin) == ("individual", "广州")
    latest = investor.history.first()
    assert latest.history_user == users["bureau"] and latest.origin == "广州"
    assert "深圳" in client.get(f"/projects/investors/{investor.pk}/edit/").content.decode()  # the history


@pytest.mark.django_db(transaction=True)
def test_migration_copies_investor_contacts_onto_each_project():
    executor = MigrationExecutor(connection)
    before, after = [("projects", "0008_defaults_from_clock")], [("projects", "0009_investor_register")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    investor = old.get_model("projects", "Investor").objects.create(
        name="老客商", origin="上海", contact_person="王五", contact_phone="021-1"
    )
    OldProject = old.get_model("projects", "Project")
    first = OldProject.objects.create(code="M1", name="一", investor_id=investor.pk)
    second = OldProject.objects.create(code="M2", name="二", investor_id=investor.pk)
    none = OldProject.objects.create(code="M3", name="三")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    NewProject = new.get_model("projects", "Project")
    contacts = dict(NewProject.objects.values_list("code", "contact_person"))
    assert contacts == {"M1": "王五", "M2": "王五", "M3": ""}
    assert NewProject.objects.get(pk=second.pk).contact_phone == "021-1"
    assert not hasattr(new.get_model("projects", "Investor")(), "contact_person")
    assert {first.pk, second.pk, none.pk} == set(NewProject.objects.values_list("pk", flat=True))
    # Leave the database at the latest migration for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
