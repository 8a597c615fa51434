"""Writes of leaders' links and unit heads, and the 项目保姆 default stewards of a new project."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core.history import as_user
from zhaoshang.organization import access
from zhaoshang.organization.choices import Category
from zhaoshang.organization.models import Unit
from zhaoshang.persons.choices import Level
from zhaoshang.persons.models import Person
from zhaoshang.projects import rules
from zhaoshang.projects.models import Project, StewardRule

from .models import LeaderLink, UnitHead

DEPARTMENTS = (Category.DEPARTMENT, Category.VERTICAL)


def leader_errors(person: Person) -> list[str]:
    """A leader link's person must be a county-level cadre (县级) with a user account."""
    errors = []
    if person.level != Level.COUNTY:
        errors.append(_("%(name)s is not a county-level cadre.") % {"name": person.name})
    if person.user_id is None:
        errors.append(_("%(name)s has no user account.") % {"name": person.name})
    return errors


@transaction.atomic
def set_links(*, user, person: Person, units) -> list[LeaderLink]:
    """The units ``person`` answers for (领导联点), replacing their links: all or nothing."""
    if not access.edits_everything(user):
        raise PermissionDenied
    units = list(units)
    errors = leader_errors(person) if units else []
    if errors:
        raise ValidationError(errors)
    wanted = {unit.pk for unit in units}
    for link in LeaderLink.objects.filter(person=person).exclude(unit_id__in=wanted):
        as_user(link, user).delete()
    have = set(LeaderLink.objects.filter(person=person).values_list("unit_id", flat=True))
    for unit in units:
        if unit.pk not in have:
            as_user(LeaderLink(person=person, unit=unit), user).save()
    return list(LeaderLink.objects.filter(person=person).select_related("unit"))


@transaction.atomic
def set_head(*, user, unit: Unit, person: Person | None) -> UnitHead | None:
    """The head of ``unit`` (a person of that unit), or none."""
    if not access.edits_everything(user):
        raise PermissionDenied
    current = UnitHead.objects.filter(unit=unit).first()
    if person is None:
        if current is not None:
            as_user(current, user).delete()
        return None
    if person.unit_id != unit.pk:
        raise ValidationError(
            _("%(name)s is not a person of %(unit)s and cannot head it.") % {"name": person.name, "unit": unit.name}
        )
    head = current or UnitHead(unit=unit)
    head.person = person
    as_user(head, user).save()
    return head


@transaction.atomic
def save_rule(*, user, rule: StewardRule, data: dict) -> StewardRule:
    if not access.edits_everything(user):
        raise PermissionDenied
    threshold = data.get("threshold", rule.threshold)
    if threshold is None or threshold <= 0:
        raise ValidationError({"threshold": [_("The threshold must be a positive amount.")]})
    for name in ("threshold", "default_stewards", "leader_required"):
        if name in data:
            setattr(rule, name, data[name])
    as_user(rule, user).save()
    return rule


# --- 项目保姆: default stewards -------------------------------------------------------------------------


def _township(unit: Unit | None, parents: dict[int, tuple[int | None, str]]) -> int | None:
    """The township ``unit`` is in: the topmost township-category unit at or above it (a township's sections
    carry its category; the county above does not)."""
    current = unit.pk if unit is not None else None
    found = None
    while current is not None:
        parent_id, category = parents[current]
        if category == Category.TOWNSHIP:
            found = current
        elif found is not None:
            break
        current = parent_id
    return found


def default_steward_units(project: Project) -> list[int]:
    """The units whose heads look after ``project``: the township it is credited to (the largest share first;
    a section counts for its township) and its department (the responsible unit when a department, else the
    first credited department)."""
    parents = {pk: (parent, category) for pk, parent, category in Unit.objects.values_list("pk", "parent", "category")}
    credited = [credit.unit for credit in project.credits.select_related("unit").order_by("-share", "unit__code")]
    found: list[int] = []
    for unit in credited:
        township = _township(unit, parents)
        if township is not None:
            found.append(township)
            break
    candidates = [project.responsible_unit, *credited] if project.responsible_unit_id else credited
    for unit in candidates:
        if unit is not None and unit.category in DEPARTMENTS:
            found.append(unit.pk)
            break
    return found


def default_stewards(project: Project) -> list[Person]:
    """The heads of ``default_steward_units`` that are recorded and active, township first."""
    units = default_steward_units(project)
    heads = {head.unit_id: head.person for head in UnitHead.objects.filter(unit_id__in=units).select_related("person")}
    found = []
    for unit_id in units:
        person = heads.get(unit_id)
        if person is not None and person.active and person not in found:
            found.append(person)
    return found


def apply_default_stewards(project: Project, rule: StewardRule | None = None) -> list[Person]:
    """Give a project planned below the threshold, with no steward yet, its default stewards (the rule switched
    on). Returns the stewards added."""
    rule = rule or StewardRule.load()
    if not rule.default_stewards or rules.needs_leader(project.planned_investment, rule.threshold):
        return []
    if project.steward_persons.exists():
        return []
    stewards = default_stewards(project)
    if stewards:
        project.steward_persons.add(*stewards)
    return stewards


def default_stewards_for_new(project_id: int) -> None:
    """``projects.services.create_project``'s hook: a new project gets its default stewards (none when the user
    chose some, ``apply_default_stewards``)."""
    project = Project.objects.filter(pk=project_id).first()
    if project is not None:
        apply_default_stewards(project)
