"""Import units, projects, funds in place, assessment periods and targets from an .xlsx workbook:
validate everything, then write everything in one transaction, or nothing.

Public API (the CLI, the page and the benchmark use it)::

    result = import_workbook(path_or_file, user=user, dry_run=False)
    result.ok, result.errors, result.counts, result.error_workbook_bytes()

Speed comes from loading what exists once (units, and the projects, credits, stage events and
receipts the file names) into dicts, diffing in memory, and writing with bulk operations that also
write the history rows (django-simple-history's bulk helpers), so a 10,000-row sheet costs a few
dozen queries rather than tens of thousands. Periods and targets (a few dozen rows) are planned and
written by targets_import through the targets services.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.claims.choices import FoundBy
from zhaoshang.claims.services import find_pairs
from zhaoshang.core import clock
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit
from zhaoshang.projects.choices import Stage, Status
from zhaoshang.projects.models import FundsReceipt, Investor, Project, ProjectCredit, StageEvent
from zhaoshang.projects.services import credit_code_refusal, last_activity, stage_fields

from . import columns as c
from . import parsing
from .errors import ErrorList, RowError, error_workbook_bytes
from .fastwrite import NewRow
from .persons_import import PERSONS_MODES, PERSONS_TEXT, PersonsPlanner
from .progress import Progress
from .reading import ParsedFile, ProjectRow, read_workbook
from .targets_import import TargetPlanner, WriteRefused
from .targets_import import empty_counts as target_counts
from .writing import Changes, write_changes

__all__ = ["ImportResult", "RowError", "import_workbook"]

logger = logging.getLogger(__name__)

CHUNK = 500  # ids or codes per IN (...) query: well below every database's parameter limit
ZERO = Decimal("0.00")


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    dry_run: bool = False
    sheets: tuple[str, ...] = ()  # the data sheets the file holds, in the order 单位, 项目, 到位资金, 考核期, 目标
    double_claims: list[int] = field(default_factory=list)  # ids of the pairs the imported projects are in

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_workbook_bytes(self) -> bytes:
        return error_workbook_bytes(self.errors)


def empty_counts() -> dict[str, dict[str, int]]:
    return {
        c.UNIT_SHEET: {"created": 0, "updated": 0, "unchanged": 0},
        c.PROJECT_SHEET: {"created": 0, "updated": 0, "unchanged": 0},
        c.RECEIPT_SHEET: {"created": 0, "skipped": 0},
        **target_counts(),
    }


def import_workbook(
    source,
    *,
    user,
    dry_run: bool = False,
    today: dt.date | None = None,
    persons: str = PERSONS_TEXT,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate the whole workbook; unless ``dry_run`` or any error, write it atomically as ``user``.

    ``source`` is a path or a binary file object. ``user`` may be None (a command run by the system);
    otherwise only bureau staff and admins may import. ``today`` (default ``core.clock.today()``) is the day
    dates may not pass and the status date of a status changed without one. ``persons``: how the names of
    引进人, 包抓县领导, 项目保姆 and 工作专班 reach the register of persons (``persons_import``: text only, linked
    with unknown names as errors, or linked with unknown names created). ``progress`` (optional) is called as
    ``progress(done, total, message)`` while the rows are read (every thousand rows) and between the steps of
    the write (``transfer.progress``).
    """
    if persons not in PERSONS_MODES:
        raise ValueError(persons)
    if user is not None and not access.edits_everything(user):
        raise PermissionDenied
    errors = ErrorList()
    today = today or clock.today()
    parsed = read_workbook(source, errors, today=today, progress=progress)
    sheets = tuple(sheet for sheet in c.DATA_SHEETS if sheet in parsed.sheets)
    result = ImportResult(errors=errors, counts=empty_counts(), dry_run=dry_run, sheets=sheets)
    if not parsed.sheets:
        return result
    result.double_claims = apply_parsed(
        parsed, errors, result.counts, user=user, dry_run=dry_run, today=today, persons=persons, progress=progress
    )
    if errors:
        result.double_claims = []
        result.counts = empty_counts()
        result.errors = sorted(errors, key=_error_order)
    return result


