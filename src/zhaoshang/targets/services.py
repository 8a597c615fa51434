"""Writes to periods, targets and vetoes. Only bureau staff and admins set targets."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core.history import as_user
from zhaoshang.organization import access
from zhaoshang.organization.choices import Category
from zhaoshang.organization.models import Unit
from zhaoshang.projects.choices import Stage

from . import consequences as rulebook
from . import scoring
from .choices import AmountField, IndicatorKind, MeasureKind, RankingGroups, SchemeKind, VetoEffect
from .consequence_rows import rule_error_message
from .models import CountyTarget, Indicator, Period, Scheme, SchemeItem, TargetGroup, Veto

PERIOD_FIELDS = (
    "code",
    "name",
    "start",
    "end",
    "schedule_basis",
    "basis",
    "excluded_kinds",
    "excluded_industries",
    "exclude_government_funded",
    "exclude_local_relocation",
    "exclude_second_phase",
    "evidence_gate",
    "floor_amount",
    "usd_rate",
    "score_cap",
    "criticise_bottom",
    "criticise_beyond_third",
    "commend_top",
    "yellow_card_ratio",
    "half_time_check",
    "roll_up",
)


def _check_sets_targets(user) -> None:
    if user is not None and not access.edits_everything(user):
        raise PermissionDenied


@transaction.atomic
def save_period(*, user, period: Period | None = None, data: dict) -> Period:
    _check_sets_targets(user)
    period = period or Period()
    for name in PERIOD_FIELDS:
        if name in data:
            setattr(period, name, data[name])
    if period.start and period.end and period.end < period.start:
        raise ValidationError(_("The period ends before it starts."))
    period.full_clean()
    as_user(period, user).save()
    return period


@dataclass(frozen=True)
class IndicatorData:
    kind: str
    target: Decimal
    stage: str = ""
    amount_field: str = "contract_amount"
    min_amount: Decimal = Decimal("0")


def indicator_errors(data: IndicatorData) -> list[str]:
    errors = []
    if data.kind not in IndicatorKind.values:
        errors.append(_("Unknown indicator kind %(kind)s.") % {"kind": data.kind})
    if data.stage and data.stage not in Stage.values:
        errors.append(_("Unknown stage %(stage)s.") % {"stage": data.stage})
    if data.amount_field not in AmountField.values:
        errors.append(_("Unknown amount field %(field)s.") % {"field": data.amount_field})
    if data.kind in {"count", "amount", "foreign"} and not data.stage:
        errors.append(_("A project count, amount or foreign-capital indicator needs the stage to reach."))
    if data.target is None or data.target <= 0:
        errors.append(_("The target must be greater than zero."))
    if data.min_amount is not None and data.min_amount < 0:
        errors.append(_("The minimum amount cannot be negative."))
    return errors


@transaction.atomic
def save_group(
    *,
    user,
    period: Period,
    name: str,
    indicators: list[IndicatorData],
    tier: int | None = None,
    unit: Unit | None = None,
    weight: Decimal = Decimal("1"),
    order: int = 0,
    group: TargetGroup | None = None,
) -> TargetGroup:
    """Create or replace a target group (for a tier or for one unit) with its alternatives."""
    _check_sets_targets(user)
    if (tier is None) == (unit is None):
        raise ValidationError(_("A target is set either for a tier or for one unit."))
    if not indicators:
        raise ValidationError(_("A target group needs at least one indicator."))
    errors = [message for data in indicators for message in indicator_errors(data)]
    if weight <= 0:
        errors.append(_("The weight must be greater than zero."))
    if errors:
        raise ValidationError(errors)
    group = (
        group
        or TargetGroup.objects.filter(period=period, tier=tier, unit=unit, name=name).first()
        or TargetGroup(period=period)
    )
    group.tier, group.unit, group.name, group.weight, group.order = tier, unit, name, weight, order
    group.full_clean(exclude=["period"])
    as_user(group, user).save()
    for old in group.indicators.all():
        as_user(old, user).delete()
    for data in indicators:
        as_user(
            Indicator(
                group=group,
                kind=data.kind,
                stage=data.stage,
                amount_field=data.amount_field,
                min_amount=data.min_amount or Decimal("0"),
                target=data.target,
            ),
            user,
        ).save()
    return group


@transaction.atomic
def delete_group(*, user, group: TargetGroup) -> None:
    _check_sets_targets(user)
    for indicator in group.indicators.all():
        as_user(indicator, user).delete()
    as_user(group, user).delete()


@transaction.atomic
def set_veto(*, user, period: Period, unit: Unit, reason: str) -> Veto:
    _check_sets_targets(user)
    if not reason.strip():
        raise ValidationError(_("Give the reason for the veto."))
    veto = Veto.objects.filter(period=period, unit=unit).first() or Veto(period=period, unit=unit)
    veto.reason = reason.strip()
    veto.created_by = user
    as_user(veto, user).save()
    return veto


@transaction.atomic
def remove_veto(*, user, veto: Veto) -> None:
    _check_sets_targets(user)
    as_user(veto, user).delete()


# --- the 100-day competition preset (001) ------------------------------------------------------------

D = Decimal
SIGNED, STARTED = "signed", "started"
CONTRACT, PLANNED = "contract_amount", "planned_investment"


def _count(stage, floor, n, field):
    return IndicatorData(kind="count", stage=stage, amount_field=field, min_amount=D(floor), target=D(n))


def _sum(stage, floor, total, field):
    return IndicatorData(kind="amount", stage=stage, amount_field=field, min_amount=D(floor), target=D(total))


def _funds(total):
    return IndicatorData(kind="funds", amount_field=PLANNED, target=D(total))


# Signed: projects at ≥ the floor by contract amount, or their contract total. Started: projects at ≥ the
# floor by planned (total) investment, or their total investment. Funds: receipts dated in the period.
HUNDRED_DAY_TIERS = {
    1: {
        "签约": [_count(SIGNED, 1000, 3, CONTRACT), _sum(SIGNED, 1000, 6000, CONTRACT)],
        "开工": [_count(STARTED, 1000, 2, PLANNED), _sum(STARTED, 1000, 3000, PLANNED)],
    },
    2: {
        "签约": [_count(SIGNED, 1000, 2, CONTRACT), _sum(SIGNED, 1000, 4000, CONTRACT)],
        "开工": [_count(STARTED, 1000, 1, PLANNED)],
        "到位资金": [_funds(1000)],
    },
    3: {
        "签约": [_count(SIGNED, 1000, 1, CONTRACT)],
        "开工": [_count(STARTED, 500, 1, PLANNED)],
        "到位资金": [_funds(500)],
    },
    4: {
        "签约": [_count(SIGNED, 500, 1, CONTRACT)],
        "开工": [_count(STARTED, 300, 1, PLANNED)],
        "到位资金": [_funds(250)],
    },
}
HUNDRED_DAY_PARKS = {
    "签约": [_count(SIGNED, 1000, 4, CONTRACT), _sum(SIGNED, 1000, 8000, CONTRACT)],
    "开工": [_count(STARTED, 1000, 2, PLANNED), _sum(STARTED, 1000, 4000, PLANNED)],
    "到位资金": [_funds(4000)],
}
GROUP_ORDER = {"签约": 1, "开工": 2, "到位资金": 3}


@transaction.atomic
def apply_hundred_day_preset(*, user, period: Period, tier_one_funds: Decimal | None = None) -> int:
    """Load the 100-day competition table of seed 001 into the period; returns the number of groups set.

    The seed leaves tier one's funds figure "set per year": pass it, or fill it in afterwards.
    Parks (两区招商局) get their own row, set on each park unit.
    """
    _check_sets_targets(user)
    count = 0
    for tier, groups in HUNDRED_DAY_TIERS.items():
        for name, indicators in groups.items():
            save_group(user=user, period=period, tier=tier, name=name, indicators=indicators, order=GROUP_ORDER[name])
            count += 1
    if tier_one_funds:
        save_group(
            user=user,
            period=period,
            tier=1,
            name="到位资金",
            indicators=[_funds(tier_one_funds)],
            order=GROUP_ORDER["到位资金"],
        )
        count += 1
    for park in Unit.objects.filter(category="park", active=True):
        for name, indicators in HUNDRED_DAY_PARKS.items():
            save_group(user=user, period=period, unit=park, name=name, indicators=indicators, order=GROUP_ORDER[name])
            count += 1
    return count


# --- scoring schemes (评分细则, issue 13) -------------------------------------------------------------

SCHEME_FIELDS = ("full_score", "cap_total", "ranking", "custom_groups", "veto_effect")
# Measures counted per occurrence (or per project): the only ones "points per occurrence" may score.
PER_OCCURRENCE_MEASURES = (*scoring.OCCURRENCE_MEASURES, "count")
# Measures whose projects have amounts, the only ones "points per project by amount band" may score.
BANDED_MEASURES = ("count", "amount")


@dataclass(frozen=True)
class SchemeItemData:
    """One line of a scheme as the page or the 评分细则 sheet gives it."""

    code: str
    name: str
    function: str
    measure: dict
    section: str = "base"
    points: Decimal = Decimal("0")
    cap: Decimal | None = None
    places: int = 2
    params: dict | None = None
    task_group: str = ""

    def spec(self) -> scoring.Item:
        return scoring.item_spec(
            code=self.code,
            name=self.name,
            function=self.function,
            points=self.points,
            section=self.section,
            cap=self.cap,
            places=self.places,
            params=self.params,
        )


class SchemeRefused(ValidationError):
    """A scheme that cannot be computed. ``refusals``: (item index or None for the scheme, message)."""

    def __init__(self, refusals: list[tuple[int | None, str]]):
        super().__init__([message for _index, message in refusals])
        self.refusals = refusals


def scheme_error_message(error: scoring.SchemeError) -> str:
    """A ``SchemeError`` in the interface language."""
    return _(error.message) % error.params


def period_group_names(period: Period) -> list[str]:
    """The names of the period's target groups (of tiers and single units), the tasks an item may use."""
    names = TargetGroup.objects.filter(period=period).order_by("order", "name").values_list("name", flat=True)
    return list(dict.fromkeys(names))


