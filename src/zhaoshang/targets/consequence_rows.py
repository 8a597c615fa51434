"""Consequence rules (``targets.consequences``) as flat rows, for the 评分细则 page and the 奖惩规则 sheet alike.

A row is one condition of a rule: 规则 (the rule's number; rows with the same number are one rule), 条件, 参数 and
动作 (the rule's action, on every row of the rule or on its first only). The words are Chinese whatever the
interface language (a file format). 参数:
- 组内排名末位 / 组内排名前列: the number N (blank: the period's number for the group), numbers for named groups
  ``乡镇=2``, and for the bottom ``不限三分之一`` (or ``限三分之一``; neither: the period's setting), e.g.
  ``3；园区=1；不限三分之一``;
- 完成率低于时序进度 and 综合完成率达到: a percentage (``70%``, the % optional; blank for the first: the
  period's yellow-card ratio);
- 得分低于 / 得分达到: points; 连续通报批评: the number of bulletins in a row, this one included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from zhaoshang.organization.choices import Category

from . import consequences as rulebook
from .scheme_text import HUNDRED, number, plain

CONDITION_LABELS = {
    "rank_bottom": "组内排名末位",
    "rank_top": "组内排名前列",
    "behind_schedule": "未达时序进度",
    "on_schedule": "达到时序进度",
    "completion_below": "完成率低于时序进度",
    "completion_at_least": "综合完成率达到",
    "points_below": "得分低于",
    "points_at_least": "得分达到",
    "consecutive_criticisms": "连续通报批评",
    "vetoed": "一票否决",
    "zero_achievement": "零业绩",
}
ACTION_LABELS = {
    "criticise": "通报批评",
    "accountability_candidate": "责任追究候选",
    "referral": "提请上级处理",
    "yellow_card": "黄牌警告",
    "barred": "取消评优资格",
    "commend": "通报表扬",
    "promotion": "直接晋档",
}
CONDITION_CODES = {label: code for code, label in CONDITION_LABELS.items()}
ACTION_CODES = {label: code for code, label in ACTION_LABELS.items()}
NO_THIRD, THIRD = "不限三分之一", "限三分之一"
SEPARATORS = re.compile(r"[；;\n]+")
COLUMNS = ("规则", "条件", "参数", "动作")


@dataclass
class RuleRow:
    """One row: the rule's number, the condition and action codes, the parameter as text."""

    rule: int
    condition: str
    parameter: str = ""
    action: str = ""


class RowsRefused(ValueError):
    """Rows that are no rules: ``refusals`` as (row index from 0, column or "", message)."""

    def __init__(self, refusals: list[tuple[int, str, str]]):
        super().__init__("; ".join(message for _row, _column, message in refusals))
        self.refusals = refusals


def _category_names() -> dict[str, str]:
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in Category.choices}


def rule_error_message(error: rulebook.RuleError) -> str:
    """A ``RuleError`` in the interface language, the condition named in words."""
    params = dict(error.params)
    if "condition" in params:
        params["condition"] = CONDITION_LABELS.get(params["condition"], params["condition"] or "")
    if "action" in params:
        params["action"] = ACTION_LABELS.get(params["action"], params["action"] or "")
    return _(error.message) % params


def parameter_text(condition: rulebook.Condition) -> str:
    kind = condition.kind
    parts: list[str] = []
    if kind in rulebook.RANK_CONDITIONS:
        names = _category_names()
        if condition.n is not None:
            parts.append(str(condition.n))
        parts.extend(f"{names.get(group, group)}={n}" for group, n in condition.per_group)
        if condition.third is not None:
            parts.append(THIRD if condition.third else NO_THIRD)
    elif kind in rulebook.RATIO_CONDITIONS:
        if condition.value is not None:
            parts.append(f"{plain(condition.value * HUNDRED)}%")
    elif condition.value is not None:
        parts.append(plain(condition.value))
    elif condition.n is not None:
        parts.append(str(condition.n))
    return "；".join(parts)


