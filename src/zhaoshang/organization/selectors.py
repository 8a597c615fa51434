"""Reads of the organisation: unit trees and the units a user may see."""

from __future__ import annotations

from collections import defaultdict

from .models import Unit


def children_map() -> dict[int | None, list[int]]:
    tree: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in Unit.objects.values_list("pk", "parent_id"):
        tree[parent_id].append(pk)
    return tree


def subtree_ids(unit_id: int) -> set[int]:
    """The unit and every unit below it. A county has a few hundred units: one query, walked in memory."""
    tree = children_map()
    found, stack = set(), [unit_id]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(tree.get(current, ()))
    return found


def unit_list(*, user):
    return Unit.objects.restrict(user, "view").select_related("parent")
