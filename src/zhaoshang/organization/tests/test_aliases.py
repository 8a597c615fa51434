"""Units by the names counties write: exact name, code, confirmed alias; suggestions for the rest, never a guess."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.organization.aliases import (
    UnitResolver,
    confirm_alias,
    normalise_name,
    remove_alias,
    resolve_unit,
)
from zhaoshang.organization.models import Unit, UnitAlias

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_units(units):
    """The fixture's units plus the ones counties' sheets name by short forms."""
    county = units["county"]
    extra = {
        "zone": Unit.objects.create(code="Z01", name="县经济开发区", parent=county, category="park"),
        "ndrc": Unit.objects.create(code="D02", name="县发展和改革局", parent=county, category="department"),
        "old": Unit.objects.create(code="X09", name="城关新区", parent=county, category="park", active=False),
    }
    return {**units, **extra}


def test_normalise_name_folds_spaces_brackets_and_seal():
    assert normalise_name(" 县 经济\u3000开发区（盖章） ") == "县经济开发区"
    assert normalise_name("城关镇（招商办）") == "城关镇(招商办)"
    assert normalise_name("Ｔ０１") == "T01"
    assert normalise_name(None) == ""


def test_resolves_exact_name_code_and_alias(county_units, users):
    assert resolve_unit("城关镇") == county_units["a"]
    assert resolve_unit(" 城关镇（盖章）") == county_units["a"]
    assert resolve_unit("t01") == county_units["a"]
    assert resolve_unit("Ｚ０１") == county_units["zone"]
    assert resolve_unit("经开区") is None  # a short form is a suggestion until confirmed
    confirm_alias(alias="经开区", unit=county_units["zone"], user=users["bureau"])
    assert resolve_unit(" 经 开 区 ") == county_units["zone"]


def test_never_guesses(county_units):
    resolver = UnitResolver()
    for name in ("城关", "经济开发区", "发改局", "开发区", "", None, "不存在的单位"):
        assert resolver.resolve(name) is None
    # Two active units of one name: neither.
    Unit.objects.create(code="T09", name="河口乡", parent=county_units["county"], category="township")
    assert UnitResolver().resolve("河口乡") is None


def test_an_inactive_namesake_leaves_the_active_unit(county_units):
    Unit.objects.create(code="T08", name="河口乡", parent=county_units["county"], category="township", active=False)
    assert resolve_unit("河口乡") == county_units["b"]


def test_suggestions_rank_the_unit_the_short_form_means(county_units):
    resolver = UnitResolver()
    assert resolver.suggest("经开区")[0] == county_units["zone"]
    assert resolver.suggest("经济开发区")[0] == county_units["zone"]
    assert resolver.suggest("城关")[0] == county_units["a"]
    assert resolver.suggest("发改局")[0] in (county_units["dept"], county_units["ndrc"])
    assert set(resolver.suggest("发改局")[:2]) == {county_units["dept"], county_units["ndrc"]}
    assert len(resolver.suggest("城关", limit=1)) == 1


def test_suggestions_are_active_units_only(county_units):
    suggested = UnitResolver().suggest("城关新区")
    assert county_units["old"] not in suggested


def test_confirm_refuses_another_units_name_code_or_alias(county_units, users):
    bureau = users["bureau"]
    with pytest.raises(ValidationError, match="城关镇"):
        confirm_alias(alias="城关镇", unit=county_units["zone"], user=bureau)
    with pytest.raises(ValidationError, match="河口乡"):
        confirm_alias(alias="T02", unit=county_units["zone"], user=bureau)
    confirm_alias(alias="经开区", unit=county_units["zone"], user=bureau)
    with pytest.raises(ValidationError, match="县经济开发区"):
        confirm_alias(alias="经开区", unit=county_units["a"], user=bureau)
    with pytest.raises(ValidationError):
        confirm_alias(alias="  ", unit=county_units["a"], user=bureau)
    with pytest.raises(ValidationError):
        confirm_alias(alias="县经济开发区", unit=county_units["zone"], user=bureau)  # its own name
    assert UnitAlias.objects.count() == 1


def test_confirm_twice_keeps_one_alias_and_history(county_units, users):
    first = confirm_alias(alias="经开区", unit=county_units["zone"], user=users["bureau"])
    again = confirm_alias(alias="经开区（盖章）", unit=county_units["zone"], user=users["bureau"])
    assert first.pk == again.pk and first.alias == "经开区"
    assert first.created_by == users["bureau"]
    remove_alias(alias=first, user=users["bureau"])
    assert not UnitAlias.objects.exists()
    assert [(h.history_type, h.history_user) for h in UnitAlias.history.order_by("history_id")] == [
        ("+", users["bureau"]),
        ("-", users["bureau"]),
    ]


def test_only_bureau_staff_confirm_or_remove(county_units, users):
    with pytest.raises(PermissionDenied):
        confirm_alias(alias="城关", unit=county_units["a"], user=users["reporter_a"])
    alias = confirm_alias(alias="城关", unit=county_units["a"], user=users["bureau"])
    with pytest.raises(PermissionDenied):
        remove_alias(alias=alias, user=users["leader"])
