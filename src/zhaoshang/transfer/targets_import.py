"""The 考核期 and 目标 sheets: assessment periods and the target groups set per tier or per unit.

Checked with the rest of the workbook and written in the same transaction, after the units (a target
may be set for a unit the same file creates). The writes go through the targets services
(``save_period``, ``save_group``), so periods and groups imported from Excel obey exactly the rules
of the targets pages; every history row they write names the importing user and the reason "Excel导入".

What a file means:

- a 考核期 row creates the period, or updates an existing period's name, dates and schedule basis
  (its recognition and reward rules are left as they are);
- the 目标 rows with the same (考核期编码, 档次 or 单位编码, 指标组) are the alternatives of one group:
  the group is created, or its indicators and weight are replaced by the file's; groups the file does
  not name are left as they are. An existing group keeps its display order; new ones follow the
  groups already set for the same tier or unit, in the order of the file.
"""

from __future__ import annotations

import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from simple_history.signals import pre_create_historical_record

from zhaoshang.organization.choices import Category
from zhaoshang.organization.models import Unit
from zhaoshang.targets.choices import KIND_XLSX as INDICATOR_KIND_XLSX
from zhaoshang.targets.models import CountyTarget, Period, TargetGroup, indicator_key
from zhaoshang.targets.services import (
    CountyTargetData,
    IndicatorData,
    delete_county_target,
    save_county_target,
    save_group,
    save_period,
)

from . import columns as c
from .errors import ErrorList
from .reading import CountyTargetRow, GroupKey, ParsedFile, PeriodRow, TargetRow

CHUNK = 500
ONE = Decimal("1.00")
PERIOD_UPDATED_FIELDS = ("name", "start", "end", "schedule_basis")


class WriteRefused(Exception):
    """A service refused a write the checks let through; its reasons are in the error list."""


def empty_counts() -> dict[str, dict[str, int]]:
    return {
        c.PERIOD_SHEET: {"created": 0, "updated": 0, "unchanged": 0},
        c.TARGET_SHEET: {"created": 0, "updated": 0, "unchanged": 0},  # counted in groups, not rows
        c.COUNTY_TARGET_SHEET: {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0},
    }


@dataclass
class GroupPlan:
    key: GroupKey
    rows: list[TargetRow]
    weight: Decimal
    order: int
    group: TargetGroup | None  # the existing group the file replaces, or None to create one

    @property
    def indicators(self) -> list[IndicatorData]:
        return [row.indicator for row in self.rows]


def _indicator_key(data) -> tuple:
    return (data.kind, data.stage or "", data.amount_field, data.min_amount or Decimal(0), data.target)


