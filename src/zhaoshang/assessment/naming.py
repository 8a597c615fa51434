"""Readable names for indicators, e.g. "签约1000万元以上项目个数" (translated at display time)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from zhaoshang.projects.choices import Stage
from zhaoshang.targets.choices import AmountField


def _amount(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def indicator_name(*, kind: str, stage: str, amount_field: str, min_amount: Decimal, target: Decimal) -> str:
    stage_label = str(Stage(stage).label) if stage else str(Stage.SIGNED.label)
    field_label = str(AmountField(amount_field).label)
    floor = _(" of %(amount)s (10k yuan) or more") % {"amount": _amount(min_amount)} if min_amount else ""
    if kind == "count":
        return _("Projects %(stage)s%(floor)s") % {"stage": stage_label, "floor": floor}
    if kind == "amount":
        return _("%(field)s of projects %(stage)s%(floor)s") % {
            "field": field_label,
            "stage": stage_label,
            "floor": floor,
        }
    if kind == "funds":
        return _("Funds in place%(floor)s") % {"floor": floor}
    return _("Foreign capital (10k USD) of projects %(stage)s") % {"stage": stage_label}
