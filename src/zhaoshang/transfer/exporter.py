"""Export the ledger to .xlsx in the import format, so that an exported file imports back unchanged.

The 项目 sheet has the import columns (every field of the project form) plus 累计到位资金(万元) (which
the importer reads past); the 到位资金 sheet has the receipts of the exported projects; the 单位 sheet
lists the units in the import layout, so users see the codes to use (imported back unchanged, it changes
nothing). A period's targets export on their own (export_targets): its 考核期 row and one 目标 row per
indicator.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from zhaoshang.core.xlsx import text_cell
from zhaoshang.organization.choices import CATEGORY_XLSX, TIER_XLSX
from zhaoshang.organization.models import Unit
from zhaoshang.projects.choices import (
    CAPITAL_XLSX,
    CURRENCY_XLSX,
    EVENT_LEVEL_XLSX,
    INDUSTRY_NAME,
    KIND_XLSX,
    OWNERSHIP_XLSX,
    STAGE_XLSX,
    STATUS_XLSX,
    YES_NO_XLSX,
    DatePrecision,
)
from zhaoshang.projects.models import FundsReceipt, Project, StageEvent
from zhaoshang.targets.choices import AMOUNT_FIELD_XLSX, SCHEDULE_XLSX
from zhaoshang.targets.choices import KIND_XLSX as INDICATOR_KIND_XLSX
from zhaoshang.targets.models import Period

from . import columns as c
from .parsing import format_shares

CHUNK = 1000
MONEY_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
CAPITAL_LABEL = {value: label for label, value in CAPITAL_XLSX.items()}
KIND_LABEL = {value: label for label, value in KIND_XLSX.items()}
STATUS_LABEL = {value: label for label, value in STATUS_XLSX.items()}
CURRENCY_LABEL = {value: label for label, value in CURRENCY_XLSX.items()}
YES_NO_LABEL = {value: label for label, value in YES_NO_XLSX.items()}
# The labels of the optional columns holding a choice: Project field → value → label.
FIELD_LABELS = {
    "currency": CURRENCY_LABEL,
    "ownership": {value: label for label, value in OWNERSHIP_XLSX.items()},
    "signing_event_level": {value: label for label, value in EVENT_LEVEL_XLSX.items()},
}
CATEGORY_LABEL = {value: label for label, value in CATEGORY_XLSX.items()}
TIER_LABEL = {value: label for label, value in TIER_XLSX.items()}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def header_cells(sheet, columns) -> list:
    cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cells.append(cell)
    return cells


def _start_sheet(workbook, title: str, columns):
    sheet = workbook.create_sheet(title)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append(header_cells(sheet, columns))
    return sheet


def _cells(sheet, columns, values) -> list:
    row = []
    for column, value in zip(columns, values, strict=True):
        if isinstance(value, str):  # user text stays text (core.xlsx: formula injection, control characters)
            row.append(text_cell(sheet, value))  # also a month-precision date (2025年3月) in a date column
        elif value is not None and (column.money or column.date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = MONEY_FORMAT if column.money else DATE_FORMAT
            row.append(cell)
        else:
            row.append(value)
    return row


def current_stage_label(project: Project, events: dict) -> str:
    """当前阶段 as the importer reads it: the status if stalled or dropped, else the latest dated stage.

    A project with no dated stage among the file's columns (nothing recorded, or only a lead) gets an
    empty cell: its stage then follows from the dates, as it does in the ledger.
    """
    if project.status in STATUS_LABEL:
        return STATUS_LABEL[project.status]
    dated = [stage for stage in c.FILE_STAGES if stage in events]
    return c.STAGE_LABEL[dated[-1]] if dated else ""


def _field_value(project: Project, name: str):
    """An optional column's cell: labels for the currency and the yes/no flags, the value itself otherwise."""
    value = getattr(project, name)
    if name in FIELD_LABELS:
        return FIELD_LABELS[name].get(value, value)
    if isinstance(value, bool):
        return YES_NO_LABEL[value]
    return value