def _item_refusals(item: SchemeItemData, group_names: list[str]) -> list[str]:
    label = item.name or item.code
    try:
        scoring.check(scoring.Scheme(items=(item.spec(),)))
        measure = scoring.Measure.from_json(item.measure, item=label)
        scoring.check_measure(item.spec(), measure)
    except scoring.SchemeError as error:
        return [scheme_error_message(error)]
    except (ArithmeticError, ValueError, TypeError):
        return [_("Item %(item)s: a parameter is not a number.") % {"item": label}]
    refusals = []
    if item.task_group and item.task_group not in group_names:
        refusals.append(
            _("Item %(item)s: the period has no target group %(group)s to take the task from.")
            % {"item": label, "group": item.task_group}
        )
    if item.function == "ratio" and not item.task_group:
        refusals.append(
            _("Item %(item)s scores actual ÷ task but names no target group to take the task from.") % {"item": label}
        )
    if item.function == "per_occurrence" and measure.what not in PER_OCCURRENCE_MEASURES:
        refusals.append(
            _("Item %(item)s: points per occurrence count projects or occurrences, not %(what)s.")
            % {"item": label, "what": MeasureKind(measure.what).label}
        )
    refusals += _stretch_refusals(item, label, group_names)
    if item.function == "banded" and measure.what not in BANDED_MEASURES:
        refusals.append(
            _("Item %(item)s: points by amount band need a project count or amount, not %(what)s.")
            % {"item": label, "what": MeasureKind(measure.what).label}
        )
    return refusals


