"""水分: per unit, the reported figures minus the verified ones, with the rows behind them.

Both sides come from the assessment's own facts (``assessment.selectors.facts`` on the reported and on the
verified basis), so the differences here are exactly the differences between the two assessments'
headline figures: the contract amount of projects signed in the period and the funds in place dated in it,
each credited to a unit by its share. For a period its recognition rules apply; for a batch, its dates and
its projects, without recognition rules.

The reported side is what the units reported, evidenced or not; "reported, no evidence" (已报无佐证) is the part of
it that counts only without the evidence gate (``projects.rules.event_evidenced``): the reported facts read with
every event and receipt minus those read with the evidenced ones alone, whether or not the period's gate is on.
The verified side follows the period's gate (verified and evidenced when it is on).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from zhaoshang.core.xlsx import safe_row
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit
from zhaoshang.projects.models import Project, StageEvent
from zhaoshang.supervision import selectors as supervision
from zhaoshang.supervision.choices import Result
from zhaoshang.supervision.models import SupervisionBatch
from zhaoshang.targets.models import Period

from . import selectors as assessment

ZERO = Decimal("0")
CONTRACT, FUNDS = "contract", "funds"


@dataclass
class WaterRow:
    unit_id: int
    kind: str  # CONTRACT | FUNDS
    project_id: int
    share: Decimal  # the unit's share as a fraction
    subject_id: int | None = None  # the receipt, or the signing event
    reported_date: dt.date | None = None
    reported_amount: Decimal | None = None  # None: not counted on the reported basis in these dates
    verified_date: dt.date | None = None
    verified_amount: Decimal | None = None  # None: not counted on the verified basis
    evidenced_date: dt.date | None = None
    evidenced_amount: Decimal | None = None  # None: not counted on the reported basis with evidence alone
    result: str = ""  # the latest verification's result; "" when never verified
    project_code: str = ""
    project_name: str = ""

    @property
    def result_label(self) -> str:
        return str(Result(self.result).label) if self.result else ""

    @property
    def reported_credit(self) -> Decimal:
        return self.share * self.reported_amount if self.reported_amount is not None else ZERO

    @property
    def verified_credit(self) -> Decimal:
        return self.share * self.verified_amount if self.verified_amount is not None else ZERO

    @property
    def difference(self) -> Decimal:
        return self.reported_credit - self.verified_credit

    @property
    def no_evidence_credit(self) -> Decimal:
        """Reported, no evidence: the credit that counts only without the evidence gate."""
        evidenced = self.share * self.evidenced_amount if self.evidenced_amount is not None else ZERO
        return self.reported_credit - evidenced


@dataclass
class WaterUnit:
    unit: Unit
    rows: list[WaterRow] = field(default_factory=list)

    def _sum(self, kind: str, attr: str, unverified_only: bool = False) -> Decimal:
        return sum(
            (getattr(r, attr) for r in self.rows if r.kind == kind and (not unverified_only or not r.result)),
            ZERO,
        )

    @property
    def reported_contract(self) -> Decimal:
        return self._sum(CONTRACT, "reported_credit")

    @property
    def verified_contract(self) -> Decimal:
        return self._sum(CONTRACT, "verified_credit")

    @property
    def water_contract(self) -> Decimal:
        return self.reported_contract - self.verified_contract

    @property
    def unverified_contract(self) -> Decimal:
        """Of the difference, what was never verified (rather than rejected or corrected)."""
        return self._sum(CONTRACT, "reported_credit", unverified_only=True)

    @property
    def reported_funds(self) -> Decimal:
        return self._sum(FUNDS, "reported_credit")

    @property
    def verified_funds(self) -> Decimal:
        return self._sum(FUNDS, "verified_credit")

    @property
    def water_funds(self) -> Decimal:
        return self.reported_funds - self.verified_funds

    @property
    def unverified_funds(self) -> Decimal:
        return self._sum(FUNDS, "reported_credit", unverified_only=True)

    @property
    def no_evidence_contract(self) -> Decimal:
        return self._sum(CONTRACT, "no_evidence_credit")

    @property
    def no_evidence_funds(self) -> Decimal:
        return self._sum(FUNDS, "no_evidence_credit")

    @property
    def no_evidence_rows(self) -> list[WaterRow]:
        return [r for r in self.rows if r.no_evidence_credit]


def _in(day: dt.date | None, start: dt.date, until: dt.date) -> bool:
    return day is not None and start <= day <= until


def _contract_rows(reported, verified, evidenced, start, until) -> dict[tuple[int, int], WaterRow]:
    rows: dict[tuple[int, int], WaterRow] = {}
    for basis, facts in (("reported", reported), ("verified", verified), ("evidenced", evidenced)):
        for project in facts:
            signed = project.reached_on("signed")
            if project.excluded or not _in(signed, start, until):
                continue
            for unit_id, share in project.credits.items():
                row = rows.setdefault((unit_id, project.id), WaterRow(unit_id, CONTRACT, project.id, share))
                setattr(row, f"{basis}_date", signed)
                setattr(row, f"{basis}_amount", project.contract_amount)
    return rows


def _funds_rows(reported, verified, evidenced, projects, start, until) -> dict[tuple[int, int], WaterRow]:
    rows: dict[tuple[int, int], WaterRow] = {}
    for basis, receipts in (("reported", reported), ("verified", verified), ("evidenced", evidenced)):
        for receipt in receipts:
            project = projects[basis].get(receipt.project_id)
            if project is None or project.excluded or not _in(receipt.date, start, until):
                continue
            for unit_id, share in project.credits.items():
                row = rows.setdefault(
                    (unit_id, receipt.id), WaterRow(unit_id, FUNDS, project.id, share, subject_id=receipt.id)
                )
                setattr(row, f"{basis}_date", receipt.date)
                setattr(row, f"{basis}_amount", receipt.amount)
    return rows


def water_report(
    *, user, period: Period, as_of: dt.date, project_ids: list[int] | None = None
) -> tuple[list[WaterUnit], dict]:
    """Per unit the user may see, reported minus verified; and the totals over those units."""
    until = min(period.end, as_of)
    rep_projects, rep_receipts, _n = assessment.facts(
        period, as_of, basis="reported", project_ids=project_ids, evidence=False
    )
    ver_projects, ver_receipts, _n = assessment.facts(period, as_of, basis="verified", project_ids=project_ids)
    evi_projects, evi_receipts, _n = assessment.facts(
        period, as_of, basis="reported", project_ids=project_ids, evidence=True
    )
    by_basis = {
        "reported": {p.id: p for p in rep_projects},
        "verified": {p.id: p for p in ver_projects},
        "evidenced": {p.id: p for p in evi_projects},
    }
    rows = list(_contract_rows(rep_projects, ver_projects, evi_projects, period.start, until).values())
    rows += list(_funds_rows(rep_receipts, ver_receipts, evi_receipts, by_basis, period.start, until).values())
    ordered = _by_unit(rows, user)
    totals = {
        name: sum((getattr(w, name) for w in ordered), ZERO)
        for name in (
            "reported_contract",
            "verified_contract",
            "water_contract",
            "unverified_contract",
            "reported_funds",
            "verified_funds",
            "water_funds",
            "unverified_funds",
            "no_evidence_contract",
            "no_evidence_funds",
        )
    }
    return ordered, totals


def no_evidence_report(*, user, period: Period, as_of: dt.date) -> list[WaterUnit]:
    """已报无佐证 alone, per unit the user may see (every unit when ``user`` is None): the rows that count on the
    reported basis without the evidence gate and not with it (``projects.rules.event_evidenced``), with the
    unit's sums (``no_evidence_contract``, ``no_evidence_funds``). Two reads of the facts, no verification."""
    until = min(period.end, as_of)
    rep_projects, rep_receipts, _n = assessment.facts(period, as_of, basis="reported", evidence=False)
    evi_projects, evi_receipts, _n = assessment.facts(period, as_of, basis="reported", evidence=True)
    by_basis = {"reported": {p.id: p for p in rep_projects}, "evidenced": {p.id: p for p in evi_projects}}
    rows = list(_contract_rows(rep_projects, [], evi_projects, period.start, until).values())
    rows += list(_funds_rows(rep_receipts, [], evi_receipts, by_basis, period.start, until).values())
    return _by_unit([r for r in rows if r.no_evidence_credit], user)


