"""The demo county's business-environment indicators (issue 19), from the speech on the year of a better business
environment (seed 003): 企业开办时间 down to a working day, 项目前期手续 40 % shorter, 并联审批率 above 90 %, 联合验收率
100 %, the enterprises' satisfaction and the share of services handled online per department, with twelve months
or four quarters of values, some of the latest missing their target (失分指标 to put right).

Drawn from a stream of their own and written after everything else; nothing else reads them."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from zhaoshang.core import clock
from zhaoshang.core.history import as_user
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit, User

from . import periods
from .choices import Direction, Frequency, Scope
from .models import Indicator, IndicatorValue

SHANGHAI = ZoneInfo("Asia/Shanghai")
SOURCE = "省营商环境评价"
# name, unit, direction, target, scope, responsible department (code), frequency, (first value, last value)
INDICATORS = [
    ("企业开办时间", "工作日", Direction.LOWER, "1", Scope.COUNTY, "D14", Frequency.MONTHLY, ("3", "0.8")),
    ("项目前期手续办理时限", "天", Direction.LOWER, "60", Scope.COUNTY, "D13", Frequency.MONTHLY, ("105", "63")),
    ("工程建设项目并联审批率", "%", Direction.HIGHER, "90", Scope.COUNTY, "D05", Frequency.MONTHLY, ("78", "92")),
    ("联合验收率", "%", Direction.HIGHER, "100", Scope.COUNTY, "D05", Frequency.QUARTERLY, ("92", "100")),
    ("企业满意度", "%", Direction.HIGHER, "95", Scope.COUNTY, None, Frequency.QUARTERLY, ("91", "94.6")),
    ("政务服务事项网办率", "%", Direction.HIGHER, "90", Scope.DEPARTMENT, "D13", Frequency.MONTHLY, ("70", "93")),
]
# The units that report 网办率 themselves (the townships of the demo's two reporters among them).
REPORTING_UNITS = ("D13", "D14", "D05", "D06", "T01", "T04")
PERIODS = {Frequency.MONTHLY: 12, Frequency.QUARTERLY: 4, Frequency.YEARLY: 3}


def _at(day: dt.date, rng: random.Random, today: dt.date) -> dt.datetime:
    day = min(day, today)
    return dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.randint(0, 59)), SHANGHAI)


def _reporter(unit: Unit | None, bureau: User | None) -> User | None:
    """The unit's reporter (a demo login or a liaison), else the bureau."""
    if unit is not None:
        found = User.objects.filter(access.reporters_q(), unit=unit, is_active=True).order_by("pk").first()
        if found is not None:
            return found
    return bureau


def build_demo(*, rng: random.Random, units: dict[str, Unit], users: dict[str, User], today: dt.date) -> int:
    """Write the indicators and their values; returns how many values."""
    bureau = users.get("bureau")
    made = 0
    with transaction.atomic():
        for position, (name, unit, direction, target, scope, code, frequency, (first, last)) in enumerate(INDICATORS):
            indicator = Indicator(
                name=name,
                unit=unit,
                direction=direction,
                target=Decimal(target),
                scope=scope,
                department=units.get(code) if code else None,
                frequency=frequency,
                source=SOURCE if position < 4 else "县营商办",
                position=(position + 1) * 10,
            )
            count = PERIODS[frequency]
            # The last complete period, and the ones before it.
            latest = periods.previous(periods.start_of(today, frequency), frequency)
            starts = [periods.shift(latest, frequency, -(count - 1 - i)) for i in range(count)]
            with clock.frozen(_at(starts[0], rng, today)):
                as_user(indicator, bureau).save()
            if scope == Scope.DEPARTMENT:
                reporting = [units[c] for c in REPORTING_UNITS if c in units]
            else:
                reporting = [None]
            for department in reporting:
                author = _reporter(department or indicator.department, bureau)
                offset = Decimal(str(rng.uniform(-6, 4))) if department is not None else Decimal(0)
                for i, start in enumerate(starts):
                    share = Decimal(i) / Decimal(max(1, count - 1))
                    value = Decimal(first) + (Decimal(last) - Decimal(first)) * share + offset
                    value += Decimal(str(rng.uniform(-0.04, 0.04))) * abs(Decimal(last) - Decimal(first))
                    if i == count - 1 and department is None:
                        value = Decimal(last)  # the figure the speech (or the demo's story) names
                    if unit == "%":
                        value = min(value, Decimal(100))
                    value = max(value, Decimal(0)).quantize(Decimal("0.01"))
                    item = IndicatorValue(
                        indicator=indicator, department=department, period=start, value=value, entered_by=author
                    )
                    if i == count - 1 and not item.met:
                        item.note = "未达目标，责任单位已制定整改方案，限期整改"
                    entered = periods.shift(start, frequency, 1) + dt.timedelta(days=rng.randint(2, 9))
                    with clock.frozen(_at(entered, rng, today)):
                        as_user(item, author).save()
                    made += 1
    return made