class TargetPlanner:
    """Checks the 考核期 and 目标 sheets against the database and works out what to save."""

    def __init__(self, parsed: ParsedFile, errors: ErrorList, *, units: dict[str, Unit]):
        self.parsed, self.errors = parsed, errors
        self.units = units  # every unit by code, those the file creates included (filled in by the ledger)
        self.periods: dict[str, Period] = {}  # existing periods the file names, by code
        self.period_rows: list[PeriodRow] = []  # rows to save (new or changed)
        self.groups: list[GroupPlan] = []  # groups to save (new or changed)
        # County targets (上级下达任务): the rows to save with the target they change (None: a new one), and
        # the existing targets of the periods the sheet names that it does not list (removed).
        self.county_saves: list[tuple[CountyTargetRow, CountyTarget | None]] = []
        self.county_deletes: list[CountyTarget] = []

    def check_refs(self) -> None:
        """Each 目标 row's period is in the 考核期 sheet or already in the system."""
        refs = [*self.parsed.period_refs, *self.parsed.county_period_refs]
        codes = sorted(set(self.parsed.period_codes) | {code for _row, code in refs})
        for start in range(0, len(codes), CHUNK):
            self.periods.update((p.code, p) for p in Period.objects.filter(code__in=codes[start : start + CHUNK]))
        for row, code in self.parsed.period_refs:
            if code not in self.parsed.period_codes and code not in self.periods:
                self.errors.add(
                    c.TARGET_SHEET,
                    row,
                    c.G_PERIOD,
                    code,
                    _("Unknown period code %(code)s: it is neither in the sheet 考核期 nor in the system.")
                    % {"code": code},
                )
        for row, code in self.parsed.county_period_refs:
            if code not in self.parsed.period_codes and code not in self.periods:
                self.errors.add(
                    c.COUNTY_TARGET_SHEET,
                    row,
                    c.G_PERIOD,
                    code,
                    _("Unknown period code %(code)s: it is neither in the sheet 考核期 nor in the system.")
                    % {"code": code},
                )

    def plan(self, period_counts: dict, target_counts: dict, county_counts: dict | None = None) -> None:
        self._plan_periods(period_counts)
        self._check_units()
        self._plan_groups(target_counts)
        self._plan_county_targets(county_counts if county_counts is not None else dict(EMPTY_COUNTY_COUNTS))

    def _plan_county_targets(self, counts: dict) -> None:
        """Per period the sheet names, its county targets become the sheet's rows: each row matches the existing
        target of the same indicator key (kind, stage, amount field where it matters, minimum); unmatched rows
        are new, unmatched targets are removed, a row equal to its target changes nothing."""
        rows = self.parsed.county_targets
        if not rows:
            return
        period_ids = {self.periods[r.period_code].pk for r in rows if r.period_code in self.periods}
        existing: dict[tuple, dict[tuple, CountyTarget]] = {}
        for target in CountyTarget.objects.filter(period_id__in=period_ids).select_related("period"):
            existing.setdefault(target.period.code, {})[indicator_key(target)] = target
        seen: dict[tuple, int] = {}
        for row in rows:
            key = indicator_key(_CountyKey(row.data))
            first = seen.setdefault((row.period_code, key), row.row)
            if first != row.row:
                self.errors.add(
                    c.COUNTY_TARGET_SHEET,
                    row.row,
                    c.G_KIND,
                    self._kind_label(row.data.kind),
                    _("The same indicator is already on row %(row)s: the county has one target per indicator.")
                    % {"row": first},
                )
                continue
            target = existing.get(row.period_code, {}).pop(key, None)
            if target is None:
                counts["created"] += 1
            elif _county_unchanged(target, row.data):
                counts["unchanged"] += 1
                continue
            else:
                counts["updated"] += 1
            self.county_saves.append((row, target))
        for targets in existing.values():
            self.county_deletes.extend(targets.values())
            counts["deleted"] += len(targets)

    @staticmethod
    def _kind_label(kind: str) -> str:
        return next((label for label, value in INDICATOR_KIND_XLSX.items() if value == kind), kind)

    def _plan_periods(self, counts: dict) -> None:
        for row in self.parsed.periods:
            period = self.periods.get(row.code)
            if period is None:
                counts["created"] += 1
            elif any(getattr(period, name) != getattr(row, name) for name in PERIOD_UPDATED_FIELDS):
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
                continue
            self.period_rows.append(row)

    def _check_units(self) -> None:
        """Targets are set for active units that are ranked: not for a jurisdiction such as the county."""
        for row in self.parsed.targets:
            code = row.key[2]
            unit = self.units.get(code) if code else None
            if unit is None:  # a tier's target, or a unit whose own error is reported elsewhere
                continue
            if unit.category == Category.JURISDICTION:
                reason = _("%(unit)s is a jurisdiction, which is not assessed: targets are set for the units in it.")
                self.errors.add(c.TARGET_SHEET, row.row, c.G_UNIT, code, reason % {"unit": unit.name})
            elif not unit.active:
                reason = _("%(unit)s is no longer active.") % {"unit": unit.name}
                self.errors.add(c.TARGET_SHEET, row.row, c.G_UNIT, code, reason)

    def _plan_groups(self, counts: dict) -> None:
        rows_by_key: dict[GroupKey, list[TargetRow]] = {}
        for row in self.parsed.targets:
            rows_by_key.setdefault(row.key, []).append(row)
        existing, last_order = self._existing_groups()
        for key, rows in rows_by_key.items():
            weight = self.parsed.group_weights.get(key, (ONE, 0))[0]
            group = existing.get(key)
            if group is None:
                owner = key[:3]
                last_order[owner] = last_order.get(owner, 0) + 1
                self.groups.append(GroupPlan(key, rows, weight, last_order[owner], None))
                counts["created"] += 1
                continue
            wanted = Counter(_indicator_key(row.indicator) for row in rows)
            current = Counter(_indicator_key(indicator) for indicator in group.indicators.all())
            if group.weight == weight and wanted == current:
                counts["unchanged"] += 1
                continue
            self.groups.append(GroupPlan(key, rows, weight, group.order, group))
            counts["updated"] += 1

    def _existing_groups(self) -> tuple[dict[GroupKey, TargetGroup], dict[tuple, int]]:
        """The groups already set in the periods the 目标 sheet names, and the last order per tier or unit."""
        named = {self.periods.get(row.period_code) for row in self.parsed.targets}
        period_ids = {period.pk for period in named if period is not None}
        groups: dict[GroupKey, TargetGroup] = {}
        last_order: dict[tuple, int] = {}
        if not period_ids:
            return groups, last_order
        queryset = (
            TargetGroup.objects.filter(period_id__in=period_ids)
            .select_related("period", "unit")
            .prefetch_related("indicators")
        )
        for group in queryset:
            owner = (group.period.code, group.tier, group.unit.code if group.unit_id else "")
            groups[(*owner, group.name)] = group
            last_order[owner] = max(last_order.get(owner, 0), group.order)
        return groups, last_order

    # --- writing ---------------------------------------------------------------------------------

    def write(self, *, user) -> None:
        """Save the planned periods, then groups (inside the importer's transaction, after the units)."""
        with history_reason(c.CHANGE_REASON):
            for row in self.period_rows:
                data = {"code": row.code, **{name: getattr(row, name) for name in PERIOD_UPDATED_FIELDS}}
                try:
                    self.periods[row.code] = save_period(user=user, period=self.periods.get(row.code), data=data)
                except ValidationError as error:
                    self._refused(c.PERIOD_SHEET, row.row, c.A_CODE, row.code, error)
            for plan in self.groups:
                period_code, tier, unit_code, name = plan.key
                try:
                    save_group(
                        user=user,
                        period=self.periods[period_code],
                        name=name,
                        indicators=plan.indicators,
                        tier=tier,
                        unit=self.units[unit_code] if unit_code else None,
                        weight=plan.weight,
                        order=plan.order,
                        group=plan.group,
                    )
                except ValidationError as error:
                    self._refused(c.TARGET_SHEET, plan.rows[0].row, c.G_GROUP, name, error)
            for target in self.county_deletes:
                delete_county_target(user=user, county_target=target)
            for row, target in self.county_saves:
                try:
                    save_county_target(
                        user=user, period=self.periods[row.period_code], data=row.data, county_target=target
                    )
                except ValidationError as error:
                    self._refused(c.COUNTY_TARGET_SHEET, row.row, c.G_KIND, self._kind_label(row.data.kind), error)

    def _refused(self, sheet: str, row: int, column: str, value, error: ValidationError):
        self.errors.add(sheet, row, column, value, " ".join(error.messages))
        raise WriteRefused