def _stretch_refusals(item: SchemeItemData, label: str, group_names: list[str]) -> list[str]:
    """A ``stretch`` item (任务 and 力争) takes its task and its 力争 from two of the period's target groups."""
    if item.function != "stretch":
        return []
    refusals = []
    stretch_group = str((item.params or {}).get("stretch_group") or "")
    if not item.task_group:
        refusals.append(
            _("Item %(item)s scores 任务 and 力争 but names no target group to take the task from.") % {"item": label}
        )
    if stretch_group not in group_names:
        refusals.append(
            _("Item %(item)s: the period has no target group %(group)s to take the 力争 from.")
            % {"item": label, "group": stretch_group}
        )
    elif stretch_group == item.task_group:
        refusals.append(
            _("Item %(item)s: the 力争 must come from another target group than the task.") % {"item": label}
        )
    return refusals


def scheme_refusals(period: Period, data: dict, items: list[SchemeItemData]) -> list[tuple[int | None, str]]:
    """Why the scheme cannot be saved: (item index or None, message in the interface language)."""
    refusals: list[tuple[int | None, str]] = []
    full_score = data.get("full_score")
    if full_score is None or full_score <= 0:
        refusals.append((None, _("The full score must be greater than zero.")))
    if data.get("ranking") not in RankingGroups.values:
        refusals.append((None, _("Unknown ranking groups %(ranking)s.") % {"ranking": data.get("ranking")}))
    if data.get("veto_effect") not in VetoEffect.values:
        refusals.append((None, _("Unknown effect of a veto %(effect)s.") % {"effect": data.get("veto_effect")}))
    if data.get("ranking") == RankingGroups.CUSTOM:
        groups = data.get("custom_groups") or {}
        if not groups:
            refusals.append((None, _("Ranking by groups set by the bureau needs at least one group.")))
        known = set(
            Unit.objects.filter(code__in={c for codes in groups.values() for c in codes}).values_list("code", flat=True)
        )
        seen: dict[str, str] = {}
        for name, codes in groups.items():
            if not codes:
                refusals.append((None, _("The ranking group %(group)s has no units.") % {"group": name}))
            unknown = [code for code in codes if code not in known]
            if unknown:
                refusals.append(
                    (
                        None,
                        _("The ranking group %(group)s names unknown units %(codes)s.")
                        % {"group": name, "codes": "、".join(unknown)},
                    )
                )
            for code in codes:
                if code in seen and seen[code] != name:
                    refusals.append(
                        (
                            None,
                            _("The unit %(code)s is in two ranking groups, %(first)s and %(second)s.")
                            % {"code": code, "first": seen[code], "second": name},
                        )
                    )
                seen[code] = name
    groups = ranking_group_names(data.get("ranking"), data.get("custom_groups"))
    refusals.extend((None, message) for message in consequence_refusals(data.get("consequences"), groups))
    if not items:
        refusals.append((None, _("A points scheme needs at least one item.")))
    group_names = period_group_names(period)
    codes: set[str] = set()
    for index, item in enumerate(items):
        if item.code in codes:
            refusals.append(
                (
                    index,
                    _("Item %(item)s: the code %(code)s is used twice.")
                    % {"item": item.name or item.code, "code": item.code},
                )
            )
        codes.add(item.code)
        refusals.extend((index, message) for message in _item_refusals(item, group_names))
    return refusals


