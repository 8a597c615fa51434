"""Consequences (奖惩) as rules set by a period's scheme: pure data, no Django (issue 13, part 3).

A rule is one action taken on the units that meet all of its conditions, within each ranking group:

- Unit conditions: ``behind_schedule`` / ``on_schedule`` (the completion score against the schedule progress, at
  the 4 places shown), ``completion_below`` r (score < r × schedule progress; blank: the period's yellow-card
  ratio), ``completion_at_least`` x (the weighted completion of the target groups, uncapped, ≥ x: 1.2 means the
  task exceeded by 20%), ``points_below`` / ``points_at_least`` p (points at the 2 places shown), ``vetoed``,
  ``zero_achievement``, ``consecutive_criticisms`` K (criticised now and in each of the K − 1 issued bulletins
  before this one).
- Rank conditions (at most one a rule), applied to the units meeting the rule's other conditions: ``rank_top`` N,
  ``rank_bottom`` N. N blank: the period's number for the group (3 where not set); ``per_group`` sets N for named
  groups. ``rank_bottom`` never takes more than a third of the group unless ``third`` is False (blank: the
  period's setting). Units tied with the N-th are treated alike; when that passes the third, the tied units at
  the boundary are all left out.
- Actions, applied in this order whatever the order of the rules: criticise (通报批评), accountability_candidate
  (责任追究候选; a unit of a referred category — the vertical departments — is referred to its superior instead),
  referral (提请上级处理), yellow_card (黄牌警告), barred (取消评优资格), commend (通报表扬), promotion (直接晋档).
  Honours (commend, promotion) never go to a unit vetoed, without achievement, criticised, yellow-carded or barred,
  nor to one with nothing (score or points 0).

``DEFAULT`` is decision 18's set (the issue on publishable figures); a scheme with no rules of its own uses it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

RANK_CONDITIONS = ("rank_bottom", "rank_top")
UNIT_CONDITIONS = (
    "behind_schedule",
    "on_schedule",
    "completion_below",
    "completion_at_least",
    "points_below",
    "points_at_least",
    "consecutive_criticisms",
    "vetoed",
    "zero_achievement",
)
CONDITIONS = RANK_CONDITIONS + UNIT_CONDITIONS
# Which parameter each condition takes: "n" a whole number (blank allowed for ranks: the period's), "value" a
# number (blank allowed for completion_below: the period's yellow-card ratio), None nothing.
PARAMETER = {
    "rank_bottom": "n",
    "rank_top": "n",
    "behind_schedule": None,
    "on_schedule": None,
    "completion_below": "value",
    "completion_at_least": "value",
    "points_below": "value",
    "points_at_least": "value",
    "consecutive_criticisms": "n",
    "vetoed": None,
    "zero_achievement": None,
}
RATIO_CONDITIONS = ("completion_below", "completion_at_least")
# Actions in the order they are applied, and the flag each sets.
ACTIONS = ("criticise", "accountability_candidate", "referral", "yellow_card", "barred", "commend", "promotion")
ACTION_FLAGS = {
    "criticise": "criticised",
    "accountability_candidate": "accountability_candidate",
    "referral": "referred",
    "yellow_card": "yellow_card",
    "barred": "barred",
    "commend": "commended",
    "promotion": "promoted",
}
HONOURS = ("commend", "promotion")
# Flags that hold a unit back from honours.
NO_HONOURS = frozenset({"vetoed", "zero_achievement", "criticised", "yellow_card", "barred"})
MAX_RATIO = Decimal("10")


def gettext_noop(message: str) -> str:
    """Marks a message for the translation catalogue; the Django layer translates it (this module is pure)."""
    return message


class RuleError(ValueError):
    """A rule that cannot be applied: ``message`` (English, translated by the caller) with ``params``;
    ``params["rule"]`` is the rule's number (1-based)."""

    def __init__(self, message: str, **params):
        super().__init__(message % params)
        self.message, self.params = message, params
        self.rule = params.get("rule")


@dataclass(frozen=True)
class Condition:
    kind: str
    n: int | None = None  # rank_* N (None: the period's), consecutive_criticisms K
    value: Decimal | None = None  # a ratio or a points threshold
    per_group: tuple[tuple[str, int], ...] = ()  # rank_*: N of named groups
    third: bool | None = None  # rank_bottom: at most a third of the group (None: the period's setting)

    @property
    def rank(self) -> bool:
        return self.kind in RANK_CONDITIONS

    def group_n(self, group: str, period_n: Mapping[str, int], default_n: int) -> int:
        named = dict(self.per_group)
        if group in named:
            return named[group]
        return self.n if self.n is not None else int(period_n.get(group, default_n))

    def to_json(self) -> dict:
        data: dict = {"if": self.kind}
        if self.n is not None:
            data["n"] = self.n
        if self.value is not None:
            data["value"] = str(self.value)
        if self.per_group:
            data["per_group"] = dict(self.per_group)
        if self.third is not None:
            data["third"] = self.third
        return data


@dataclass(frozen=True)
class Rule:
    action: str
    conditions: tuple[Condition, ...] = field(default_factory=tuple)

    @property
    def rank(self) -> Condition | None:
        return next((c for c in self.conditions if c.rank), None)

    def to_json(self) -> dict:
        return {"action": self.action, "conditions": [c.to_json() for c in self.conditions]}


