"""Writing the register of persons, matching free-text names to it, and person targets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core.history import as_user
from zhaoshang.organization import access
from zhaoshang.projects import services as project_services
from zhaoshang.projects.models import Project

from .models import LevelTarget, Person, PersonTarget

PERSON_FIELDS = ("name", "unit", "post", "level", "user", "active")
# Free-text lists of names are split on these (、，, ; and their full-width forms).
NAME_SEPARATORS = re.compile(r"[、，,;；]+")
# "张三:50%" (or full-width ：and ％); the share is optional.
SHARE = re.compile(r"^(?P<name>.+?)\s*[:：]\s*(?P<share>[0-9.]+)\s*[%％]?$")


def split_names(text: str) -> list[str]:
    """The names in a free-text field, in order, without blanks or repeats."""
    names = []
    for part in NAME_SEPARATORS.split(text or ""):
        part = part.strip()
        if part and part not in names:
            names.append(part)
    return names


def parse_shares(text: str) -> list[tuple[str, Decimal | None]]:
    """ "张三:50%、李四:50%" → [("张三", 50), ("李四", 50)]; a name without a share has ``None``. A share that is
    no number raises ValueError naming the part."""
    pairs = []
    for part in split_names(text):
        match = SHARE.match(part)
        if match is None:
            if ":" in part or "：" in part:
                raise ValueError(part)
            pairs.append((part, None))
            continue
        try:
            pairs.append((match["name"].strip(), Decimal(match["share"])))
        except InvalidOperation as error:
            raise ValueError(part) from error
    return pairs


def even_shares(count: int) -> list[Decimal]:
    """Shares of 100 split evenly over ``count`` introducers, to the cent, the rest on the first."""
    if not count:
        return []
    each = (Decimal("100") / count).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    return [Decimal("100") - each * (count - 1), *([each] * (count - 1))]


def person_errors(user, data: dict) -> list[str]:
    unit = data.get("unit")
    if unit is not None and access.is_reporter(user) and unit.pk not in access.unit_ids(user):
        return [_("A reporter may only keep the persons of their own unit.")]
    return []


@transaction.atomic
def save_person(*, user, person: Person | None = None, data: dict) -> Person:
    """Create or change a person; reporters only within their own units (the permission rule)."""
    if person is not None and not Person.objects.restrict(user, "change").filter(pk=person.pk).exists():
        raise PermissionDenied
    if person is None and not (access.edits_everything(user) or access.is_reporter(user)):
        raise PermissionDenied
    errors = person_errors(user, data)
    if errors:
        raise ValidationError(errors)
    person = person or Person()
    for name in PERSON_FIELDS:
        if name in data:
            setattr(person, name, data[name].strip() if isinstance(data[name], str) else data[name])
    person.full_clean()
    as_user(person, user).save()
    return person


MAX_TARGET = Decimal("9999.99")  # projects per person: what the column (max_digits=6, 2 places) holds


def _check_target(projects: Decimal) -> None:
    if projects < 0:
        raise ValidationError(_("A target cannot be negative."))
    if projects > MAX_TARGET or projects != projects.quantize(Decimal("0.01")):
        raise ValidationError(_("A person's target is at most 9999.99 projects, to 2 decimal places."))


@transaction.atomic
def save_targets(*, user, period, per_level: dict[str, Decimal | None], per_person: dict[Person, Decimal | None]):
    """A period's targets per level (None removes one) and per person (None removes the override)."""
    if not access.edits_everything(user):
        raise PermissionDenied
    for level, projects in per_level.items():
        target = LevelTarget.objects.filter(period=period, level=level).first()
        if projects is None:
            if target:
                as_user(target, user).delete()
            continue
        _check_target(projects)
        target = target or LevelTarget(period=period, level=level)
        target.projects = projects
        as_user(target, user).save()
    for person, projects in per_person.items():
        target = PersonTarget.objects.filter(period=period, person=person).first()
        if projects is None:
            if target:
                as_user(target, user).delete()
            continue
        _check_target(projects)
        target = target or PersonTarget(period=period, person=person)
        target.projects = projects
        as_user(target, user).save()


# --- matching free-text names --------------------------------------------------------------------------

# The project's free-text field → what it links.
TEXT_FIELDS = ("introducer", "county_leader", "stewards", "work_team")


