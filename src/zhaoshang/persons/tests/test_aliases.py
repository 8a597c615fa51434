"""Persons by the names counties write: titles stripped, aliases confirmed once, shared names never guessed."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.persons.aliases import PersonResolver, confirm_alias, remove_alias, resolve_person
from zhaoshang.persons.models import Person, PersonAlias

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaders(units, persons):
    county = units["county"]
    return {
        **persons,
        "chen": Person.objects.create(name="陈明", unit=county, post="副县长", level="county"),
        "liu": Person.objects.create(name="刘建国", unit=county, post="县委常委、常务副县长", level="county"),
    }


@pytest.mark.parametrize(
    "written",
    ["陈明", " 陈 明 ", "陈明（副县长）", "陈明(副县长)", "陈明副县长", "副县长陈明", "陈明同志", "陈明县长"],
)
def test_titles_are_stripped(leaders, written):
    assert PersonResolver().resolve(written) == leaders["chen"]


def test_a_recorded_post_is_a_title_too(leaders):
    assert resolve_person("刘建国县委常委、常务副县长") == leaders["liu"]


def test_never_guesses(leaders, units):
    resolver = PersonResolver()
    assert resolver.resolve("陈") is None
    assert resolver.resolve("王县长") is None  # one character left: not a name
    assert resolver.resolve("陈明明") is None
    # A shared name resolves only through the row's units (the matcher's own rule).
    twin = Person.objects.create(name="张三", unit=units["b"])
    resolver = PersonResolver()
    assert resolver.resolve("张三") is None
    assert resolver.resolve("张三", unit_ids=[units["b"].pk]) == twin
    assert resolver.resolve("张三（镇长）", unit_ids=[units["a"].pk]) == leaders["zhang"]


def test_aliases_resolve_after_confirmation(leaders, users):
    assert resolve_person("陈县长") is None
    assert PersonResolver().suggest("陈明副县长")[0] == leaders["chen"]
    confirm_alias(alias="陈县长", person=leaders["chen"], user=users["bureau"])
    assert resolve_person("陈县长") == leaders["chen"]
    assert resolve_person("陈县长（包抓）") == leaders["chen"]


def test_suggestions_rank_near_names(leaders):
    suggested = PersonResolver().suggest("刘建")
    assert suggested[0] == leaders["liu"]
    assert PersonResolver().suggest("") == []


def test_confirm_refuses_another_persons_name_or_alias(leaders, users):
    bureau = users["bureau"]
    with pytest.raises(ValidationError, match="李四"):
        confirm_alias(alias="李四", person=leaders["zhang"], user=bureau)
    confirm_alias(alias="老陈", person=leaders["chen"], user=bureau)
    with pytest.raises(ValidationError, match="陈明"):
        confirm_alias(alias="老陈", person=leaders["liu"], user=bureau)
    with pytest.raises(ValidationError):
        confirm_alias(alias="陈明", person=leaders["chen"], user=bureau)
    with pytest.raises(PermissionDenied):
        confirm_alias(alias="小张", person=leaders["zhang"], user=users["reporter_a"])
    assert list(PersonAlias.objects.values_list("alias", flat=True)) == ["老陈"]


def test_remove_is_in_history(leaders, users):
    alias = confirm_alias(alias="老陈", person=leaders["chen"], user=users["bureau"])
    remove_alias(alias=alias, user=users["bureau"])
    assert [h.history_type for h in PersonAlias.history.order_by("history_id")] == ["+", "-"]
    assert PersonAlias.history.latest("history_id").history_user == users["bureau"]
