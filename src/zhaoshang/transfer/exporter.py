"""Export the ledger to .xlsx in the import format, so that an exported file imports back unchanged.

The 项目 sheet has the import columns plus 累计到位资金(万元) (which the importer reads past); the
到位资金 sheet has the receipts of the exported projects.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from zhaoshang.projects.choices import CAPITAL_XLSX, INDUSTRY_NAME, KIND_XLSX, STATUS_XLSX
from zhaoshang.projects.models import FundsReceipt, Project

from . import columns as c
from .parsing import format_shares

CHUNK = 1000
MONEY_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
CAPITAL_LABEL = {value: label for label, value in CAPITAL_XLSX.items()}
KIND_LABEL = {value: label for label, value in KIND_XLSX.items()}
STATUS_LABEL = {value: label for label, value in STATUS_XLSX.items()}
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
        if value is not None and (column.money or column.date):
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
        *(events[stage].date if stage in events else None for stage in c.FILE_STAGES),
        project.county_leader,
        project.responsible_unit.code if project.responsible_unit else "",
        project.remarks,
        project.funds_total,
    ]


def export_ledger(queryset) -> bytes:
    """The projects of ``queryset`` (already filtered and restricted to the user) and their receipts."""
    project_columns = (*c.PROJECT_COLUMNS, c.Column(c.P_FUNDS_TOTAL, 16, money=True))
    workbook = Workbook(write_only=True)
    projects_sheet = _start_sheet(workbook, c.PROJECT_SHEET, project_columns)
    receipts_sheet = _start_sheet(workbook, c.RECEIPT_SHEET, c.RECEIPT_COLUMNS)
    ids = list(queryset.order_by("code").values_list("pk", flat=True))
    receipt_rows = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        projects = (
            Project.objects.filter(pk__in=chunk)
            .select_related("investor", "responsible_unit")
            .prefetch_related("credits__unit", "stage_events")
            .order_by("code")
        )
        for project in projects:
            projects_sheet.append(_cells(projects_sheet, project_columns, project_values(project)))
        receipts = (
            FundsReceipt.objects.filter(project_id__in=chunk)
            .order_by("project__code", "date", "id")
            .values_list("project__code", "date", "amount", "source", "voucher_no")
        )
        receipt_rows.extend(receipts)
    for values in receipt_rows:
        receipts_sheet.append(_cells(receipts_sheet, c.RECEIPT_COLUMNS, values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
