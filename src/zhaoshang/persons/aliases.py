"""Persons by the names counties write: "张三", "张三（副县长）", "张三副县长", or an alias the bureau confirmed
(issue 15). Resolution never guesses: a name shared by several persons resolves only through the row's units
(``services.resolve``, the matcher ``match_persons`` uses) or a confirmed alias."""

from __future__ import annotations

import difflib
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core.history import as_user
from zhaoshang.organization import access
from zhaoshang.organization.aliases import in_order, normalise_name

from .models import Person, PersonAlias
from .services import resolve as resolve_in_index

# Titles sheets write beside a leader's name; the posts recorded on persons are added to them.
TITLES = (
    "县委书记",
    "县委副书记",
    "县委常委",
    "常务副县长",
    "副县长",
    "县长",
    "人大常委会主任",
    "人大常委会副主任",
    "人大主任",
    "人大副主任",
    "政协主席",
    "政协副主席",
    "书记",
    "副书记",
    "主任",
    "副主任",
    "局长",
    "副局长",
    "镇长",
    "副镇长",
    "乡长",
    "副乡长",
    "部长",
    "副部长",
    "主席",
    "副主席",
    "同志",
)
_BRACKETED = re.compile(r"\(([^()]*)\)$")
MIN_NAME = 2  # a title is stripped only when a name of at least two characters remains
SUGGEST_RATIO = 0.5


class PersonResolver:
    """Persons by name or alias, loaded once per sheet."""

    def __init__(self):
        self.persons = {p.pk: p for p in Person.objects.select_related("unit").order_by("pk")}
        self.index: dict[str, list[Person]] = {}
        for person in self.persons.values():
            self.index.setdefault(normalise_name(person.name), []).append(person)
        self.by_alias: dict[str, Person] = {
            alias: self.persons[pk] for alias, pk in PersonAlias.objects.values_list("alias", "person_id")
        }
        posts = {normalise_name(p.post) for p in self.persons.values() if p.post}
        self.titles = sorted({*TITLES, *(post for post in posts if post)}, key=len, reverse=True)

    def bare_name(self, name) -> str:
        """The name without a title in brackets or written before or after it: "张三（副县长）", "张三副县长" and
        "副县长张三" → "张三". A title is dropped only when two characters or more remain."""
        key = normalise_name(name)
        match = _BRACKETED.search(key)
        if match and len(key) - len(match.group(0)) >= MIN_NAME:
            key = key[: match.start()]
        for title in self.titles:
            if key.endswith(title) and len(key) - len(title) >= MIN_NAME:
                return key[: -len(title)]
            if key.startswith(title) and len(key) - len(title) >= MIN_NAME:
                return key[len(title) :]
        return key

    def _lookup(self, key: str, unit_ids) -> Person | None:
        found = resolve_in_index(key, list(unit_ids), self.index)
        if isinstance(found, Person):
            return found
        if found is None:
            return self.by_alias.get(key)
        return None  # ambiguous: never a guess

    def resolve(self, name, unit_ids=()) -> Person | None:
        """The one person this name means (``unit_ids``: the row's units, which settle a name two persons
        share), or None. Tried as written, then without its title."""
        key = normalise_name(name)
        if not key:
            return None
        person = self._lookup(key, unit_ids)
        if person is None and key not in self.index:
            bare = self.bare_name(key)
            if bare != key:
                person = self._lookup(bare, unit_ids)
        return person

    def suggest(self, name, limit: int = 3) -> list[Person]:
        """Active persons this name may mean, nearest first, for a user to confirm."""
        key = self.bare_name(name)
        if not key:
            return []
        scored = []
        for person in self.persons.values():
            if not person.active:
                continue
            other = normalise_name(person.name)
            ratio = difflib.SequenceMatcher(None, key, other).ratio()
            score = ratio + (1.0 if in_order(key, other) or in_order(other, key) else 0.0)
            if score >= SUGGEST_RATIO:
                scored.append((-score, other, person.pk, person))
        scored.sort(key=lambda row: row[:3])
        return [row[3] for row in scored[:limit]]


def resolve_person(name, unit_ids=()) -> Person | None:
    return PersonResolver().resolve(name, unit_ids)


def alias_errors(alias: str, person: Person, resolver: PersonResolver | None = None) -> list[str]:
    key = normalise_name(alias)
    if not key:
        return [_("An alias cannot be empty.")]
    if len(key) > PersonAlias._meta.get_field("alias").max_length:
        return [_("A person's alias has at most 50 characters.")]
    resolver = resolver or PersonResolver()
    others = [p for p in resolver.index.get(key, []) if p.pk != person.pk]
    if others:
        return [_("“%(alias)s” is already the name of %(person)s.") % {"alias": key, "person": others[0]}]
    aliased = resolver.by_alias.get(key)
    if aliased and aliased.pk != person.pk:
        return [_("“%(alias)s” is already an alias of %(person)s.") % {"alias": key, "person": aliased}]
    if key in resolver.index:
        return [_("“%(alias)s” is already this person's own name.") % {"alias": key}]
    return []


@transaction.atomic
def confirm_alias(*, alias: str, person: Person, user) -> PersonAlias:
    """Record that ``alias`` means ``person`` (bureau staff); confirming an alias the person has returns it."""
    if not access.edits_everything(user):
        raise PermissionDenied
    key = normalise_name(alias)
    existing = PersonAlias.objects.filter(alias=key).first()
    if existing and existing.person_id == person.pk:
        return existing
    errors = alias_errors(key, person)
    if errors:
        raise ValidationError(errors)
    record = PersonAlias(alias=key, person=person, created_by=user if getattr(user, "pk", None) else None)
    as_user(record, user).save()
    return record


@transaction.atomic
def remove_alias(*, alias: PersonAlias, user) -> None:
    if not access.edits_everything(user):
        raise PermissionDenied
    as_user(alias, user).delete()