DEFAULT: tuple[Rule, ...] = (
    Rule("criticise", (Condition("behind_schedule"), Condition("rank_bottom"))),
    Rule("accountability_candidate", (Condition("consecutive_criticisms", n=2),)),
    Rule("yellow_card", (Condition("completion_below"),)),
    Rule("commend", (Condition("on_schedule"), Condition("rank_top"))),
)


def _number(raw, rule: int, kind: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise RuleError(
            gettext_noop("Rule %(rule)s: the parameter of %(condition)s is not a number."), rule=rule, condition=kind
        ) from None
    if not value.is_finite():
        raise RuleError(
            gettext_noop("Rule %(rule)s: the parameter of %(condition)s is not a number."), rule=rule, condition=kind
        )
    return value


def _whole(raw, rule: int, kind: str) -> int:
    value = _number(raw, rule, kind)
    if value != value.to_integral_value():
        raise RuleError(
            gettext_noop("Rule %(rule)s: the parameter of %(condition)s must be a whole number."),
            rule=rule,
            condition=kind,
        )
    if value < 0:
        raise RuleError(
            gettext_noop("Rule %(rule)s: the number of %(condition)s cannot be below zero."), rule=rule, condition=kind
        )
    return int(value)


def condition_from_json(data, rule: int) -> Condition:
    if not isinstance(data, Mapping):
        raise RuleError(gettext_noop("Rule %(rule)s: a condition is not readable."), rule=rule)
    kind = data.get("if")
    if kind not in CONDITIONS:
        raise RuleError(gettext_noop("Rule %(rule)s: unknown condition %(condition)s."), rule=rule, condition=kind)
    n = data.get("n")
    value = data.get("value")
    n = None if n in (None, "") else _whole(n, rule, kind)
    value = None if value in (None, "") else _number(value, rule, kind)
    per_group = data.get("per_group") or {}
    if not isinstance(per_group, Mapping):
        raise RuleError(gettext_noop("Rule %(rule)s: the numbers per group are not readable."), rule=rule)
    groups = tuple((str(name), _whole(count, rule, kind)) for name, count in per_group.items())
    third = data.get("third")
    if third is not None and not isinstance(third, bool):
        raise RuleError(gettext_noop("Rule %(rule)s: the cap at a third must be yes or no."), rule=rule)
    parameter = PARAMETER[kind]
    if kind == "consecutive_criticisms" and (n is None or n < 1):
        raise RuleError(gettext_noop("Rule %(rule)s: consecutive criticisms need a number of at least 1."), rule=rule)
    if parameter == "value" and value is None and kind != "completion_below":
        raise RuleError(gettext_noop("Rule %(rule)s: %(condition)s needs a number."), rule=rule, condition=kind)
    if kind in RATIO_CONDITIONS and value is not None and not (0 <= value <= MAX_RATIO):
        raise RuleError(
            gettext_noop("Rule %(rule)s: the ratio of %(condition)s must be between 0 and 10 (0%% to 1000%%)."),
            rule=rule,
            condition=kind,
        )
    if parameter != "n":
        n = None
    if parameter != "value":
        value = None
    if kind not in RANK_CONDITIONS:
        groups = ()
    if kind != "rank_bottom":
        third = None
    return Condition(kind=kind, n=n, value=value, per_group=groups, third=third)


def rule_from_json(data, rule: int) -> Rule:
    if not isinstance(data, Mapping):
        raise RuleError(gettext_noop("Rule %(rule)s is not readable."), rule=rule)
    action = data.get("action")
    if action not in ACTIONS:
        raise RuleError(gettext_noop("Rule %(rule)s: unknown action %(action)s."), rule=rule, action=action)
    raw = data.get("conditions") or []
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise RuleError(gettext_noop("Rule %(rule)s: the conditions are not readable."), rule=rule)
    conditions = tuple(condition_from_json(item, rule) for item in raw)
    if not conditions:
        raise RuleError(gettext_noop("Rule %(rule)s has no condition."), rule=rule)
    if sum(c.rank for c in conditions) > 1:
        raise RuleError(gettext_noop("Rule %(rule)s has more than one rank condition."), rule=rule)
    return Rule(action=action, conditions=conditions)


def from_json(data) -> tuple[Rule, ...]:
    """The rules stored on a scheme (``RuleError`` naming the rule); empty or None: ``DEFAULT``."""
    if not data:
        return DEFAULT
    if not isinstance(data, Sequence) or isinstance(data, str):
        raise RuleError(gettext_noop("The consequences are not a list of rules."))
    return tuple(rule_from_json(item, index) for index, item in enumerate(data, start=1))


def to_json(rules: Sequence[Rule]) -> list[dict]:
    return [rule.to_json() for rule in rules]


def is_default(rules: Sequence[Rule]) -> bool:
    return tuple(rules) == DEFAULT


def deepest_history(rules: Sequence[Rule]) -> int:
    """How many earlier issued bulletins the rules read (K − 1 of the longest consecutive criticisms)."""
    return max(
        (c.n - 1 for rule in rules for c in rule.conditions if c.kind == "consecutive_criticisms" and c.n),
        default=0,
    )
