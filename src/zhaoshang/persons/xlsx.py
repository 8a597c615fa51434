"""The introducer reward list as an .xlsx (every name and code a text cell)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhaoshang.assessment.xlsx import Column, Sheet, workbook_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def reward_columns() -> list[Column]:
    return [
        Column(_("Introducer"), width=12),
        Column(_("unit"), width=18),
        Column(_("post"), width=14),
        Column(_("project code"), width=16),
        Column(_("project name"), width=30),
        Column(_("signing date"), "date", 12),
        Column(_("share (%)"), "num", 10),
        Column(_("contract amount (10k yuan)"), "money", 16),
        Column(_("planned investment (10k yuan)"), "money", 16),
    ]


def reward_rows(lines) -> list[list]:
    return [
        [
            line.person.name,
            line.person.unit.name,
            line.person.post,
            line.row.project.code,
            line.row.project.name,
            line.row.signed_on,
            line.row.share,
            line.row.contract_amount,
            line.row.planned_investment,
        ]
        for line in lines
    ]


def reward_workbook(lines, *, period) -> bytes:
    title = _("Introducer rewards")
    return workbook_bytes([Sheet(title=title[:31], columns=reward_columns(), rows=reward_rows(lines))])