def apply_parsed(
    parsed: ParsedFile,
    errors: ErrorList,
    counts: dict,
    *,
    user,
    dry_run: bool,
    today: dt.date,
    persons: str,
    progress=None,
) -> list[int]:
    """Check the parsed rows against the database and, unless ``dry_run`` or any error, write them all in one
    transaction. The template's import and a county sheet's import (county_import) both end here.

    Returns the ids of the double-claim pairs the written projects are in (``claims.services.find_pairs``, run
    once the import has committed; found_by=IMPORT), for the result page; [] for a dry run or an import refused."""
    if dry_run:
        _Planner(parsed, errors, user=user, today=today, persons=persons).plan(counts)
        return []
    try:
        with transaction.atomic():
            planner = _Planner(parsed, errors, user=user, today=today, persons=persons)
            changes = planner.plan(counts)
            if not errors:
                write_changes(changes, user=user, progress=progress)
                planner.targets.write(user=user)
                planner.persons.write(user=user)
    except WriteRefused:  # the reasons are in ``errors``; the transaction is rolled back
        return []
    if errors:
        return []
    written = [row.pk for row in (*changes.new_projects, *changes.changed_projects) if row.pk]
    return _double_claims(written)


def _double_claims(project_ids: list[int]) -> list[int]:
    """The ids of the pairs the imported projects are in; a failing check never fails the import (it is written):
    it is logged, and the county-wide check (``zhaoshang double_claims``) finds the pairs later."""
    if not project_ids:
        return []
    try:
        pairs = find_pairs(project_ids=project_ids, found_by=FoundBy.IMPORT)
    except Exception:
        logger.exception("double-claim check after an import failed")
        return []
    return [pair.pk for pair in pairs]


def _error_order(error: RowError) -> tuple:
    """Errors as the user reads the file: sheet by sheet, row by row, column by column."""
    sheets = {"": 0, c.UNIT_SHEET: 2, c.PROJECT_SHEET: 3, c.RECEIPT_SHEET: 4, c.PERIOD_SHEET: 5, c.TARGET_SHEET: 6}
    sheets[c.COUNTY_TARGET_SHEET] = 7
    headers = [column.header for column in c.SHEET_COLUMNS.get(error.sheet, ())]
    column = headers.index(error.column) if error.column in headers else len(headers)
    return (sheets.get(error.sheet, 1), error.row or 0, column)