def stage_date_cell(event: StageEvent):
    """A stage date as the file holds it: a date, or the text 2025年3月 for a date known to its month (which the
    import reads back as a month)."""
    if event.date_precision == DatePrecision.MONTH:
        return f"{event.date.year}年{event.date.month}月"
    return event.date


def introducers_text(project: Project) -> str:
    """引进人 as the register links them, with shares ("张三:50%、李四:50%"); the text as typed when unlinked."""
    links = sorted(project.introducer_links.all(), key=lambda link: (-link.share, link.person.name, link.pk))
    if not links:
        return project.introducer
    return "、".join(f"{link.person.name}:{link.share.normalize():f}%" for link in links)


def _project_field(project: Project, name: str):
    return introducers_text(project) if name == "introducer" else _field_value(project, name)


def project_values(project: Project) -> list:
    events = {event.stage: event for event in project.stage_events.all()}
    credits = [(credit.unit.code, credit.share) for credit in project.credits.all()]
    investor = project.investor
    return [
        project.code,
        project.name,
        investor.name if investor else "",
        investor.origin if investor else "",
        CAPITAL_LABEL.get(project.capital_type, ""),
        INDUSTRY_NAME.get(project.industry, ""),
        KIND_LABEL.get(project.kind, ""),
        project.planned_investment,
        project.contract_amount,
        project.registered_capital,
        project.land_area,
        format_shares(credits),
        current_stage_label(project, events),
        *(stage_date_cell(events[stage]) if stage in events else None for stage in c.FILE_STAGES),
        project.county_leader,
        project.responsible_unit.code if project.responsible_unit else "",
        project.remarks,
        *(_project_field(project, name) for name in c.PROJECT_FIELD_HEADERS.values()),
        project.status_reason if project.status in STATUS_LABEL else "",
        project.status_date if project.status in STATUS_LABEL else None,
        *(_field_value(project, name) for name in c.SIGNING_FIELD_HEADERS.values()),
        *(_field_value(project, name) for name in c.PROGRESS_FIELD_HEADERS.values()),
        (investor.credit_code or "") if investor else "",
        project.funds_total,
    ]


def unit_values(unit: Unit, codes_by_id: dict[int, str]) -> list:
    return [
        unit.code,
        unit.name,
        codes_by_id.get(unit.parent_id, ""),
        CATEGORY_LABEL.get(unit.category, unit.category),
        TIER_LABEL.get(unit.tier) if unit.tier else None,
    ]


def unit_rows(units=None) -> list[list]:
    """The 单位 sheet's rows: ``units`` (default every unit), by code."""
    units = list(Unit.objects.order_by("code") if units is None else units)
    codes_by_id = dict(Unit.objects.values_list("pk", "code"))
    return [unit_values(unit, codes_by_id) for unit in units]


