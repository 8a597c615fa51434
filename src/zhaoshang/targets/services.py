"""Writes to periods, targets and vetoes. Only bureau staff and admins set targets."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core.history import as_user
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit
from zhaoshang.projects.choices import Stage

from .choices import AmountField, IndicatorKind
from .models import Indicator, Period, TargetGroup, Veto

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
    "floor_amount",
    "usd_rate",
    "score_cap",
    "criticise_bottom",
    "criticise_beyond_third",
    "commend_top",
    "yellow_card_ratio",
    "half_time_check",
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