EMPTY_COUNTY_COUNTS = {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0}


class _CountyKey:
    """The stage and amount field a county target is saved with (blank stage: signed), for ``indicator_key``."""

    def __init__(self, data: CountyTargetData):
        self.kind, self.stage = data.kind, data.stage
        self.amount_field, self.min_amount = data.amount_field, data.min_amount


def _county_unchanged(target: CountyTarget, data: CountyTargetData) -> bool:
    return (
        target.amount_field == data.amount_field
        and target.min_amount == data.min_amount
        and target.target == data.target
        and target.document == (data.document or "").strip()
        and target.document_number == (data.document_number or "").strip()
        and target.issued_by == (data.issued_by or "").strip()
    )


@contextmanager
def history_reason(reason: str):
    """Give the history rows this thread writes meanwhile ``reason`` (unless the saving code gave one)."""
    thread = threading.get_ident()

    def give_reason(sender, history_instance, **kwargs):
        if threading.get_ident() == thread and not history_instance.history_change_reason:
            history_instance.history_change_reason = reason

    uid = f"transfer-history-reason-{thread}"
    pre_create_historical_record.connect(give_reason, weak=False, dispatch_uid=uid)
    try:
        yield
    finally:
        pre_create_historical_record.disconnect(dispatch_uid=uid)