def export_ledger(queryset, units=None) -> bytes:
    """The projects of ``queryset`` (already filtered and restricted to the user), their receipts, and ``units``
    (default every unit) in the 单位 sheet."""
    project_columns = (*c.PROJECT_COLUMNS, c.Column(c.P_FUNDS_TOTAL, 16, money=True))
    workbook = Workbook(write_only=True)
    projects_sheet = _start_sheet(workbook, c.PROJECT_SHEET, project_columns)
    receipts_sheet = _start_sheet(workbook, c.RECEIPT_SHEET, c.RECEIPT_COLUMNS)
    units_sheet = _start_sheet(workbook, c.UNIT_SHEET, c.UNIT_COLUMNS)
    for values in unit_rows(units):
        units_sheet.append(_cells(units_sheet, c.UNIT_COLUMNS, values))
    ids = list(queryset.order_by("code").values_list("pk", flat=True))
    receipt_rows = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        projects = (
            Project.objects.filter(pk__in=chunk)
            .select_related("investor", "responsible_unit")
            .prefetch_related("credits__unit", "stage_events", "introducer_links__person")
            .order_by("code")
        )
        for project in projects:
            projects_sheet.append(_cells(projects_sheet, project_columns, project_values(project)))
        receipts = (
            FundsReceipt.objects.filter(project_id__in=chunk)
            .order_by("project__code", "date", "id")
            .values_list(
                "project__code",
                "date",
                "amount",
                "source",
                "voucher_no",
                "note",
                "currency",
                "original_amount",
                "exchange_rate",
                "opening_balance",
            )
        )
        receipt_rows.extend(
            (*values[:6], CURRENCY_LABEL.get(values[6], values[6]), *values[7:9], YES_NO_LABEL[values[9]])
            for values in receipts
        )
    for values in receipt_rows:
        receipts_sheet.append(_cells(receipts_sheet, c.RECEIPT_COLUMNS, values))
    _persons_sheet(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _persons_sheet(workbook) -> None:
    """人员: every person of the register, the names the person columns resolve to (for reference)."""
    from zhaoshang.persons.choices import LEVEL_XLSX
    from zhaoshang.persons.models import Person

    level_label = {value: label for label, value in LEVEL_XLSX.items()}
    columns = [c.Column(header, 14) for header in c.PERSON_COLUMNS_HEADERS]
    sheet = _start_sheet(workbook, c.PERSON_SHEET, columns)
    persons = Person.objects.select_related("unit").order_by("unit__code", "name", "pk")
    for person in persons:
        values = [
            person.name,
            person.unit.code,
            person.unit.name,
            person.post,
            level_label.get(person.level, person.level),
            YES_NO_LABEL[person.active],
        ]
        sheet.append(_cells(sheet, columns, values))


def _labels(mapping: dict) -> dict:
    return {value: label for label, value in mapping.items()}


def _whole(number):
    """A whole number as an int (a count of projects reads 2, not 2.00); other numbers as they are."""
    return int(number) if number == number.to_integral_value() else number


def export_targets(period: Period) -> bytes:
    """The period (考核期), its targets (目标, one row per indicator) and the county's targets from above
    (上级下达任务), in the import layout."""
    tiers, kinds, stages = _labels(TIER_XLSX), _labels(INDICATOR_KIND_XLSX), _labels(STAGE_XLSX)
    fields, schedules = _labels(AMOUNT_FIELD_XLSX), _labels(SCHEDULE_XLSX)
    workbook = Workbook(write_only=True)
    periods_sheet = _start_sheet(workbook, c.PERIOD_SHEET, c.PERIOD_COLUMNS)
    values = [period.code, period.name, period.start, period.end, schedules.get(period.schedule_basis, "")]
    periods_sheet.append(_cells(periods_sheet, c.PERIOD_COLUMNS, values))
    targets_sheet = _start_sheet(workbook, c.TARGET_SHEET, c.TARGET_COLUMNS)
    groups = (
        period.groups.select_related("unit")
        .prefetch_related("indicators")
        .order_by("tier", "unit__code", "order", "id")
    )
    for group in sorted(groups, key=lambda g: g.unit_id is not None):  # the tiers' groups first, then the units'
        for indicator in group.indicators.all():
            values = [
                period.code,
                tiers.get(group.tier) if group.tier else None,
                group.unit.code if group.unit_id else None,
                group.name,
                kinds.get(indicator.kind, indicator.kind),
                stages.get(indicator.stage) if indicator.stage else None,
                fields.get(indicator.amount_field, indicator.amount_field),
                indicator.min_amount,
                _whole(indicator.target),
                group.weight,
            ]
            targets_sheet.append(_cells(targets_sheet, c.TARGET_COLUMNS, values))
    county_sheet = _start_sheet(workbook, c.COUNTY_TARGET_SHEET, c.COUNTY_TARGET_COLUMNS)
    for target in period.county_targets.order_by("id"):
        values = [
            period.code,
            kinds.get(target.kind, target.kind),
            stages.get(target.stage) if target.stage else None,
            fields.get(target.amount_field, target.amount_field),
            target.min_amount,
            _whole(target.target),
            target.document,
            target.document_number,
            target.issued_by,
        ]
        county_sheet.append(_cells(county_sheet, c.COUNTY_TARGET_COLUMNS, values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