def rows_of(rules) -> list[RuleRow]:
    """The rules as rows, the action on each row."""
    return [
        RuleRow(rule=number_, condition=c.kind, parameter=parameter_text(c), action=rule.action)
        for number_, rule in enumerate(rules, start=1)
        for c in rule.conditions
    ]


def _condition_json(kind: str, text: str) -> dict:
    """``{"if": kind, …}`` from the parameter text; ValueError (interface language) when it cannot be read."""
    data: dict = {"if": kind}
    parts = [p.strip() for p in SEPARATORS.split(text or "") if p.strip()]
    parameter = rulebook.PARAMETER[kind]
    if kind in rulebook.RANK_CONDITIONS:
        groups = {label: value for value, label in _category_names().items()}
        per_group: dict[str, str] = {}
        for part in parts:
            if part in (NO_THIRD, THIRD) and kind == "rank_bottom":
                data["third"] = part == THIRD
                continue
            name, sep, value = part.replace("＝", "=").partition("=")
            if sep:
                per_group[groups.get(name.strip(), name.strip())] = plain(number(value))
            elif "n" in data:
                raise ValueError(_("Write one number, then group=number."))
            else:
                data["n"] = plain(number(part))
        if per_group:
            data["per_group"] = per_group
        return data
    if parameter is None:
        if parts:
            raise ValueError(_("This condition takes no parameter."))
        return data
    if len(parts) > 1:
        raise ValueError(_("Write one number."))
    if not parts:
        return data
    if kind in rulebook.RATIO_CONDITIONS:
        data["value"] = plain(number(parts[0].rstrip("%％")) / HUNDRED)
    else:
        data[parameter] = plain(number(parts[0]))
    return data


def rules_of(rows: list[RuleRow]) -> tuple[rulebook.Rule, ...]:
    """The rules the rows give, in the order of their numbers' first rows; ``RowsRefused`` naming the row and
    the column of everything wrong (all or nothing). No rows: the default set."""
    refusals: list[tuple[int, str, str]] = []
    rules: dict[int, dict] = {}
    first_row: dict[int, int] = {}
    for index, row in enumerate(rows):
        data = rules.setdefault(row.rule, {"action": "", "conditions": []})
        first_row.setdefault(row.rule, index)
        if row.condition not in rulebook.CONDITIONS:
            refusals.append((index, "条件", _("Unknown condition %(condition)s.") % {"condition": row.condition}))
            continue
        if row.action:
            if row.action not in rulebook.ACTIONS:
                refusals.append((index, "动作", _("Unknown action %(action)s.") % {"action": row.action}))
            elif data["action"] and data["action"] != row.action:
                refusals.append(
                    (
                        index,
                        "动作",
                        _("Rule %(rule)s has two actions, %(first)s and %(second)s.")
                        % {
                            "rule": row.rule,
                            "first": ACTION_LABELS[data["action"]],
                            "second": ACTION_LABELS[row.action],
                        },
                    )
                )
            else:
                data["action"] = row.action
        try:
            data["conditions"].append(_condition_json(row.condition, row.parameter))
        except ValueError as error:
            refusals.append(
                (
                    index,
                    "参数",
                    _("%(condition)s: %(reason)s") % {"condition": CONDITION_LABELS[row.condition], "reason": error},
                )
            )
    if refusals:
        raise RowsRefused(refusals)
    result = []
    for position, (rule_number, data) in enumerate(rules.items(), start=1):
        if not data["action"]:
            refusals.append((first_row[rule_number], "动作", _("Rule %(rule)s has no action.") % {"rule": rule_number}))
            continue
        try:
            result.append(rulebook.rule_from_json(data, position))
        except rulebook.RuleError as error:
            error.params["rule"] = rule_number
            refusals.append((first_row[rule_number], "参数", rule_error_message(error)))
    if refusals:
        raise RowsRefused(refusals)
    return tuple(result) if result else rulebook.DEFAULT


def stored(rules) -> list[dict]:
    """What ``Scheme.consequences`` keeps: nothing for the default set."""
    return [] if rulebook.is_default(rules) else rulebook.to_json(rules)
