"""Issue 11 part 2: one investor register edited by the bureau; contacts are each project's own facts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from zhaoshang.projects import investors, services
from zhaoshang.projects.models import Investor, InvestorSpelling, Project

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


# --- issue 17: credit codes, spellings, flagged investors, merging ---------------------------------------

CODE_A = "91350100M000100Y43"
CODE_B = "91440300708461136T"


@pytest.mark.django_db
def test_one_investor_per_code_whatever_the_name():
    first = services.get_or_create_investor(name="远航科技有限公司", credit_code=CODE_A)
    again = services.get_or_create_investor(name="远航科技(深圳)有限责任公司", credit_code=" 91350100m000100y43 ")
    assert again == first and again.name == "远航科技有限公司"
    assert list(first.spellings.values_list("name", flat=True)) == ["远航科技(深圳)有限责任公司"]
    assert first.spellings.get().key == "远航科技"


@pytest.mark.django_db
def test_a_name_registered_with_another_code_is_refused():
    services.get_or_create_investor(name="远航科技有限公司", credit_code=CODE_A)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        services.get_or_create_investor(name="远航科技有限公司", credit_code=CODE_B)
    message = " ".join(raised.value.messages)
    assert CODE_A in message and CODE_B in message and "远航科技有限公司" in message


@pytest.mark.django_db
def test_an_invalid_code_is_refused_and_a_missing_code_is_filled_in(users):
    with pytest.raises(ValidationError):
        services.get_or_create_investor(name="甲公司", credit_code="91350100M000100Y44")
    assert not Investor.objects.exists()
    plain = services.get_or_create_investor(name="甲公司")
    assert plain.credit_code is None
    same = services.get_or_create_investor(name="甲公司", credit_code=CODE_A, user=users["reporter_a"])
    assert same == plain and Investor.objects.get().credit_code == CODE_A
    assert same.history.first().history_user == users["reporter_a"]


@pytest.mark.django_db
def test_project_form_takes_a_credit_code_with_chinese_reasons(client, users, units):
    client.force_login(users["reporter_a"])
    credit = {"credit-0-unit": str(units["a"].pk), "credit-0-share": "100"}
    response = client.post(
        "/projects/new/",
        _create_form(units, "CC1", investor_name="乙公司", investor_credit_code="91350100M000100Y44", **credit),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200 and not Project.objects.exists()
    assert "校验" in response.content.decode()
    form = _create_form(
        units, "CC1", investor_name="乙公司", investor_credit_code="９１３５０１００Ｍ０００１００Ｙ４３", **credit
    )
    assert client.post("/projects/new/", form).status_code == 302
    assert Project.objects.get(code="CC1").investor.credit_code == CODE_A
    # another unit types the company another way with the same code: the same investor, the spelling kept
    client.force_login(users["reporter_b"])
    form = _create_form(
        units, "CC2", investor_name="乙有限公司", investor_credit_code=CODE_A,
        **{"credit-0-unit": str(units["b"].pk), "credit-0-share": "100"},
    )  # fmt: skip
    assert client.post("/projects/new/", form).status_code == 302
    assert Project.objects.get(code="CC2").investor == Project.objects.get(code="CC1").investor
    assert InvestorSpelling.objects.get().name == "乙有限公司"


def _flag_fixture(make_project, units):
    one = services.get_or_create_investor(name="华能电子有限公司", credit_code=CODE_A)
    two = services.get_or_create_investor(name="浙江華能電子股份有限公司")
    p1 = make_project(units["a"], investor=None)
    p2 = make_project(units["b"])
    Project.objects.filter(pk=p1.pk).update(investor=one)
    Project.objects.filter(pk=p2.pk).update(investor=two)
    wide = services.get_or_create_investor(name="远航科技有限公司")
    p3, p4 = make_project(units["a"]), make_project(units["dept"])
    Project.objects.filter(pk__in=[p3.pk, p4.pk]).update(investor=wide)
    spelled = services.get_or_create_investor(name="星辰材料有限公司", credit_code=CODE_B)
    for name in ("星辰材料公司", "星辰新材料有限公司"):
        services.get_or_create_investor(name=name, credit_code=CODE_B)
    return one, two, wide, spelled


@pytest.mark.django_db
def test_flagged_investors_three_reasons(make_project, units, users, django_assert_max_num_queries):
    one, two, wide, spelled = _flag_fixture(make_project, units)
    with django_assert_max_num_queries(8):
        flagged = investors.flagged_investors(user=users["leader"])
        same = [[i.pk for i in group.investors] for group in flagged.same_company]
        many = [group.investors[0].pk for group in flagged.many_units]
        spellings = [group.investors[0].pk for group in flagged.many_spellings]
    assert [one.pk, two.pk] in same
    assert many == [wide.pk]
    assert spellings == [spelled.pk]


@pytest.mark.django_db
def test_flagged_page_for_county_readers_not_reporters(client, make_project, units, users):
    _flag_fixture(make_project, units)
    for role in ("reporter_a", "reporter_b"):
        client.force_login(users[role])
        assert client.get("/projects/investors/flagged/").status_code == 403
        response = client.post("/projects/investors/merge/", {"keep": "1", "drop": "2"})
        assert response.status_code in (403, 404)
    client.force_login(users["leader"])
    page = client.get("/projects/investors/flagged/").content.decode()
    assert "華能電子" in page and "远航科技有限公司" in page and "星辰新材料有限公司" in page
    assert "/projects/investors/merge/" not in page
    client.force_login(users["bureau"])
    assert "/projects/investors/merge/" in client.get("/projects/investors/flagged/").content.decode()
    assert "/projects/investors/flagged/" in client.get("/projects/investors/").content.decode()


@pytest.mark.django_db
def test_merge_moves_projects_and_spellings_with_history(client, make_project, units, users):
    one, two, _wide, _spelled = _flag_fixture(make_project, units)
    services.record_spelling(two, "華能電子公司")
    moved = Project.objects.get(investor=two)
    history_before = moved.history.count()
    client.force_login(users["bureau"])
    response = client.post("/projects/investors/merge/", {"keep": str(two.pk), "drop": str(one.pk)})
    assert response.status_code == 302
    assert not Investor.objects.filter(pk=one.pk).exists()
    two.refresh_from_db()
    assert two.credit_code == CODE_A  # the code kept
    assert Project.objects.filter(investor=two).count() == 2
    assert set(two.spellings.values_list("name", flat=True)) == {"華能電子公司", "华能电子有限公司"}
    assert moved.history.count() == history_before  # was already two's
    other = Project.objects.filter(investor=two).exclude(pk=moved.pk).get()
    assert other.history.first().history_user == users["bureau"] and other.history.first().investor_id == two.pk
    assert Investor.history.filter(id=one.pk, history_type="-").get().history_user == users["bureau"]


@pytest.mark.django_db
def test_merge_refuses_two_codes_and_reporters(users):
    a = services.get_or_create_investor(name="甲公司", credit_code=CODE_A)
    b = services.get_or_create_investor(name="甲有限公司", credit_code=CODE_B)
    with pytest.raises(ValidationError):
        services.merge_investors(user=users["bureau"], keep=a, drop=b)
    with pytest.raises(PermissionDenied):
        services.merge_investors(user=users["reporter_a"], keep=a, drop=b)
    assert Investor.objects.count() == 2


@pytest.mark.django_db
def test_bureau_sets_a_credit_code_on_the_edit_page(client, users):
    investor = services.get_or_create_investor(name="甲公司")
    client.force_login(users["bureau"])
    url = f"/projects/investors/{investor.pk}/edit/"
    data = {"name": "甲公司", "kind": "enterprise", "origin": "", "credit_code": "91350100M000100Y44"}
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200, response.get("Location")
    assert "第 18 位校验位应为 3" in response.content.decode()
    data["credit_code"] = "91350100m000100y43"
    assert client.post(url, data).status_code == 302
    investor.refresh_from_db()
    assert investor.credit_code == CODE_A
    assert investor.history.first().history_user == users["bureau"]
    assert CODE_A in client.get("/projects/investors/").content.decode()


@pytest.mark.django_db
def test_two_credit_codes_are_two_companies_however_alike_the_names(make_project, units, users):
    services.get_or_create_investor(name="上海东升智能科技有限公司", credit_code=CODE_A)
    services.get_or_create_investor(name="东莞东升智能科技有限公司", credit_code=CODE_B)
    assert investors.same_company_groups() == {}
    services.get_or_create_investor(name="东升智能科技有限公司")  # no code: either of them
    assert investors.same_company_groups() == {}  # still two codes in the group: not for a merge


@pytest.mark.django_db
def test_one_project_shared_by_units_is_not_an_investor_in_many_units(make_project, units, users):
    shared = services.get_or_create_investor(name="远航科技有限公司")
    project = services.create_project(
        user=users["bureau"],
        data={"code": "SH-1", "name": "共享项目", "responsible_unit": units["dept"]},
        credits=[(units["a"], Decimal("60")), (units["b"], Decimal("40"))],
        investor=shared,
    )
    assert project.investor == shared
    assert investors.units_per_investor(2) == {}  # one project, shared: no double claim
    make_project(units["b"], code="SH-2", name="第二个项目")
    Project.objects.filter(code="SH-2").update(investor=shared)
    assert investors.units_per_investor(2) == {shared.pk: 2}
