"""Reads of the organisation: unit trees and the units a user may see."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .choices import Category
from .models import Unit


def children_map() -> dict[int | None, list[int]]:
    tree: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in Unit.objects.values_list("pk", "parent_id"):
        tree[parent_id].append(pk)
    return tree


def subtree_ids(unit_id: int | Iterable[int]) -> set[int]:
    """The unit (or units) and every unit below. A county has a few hundred units: one query, walked in memory."""
    tree = children_map()
    found, stack = set(), [unit_id] if isinstance(unit_id, int) else list(unit_id)
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(tree.get(current, ()))
    return found


def unit_list(*, user):
    return Unit.objects.restrict(user, "view").select_related("parent")


def roll_up_above(units=None) -> dict[int, tuple[int, ...]]:
    """Unit id → the units above it that its credits roll up to (``projects.rules.rolled_up``): its parent, the
    parent's parent and so on, short of the jurisdiction (the county itself is no unit that is assessed). Units
    with nothing above them are left out; an empty map means nothing rolls up. ``units``: every unit's (id, parent
    id, category) when already read; else one query."""
    if units is None:
        units = Unit.objects.values_list("pk", "parent_id", "category")
    rows = {pk: (parent_id, category) for pk, parent_id, category in units}
    above: dict[int, tuple[int, ...]] = {}
    for pk in rows:
        chain, seen, current = [], {pk}, rows[pk][0]
        while (
            current is not None
            and current in rows
            and current not in seen
            and rows[current][1] != Category.JURISDICTION
        ):
            chain.append(current)
            seen.add(current)
            current = rows[current][0]
        if chain:
            above[pk] = tuple(chain)
    return above
