"""The name tables page (名称对照): bureau staff only; adding and removing go through the services, into history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhaoshang.organization.models import UnitAlias
from zhaoshang.persons.models import Person, PersonAlias
from zhaoshang.projects.models import StageWord
from zhaoshang.transfer.mappings import save_mapping
from zhaoshang.transfer.models import SourceMapping

pytestmark = pytest.mark.django_db
PAGE = reverse("transfer:aliases")


def remove_url(kind, pk):
    return reverse("transfer:alias_remove", args=[kind, pk])


@pytest.fixture
def mapping(users):
    return save_mapping(
        name="城关镇月报",
        columns=[{"header": "序号", "field": ""}, {"header": "项目名称", "field": "name"}],
        options={},
        user=users["bureau"],
    )


@pytest.mark.parametrize("role", ["bureau", "admin"])
def test_bureau_staff_see_the_tables(client, users, units, mapping, role):
    UnitAlias.objects.create(alias="城关", unit=units["a"])
    client.force_login(users[role])
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "名称对照" in page
    assert "城关镇" in page and "城关镇月报" in page
    assert "在建" in page  # the seeded status words
    assert reverse("transfer:aliases") in client.get(reverse("transfer:import")).content.decode()


@pytest.mark.parametrize("role", ["reporter_a", "leader", "supervisor"])
def test_others_are_refused(client, users, units, mapping, role):
    alias = UnitAlias.objects.create(alias="城关", unit=units["a"])
    client.force_login(users[role])
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"action": "word", "word-word": "在谈", "word-target": "dropped"}).status_code == 403
    assert client.post(remove_url("unit", alias.pk)).status_code == 403
    assert client.post(remove_url("mapping", mapping.pk)).status_code == 403
    assert UnitAlias.objects.filter(pk=alias.pk).exists() and SourceMapping.objects.exists()
    assert StageWord.objects.get(word="在谈").target == "negotiating"
    assert PAGE not in client.get(reverse("projects:ledger")).content.decode()


def test_add_and_remove_a_unit_alias(client, users, units):
    client.force_login(users["bureau"])
    response = client.post(PAGE, {"action": "unit", "unit-alias": "城关（盖章）", "unit-unit": units["a"].pk})
    assert response.status_code == 302
    alias = UnitAlias.objects.get()
    assert (alias.alias, alias.unit, alias.created_by) == ("城关", units["a"], users["bureau"])
    assert client.post(remove_url("unit", alias.pk)).status_code == 302
    assert not UnitAlias.objects.exists()
    assert [(h.history_type, h.history_user) for h in UnitAlias.history.order_by("history_id")] == [
        ("+", users["bureau"]),
        ("-", users["bureau"]),
    ]


def test_a_refused_alias_is_explained_on_the_page(client, users, units):
    client.force_login(users["bureau"])
    response = client.post(PAGE, {"action": "unit", "unit-alias": "河口乡", "unit-unit": units["a"].pk})
    assert response.status_code == 200
    assert "河口乡" in response.context["unit_form"].non_field_errors()[0]
    assert not UnitAlias.objects.exists()


def test_add_and_remove_a_person_alias(client, users, units):
    person = Person.objects.create(name="陈明", unit=units["county"], post="副县长")
    client.force_login(users["bureau"])
    client.post(PAGE, {"action": "person", "person-alias": "陈县长", "person-person": person.pk})
    alias = PersonAlias.objects.get()
    assert alias.person == person
    assert "陈县长" in client.get(PAGE).content.decode()
    client.post(remove_url("person", alias.pk))
    assert not PersonAlias.objects.exists()
    assert PersonAlias.history.latest("history_id").history_type == "-"


def test_add_change_and_remove_a_status_word(client, users):
    client.force_login(users["bureau"])
    client.post(PAGE, {"action": "word", "word-word": "手续办理中", "word-target": "intention"})
    assert StageWord.objects.get(word="手续办理中").target == "intention"
    client.post(PAGE, {"action": "word", "word-word": "手续办理中", "word-target": "negotiating"})
    word = StageWord.objects.get(word="手续办理中")
    assert word.target == "negotiating"
    client.post(remove_url("word", word.pk))
    assert not StageWord.objects.filter(word="手续办理中").exists()
    history = StageWord.history.filter(word="手续办理中").order_by("history_id")
    assert [h.history_type for h in history] == ["+", "~", "-"]
    assert {h.history_user for h in history} == {users["bureau"]}


def test_delete_a_mapping(client, users, mapping):
    client.force_login(users["bureau"])
    assert client.post(remove_url("mapping", mapping.pk)).status_code == 302
    assert not SourceMapping.objects.exists()
    assert SourceMapping.history.latest("history_id").history_user == users["bureau"]


def test_unknown_kinds_and_gets_are_refused(client, users, units):
    alias = UnitAlias.objects.create(alias="城关", unit=units["a"])
    client.force_login(users["bureau"])
    assert client.post(remove_url("nothing", alias.pk)).status_code == 404
    assert client.get(remove_url("unit", alias.pk)).status_code == 405
    assert UnitAlias.objects.exists()


def test_what_users_typed_is_escaped(client, users, units):
    client.force_login(users["bureau"])
    client.post(PAGE, {"action": "unit", "unit-alias": "<b>经开区</b>", "unit-unit": units["a"].pk})
    page = client.get(PAGE).content.decode()
    assert "&lt;b&gt;经开区&lt;/b&gt;" in page and "<b>经开区</b>" not in page
