"""organization.access: the role predicates, the user's units, the permission rule, and a scan that keeps role
comparisons out of every other module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.template import Context, Template
from django.test import RequestFactory

from zhaoshang.organization import access
from zhaoshang.organization.choices import Role
from zhaoshang.organization.models import Unit, User

pytestmark = pytest.mark.django_db

SRC = Path(access.__file__).resolve().parents[1]  # src/zhaoshang
ROLES = ("admin", "bureau", "leader", "supervisor", "reporter_a")

# What each fixture user is, predicate by predicate (conftest: admin is also a superuser).
EXPECTED = {
    "is_admin": {"admin"},
    "edits_everything": {"admin", "bureau"},
    "reads_everything": {"admin", "bureau", "leader", "supervisor"},
    "is_reporter": {"reporter_a"},
    "is_leader": {"leader"},
    "can_verify": {"admin", "supervisor"},
}


@pytest.mark.parametrize("predicate", sorted(EXPECTED))
def test_each_role_has_the_predicates_it_should(users, predicate):
    check = getattr(access, predicate)
    assert {name for name in ROLES if check(users[name])} == EXPECTED[predicate]


@pytest.mark.parametrize("predicate", sorted(EXPECTED))
def test_an_anonymous_visitor_has_none(predicate):
    assert getattr(access, predicate)(AnonymousUser()) is False


def test_a_superuser_counts_as_an_admin_whatever_their_role(users, units):
    # createsuperuser leaves the field at its default, "reporter".
    root = User.objects.create_user(username="root", password="x", role=Role.REPORTER, is_superuser=True)
    assert access.is_admin(root) and access.edits_everything(root) and access.can_verify(root)
    assert not access.is_reporter(root)
    assert access.visible_unit_ids(root) is None
    assert Unit.objects.restrict(root, "change").count() == len(units)


def test_an_inactive_supervisor_verifies_nothing(users):
    users["supervisor"].is_active = False
    assert not access.can_verify(users["supervisor"])


def test_unit_ids_are_the_unit_and_its_sub_units(users, units):
    assert access.unit_ids(users["reporter_a"]) == {units["a"].pk, units["a_section"].pk}
    assert access.unit_ids(users["reporter_b"]) == {units["b"].pk}
    assert access.unit_ids(AnonymousUser()) == frozenset()


def test_unit_ids_follow_a_change_of_unit(users, units):
    reporter = users["reporter_a"]
    assert units["b"].pk not in access.unit_ids(reporter)
    reporter.unit = units["b"]
    assert access.unit_ids(reporter) == {units["b"].pk}
    reporter.unit = None
    assert access.unit_ids(reporter) == frozenset()


def test_visible_unit_ids_are_every_unit_for_county_roles(users, units):
    assert all(access.visible_unit_ids(users[name]) is None for name in ("admin", "bureau", "leader", "supervisor"))
    assert access.visible_unit_ids(users["reporter_a"]) == access.unit_ids(users["reporter_a"])


def test_visibility_key_is_shared_by_county_roles_and_own_for_each_reporter(users):
    keys = {name: access.visibility_key(users[name]) for name in (*ROLES, "reporter_b")}
    assert len({keys[name] for name in ("admin", "bureau", "leader", "supervisor")}) == 1
    assert len({keys["admin"], keys["reporter_a"], keys["reporter_b"]}) == 3


def test_who_is_notified_by_role(users):
    def names(q):
        return sorted(User.objects.filter(q).values_list("username", flat=True))

    assert names(access.reporters_q()) == ["reporter_a", "reporter_b"]
    assert names(access.leaders_q()) == ["leader"]
    assert names(access.bureau_q()) == ["bureau"]
    assert names(access.admins_q()) == ["admin"]


def test_a_reporter_role_needs_a_unit():
    assert access.bound_to_unit(Role.REPORTER) and access.bound_to_unit("reporter")
    assert not any(access.bound_to_unit(role) for role in (Role.ADMIN, Role.BUREAU, Role.LEADER, Role.SUPERVISOR))


# --- the rule: each hook a model may declare, tried on Unit ---------------------------------------------------


def test_reporters_read_their_units_and_change_none_of_the_organisation(users, units):
    mine = {units["a"].pk, units["a_section"].pk}
    assert set(Unit.objects.restrict(users["reporter_a"], "view").values_list("pk", flat=True)) == mine
    assert Unit.objects.restrict(users["reporter_a"], "change").count() == 0


@pytest.mark.parametrize("action,expected", [("view", set(ROLES) - {"reporter_a"}), ("change", {"admin", "bureau"})])
def test_county_roles_read_and_the_bureau_changes(users, units, action, expected):
    assert {name for name in ROLES if Unit.objects.restrict(users[name], action).count() == len(units)} == expected


def test_a_write_scope_narrower_than_the_read_scope(users, units, monkeypatch):
    monkeypatch.setattr(Unit, "reporter_may", classmethod(lambda cls, action: True))
    monkeypatch.setattr(Unit, "unit_write_q", classmethod(lambda cls, ids: Q(pk__in=ids, parent__code="C00")))
    assert Unit.objects.restrict(users["reporter_a"], "view").count() == 2
    assert list(Unit.objects.restrict(users["reporter_a"], "change")) == [units["a"]]


def test_supervisors_write_what_the_model_gives_them_and_the_bureau_only_reads_it(users, units, monkeypatch):
    monkeypatch.setattr(Unit, "bureau_may", classmethod(lambda cls, action: action == "view"))
    monkeypatch.setattr(Unit, "supervisor_may", classmethod(lambda cls, action: True))
    changers = {name for name in ROLES if Unit.objects.restrict(users[name], "change").exists()}
    assert changers == {"admin", "supervisor"}


def test_rows_private_to_a_user_are_theirs_alone_whatever_the_role(users, units, monkeypatch):
    monkeypatch.setattr(Unit, "private_to", "users")  # the unit a user belongs to, as if it were theirs
    for name in ("admin", "bureau", "reporter_a"):
        assert list(Unit.objects.restrict(users[name], "view")) == [users[name].unit]
    assert Unit.objects.restrict(users["bureau"], "change").count() == 0  # owner_may: view only by default


def test_no_rule_no_rows_for_the_anonymous_and_the_inactive(users, units):
    assert Unit.objects.restrict(AnonymousUser(), "view").count() == 0
    users["bureau"].is_active = False
    assert Unit.objects.restrict(users["bureau"], "view").count() == 0


def test_templates_get_the_users_predicates(users):
    request = RequestFactory().get("/")
    template = Template("{% if access.edits_everything %}E{% endif %}{% if access.is_reporter %}R{% endif %}")
    for name, expected in (("bureau", "E"), ("reporter_a", "R"), ("leader", "")):
        request.user = users[name]
        assert template.render(Context(access.context(request))) == expected


# --- nothing else compares role strings -----------------------------------------------------------------------

ROLE_VALUES = frozenset(Role.values)
# The user properties that access replaced; an attribute of that name on anything but the module is a leftover.
PREDICATE_NAMES = frozenset(EXPECTED)
LOOKUPS = frozenset({"filter", "exclude", "get", "Q", "get_or_create", "update_or_create"})


def _mentions_role(node: ast.AST) -> bool:
    """A user's role, a Role member, a role value, or a collection of them."""
    if isinstance(node, ast.Attribute):
        return node.attr == "role" or (isinstance(node.value, ast.Name) and node.value.id == "Role")
    if isinstance(node, ast.Name):
        return node.id == "role"
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value in ROLE_VALUES
    if isinstance(node, ast.Set | ast.Tuple | ast.List):
        return any(_mentions_role(element) for element in node.elts)
    if isinstance(node, ast.Subscript):  # data["role"]
        return isinstance(node.slice, ast.Constant) and node.slice.value == "role"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        return bool(node.args) and isinstance(node.args[0], ast.Constant) and node.args[0].value == "role"
    return False