def _by_unit(rows: list[WaterRow], user) -> list[WaterUnit]:
    """The rows of the units the user may see (all for None), described and grouped per unit, by unit code."""
    visible = None if user is None else access.visible_unit_ids(user)
    if visible is not None:
        rows = [r for r in rows if r.unit_id in visible]
    _describe_rows(rows)
    units = Unit.objects.in_bulk({r.unit_id for r in rows})
    result: dict[int, WaterUnit] = {}
    for row in sorted(
        rows, key=lambda r: (r.kind, r.project_code, r.reported_date or r.verified_date, r.subject_id or 0)
    ):
        result.setdefault(row.unit_id, WaterUnit(units[row.unit_id])).rows.append(row)
    return sorted(result.values(), key=lambda w: w.unit.code)


def _describe_rows(rows: list[WaterRow]) -> None:
    """Project codes and names, the signing event of contract rows, and each row's latest verification."""
    project_ids = {r.project_id for r in rows}
    names = {
        pk: (code, name)
        for pk, code, name in Project.objects.filter(pk__in=project_ids).values_list("pk", "code", "name")
    }
    signing = dict(
        StageEvent.objects.filter(project_id__in=project_ids, stage="signed").values_list("project_id", "pk")
    )
    latest_events, latest_receipts = supervision.latest_by_subject(project_ids)
    for row in rows:
        row.project_code, row.project_name = names.get(row.project_id, ("", ""))
        if row.kind == CONTRACT:
            row.subject_id = signing.get(row.project_id)
            latest = latest_events.get(row.subject_id)
        else:
            latest = latest_receipts.get(row.subject_id)
        row.result = latest.result if latest else ""