def _chunks(items: Iterable, size: int = CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Planner:
    """Checks the file against the database and works out what to create, change and delete."""

    def __init__(self, parsed: ParsedFile, errors: ErrorList, *, user, today, persons: str = PERSONS_TEXT):
        self.parsed, self.errors, self.user, self.today = parsed, errors, user, today
        self.changes = Changes()
        self.units: dict[str, Unit] = {unit.code: unit for unit in Unit.objects.all()}
        self.unit_codes_by_id = {unit.pk: code for code, unit in self.units.items()}
        self.known_unit_codes = set(self.units) | set(parsed.unit_codes)
        self.projects: dict[str, Project] = {}
        self.user_id = getattr(user, "pk", None)
        self.targets = TargetPlanner(parsed, errors, units=self.units)
        self.persons = PersonsPlanner(parsed, errors, mode=persons, units=self.units)

    def plan(self, counts: dict) -> Changes:
        for sheet, row, column, code in self.parsed.unit_refs:
            if code not in self.known_unit_codes:
                self.errors.add(sheet, row, column, code, _("Unknown unit code %(code)s.") % {"code": code})
        self._check_project_refs()
        self.targets.check_refs()
        self._plan_units(counts[c.UNIT_SHEET])
        self._plan_projects(counts[c.PROJECT_SHEET])
        self.persons.plan()
        self._plan_receipts(counts[c.RECEIPT_SHEET])
        self.targets.plan(counts[c.PERIOD_SHEET], counts[c.TARGET_SHEET], counts[c.COUNTY_TARGET_SHEET])
        return self.changes

    # --- units -----------------------------------------------------------------------------------

    def _plan_units(self, counts: dict) -> None:
        rows = self.parsed.units
        parents = {code: self.unit_codes_by_id.get(unit.parent_id, "") for code, unit in self.units.items()}
        for row in rows:
            parents[row.code] = row.parent_code
        for row in rows:
            if row.parent_code in self.known_unit_codes and _is_cycle(row.code, parents):
                self.errors.add(
                    c.UNIT_SHEET,
                    row.row,
                    c.U_PARENT,
                    row.parent_code,
                    _("A unit cannot be placed under itself or one of its sub-units."),
                )
        if self.errors:
            return
        for row in rows:
            unit = self.units.get(row.code)
            if unit is None:
                unit = Unit(code=row.code, name=row.name, category=row.category, tier=row.tier)
                self.units[row.code] = unit
                self.changes.new_units.append(unit)
                counts["created"] += 1
                continue
            changed = False
            for name, value in (("name", row.name), ("category", row.category), ("tier", row.tier)):
                if getattr(unit, name) != value:
                    setattr(unit, name, value)
                    changed = True
            if self.unit_codes_by_id.get(unit.parent_id, "") != row.parent_code:
                changed = True
                self.changes.reparented.add(unit.code)
            if changed:
                self.changes.changed_units.append(unit)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        # Parents are assigned once every unit of the file is known (a parent may come later in the sheet).
        for row in rows:
            unit = self.units[row.code]
            if unit.pk is None or row.code in self.changes.reparented:
                unit.parent = self.units[row.parent_code] if row.parent_code else None

    # --- projects --------------------------------------------------------------------------------

    def _plan_projects(self, counts: dict) -> None:
        rows = self.parsed.projects
        investors = self._plan_investors(rows)
        if self.errors:
            return
        existing = self._load_projects([row.code for row in rows])
        for row in rows:
            project = existing.get(row.code)
            investor = investors.get(row.row) if row.investor else None
            if project is None:
                project = self._new_project(row, investor)
                counts["created"] += 1
            elif self._update_project(project, row, investor):
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
            self.projects[row.code] = project

    def _plan_investors(self, rows: list[ProjectRow]) -> dict[int, Investor]:
        """Row number → the row's investor, resolved as on entry (``services.get_or_create_investor``): by
        its 统一社会信用代码 first, whatever the name typed, then by exact name; a name registered (or given in
        the file) with another code is refused on its row. A typed name other than the register's is kept as a
        spelling of the investor."""
        origins: dict[str, tuple[str, int]] = {}
        for row in rows:
            if not row.investor or not row.origin:
                continue
            known = origins.get(row.investor)
            if known is None:
                origins[row.investor] = (row.origin, row.row)
            elif known[0] != row.origin:
                self.errors.add(
                    c.PROJECT_SHEET,
                    row.row,
                    c.P_ORIGIN,
                    row.origin,
                    _("The investor %(name)s has another origin on row %(row)s.")
                    % {"name": row.investor, "row": known[1]},
                )
        named = [row for row in rows if row.investor]
        names = {row.investor for row in named}
        codes = {row.credit_code for row in named if row.credit_code}
        by_name: dict[str, Investor] = {}
        by_code: dict[str, Investor] = {}
        for chunk in _chunks(names):
            by_name.update((i.name, i) for i in Investor.objects.filter(name__in=chunk))
        for chunk in _chunks(codes):
            by_code.update((i.credit_code, i) for i in Investor.objects.filter(credit_code__in=chunk))
        resolved: dict[int, Investor] = {}
        changed: dict[int, Investor] = {}
        spellings: set[tuple[int, str]] = set()
        for row in named:
            name, code = row.investor, row.credit_code
            investor = by_code.get(code) if code else None
            if investor is None:
                investor = by_name.get(name)
                if investor is not None and code:
                    if investor.credit_code and investor.credit_code != code:
                        self.errors.add(
                            c.PROJECT_SHEET,
                            row.row,
                            c.P_CREDIT_CODE,
                            code,
                            str(credit_code_refusal(investor, code).message),
                        )
                        continue
                    investor.credit_code = code
                    by_code[code] = investor
                    if investor.pk is not None:
                        changed[investor.pk] = investor
            if investor is None:
                investor = Investor(name=name, origin=origins.get(name, ("", 0))[0], credit_code=code or None)
                self.changes.new_investors.append(investor)
                by_name[name] = investor
                if code:
                    by_code[code] = investor
            elif investor.pk is not None and name == investor.name:
                origin = origins.get(name, ("", 0))[0]
                if origin and investor.origin != origin:
                    investor.origin = origin
                    changed[investor.pk] = investor
            if name != investor.name and (id(investor), name) not in spellings:
                spellings.add((id(investor), name))
                self.changes.new_spellings.append((investor, name))
            resolved[row.row] = investor
        self.changes.changed_investors.extend(changed.values())
        return resolved

    def _load_projects(self, codes: list[str]) -> dict[str, Project]:
        projects: dict[str, Project] = {}
        for chunk in _chunks(codes):
            projects.update((p.code, p) for p in Project.objects.filter(code__in=chunk))
        by_id = {p.pk: p for p in projects.values()}
        self.credits: dict[int, dict[int, ProjectCredit]] = {pk: {} for pk in by_id}
        self.events: dict[int, dict[str, StageEvent]] = {pk: {} for pk in by_id}
        for chunk in _chunks(by_id):
            for credit in ProjectCredit.objects.filter(project_id__in=chunk):
                self.credits[credit.project_id][credit.unit_id] = credit
            for event in StageEvent.objects.filter(project_id__in=chunk):
                self.events[event.project_id][event.stage] = event
        return projects

    def _values(self, row: ProjectRow, investor: Investor | None, project: Project | None) -> dict:
        """The project's fields as the file sets them."""
        values = {
            "name": row.name,
            "investor": investor,
            "capital_type": row.capital_type,
            "industry": row.industry,
            "kind": row.kind,
            "planned_investment": row.planned,
            "contract_amount": row.contract if row.contract is not None else ZERO,
            "registered_capital": row.registered,
            "land_area": row.land,
            "county_leader": row.county_leader,
            "responsible_unit": self.units[row.responsible_code] if row.responsible_code else None,
            "remarks": row.remarks,
            **row.fields,  # the optional columns the file has; a field without its column is left as it is
        }
        # The stage is the latest dated stage; a lead event (no column in the file) is kept.
        dates = {stage: parsing.plain_date(date) for stage, date in row.dates.items()}
        lead = self.events.get(project.pk, {}).get(Stage.LEAD) if project is not None else None
        if lead is not None:
            dates[Stage.LEAD] = lead.date
        values.update(stage_fields(dates))
        values["last_activity_on"] = last_activity(
            created_at=project.created_at if project is not None else None,
            stage_date=values["stage_date"],
            last_report_on=project.last_report_on if project is not None else None,
        )
        if row.current in (Status.STALLED, Status.DROPPED):
            # The file's reason and date; an empty cell (or no column) keeps what is recorded for the same status.
            same = project is not None and project.status == row.current
            values["status"] = row.current
            values["status_reason"] = row.status_reason or (
                project.status_reason if same and project.status_reason else c.STALLED_REASON
            )
            values["status_date"] = row.status_date or (
                project.status_date if same and project.status_date else self.today
            )
        else:
            values.update(status=Status.ACTIVE, status_reason="", status_date=None)
        return values

    def _new_project(self, row: ProjectRow, investor: Investor | None) -> NewRow:
        project = NewRow(code=row.code, created_by_id=self.user_id, **self._values(row, investor, None))
        self.changes.new_projects.append(project)
        for code, share in row.credits:
            self.changes.new_credits.append(NewRow(project=project, unit=self.units[code], share=share))
        for stage, date in row.dates.items():
            self.changes.new_events.append(self._event(project, stage, date, row))
        return project

    def _event(self, project: Project, stage: str, date, row: ProjectRow) -> NewRow:
        amount = row.contract if stage == Stage.SIGNED else None
        return NewRow(
            project=project,
            stage=stage,
            date=parsing.plain_date(date),
            date_precision=parsing.precision_of(date),
            amount=amount,
            recorded_by_id=self.user_id,
        )

    def _update_project(self, project: Project, row: ProjectRow, investor: Investor | None) -> bool:
        changed = False
        for name, value in self._values(row, investor, project).items():
            if _differs(project, name, value):
                setattr(project, name, value)
                self.changes.project_fields.add(name)
                changed = True
        if changed:
            self.changes.changed_projects.append(project)
        return self._update_credits(project, row) | self._update_events(project, row) | changed

    def _update_credits(self, project: Project, row: ProjectRow) -> bool:
        existing = self.credits[project.pk]
        wanted = {}
        changed = False
        for code, share in row.credits:
            unit = self.units[code]
            credit = existing.get(unit.pk) if unit.pk is not None else None
            if credit is None:
                self.changes.new_credits.append(NewRow(project=project, unit=unit, share=share))
                changed = True
            else:
                wanted[unit.pk] = credit
                if credit.share != share:
                    credit.share = share
                    self.changes.changed_credits.append(credit)
                    changed = True
        for unit_id, credit in existing.items():
            if unit_id not in wanted:
                self.changes.deleted.append(credit)
                changed = True
        return changed

    def _update_events(self, project: Project, row: ProjectRow) -> bool:
        existing = self.events[project.pk]
        changed = False
        for stage in c.FILE_STAGES:
            event, date = existing.get(stage), row.dates.get(stage)
            if event is None and date is None:
                continue
            if event is None:
                self.changes.new_events.append(self._event(project, stage, date, row))
            elif date is None:
                self.changes.deleted.append(event)
            else:
                # 2025年3月 and 2025-03-01 are the same date, not the same fact: a change of precision is a change.
                precision = parsing.precision_of(date)
                event_changed = event.date != date or event.date_precision != precision
                event.date, event.date_precision = parsing.plain_date(date), precision
                if stage == Stage.SIGNED and row.contract is not None:
                    # An event without an amount stands for the project's contract amount.
                    current = event.amount if event.amount is not None else project.contract_amount
                    if current != row.contract:
                        event.amount = row.contract
                        event_changed = True
                if not event_changed:
                    continue
                self.changes.changed_events.append(event)
            changed = True
        return changed

    # --- funds in place --------------------------------------------------------------------------

    def _check_project_refs(self) -> None:
        """A 到位资金 row's project is in the 项目 sheet or already in the system."""
        outside = {code for _row, code in self.parsed.project_refs if code not in self.parsed.project_codes}
        self.outside_projects: dict[str, int] = {}
        for chunk in _chunks(outside):
            self.outside_projects.update(Project.objects.filter(code__in=chunk).values_list("code", "pk"))
        for row, code in self.parsed.project_refs:
            if code not in self.parsed.project_codes and code not in self.outside_projects:
                self.errors.add(
                    c.RECEIPT_SHEET,
                    row,
                    c.R_PROJECT,
                    code,
                    _("Unknown project code %(code)s: it is neither in the sheet 项目 nor in the system.")
                    % {"code": code},
                )

    def _plan_receipts(self, counts: dict) -> None:
        if self.errors:
            return
        rows = self.parsed.receipts
        project_ids = dict(self.outside_projects)
        for code, project in self.projects.items():
            if project.pk is not None:
                project_ids[code] = project.pk
        # What is already recorded, as a multiset: a row of the file matching a recorded receipt is
        # skipped, so importing the same file twice adds nothing, yet two equal payments stay two.
        recorded: Counter = Counter()
        wanted_ids = {project_ids[row.project_code] for row in rows if row.project_code in project_ids}
        for chunk in _chunks(wanted_ids):
            receipts = FundsReceipt.objects.filter(project_id__in=chunk)
            recorded.update(receipts.values_list("project_id", "date", "amount", "voucher_no"))
        openings = self._recorded_openings(rows, project_ids)
        for row in rows:
            project_id = project_ids.get(row.project_code)
            key = (project_id, row.date, row.amount, row.voucher)
            if row.replaces_opening and project_id in openings:
                kept = next((r for r in openings[project_id] if (r.date, r.amount) == (row.date, row.amount)), None)
                if kept is not None:
                    openings[project_id].remove(kept)
                    counts["skipped"] += 1
                    continue
            elif project_id is not None and recorded[key] > 0:
                recorded[key] -= 1
                counts["skipped"] += 1
                continue
            receipt = NewRow(
                date=row.date,
                amount=row.amount,
                currency=row.currency,
                original_amount=row.original_amount,
                exchange_rate=row.exchange_rate,
                opening_balance=row.opening_balance,
                source=row.source,
                voucher_no=row.voucher,
                note=row.note,
                recorded_by_id=self.user_id,
            )
            if project_id is not None:
                receipt.project_id = project_id
            else:
                receipt.project = self.projects[row.project_code]
            self.changes.new_receipts.append(receipt)
            counts["created"] += 1
        # The previous opening balances a county sheet's cumulative figures replace.
        self.changes.deleted.extend(receipt for replaced in openings.values() for receipt in replaced)

    def _recorded_openings(self, rows, project_ids: dict) -> dict[int, list[FundsReceipt]]:
        """The opening balances recorded for the projects whose opening balance the file replaces."""
        wanted = {
            project_ids[row.project_code] for row in rows if row.replaces_opening and row.project_code in project_ids
        }
        openings: dict[int, list[FundsReceipt]] = {pk: [] for pk in wanted}
        for chunk in _chunks(wanted):
            for receipt in FundsReceipt.objects.filter(project_id__in=chunk, opening_balance=True).order_by("pk"):
                openings[receipt.project_id].append(receipt)
        return openings


def _is_cycle(code: str, parents: dict[str, str]) -> bool:
    seen = set()
    current = parents.get(code, "")
    while current:
        if current == code:
            return True
        if current in seen:
            return False
        seen.add(current)
        current = parents.get(current, "")
    return False


def _differs(project: Project, name: str, value) -> bool:
    model_field = Project._meta.get_field(name)
    if model_field.is_relation:
        current = getattr(project, model_field.attname)
        if value is None:
            return current is not None
        return value.pk is None or value.pk != current
    return getattr(project, name) != value