def role_comparisons(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            parts = (node.left, *node.comparators)
            # The demo's logins are named after their roles: ``user.username == "reporter"`` is a name.
            names = any(isinstance(part, ast.Attribute) and part.attr == "username" for part in parts)
            if any(_mentions_role(part) for part in parts) and not names:
                found.append((node.lineno, "compares a role"))
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in LOOKUPS and any(
                k.arg and (k.arg == "role" or k.arg.startswith("role__")) for k in node.keywords
            ):
                found.append((node.lineno, "looks users up by role"))
        elif isinstance(node, ast.Attribute) and node.attr in PREDICATE_NAMES:
            if not (isinstance(node.value, ast.Name) and node.value.id == "access"):
                found.append((node.lineno, f"reads .{node.attr} (ask access.{node.attr}(user))"))
    return found


def _production_modules():
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if "tests" in parts or "migrations" in parts or path.name.startswith("test_") or path.name == "conftest.py":
            continue
        if path == Path(access.__file__).resolve():
            continue
        yield path


def test_the_scan_finds_what_it_looks_for():
    source = """
if user.role == "reporter": pass
if request.user.role in {Role.ADMIN, Role.SUPERVISOR}: pass
if data.get("role") == Role.REPORTER: pass
x = "leader" != kind
User.objects.filter(role=Role.LEADER)
Q(role__in=["admin"])
user.edits_everything
"""
    assert [line for line, _why in role_comparisons(source)] == [2, 3, 4, 5, 6, 7, 8]
    clean = """
User(role=Role.REPORTER)
access.edits_everything(user)
if access.is_reporter(user) and font_role: pass
users.order_by("role")
if user.username == "reporter": pass
"""
    assert role_comparisons(clean) == []


def test_no_role_comparison_outside_the_access_module():
    offences = [
        f"{path.relative_to(SRC)}:{line}: {why}"
        for path in _production_modules()
        for line, why in role_comparisons(path.read_text(encoding="utf-8"))
    ]
    assert offences == [], "Ask zhaoshang.organization.access instead:\n" + "\n".join(offences)


TEMPLATE_TAG = re.compile(r"{%-?\s*(?:el)?if\b(.*?)%}", re.S)
TEMPLATE_OFFENCE = re.compile(
    r"\.role\b|(?<!access)\.(?:" + "|".join(sorted(PREDICATE_NAMES)) + r")\b"
    r"|[\"'](?:" + "|".join(sorted(ROLE_VALUES)) + r")[\"']"
)


def _template_offences(text: str) -> list[str]:
    return [condition for condition in TEMPLATE_TAG.findall(text) if TEMPLATE_OFFENCE.search(condition)]


def test_the_template_scan_finds_what_it_looks_for():
    text = """{% if user.role != "reporter" %}{% elif user.edits_everything %}{% endif %}{% if tab == 'leader' %}
    {% if access.edits_everything %}{% elif can_verify and access.is_reporter %}{% endif %}"""
    assert len(_template_offences(text)) == 3


def test_no_role_comparison_in_templates():
    offences = [
        f"{path.relative_to(SRC)}: {{% if{condition}%}}"
        for path in sorted(SRC.rglob("*.html"))
        if "static" not in path.relative_to(SRC).parts
        for condition in _template_offences(path.read_text(encoding="utf-8"))
    ]
    assert offences == [], "Use the context's `access` (e.g. {% if access.edits_everything %}):\n" + "\n".join(offences)
