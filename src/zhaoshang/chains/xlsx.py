"""A chain plan in and out of .xlsx, one row per link and enterprise: 产业链, 环节, 位置, 类别 (本地企业/目标企业, blank
for a link alone), 企业, 所在地, 对接单位, 对接进展. The import creates what is missing (chains, links, enterprises,
targets) and changes nothing that exists; it is all or nothing, every bad cell named by row and column."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from zhaoshang.core.history import as_user
from zhaoshang.core.xlsx import XLSX_TYPE as XLSX_TYPE  # the one content type, named here for the views
from zhaoshang.core.xlsx import safe_row
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit
from zhaoshang.transfer import parsing
from zhaoshang.transfer.errors import ErrorList
from zhaoshang.transfer.xlsx_reader import Unreadable, open_workbook

from .choices import POSITION_RANK, ContactStatus, Position
from .models import ChainLink, IndustryChain, LocalEnterprise, TargetEnterprise

HEADERS = [
    ("chain", gettext_lazy("chain")),
    ("link", gettext_lazy("chain link")),
    ("position", gettext_lazy("link position")),
    ("kind", gettext_lazy("entry kind")),
    ("name", gettext_lazy("enterprise")),
    ("location", gettext_lazy("where it is")),
    ("unit", gettext_lazy("unit approaching it")),
    ("status", gettext_lazy("contact status")),
]
LOCAL, TARGET = gettext_lazy("local enterprise"), gettext_lazy("target enterprise")
MAX_ROWS = 5000
LENGTHS = {"chain": 50, "link": 50, "name": 200, "location": 100}


def plan_workbook(chains) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Industry chains"))[:31])
    header = []
    for _key, title in HEADERS:
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for chain in chains:
        links = chain.links.prefetch_related("local_enterprises", "targets__unit")
        for link in sorted(links, key=lambda link: (POSITION_RANK[link.position], link.order, link.pk)):
            base = [chain.name, link.name, link.get_position_display()]
            rows = [[str(LOCAL), e.name, "", "", ""] for e in link.local_enterprises.all()]
            rows += [
                [str(TARGET), t.name, t.location, t.unit.name if t.unit_id else "", t.get_status_display()]
                for t in link.targets.all()
            ]
            for row in rows or [["", "", "", "", ""]]:
                sheet.append(safe_row(sheet, base + row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class ImportFailed(Exception):
    def __init__(self, errors):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def import_plan(*, user, data: bytes) -> int:
    if not access.edits_everything(user):
        raise PermissionDenied
    try:
        workbook = open_workbook(io.BytesIO(data))
    except Unreadable:
        raise ImportFailed([_("The file is not an .xlsx workbook.")]) from None
    sheet = workbook.sheet_names[0]
    rows = workbook.rows(sheet)
    titles = {str(title): key for key, title in HEADERS}
    first = [parsing.display(v) for v in (rows[0] if rows else [])]
    columns = {titles[text]: i for i, text in enumerate(first) if text in titles}
    missing = [str(title) for key, title in HEADERS[:2] if key not in columns]
    if missing:
        message = _("The sheet %(sheet)s has no column “%(column)s”.") % {"sheet": sheet, "column": missing[0]}
        raise ImportFailed([message])
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFailed([_("At most %(max)s rows at a time.") % {"max": MAX_ROWS}])
    header = {key: str(title) for key, title in HEADERS}
    positions = {str(label): value for value, label in Position.choices} | {"": Position.MIDSTREAM}
    statuses = {str(label): value for value, label in ContactStatus.choices} | {"": ContactStatus.NOT_CONTACTED}
    kinds = {str(LOCAL): "local", str(TARGET): "target", "": ""}
    active_units = list(Unit.objects.filter(active=True))
    units = {u.name: u for u in active_units} | {u.code: u for u in active_units}
    errors, planned = ErrorList(), []
    for number, row in enumerate(rows[1:], start=2):
        if all(parsing.is_blank(v) for v in row):
            continue
        cells = {key: row[i] if i < len(row) else None for key, i in columns.items()}
        values = {}
        for key in ("chain", "link", "name", "location"):
            try:
                values[key] = parsing.text(cells.get(key), max_length=LENGTHS[key])
            except parsing.CellError as error:
                errors.add(sheet, number, header[key], cells.get(key), error.reason)
        for key in ("chain", "link"):
            if key in values and not values[key]:
                errors.add(sheet, number, header[key], "", _("Required."))
        for key, table in (("position", positions), ("kind", kinds), ("status", statuses), ("unit", units)):
            text = parsing.display(cells.get(key))
            if key == "unit" and not text:
                values[key] = None
            elif text in table:
                values[key] = table[text]
            else:
                errors.add(sheet, number, header[key], text, _("Not one of the values this column takes."))
        if values.get("kind") and not values.get("name"):
            errors.add(sheet, number, header["name"], "", _("Required."))
        planned.append(values)
    if errors:
        raise ImportFailed(list(errors))
    with transaction.atomic():
        for index, values in enumerate(planned):
            _write(user, values, order=index * 10)
    return len(planned)


def _write(user, values, *, order: int) -> None:
    chain = IndustryChain.objects.filter(name=values["chain"]).first()
    if chain is None:
        chain = as_user(IndustryChain(name=values["chain"]), user)
        chain.save()
    link = ChainLink.objects.filter(chain=chain, name=values["link"]).first()
    if link is None:
        link = ChainLink(chain=chain, name=values["link"], position=values["position"], order=order)
        link = as_user(link, user)
        link.save()
    if values["kind"] == "local" and not link.local_enterprises.filter(name=values["name"]).exists():
        as_user(LocalEnterprise(link=link, name=values["name"]), user).save()
    elif values["kind"] == "target" and not link.targets.filter(name=values["name"]).exists():
        target = TargetEnterprise(
            link=link,
            name=values["name"],
            location=values.get("location", ""),
            unit=values.get("unit"),
            status=values["status"],
            updated_by=user,
        )
        target.full_clean()
        as_user(target, user).save()