@dataclass
class MatchReport:
    linked: int = 0  # links made (an introducer, a leader, a steward or a team member)
    created: list[str] = field(default_factory=list)  # persons created (--create)
    unmatched: list[tuple[str, str, str]] = field(default_factory=list)  # (project code, field, name)
    ambiguous: list[tuple[str, str, str]] = field(default_factory=list)


def resolve(name: str, unit_ids: list[int], index: dict[str, list[Person]]) -> Person | str | None:
    """The person of this name: the only one, or the one of the project's units when several share it;
    "ambiguous" when that does not settle it, None when nobody has the name."""
    found = index.get(name, [])
    if len(found) == 1:
        return found[0]
    if not found:
        return None
    for unit_id in unit_ids:
        own = [person for person in found if person.unit_id == unit_id]
        if len(own) == 1:
            return own[0]
    return "ambiguous"


class _Matcher:
    """Finds (or, with ``create``, makes) the person of a name for one project at a time."""

    def __init__(self, *, user, create: bool, report: MatchReport):
        self.user, self.create, self.report = user, create, report
        self.index: dict[str, list[Person]] = {}
        for person in Person.objects.select_related("unit").order_by("pk"):
            self.index.setdefault(person.name, []).append(person)

    def find(self, project: Project, unit_ids: list[int], name: str, label: str) -> Person | None:
        from zhaoshang.organization.models import Unit

        person = resolve(name, unit_ids, self.index)
        if person == "ambiguous":
            self.report.ambiguous.append((project.code, label, name))
            return None
        home = project.responsible_unit_id or (unit_ids[0] if unit_ids else None)
        if person is None and self.create and home:
            person = Person(name=name, unit=Unit.objects.get(pk=home))
            as_user(person, self.user).save()
            self.index.setdefault(name, []).append(person)
            self.report.created.append(f"{name}（{person.unit.name}）")
        if person is None:
            self.report.unmatched.append((project.code, label, name))
        return person


@transaction.atomic
def match_persons(*, user=None, create: bool = False) -> MatchReport:
    """Link every project's free-text introducer, county leader, stewards and work team to the register by name
    (and the project's units when a name is shared). Keeps the text; adds only missing links, so a second run
    changes nothing; an introducer link already set is left alone (its shares are the user's). With ``create``
    an unknown name becomes a person of the project's responsible (or first credited) unit."""
    report = MatchReport()
    matcher = _Matcher(user=user, create=create, report=report)
    projects = (
        Project.objects.exclude(introducer="", county_leader="", stewards="", work_team="")
        .prefetch_related("credits", "introducer_links", "steward_persons", "team_persons")
        .order_by("code")
    )
    for project in projects:
        unit_ids = [project.responsible_unit_id] if project.responsible_unit_id else []
        unit_ids += [credit.unit_id for credit in sorted(project.credits.all(), key=lambda c: -c.share)]
        if project.introducer and not project.introducer_links.all():
            try:
                pairs = parse_shares(project.introducer)
            except ValueError:
                pairs = [(name, None) for name in split_names(project.introducer)]
            persons = [(matcher.find(project, unit_ids, name, "introducer"), share) for name, share in pairs]
            if persons and all(person for person, _share in persons):
                shares = [share for _person, share in persons]
                if any(share is None for share in shares) or sum(shares) != Decimal("100"):
                    shares = even_shares(len(persons))
                introducers = [(person, share) for (person, _s), share in zip(persons, shares, strict=True)]
                if not project_services.introducer_errors(introducers):
                    project_services.set_project_persons(user=user, project=project, introducers=introducers)
                    report.linked += len(introducers)
        if project.county_leader and project.leader_id is None:
            names = split_names(project.county_leader)
            person = matcher.find(project, unit_ids, names[0], "county_leader") if names else None
            if person:
                project_services.set_project_persons(user=user, project=project, leader=person)
                report.linked += 1
        for text_field, relation in (("stewards", "steward_persons"), ("work_team", "team_persons")):
            have = {person.pk for person in getattr(project, relation).all()}
            for name in split_names(getattr(project, text_field)):
                person = matcher.find(project, unit_ids, name, text_field)
                if person and person.pk not in have:
                    getattr(project, relation).add(person)
                    have.add(person.pk)
                    report.linked += 1
    return report
