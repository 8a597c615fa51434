"""Leads in and out of .xlsx: the list as shown (text cells stay text, amounts numbers), and an import that takes
the same columns (extra columns, such as the export's status, are ignored; a county's own sheet only needs the
company column). The import is all or nothing: every bad cell is reported, naming its row and column, and no lead
is written until none is left."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from zhaoshang.core.xlsx import XLSX_TYPE as XLSX_TYPE  # the one content type, named here for the views
from zhaoshang.core.xlsx import text_cell
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit
from zhaoshang.projects.choices import Industry
from zhaoshang.transfer import parsing
from zhaoshang.transfer.errors import ErrorList
from zhaoshang.transfer.xlsx_reader import Unreadable, open_workbook

from . import services
from .choices import LeadSource
from .models import Channel

MAX_ROWS = 5000

# (key, header): the import reads the first eleven, the export writes them all.
COLUMNS = [
    ("received_on", gettext_lazy("received on")),
    ("company", gettext_lazy("company")),
    ("contact_name", gettext_lazy("contact person")),
    ("contact_phone", gettext_lazy("contact phone")),
    ("industry", gettext_lazy("industry")),
    ("estimated_amount", gettext_lazy("estimated investment (10k yuan)")),
    ("channel", gettext_lazy("channel")),
    ("introducer_name", gettext_lazy("brought by")),
    ("unit", gettext_lazy("unit")),
    ("description", gettext_lazy("what the investor wants")),
    ("owner", gettext_lazy("owner")),
    ("follow_up_on", gettext_lazy("next follow-up due")),
    ("status", gettext_lazy("status")),
    ("project", gettext_lazy("project")),
]
IMPORTED = {"received_on", "company", "contact_name", "contact_phone", "industry", "estimated_amount", "channel",
            "introducer_name", "unit", "description"}  # fmt: skip


def _header_row(sheet) -> list:
    row = []
    for _key, title in COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font = Font(bold=True)
        row.append(cell)
    return row


def _date_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "yyyy-mm-dd"
    return cell


def export_workbook(leads) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Leads"))[:31])
    sheet.append(_header_row(sheet))
    for lead in leads.iterator(chunk_size=1000):
        amount = WriteOnlyCell(sheet, value=lead.estimated_amount)
        amount.number_format = "0.00"
        sheet.append(
            [
                _date_cell(sheet, lead.received_on),
                text_cell(sheet, lead.company),
                text_cell(sheet, lead.contact_name),
                text_cell(sheet, lead.contact_phone),
                text_cell(sheet, lead.get_industry_display() if lead.industry else ""),
                amount,
                text_cell(sheet, lead.channel.name if lead.channel_id else ""),
                text_cell(sheet, lead.introducer_name),
                text_cell(sheet, lead.unit.name if lead.unit_id else ""),
                text_cell(sheet, lead.description),
                text_cell(sheet, str(lead.owner) if lead.owner_id else ""),
                _date_cell(sheet, lead.follow_up_on),
                text_cell(sheet, lead.get_status_display()),
                text_cell(sheet, lead.project.code if lead.project_id else ""),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_workbook() -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Leads"))[:31])
    sheet.append([WriteOnlyCell(sheet, value=str(title)) for key, title in COLUMNS if key in IMPORTED])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class ImportFailed(Exception):
    def __init__(self, errors):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


# Other headers counties' own lead sheets use for the same columns.
ALIASES = {
    "企业": "company",
    "公司": "company",
    "客商": "company",
    "客商名称": "company",
    "投资方": "company",
    "意向企业": "company",
    "联系方式": "contact_phone",
    "电话": "contact_phone",
    "所属行业": "industry",
    "投资额": "estimated_amount",
    "预计投资": "estimated_amount",
    "计划投资（万元）": "estimated_amount",
    "线索来源": "channel",
    "来源渠道": "channel",
    "信息提供人": "introducer_name",
    "引荐人": "introducer_name",
    "责任单位": "unit",
    "跟进单位": "unit",
    "项目内容": "description",
    "投资意向": "description",
    "日期": "received_on",
    "收集日期": "received_on",
}


def _headers() -> dict[str, str]:
    """Header text (as the export writes it, in Chinese or English, or a county's usual alias) → column key."""
    from django.utils import translation

    found = dict(ALIASES)
    for key, title in COLUMNS:
        if key in IMPORTED:
            found[str(title).strip()] = key
            with translation.override("en"):
                found[str(title).strip()] = key
    return found


def import_leads(*, user, data: bytes) -> list:
    """Read the first sheet and create its leads, all or none (``ImportFailed`` lists every bad cell)."""
    if not services.may_add(user):
        raise PermissionDenied
    errors = ErrorList()
    try:
        workbook = open_workbook(io.BytesIO(data))
    except Unreadable:
        raise ImportFailed([_("The file is not an .xlsx workbook.")]) from None
    sheet_name = workbook.sheet_names[0]
    rows = workbook.rows(sheet_name)
    if not rows:
        raise ImportFailed([_("The sheet %(sheet)s is empty.") % {"sheet": sheet_name}])
    known = _headers()
    columns = {}
    for index, header in enumerate(rows[0]):
        key = known.get(parsing.display(header))
        if key and key not in columns:
            columns[key] = index
    if "company" not in columns:
        raise ImportFailed([_("The sheet %(sheet)s has no column “company”.") % {"sheet": sheet_name}])
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFailed([_("At most %(max)s rows at a time.") % {"max": MAX_ROWS}])
    lookups = _lookups(user)
    planned = []
    for number, row in enumerate(rows[1:], start=2):
        if all(parsing.is_blank(value) for value in row):
            continue
        values = {key: row[index] if index < len(row) else None for key, index in columns.items()}
        planned.append((number, _read_row(sheet_name, number, values, lookups, errors, user)))
    if not errors and not planned:
        raise ImportFailed([_("The sheet %(sheet)s has no leads.") % {"sheet": sheet_name}])
    if errors:
        raise ImportFailed(list(errors))
    created = []
    with transaction.atomic():
        for number, data_row in planned:
            try:
                created.append(services.create_lead(user=user, data=data_row, source=LeadSource.IMPORT))
            except ValidationError as error:
                errors.add(sheet_name, number, "", "", "；".join(error.messages))
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ImportFailed(list(errors))
    return created


def _lookups(user) -> dict:
    units = Unit.objects.filter(active=True)
    if not access.edits_everything(user):
        units = units.filter(pk__in=access.unit_ids(user))
    by_unit = {}
    for unit in units:
        by_unit[unit.code] = unit
        by_unit[unit.name] = unit
    industries = {}
    for value, label in Industry.choices:
        industries[value] = value
        industries[str(label)] = value
    return {
        "units": by_unit,
        "channels": {channel.name: channel for channel in Channel.objects.filter(active=True)},
        "industries": industries,
    }


def _read_row(sheet, number, values, lookups, errors, user) -> dict:
    header = {key: str(title) for key, title in COLUMNS}
    data = {}

    def cell(key, read):
        raw = values.get(key)
        try:
            data[key] = read(raw)
        except parsing.CellError as error:
            errors.add(sheet, number, header[key], raw, error.reason)

    cell("company", lambda v: parsing.text(v, max_length=200))
    if "company" in data and not data["company"]:
        errors.add(sheet, number, header["company"], "", _("Required."))
    cell("contact_name", lambda v: parsing.text(v, max_length=50))
    cell("contact_phone", lambda v: parsing.text(v, max_length=50))
    cell("introducer_name", lambda v: parsing.text(v, max_length=100))
    cell("description", lambda v: parsing.text(v, max_length=2000))
    cell("estimated_amount", parsing.amount)
    cell("received_on", lambda v: parsing.day(v, today=_today()))
    for key, table, reason in (
        ("unit", "units", _("No unit of this code or name that you may enter leads for.")),
        ("channel", "channels", _("No active channel of this name (the bureau keeps the list).")),
        ("industry", "industries", _("Not one of the industries.")),
    ):
        raw = values.get(key)
        text = parsing.display(raw)
        if not text:
            data[key] = "" if key == "industry" else None
        elif text in lookups[table]:
            data[key] = lookups[table][text]
        else:
            errors.add(sheet, number, header[key], raw, reason)
    return data


def _today():
    from zhaoshang.core import clock

    return clock.today()