@transaction.atomic
def save_scheme(*, user, period: Period, data: dict, items: list[SchemeItemData]) -> Scheme:
    """Create or replace the period's points scheme: its fields, its items (matched by code: changed, added,
    removed) and, when ``data`` has them, its consequences (``targets.consequences`` JSON; the default set is
    stored as none), all or nothing; ``SchemeRefused`` naming the item or the rule and the reason."""
    _check_sets_targets(user)
    data = {"full_score": Decimal("100"), "ranking": "category", "veto_effect": "bar_honours", **data}
    if "consequences" not in data:  # the period's own stay, and must still name only groups the scheme ranks in
        data["consequences"] = Scheme.objects.filter(period=period).values_list("consequences", flat=True).first()
    refusals = scheme_refusals(period, data, items)
    if refusals:
        raise SchemeRefused(refusals)
    scheme = Scheme.objects.filter(period=period).first() or Scheme(period=period)
    before = {name: getattr(scheme, name) for name in ("kind", "consequences", *SCHEME_FIELDS)}
    scheme.kind = SchemeKind.POINTS
    for name in SCHEME_FIELDS:
        if name in data:
            setattr(scheme, name, data[name])
    if scheme.ranking != RankingGroups.CUSTOM:
        scheme.custom_groups = {}
    if "consequences" in data:
        book = rulebook.from_json(data["consequences"])
        scheme.consequences = [] if rulebook.is_default(book) else rulebook.to_json(book)
    if scheme.pk is None or any(getattr(scheme, name) != value for name, value in before.items()):
        scheme.full_clean(exclude=["period"])
        as_user(scheme, user).save()
    existing = {item.code: item for item in scheme.items.all()}
    wanted = {item.code for item in items}
    for code, old in existing.items():
        if code not in wanted:
            as_user(old, user).delete()
    for order, item in enumerate(items, start=1):
        row = existing.get(item.code) or SchemeItem(scheme=scheme, code=item.code)
        values = {
            "order": order,
            "name": item.name,
            "section": item.section,
            "function": item.function,
            "points": item.points,
            "cap": item.cap,
            "places": item.places,
            "params": dict(item.params or {}),
            "measure": scoring.Measure.from_json(item.measure, item=item.name).to_json(),
            "task_group": item.task_group,
        }
        if row.pk and all(getattr(row, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(row, name, value)
        row.full_clean(exclude=["scheme"])
        as_user(row, user).save()
    return scheme


def ranking_group_names(ranking: str, custom_groups: dict | None) -> set[str]:
    """The groups a scheme ranks in, by the names consequences use: categories, "all", or the custom groups."""
    if ranking == RankingGroups.ALL:
        return {"all"}
    if ranking == RankingGroups.CUSTOM:
        return set(custom_groups or {})
    return set(Category.values)


def consequence_refusals(data, groups: set[str] | None = None) -> list[str]:
    """Why stored consequences (``targets.consequences`` JSON) cannot be applied, naming the rule: unreadable,
    or a number for a group the scheme does not rank in (``groups``)."""
    try:
        book = rulebook.from_json(data)
    except rulebook.RuleError as error:
        return [rule_error_message(error)]
    refusals = []
    if groups is not None and not rulebook.is_default(book):
        labels = dict(Category.choices)
        for number, rule in enumerate(book, start=1):
            for condition in rule.conditions:
                for group, _n in condition.per_group:
                    if group not in groups:
                        refusals.append(
                            _("Rule %(rule)s: no ranking group %(group)s.")
                            % {"rule": number, "group": labels.get(group, group)}
                        )
    return refusals


@transaction.atomic
def save_consequences(*, user, period: Period, rules) -> Scheme:
    """The period's consequences (a sequence of ``consequences.Rule``, or its JSON), on its scheme; a period
    scored by weighted completion gets a scheme of that kind to hold them. The default set is stored as none.
    ``SchemeRefused`` naming the rule."""
    _check_sets_targets(user)
    is_rules = isinstance(rules, (list, tuple)) and rules and isinstance(rules[0], rulebook.Rule)
    data = rulebook.to_json(rules) if is_rules else rules
    scheme = Scheme.objects.filter(period=period).first() or Scheme(period=period, kind=SchemeKind.COMPLETION)
    points = scheme.kind == SchemeKind.POINTS
    groups = ranking_group_names(scheme.ranking if points else RankingGroups.CATEGORY, scheme.custom_groups)
    refusals = consequence_refusals(data, groups)
    if refusals:
        raise SchemeRefused([(None, message) for message in refusals])
    book = rulebook.from_json(data)
    data = [] if rulebook.is_default(book) else rulebook.to_json(book)
    if scheme.pk is None or scheme.consequences != data:
        scheme.consequences = data
        scheme.full_clean(exclude=["period"])
        as_user(scheme, user).save()
    return scheme


@transaction.atomic
def delete_scheme(*, user, period: Period) -> None:
    """Back to weighted completion: the period's scheme and its items go (kept in the history)."""
    _check_sets_targets(user)
    scheme = Scheme.objects.filter(period=period).first()
    if scheme is None:
        return
    for item in scheme.items.all():
        as_user(item, user).delete()
    if scheme.consequences:  # the period's own consequences stay, on a scheme of weighted completion
        scheme.kind = SchemeKind.COMPLETION
        as_user(scheme, user).save()
        return
    as_user(scheme, user).delete()


# --- the county's own targets, handed down from above ---------------------------------------------------

MONEY_DIGITS, MONEY_PLACES = 16, 2


@dataclass(frozen=True)
class CountyTargetData:
    kind: str
    target: Decimal
    stage: str = ""
    amount_field: str = "contract_amount"
    min_amount: Decimal = Decimal("0")
    document: str = ""
    document_number: str = ""
    issued_by: str = ""


def _money_refusal(value, label: str) -> str | None:
    if value is None:
        return _("Target from above: give the %(field)s.") % {"field": label}
    if not isinstance(value, Decimal) or not value.is_finite():
        return _("Target from above: the %(field)s is not a number.") % {"field": label}
    if value < 0:
        return _("Target from above: the %(field)s cannot be negative.") % {"field": label}
    _sign, digits, exponent = value.normalize().as_tuple()
    places = max(0, -exponent)
    whole = max(0, len(digits) + exponent)
    if places > MONEY_PLACES or whole > MONEY_DIGITS - MONEY_PLACES:
        return _(
            "Target from above: the %(field)s takes at most %(whole)s digits before the point and %(places)s after it."
        ) % {"field": label, "whole": MONEY_DIGITS - MONEY_PLACES, "places": MONEY_PLACES}
    return None


def county_target_refusals(data: CountyTargetData) -> list[str]:
    """Why the county's target cannot be saved, each message naming the field (empty: it can)."""
    errors = []
    if data.kind not in IndicatorKind.values:
        errors.append(_("Target from above: unknown indicator kind %(kind)s.") % {"kind": data.kind})
    if data.stage and data.stage not in Stage.values:
        errors.append(_("Target from above: unknown stage %(stage)s.") % {"stage": data.stage})
    if data.amount_field not in AmountField.values:
        errors.append(_("Target from above: unknown amount field %(field)s.") % {"field": data.amount_field})
    for value, label in ((data.target, _("target")), (data.min_amount, _("minimum amount"))):
        refusal = _money_refusal(value, label)
        if refusal:
            errors.append(refusal)
    for value, label, limit in (
        (data.document, _("source document"), 200),
        (data.document_number, _("document number"), 100),
        (data.issued_by, _("handed down by"), 100),
    ):
        if len(value or "") > limit:
            errors.append(
                _("Target from above: the %(field)s is longer than %(limit)s characters.")
                % {"field": label, "limit": limit}
            )
    return errors


@transaction.atomic
def save_county_target(
    *, user, period: Period, data: CountyTargetData, county_target: CountyTarget | None = None
) -> CountyTarget:
    """Create or change the county's target for one indicator (all or nothing; a change keeps its history)."""
    _check_sets_targets(user)
    errors = county_target_refusals(data)
    if errors:
        raise ValidationError(errors)
    stage = "" if data.kind == IndicatorKind.FUNDS else (data.stage or Stage.SIGNED)
    target = county_target or CountyTarget(period=period)
    if target.period_id != period.pk:
        raise PermissionDenied
    target.kind, target.stage, target.amount_field = data.kind, stage, data.amount_field
    target.min_amount, target.target = data.min_amount, data.target
    target.document = (data.document or "").strip()
    target.document_number = (data.document_number or "").strip()
    target.issued_by = (data.issued_by or "").strip()
    clash = (
        CountyTarget.objects.filter(period=period)
        .exclude(pk=target.pk)
        .filter(kind=target.kind, stage=target.stage, amount_field=target.amount_field, min_amount=target.min_amount)
    )
    if clash.exists():
        raise ValidationError(_("Target from above: the county already has a target for this indicator in the period."))
    as_user(target, user).save()
    return target


@transaction.atomic
def delete_county_target(*, user, county_target: CountyTarget) -> None:
    _check_sets_targets(user)
    as_user(county_target, user).delete()
