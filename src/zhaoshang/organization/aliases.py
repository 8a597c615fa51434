"""Units by the names counties write: exact names, codes and aliases the bureau confirmed (issue 15).

A county's sheet names units as people say them: "县经济开发区", "经开区", "经济开发区", "城关", "发改局（盖章）".
``UnitResolver.resolve`` takes a name to a unit only when it is a unit's name, its code or a recorded alias (all
compared after ``normalise_name``) and names exactly one unit: never a guess. ``suggest`` ranks near matches for
the user to confirm (``confirm_alias``), which records the alias so the next sheet resolves by itself.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core.history import as_user

from . import access
from .models import Unit, UnitAlias

_SPACES = re.compile(r"\s+")
_SEAL = "(盖章)"
# Affixes a short form drops: "县发展和改革局" → "发展和改革", "城关镇" → "城关", "县经济开发区" → "经济开发".
_PREFIXES = ("县",)
_SUFFIXES = ("街道办事处", "人民政府", "办事处", "街道", "镇", "乡", "局", "区", "县")
SUGGEST_RATIO = 0.6


def normalise_name(text) -> str:
    """A name as it is compared: full-width forms folded (NFKC: brackets, digits, letters, the ideographic
    space), every space dropped, inside too, and a trailing "（盖章）" dropped."""
    if text is None:
        return ""
    folded = _SPACES.sub("", unicodedata.normalize("NFKC", str(text)))
    while folded.endswith(_SEAL):
        folded = folded[: -len(_SEAL)]
    return folded


def _code_key(text) -> str:
    return normalise_name(text).upper()


def core_name(name: str) -> str:
    """A normalised name without the affixes short forms drop (one leading 县, one trailing affix)."""
    core = name
    for prefix in _PREFIXES:
        if core.startswith(prefix) and len(core) > len(prefix) + 1:
            core = core[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix) + 1:
            core = core[: -len(suffix)]
            break
    return core


def in_order(short: str, full: str) -> bool:
    """Every character of ``short`` appears in ``full`` in the same order ("发改" in "发展和改革")."""
    rest = iter(full)
    return bool(short) and all(char in rest for char in short)


def likeness(written: str, name: str) -> float:
    """How near a written name is to a unit's name, both normalised: 1 for a short form whose characters run in
    order through the name (either way round, affixes dropped), plus the difflib ratio of the two cores."""
    a, b = core_name(written), core_name(name)
    if not a or not b:
        return 0.0
    ratio = difflib.SequenceMatcher(None, a, b).ratio()
    ordered = in_order(a, b) or in_order(b, a)
    return (1.0 if ordered else 0.0) + ratio


class UnitResolver:
    """Units by name, code or alias, loaded once: build one per sheet and call ``resolve`` for every cell."""

    def __init__(self):
        self.units = {unit.pk: unit for unit in Unit.objects.all()}
        self.by_name: dict[str, list[Unit]] = {}
        self.by_code: dict[str, Unit] = {}
        for unit in self.units.values():
            self.by_name.setdefault(normalise_name(unit.name), []).append(unit)
            self.by_code[_code_key(unit.code)] = unit
        self.by_alias: dict[str, Unit] = {
            alias: self.units[unit_id] for alias, unit_id in UnitAlias.objects.values_list("alias", "unit_id")
        }

    def resolve(self, name) -> Unit | None:
        """The one unit this name means, or None: a unit's own name (the active one when an inactive unit
        shares it), its code, or a confirmed alias. A name two units share resolves to neither."""
        key = normalise_name(name)
        if not key:
            return None
        named = self.by_name.get(key, [])
        if len(named) > 1:
            named = [unit for unit in named if unit.active]
        if len(named) == 1:
            return named[0]
        if named:
            return None
        return self.by_code.get(key.upper()) or self.by_alias.get(key)

    def suggest(self, name, limit: int = 3) -> list[Unit]:
        """Active units this name may mean, nearest first, for a user to confirm; never used without them."""
        key = normalise_name(name)
        if not key:
            return []
        scored = []
        for unit in self.units.values():
            if not unit.active:
                continue
            score = max(
                [likeness(key, normalise_name(unit.name))]
                + [likeness(key, alias) for alias, target in self.by_alias.items() if target.pk == unit.pk]
            )
            if score >= SUGGEST_RATIO:
                scored.append((-score, len(unit.name), unit.code, unit))
        scored.sort(key=lambda row: row[:3])
        return [row[3] for row in scored[:limit]]


def resolve_unit(name) -> Unit | None:
    """One name, resolved as ``UnitResolver.resolve`` does (build a resolver for many)."""
    return UnitResolver().resolve(name)


def alias_errors(alias: str, unit: Unit, resolver: UnitResolver | None = None) -> list[str]:
    """Why ``alias`` cannot name ``unit``: empty, or already another unit's name, code or alias."""
    key = normalise_name(alias)
    if not key:
        return [_("An alias cannot be empty.")]
    if len(key) > UnitAlias._meta.get_field("alias").max_length:
        return [_("An alias has at most 100 characters.")]
    resolver = resolver or UnitResolver()
    others = [u for u in resolver.by_name.get(key, []) if u.pk != unit.pk]
    if others:
        return [_("“%(alias)s” is already the name of unit %(unit)s.") % {"alias": key, "unit": others[0].name}]
    coded = resolver.by_code.get(key.upper())
    if coded and coded.pk != unit.pk:
        return [_("“%(alias)s” is already the code of unit %(unit)s.") % {"alias": key, "unit": coded.name}]
    aliased = resolver.by_alias.get(key)
    if aliased and aliased.pk != unit.pk:
        return [_("“%(alias)s” is already an alias of unit %(unit)s.") % {"alias": key, "unit": aliased.name}]
    if key in resolver.by_name or coded:
        return [_("“%(alias)s” is already this unit's own name or code.") % {"alias": key}]
    return []


@transaction.atomic
def confirm_alias(*, alias: str, unit: Unit, user) -> UnitAlias:
    """Record that ``alias`` means ``unit`` (bureau staff). Confirming an alias the unit already has returns it."""
    if not access.edits_everything(user):
        raise PermissionDenied
    key = normalise_name(alias)
    existing = UnitAlias.objects.filter(alias=key).first()
    if existing and existing.unit_id == unit.pk:
        return existing
    errors = alias_errors(key, unit)
    if errors:
        raise ValidationError(errors)
    record = UnitAlias(alias=key, unit=unit, created_by=user if getattr(user, "pk", None) else None)
    as_user(record, user).save()
    return record


@transaction.atomic
def remove_alias(*, alias: UnitAlias, user) -> None:
    if not access.edits_everything(user):
        raise PermissionDenied
    as_user(alias, user).delete()
