"""Writing business-environment indicators and their values: the bureau defines the indicators; values are entered
by form, .xlsx or the API, each through ``save_value`` (one value per indicator, unit and period: entering it again
changes it, and the history keeps the value before).

Every write checks the permission rule, runs in one transaction and names its author in the history (``as_user``).
A reporter enters the values of their own unit for per-department indicators, and the county-wide values of the
indicators their unit is responsible for; the bureau any; leaders and supervisors none."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zhaoshang.core import clock
from zhaoshang.core.history import as_user
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit

from . import periods, xlsx
from .models import Indicator, IndicatorValue

INDICATOR_FIELDS = (
    "name",
    "unit",
    "direction",
    "target",
    "scope",
    "department",
    "frequency",
    "source",
    "description",
    "active",
    "position",
)


# --- who may do what ---------------------------------------------------------------------------------------------


def may_define(user) -> bool:
    """The bureau (and admins) define the indicators."""
    return access.edits_everything(user)


def may_enter(user, indicator: Indicator, department: Unit | None) -> bool:
    """Whether ``user`` may enter the value of ``indicator`` for ``department`` (None: the county-wide value)."""
    if not access.is_active(user):
        return False
    if access.edits_everything(user):
        return True
    if not access.is_reporter(user):
        return False
    ids = access.unit_ids(user)
    if indicator.per_department:
        return department is not None and department.pk in ids
    return department is None and indicator.department_id in ids


def departments_for(user, indicator: Indicator) -> QuerySet:
    """The units ``user`` may enter values of a per-department indicator for (none for a county-wide one)."""
    units = Unit.objects.filter(active=True).order_by("code")
    if not indicator.per_department or not access.is_active(user):
        return units.none()
    if access.edits_everything(user):
        return units
    if access.is_reporter(user):
        return units.filter(pk__in=access.unit_ids(user))
    return units.none()


def may_enter_any(user, indicator: Indicator) -> bool:
    if not indicator.active:
        return False
    if indicator.per_department:
        return departments_for(user, indicator).exists()
    return may_enter(user, indicator, None)


def may_enter_some(user) -> bool:
    """Whether ``user`` enters values at all: the bureau, and reporters with a unit (leaders and supervisors read)."""
    return access.is_active(user) and (
        access.edits_everything(user) or (access.is_reporter(user) and bool(access.unit_ids(user)))
    )


def may_change(user, item: IndicatorValue) -> bool:
    return IndicatorValue.objects.restrict(user, "change").filter(pk=item.pk).exists()


# --- indicators ----------------------------------------------------------------------------------------------------


@transaction.atomic
def save_indicator(*, user, indicator: Indicator | None = None, data: dict) -> Indicator:
    """Define or change an indicator. Its frequency and scope stay as they are once values exist (the values are
    stored by period and unit)."""
    if not may_define(user):
        raise PermissionDenied
    item = indicator or Indicator()
    if item.pk and item.values.exists():
        errors = []
        if "frequency" in data and data["frequency"] != item.frequency:
            errors.append(_("The frequency cannot change once values are entered."))
        if "scope" in data and data["scope"] != item.scope:
            errors.append(_("Whom the indicator is reported for cannot change once values are entered."))
        if errors:
            raise ValidationError(errors)
    for name in INDICATOR_FIELDS:
        if name in data:
            value = data[name]
            setattr(item, name, value.strip() if isinstance(value, str) else value)
    item.full_clean()
    as_user(item, user).save()
    return item


# --- values --------------------------------------------------------------------------------------------------------


def entry_errors(user, indicator: Indicator, department: Unit | None, period: dt.date, today: dt.date) -> list[str]:
    """Why ``user`` may not enter a value of ``indicator`` for ``department`` and ``period`` (nothing if they may)."""
    errors = []
    if not indicator.active:
        errors.append(_("The indicator is no longer in use."))
    if indicator.per_department and department is None:
        errors.append(_("This indicator is reported per department: choose the department."))
    elif not indicator.per_department and department is not None:
        errors.append(_("This indicator is county-wide: leave the department empty."))
    elif not may_enter(user, indicator, department):
        errors.append(_("You may not enter this indicator's values for this unit."))
    if period > today:
        errors.append(_("The period %(period)s has not begun yet.") % {"period": indicator.period_label(period)})
    return errors


def _store(*, user, indicator: Indicator, department: Unit | None, period: dt.date, value: Decimal, note: str):
    item = IndicatorValue.objects.filter(indicator=indicator, department=department, period=period).first()
    created = item is None
    if created:
        item = IndicatorValue(indicator=indicator, department=department, period=period)
    item.value, item.note, item.entered_by = value, (note or "").strip(), user
    item.full_clean(validate_constraints=False)
    as_user(item, user).save()
    return item, created


@transaction.atomic
def save_value(
    *, user, indicator: Indicator, department: Unit | None, period, value: Decimal, note: str = ""
) -> tuple[IndicatorValue, bool]:
    """Enter the value of ``indicator`` for ``department`` (None: the county) and the period ``period`` names (a
    date in it, or its text: 2026-11, 2026Q4, 2026…). The value already entered for that period is changed.
    Returns the value and whether it is new."""
    if not may_enter_some(user):
        raise PermissionDenied
    try:
        start = periods.parse(period, indicator.frequency)
    except periods.PeriodError as error:
        raise ValidationError({"period": str(error)}) from None
    errors = entry_errors(user, indicator, department, start, clock.today())
    if errors:
        raise ValidationError(errors)
    return _store(user=user, indicator=indicator, department=department, period=start, value=value, note=note)


@transaction.atomic
def change_value(*, user, item: IndicatorValue, value: Decimal, note: str = "") -> IndicatorValue:
    """Correct a value (its indicator, unit and period stay)."""
    if not may_change(user, item):
        raise PermissionDenied
    item.value, item.note, item.entered_by = value, (note or "").strip(), user
    item.full_clean(validate_constraints=False)
    as_user(item, user).save()
    return item


@transaction.atomic
def delete_value(*, user, item: IndicatorValue) -> None:
    """Remove a value entered by mistake (the history keeps it)."""
    if not IndicatorValue.objects.restrict(user, "delete").filter(pk=item.pk).exists():
        raise PermissionDenied
    as_user(item, user).delete()


def import_values(*, user, data: bytes) -> tuple[list[IndicatorValue], list[xlsx.RowError]]:
    """Read the workbook (the export's columns, or a county's own sheet with the periods as columns) and, when no
    row has an error, enter every value in one transaction; otherwise enter nothing and return the errors, each
    naming its row and column."""
    if not may_enter_some(user):
        raise PermissionDenied
    parsed = xlsx.read_values(data, user=user, may_enter=may_enter, today=clock.today())
    if parsed.errors:
        return [], parsed.errors
    saved, errors = [], []
    with transaction.atomic():
        for entry in parsed.rows:
            try:
                item, _created = _store(
                    user=user,
                    indicator=entry.indicator,
                    department=entry.department,
                    period=entry.period,
                    value=entry.value,
                    note=entry.note,
                )
            except ValidationError as error:
                for messages in error.message_dict.values():
                    errors.extend(xlsx.RowError(entry.row, entry.column, message) for message in messages)
                continue
            saved.append(item)
        if errors:
            transaction.set_rollback(True)
            return [], errors
    return saved, []