def batch_period(batch: SupervisionBatch) -> Period:
    """A period spanning the batch's dates, without recognition rules (never saved)."""
    return Period(
        code=f"batch-{batch.pk}",
        name=batch.name,
        start=batch.start,
        end=batch.end,
        excluded_kinds=[],
        excluded_industries=[],
        exclude_government_funded=False,
        exclude_local_relocation=False,
        exclude_second_phase=False,
        floor_amount=None,
    )


def batch_water(*, user, batch: SupervisionBatch, as_of: dt.date):
    project_ids = list(batch.projects.values_list("pk", flat=True))
    return water_report(user=user, period=batch_period(batch), as_of=as_of, project_ids=project_ids)


# --- the workbook (a file format: Chinese sheet names and headers) ----------------------------------

RESULT_LABEL = {"confirmed": "确认", "rejected": "否定", "adjusted": "调整", "": "未核实"}
KIND_LABEL = {CONTRACT: "签约额", FUNDS: "到位资金"}
SUMMARY_HEADERS = [
    "单位编码",
    "单位名称",
    "上报签约额（万元）",
    "核实签约额（万元）",
    "签约额水分（万元）",
    "其中未核实（万元）",
    "上报到位资金（万元）",
    "核实到位资金（万元）",
    "到位资金水分（万元）",
    "其中未核实（万元）",
    "签约额已报无佐证（万元）",
    "到位资金已报无佐证（万元）",
]
DETAIL_HEADERS = [
    "单位编码",
    "单位名称",
    "类别",
    "项目编号",
    "项目名称",
    "计入比例",
    "上报日期",
    "上报金额（万元）",
    "核实结果",
    "核实日期",
    "核实金额（万元）",
    "计入上报额（万元）",
    "计入核实额（万元）",
    "差额（万元）",
    "已报无佐证（万元）",
]
MONEY_FORMAT = "#,##0.00"


def water_workbook(units: list[WaterUnit], totals: dict, *, title: str, start: dt.date, until: dt.date) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = "水分汇总"
    summary.append(safe_row(summary, [title, f"{start.isoformat()} 至 {until.isoformat()}"]))
    summary.append(SUMMARY_HEADERS)
    for w in units:
        summary.append(
            safe_row(
                summary,
                [
                    w.unit.code,
                    w.unit.name,
                    w.reported_contract,
                    w.verified_contract,
                    w.water_contract,
                    w.unverified_contract,
                    w.reported_funds,
                    w.verified_funds,
                    w.water_funds,
                    w.unverified_funds,
                    w.no_evidence_contract,
                    w.no_evidence_funds,
                ],
            )
        )
    summary.append(
        [
            "合计",
            "",
            *(
                totals[name]
                for name in (
                    "reported_contract",
                    "verified_contract",
                    "water_contract",
                    "unverified_contract",
                    "reported_funds",
                    "verified_funds",
                    "water_funds",
                    "unverified_funds",
                    "no_evidence_contract",
                    "no_evidence_funds",
                )
            ),
        ]
    )
    detail = book.create_sheet("明细")
    detail.append(DETAIL_HEADERS)
    for w in units:
        for r in w.rows:
            detail.append(
                safe_row(
                    detail,
                    [
                        w.unit.code,
                        w.unit.name,
                        KIND_LABEL[r.kind],
                        r.project_code,
                        r.project_name,
                        r.share,
                        r.reported_date,
                        r.reported_amount,
                        RESULT_LABEL[r.result],
                        r.verified_date,
                        r.verified_amount,
                        r.reported_credit,
                        r.verified_credit,
                        r.difference,
                        r.no_evidence_credit,
                    ],
                )
            )
    for sheet, header_row in ((summary, 2), (detail, 1)):
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
        for row in sheet.iter_rows(min_row=header_row + 1):
            for cell in row:
                if isinstance(cell.value, Decimal):
                    cell.number_format = MONEY_FORMAT
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 16
    for row in detail.iter_rows(min_row=2, min_col=6, max_col=6):
        row[0].number_format = "0.00%"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
