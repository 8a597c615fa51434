"""Reading a workbook into typed rows, with every problem that can be seen without the database.

Checks that need the database (unknown codes, existing projects) are the importer's; everything that
one row says about itself (formats, amounts, dates running backwards, the current stage agreeing with
the dates, shares adding up to 100) is checked here.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import partial

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from zhaoshang.core import limits
from zhaoshang.organization.choices import CATEGORY_XLSX, TIER_XLSX
from zhaoshang.organization.models import Unit
from zhaoshang.projects import credit_code as credit_codes
from zhaoshang.projects import rules
from zhaoshang.projects.choices import (
    CAPITAL_XLSX,
    CURRENCY_XLSX,
    EVENT_LEVEL_XLSX,
    INDUSTRY_LABELS,
    KIND_XLSX,
    OWNERSHIP_XLSX,
    STAGE_ORDER,
    STAGE_XLSX,
    STATUS_XLSX,
    CapitalType,
    Currency,
    Stage,
    Status,
    division_error,
    division_section,
)
from zhaoshang.projects.models import FundsReceipt, Investor, Project
from zhaoshang.projects.services import receipt_currency_errors, stage_date_errors
from zhaoshang.targets.choices import AMOUNT_FIELD_XLSX, SCHEDULE_XLSX, AmountField, IndicatorKind, ScheduleBasis
from zhaoshang.targets.choices import KIND_XLSX as INDICATOR_KIND_XLSX
from zhaoshang.targets.models import CountyTarget, Indicator, Period, TargetGroup
from zhaoshang.targets.services import CountyTargetData, IndicatorData, county_target_refusals, indicator_errors

from . import columns as c
from . import parsing
from .errors import ErrorList
from .parsing import CellError
from .progress import RowCounter
from .xlsx_reader import Unreadable, open_workbook

INVALID = object()  # a cell that failed to parse (its error is already recorded)
CURRENT_STAGE_MAP = {**c.STAGE_LABELS, **STATUS_XLSX}
INDUSTRY_MAP = INDUSTRY_LABELS  # names with or without 、, letters, 2-digit divisions (choices.industry_code)
CURRENCY_MAP = {**CURRENCY_XLSX, **{code: code for code in Currency.values}}  # 美元 or USD


# Text limits of the model fields the cells go into (checked here: PostgreSQL would refuse longer values).
FUNDSRECEIPT_SOURCE_LEN = FundsReceipt._meta.get_field("source").max_length
FUNDSRECEIPT_VOUCHER_NO_LEN = FundsReceipt._meta.get_field("voucher_no").max_length
INVESTOR_NAME_LEN = Investor._meta.get_field("name").max_length
INVESTOR_ORIGIN_LEN = Investor._meta.get_field("origin").max_length
PROJECT_CODE_LEN = Project._meta.get_field("code").max_length
PROJECT_COUNTY_LEADER_LEN = Project._meta.get_field("county_leader").max_length
PROJECT_NAME_LEN = Project._meta.get_field("name").max_length
PROJECT_REMARKS_LEN = Project._meta.get_field("remarks").max_length
PROJECT_STATUS_REASON_LEN = Project._meta.get_field("status_reason").max_length
FUNDSRECEIPT_NOTE_LEN = FundsReceipt._meta.get_field("note").max_length
UNIT_CODE_LEN = Unit._meta.get_field("code").max_length
UNIT_NAME_LEN = Unit._meta.get_field("name").max_length
PERIOD_CODE_LEN = Period._meta.get_field("code").max_length
PERIOD_NAME_LEN = Period._meta.get_field("name").max_length
GROUP_NAME_LEN = TargetGroup._meta.get_field("name").max_length
WEIGHT_DIGITS = TargetGroup._meta.get_field("weight").max_digits
TARGET_DIGITS = Indicator._meta.get_field("target").max_digits
COUNTY_DOCUMENT_LEN = CountyTarget._meta.get_field("document").max_length
COUNTY_NUMBER_LEN = CountyTarget._meta.get_field("document_number").max_length
COUNTY_ISSUED_BY_LEN = CountyTarget._meta.get_field("issued_by").max_length
STAGED_KINDS = {IndicatorKind.COUNT, IndicatorKind.AMOUNT, IndicatorKind.FOREIGN}


@dataclass
class UnitRow:
    row: int
    code: str
    name: str
    parent_code: str
    category: str
    tier: int | None


@dataclass
class ProjectRow:
    row: int
    code: str
    name: str
    investor: str
    origin: str
    capital_type: str
    industry: str
    kind: str
    planned: Decimal
    contract: Decimal | None
    registered: Decimal | None
    land: Decimal | None
    credits: list[tuple[str, Decimal]]
    current: str | None  # a Stage, a Status (stalled/dropped), or None: taken from the dates
    dates: dict[str, dt.date]
    county_leader: str
    responsible_code: str
    remarks: str
    # The optional columns the file has (columns.PROJECT_FIELD_HEADERS): Project field → value.
    fields: dict = field(default_factory=dict)
    # 停滞或终止原因/日期 when the file has the column (None: absent, or empty: keep what is recorded).
    status_reason: str | None = None
    status_date: dt.date | None = None
    # The investor's 统一社会信用代码, normalised ("" when blank or the column is absent).
    credit_code: str = ""


@dataclass
class ReceiptRow:
    row: int
    project_code: str
    date: dt.date
    amount: Decimal
    source: str
    voucher: str
    note: str = ""
    currency: str = Currency.CNY
    original_amount: Decimal | None = None
    exchange_rate: Decimal | None = None
    opening_balance: bool = False  # 期初结转
    # A county sheet's cumulative figure (county_import): it replaces the project's previous opening balance.
    replaces_opening: bool = False


@dataclass
class PeriodRow:
    row: int
    code: str
    name: str
    start: dt.date
    end: dt.date
    schedule_basis: str


# A target group as the file names it: (period code, tier or None, unit code or "", group name).
GroupKey = tuple[str, int | None, str, str]


@dataclass
class TargetRow:
    row: int
    key: GroupKey
    indicator: IndicatorData
    weight: Decimal | None  # None: not written on this row (the group's weight is another row's, or 1)

    @property
    def period_code(self) -> str:
        return self.key[0]


@dataclass
class CountyTargetRow:
    row: int
    period_code: str
    data: CountyTargetData


@dataclass
class ParsedFile:
    units: list[UnitRow] = field(default_factory=list)
    projects: list[ProjectRow] = field(default_factory=list)
    receipts: list[ReceiptRow] = field(default_factory=list)
    periods: list[PeriodRow] = field(default_factory=list)
    targets: list[TargetRow] = field(default_factory=list)
    county_targets: list[CountyTargetRow] = field(default_factory=list)
    sheets: set[str] = field(default_factory=set)
    # Codes seen in each sheet even on rows that have errors, so other sheets may refer to them.
    unit_codes: dict[str, int] = field(default_factory=dict)
    project_codes: dict[str, int] = field(default_factory=dict)
    period_codes: dict[str, int] = field(default_factory=dict)
    # Codes other rows refer to, from every row (valid or not), so that every unknown code is reported:
    # (sheet, row, column, unit code), and (row, code) of the projects of 到位资金 and periods of 目标.
    unit_refs: list[tuple[str, int, str, str]] = field(default_factory=list)
    project_refs: list[tuple[int, str]] = field(default_factory=list)
    period_refs: list[tuple[int, str]] = field(default_factory=list)
    county_period_refs: list[tuple[int, str]] = field(default_factory=list)  # (row, code) of 上级下达任务
    # Per target group of the 目标 sheet: its rows, and the first weight written with its row.
    group_rows: dict[GroupKey, list[int]] = field(default_factory=dict)
    group_weights: dict[GroupKey, tuple[Decimal, int]] = field(default_factory=dict)


class _Row:
    """One data row: every cell parsed by its column's parser, each bad cell's error recorded under its header."""

    def __init__(self, sheet: str, row: int, values: tuple, columns: list, index: dict[str, int], errors: ErrorList):
        self.sheet, self.row, self.values, self.index, self.errors = sheet, row, values, index, errors
        self.ok = True
        cells = {}
        count = len(values)
        for header, position, parse, required, blank in columns:
            value = values[position] if position < count else None
            if value is None or (value.__class__ is str and not value.strip()):
                if required:
                    self.error(header, _("This column must be filled in."))
                    cells[header] = INVALID
                else:
                    cells[header] = blank
                continue
            try:
                cells[header] = parse(value)
            except CellError as error:
                self.error(header, error.reason)
                cells[header] = INVALID
        self.cells = cells

    def raw(self, header: str):
        position = self.index[header]
        return self.values[position] if position < len(self.values) else None

    def error(self, header: str, reason: str, value=INVALID) -> None:
        self.ok = False
        self.errors.add(self.sheet, self.row, header, self.raw(header) if value is INVALID else value, reason)


def _text(max_length: int | None):
    return partial(parsing.text, max_length=max_length)


def _above_zero(value, *, max_digits: int, reason: str) -> Decimal | None:
    """A number greater than zero; zero or below is refused with ``reason`` (e.g. the target's own words)."""
    try:
        return parsing.amount(value, max_digits=max_digits, positive=True)
    except CellError as error:
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            raise error from None
        if number.is_finite() and number.quantize(parsing.CENT, rounding=ROUND_HALF_UP) <= 0:
            raise CellError(reason) from None
        raise


# The labels of the optional columns holding a choice (besides the currency): Project field → label → value.
FIELD_CHOICES = {"ownership": OWNERSHIP_XLSX, "signing_event_level": EVENT_LEVEL_XLSX}


def _field_parser(name: str, today: dt.date, model=Project):
    """The parser of an optional column, from the field it fills (lengths and bounds the model's and
    core.limits'; a date not after ``today``)."""
    model_field = model._meta.get_field(name)
    if name == "currency":
        return partial(_currency)
    if name == "industry_division":
        return _division
    if name in FIELD_CHOICES:
        return partial(_blank_choice, mapping=FIELD_CHOICES[name])
    if model_field.get_internal_type() == "DateField":
        return partial(parsing.day, today=today)
    if model_field.get_internal_type() == "BooleanField":
        return parsing.flag
    if model_field.get_internal_type() == "DecimalField":
        places = Decimal(1).scaleb(-model_field.decimal_places)
        positive = name in ("exchange_rate", "original_amount")
        maximum = limits.maximum_for(name)
        return partial(
            parsing.amount, max_digits=model_field.max_digits, positive=positive, maximum=maximum, places=places
        )
    return _text(model_field.max_length)


def _blank_choice(value, mapping: dict) -> str:
    """A label of ``mapping``; an empty cell is the field's blank value."""
    return parsing.choice(value, mapping) or ""


def _division(value) -> str:
    """行业大类: two digits of GB/T 4754 (a number cell 1 reads as 01); empty when blank."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == int(value):
        value = f"{int(value):02d}"
    text = parsing.text(value, max_length=2)
    if division_section(text.zfill(2) if text.isdigit() else text) is None and text:
        raise parsing.CellError(_("%(division)s is not a GB/T 4754 division (two digits).") % {"division": text})
    return text.zfill(2) if text else ""


def credit_code_cell(value) -> str:
    """统一社会信用代码: normalised (full-width, lower case, spaces) and checked; empty when blank."""
    code = credit_codes.normalise(parsing.text(value))
    reasons = credit_codes.errors(code) if code else []
    if reasons:
        raise parsing.CellError("；".join(reasons))
    return code


def _currency(value) -> str:
    """币种: a label (美元) or a code (USD); an empty cell is 人民币."""
    return parsing.choice(value, CURRENCY_MAP) or Currency.CNY


def _column_parsers(today: dt.date) -> dict[str, list[tuple]]:
    """Per sheet: (header, parser, required) for every column, in the template's order."""
    date = partial(parsing.day, today=today)  # a month alone only for the stage dates (kept with their precision)
    stage_date = partial(parsing.date, today=today)
    amount = parsing.amount
    return {
        c.UNIT_SHEET: [
            (c.U_CODE, _text(UNIT_CODE_LEN), True),
            (c.U_NAME, _text(UNIT_NAME_LEN), True),
            (c.U_PARENT, _text(UNIT_CODE_LEN), False),
            (c.U_CATEGORY, partial(parsing.choice, mapping=CATEGORY_XLSX), True),
            (c.U_TIER, partial(parsing.choice, mapping=TIER_XLSX), False),
        ],
        c.PROJECT_SHEET: [
            (c.P_CODE, _text(PROJECT_CODE_LEN), True),
            (c.P_NAME, _text(PROJECT_NAME_LEN), True),
            (c.P_INVESTOR, _text(INVESTOR_NAME_LEN), False),
            (c.P_ORIGIN, _text(INVESTOR_ORIGIN_LEN), False),
            (c.P_CAPITAL, partial(parsing.choice, mapping=CAPITAL_XLSX), True),
            (c.P_INDUSTRY, partial(parsing.choice, mapping=INDUSTRY_MAP), False),
            (c.P_KIND, partial(parsing.choice, mapping=KIND_XLSX), True),
            (c.P_PLANNED, amount, False),
            (c.P_CONTRACT, amount, False),
            (c.P_REGISTERED, amount, False),
            (c.P_LAND, partial(parsing.amount, max_digits=12, maximum=limits.MAX_LAND_AREA), False),
            (c.P_CREDITS, parsing.shares, True),
            (c.P_STAGE, partial(parsing.choice, mapping=CURRENT_STAGE_MAP), False),
            *((header, stage_date, False) for header in c.STAGE_DATE_HEADERS.values()),
            (c.P_LEADER, _text(PROJECT_COUNTY_LEADER_LEN), False),
            (c.P_RESPONSIBLE, _text(UNIT_CODE_LEN), False),
            (c.P_REMARKS, _text(PROJECT_REMARKS_LEN), False),
            *((header, _field_parser(name, today), False) for header, name in c.PROJECT_FIELD_HEADERS.items()),
            (c.P_STATUS_REASON, _text(PROJECT_STATUS_REASON_LEN), False),
            (c.P_STATUS_DATE, date, False),
            *((header, _field_parser(name, today), False) for header, name in c.SIGNING_FIELD_HEADERS.items()),
            *((header, _field_parser(name, today), False) for header, name in c.PROGRESS_FIELD_HEADERS.items()),
            (c.P_CREDIT_CODE, credit_code_cell, False),
        ],
        c.RECEIPT_SHEET: [
            (c.R_PROJECT, _text(PROJECT_CODE_LEN), True),
            (c.R_DATE, date, True),
            # Required unless worked out from the original amount and rate (``_receipt_row``).
            (c.R_AMOUNT, partial(parsing.amount, positive=True), False),
            (c.R_SOURCE, _text(FUNDSRECEIPT_SOURCE_LEN), False),
            (c.R_VOUCHER, _text(FUNDSRECEIPT_VOUCHER_NO_LEN), False),
            (c.R_NOTE, _text(FUNDSRECEIPT_NOTE_LEN), False),
            (c.R_CURRENCY, _currency, False),
            (c.R_ORIGINAL, _field_parser("original_amount", today, FundsReceipt), False),
            (c.R_RATE, _field_parser("exchange_rate", today, FundsReceipt), False),
            (c.R_OPENING, parsing.flag, False),
        ],
        # Periods and targets may lie in the future: their dates are not checked against today.
        c.PERIOD_SHEET: [
            (c.A_CODE, _text(PERIOD_CODE_LEN), True),
            (c.A_NAME, _text(PERIOD_NAME_LEN), True),
            (c.A_START, parsing.date, True),
            (c.A_END, parsing.date, True),
            (c.A_SCHEDULE, partial(parsing.choice, mapping=SCHEDULE_XLSX), False),
        ],
        c.TARGET_SHEET: [
            (c.G_PERIOD, _text(PERIOD_CODE_LEN), True),
            (c.G_TIER, partial(parsing.choice, mapping=TIER_XLSX), False),
            (c.G_UNIT, _text(UNIT_CODE_LEN), False),
            (c.G_GROUP, _text(GROUP_NAME_LEN), True),
            (c.G_KIND, partial(parsing.choice, mapping=INDICATOR_KIND_XLSX), True),
            (c.G_STAGE, partial(parsing.choice, mapping=STAGE_XLSX), False),
            (c.G_AMOUNT_FIELD, partial(parsing.choice, mapping=AMOUNT_FIELD_XLSX), False),
            (c.G_MIN, amount, False),
            (
                c.G_TARGET,
                partial(_above_zero, max_digits=TARGET_DIGITS, reason=_("The target must be greater than zero.")),
                True,
            ),
            (
                c.G_WEIGHT,
                partial(_above_zero, max_digits=WEIGHT_DIGITS, reason=_("The weight must be greater than zero.")),
                False,
            ),
        ],
        c.COUNTY_TARGET_SHEET: [
            (c.G_PERIOD, _text(PERIOD_CODE_LEN), True),
            (c.G_KIND, partial(parsing.choice, mapping=INDICATOR_KIND_XLSX), True),
            (c.G_STAGE, partial(parsing.choice, mapping=STAGE_XLSX), False),
            (c.G_AMOUNT_FIELD, partial(parsing.choice, mapping=AMOUNT_FIELD_XLSX), False),
            (c.G_MIN, amount, False),
            (c.G_TARGET, amount, True),
            (c.K_DOCUMENT, _text(COUNTY_DOCUMENT_LEN), False),
            (c.K_NUMBER, _text(COUNTY_NUMBER_LEN), False),
            (c.K_ISSUED_BY, _text(COUNTY_ISSUED_BY_LEN), False),
        ],
    }


def read_workbook(source, errors: ErrorList, *, today: dt.date, progress=None) -> ParsedFile:
    """Parse the sheets 单位/项目/到位资金/考核期/目标 of ``source`` (a path or a binary file object).

    The rows are streamed from the file (``xlsx_reader.iter_rows``): only the parsed rows are kept. ``progress``
    (optional) is called as ``progress(rows_read, rows_in_sheet, message)`` every thousand rows.
    """
    parsed = ParsedFile()
    try:
        workbook = open_workbook(source)
    except Unreadable:
        errors.add("", None, "", "", _("The file cannot be read as an Excel workbook (.xlsx)."))
        return parsed
    try:
        names = list(workbook.sheet_names)
        for name in names:
            if name.strip() not in (
                *c.DATA_SHEETS,
                c.NOTES_SHEET,
                *c.SCHEME_SHEETS,
                c.CONSEQUENCE_SHEET,
                c.PERSON_SHEET,
            ):
                errors.add(
                    name,
                    None,
                    "",
                    name,
                    _("Unknown sheet “%(name)s”: the sheets may only be %(sheets)s.")
                    % {"name": name, "sheets": "、".join(c.DATA_SHEETS)},
                )
        present = {name.strip(): name for name in names if name.strip() in c.DATA_SHEETS}
        if not present:
            reason = _("The file has none of the sheets %(sheets)s.") % {"sheets": "、".join(c.DATA_SHEETS)}
            errors.add("", None, "", "", reason)
            return parsed
        readers = {
            c.UNIT_SHEET: _unit_row,
            c.PROJECT_SHEET: _project_row,
            c.RECEIPT_SHEET: _receipt_row,
            c.PERIOD_SHEET: _period_row,
            c.TARGET_SHEET: _target_row,
            c.COUNTY_TARGET_SHEET: _county_target_row,
        }
        counter = RowCounter(progress)
        for sheet in c.DATA_SHEETS:
            if sheet in present:
                parsed.sheets.add(sheet)
                height = workbook.height(present[sheet]) if progress is not None else 0
                rows = counter.counted(workbook.iter_rows(present[sheet]), sheet, height)
                _read_sheet(rows, sheet, readers[sheet], parsed, errors, today)
        counter.report("")
    except Unreadable:  # a damaged part of the package shows up only when its sheet is read
        errors.add("", None, "", "", _("The file cannot be read as an Excel workbook (.xlsx)."))
    finally:
        workbook.close()
    return parsed


def _header_index(sheet: str, header: tuple, errors: ErrorList) -> dict[str, int] | None:
    expected = [column.header for column in c.SHEET_COLUMNS[sheet]]
    ignored = c.IGNORED_HEADERS.get(sheet, set())
    index: dict[str, int] = {}
    ok = True
    for position, value in enumerate(header):
        name = c.normalise_header(value)
        if not name or name in ignored:
            continue
        letter = get_column_letter(position + 1)
        if name not in expected:
            errors.add(
                sheet,
                1,
                letter,
                value,
                _("Unknown column: the columns are %(columns)s.") % {"columns": "、".join(expected)},
            )
            ok = False
        elif name in index:
            errors.add(sheet, 1, letter, value, _("This column appears twice."))
            ok = False
        else:
            index[name] = position
    optional = {column.header for column in c.SHEET_COLUMNS[sheet] if column.optional}
    for name in expected:
        if name not in index and name not in optional:
            errors.add(sheet, 1, name, "", _("The column %(column)s is missing.") % {"column": name})
            ok = False
    return index if ok else None


def _read_sheet(
    rows: Iterable[list], sheet: str, reader, parsed: ParsedFile, errors: ErrorList, today: dt.date
) -> None:
    rows = iter(rows)
    header = next(rows, None)
    if header is None or all(parsing.is_blank(value) for value in header):
        errors.add(sheet, 1, "", "", _("The sheet has no header row."))
        return
    index = _header_index(sheet, header, errors)
    if index is None:
        return
    # (header, position, parser, required, what an empty cell reads as) for each column.
    columns = [
        (h, index[h], parse, required, parse(None))
        for h, parse, required in _column_parsers(today)[sheet]
        if h in index  # an optional column the file does not have is not read
    ]
    for number, values in enumerate(rows, start=2):
        if all(parsing.is_blank(value) for value in values):
            continue
        reader(_Row(sheet, number, values, columns, index, errors), parsed)


class TemplateRowReader:
    """Reads single rows of one template sheet given as values in the template's column order: the county import
    (county_import) lays a county's row over the template's and reads it with the template's own checks."""

    def __init__(self, sheet: str, today: dt.date, headers: set[str] | None = None):
        """``headers``: the optional columns the rows fill (default all); an optional column left out is read as a
        file without it is: its field is left as it is."""
        parsers = _column_parsers(today)[sheet]
        optional = {column.header for column in c.SHEET_COLUMNS[sheet] if column.optional}
        self.index = {
            column.header: position
            for position, column in enumerate(c.SHEET_COLUMNS[sheet])
            if headers is None or column.header not in optional or column.header in headers
        }
        self.columns = [
            (h, self.index[h], parse, required, parse(None)) for h, parse, required in parsers if h in self.index
        ]
        self.reader = {c.PROJECT_SHEET: _project_row, c.RECEIPT_SHEET: _receipt_row}[sheet]

    def read(self, sheet_name: str, row: int, values: tuple, parsed: ParsedFile, errors: ErrorList) -> None:
        self.reader(_Row(sheet_name, row, values, self.columns, self.index, errors), parsed)


def _check_unique(r: _Row, header: str, code, seen: dict[str, int]) -> None:
    """A code may appear on one row only; later rows with it are errors naming the first one."""
    if code is INVALID:
        return
    if code in seen:
        r.error(
            header,
            _("The code %(code)s appears more than once in this sheet (first on row %(row)s).")
            % {"code": code, "row": seen[code]},
        )
    else:
        seen[code] = r.row


def _unit_row(r: _Row, parsed: ParsedFile) -> None:
    cells = r.cells
    code = cells[c.U_CODE]
    _check_unique(r, c.U_CODE, code, parsed.unit_codes)
    name = cells[c.U_NAME]
    parent_code = cells[c.U_PARENT]
    if parent_code not in (INVALID, ""):
        parsed.unit_refs.append((r.sheet, r.row, c.U_PARENT, parent_code))
    category = cells[c.U_CATEGORY]
    tier = cells[c.U_TIER]
    if r.ok:
        parsed.units.append(UnitRow(r.row, code, name, parent_code, str(category), tier and int(tier)))


def _project_row(r: _Row, parsed: ParsedFile) -> None:
    cells = r.cells
    code = cells[c.P_CODE]
    _check_unique(r, c.P_CODE, code, parsed.project_codes)
    name = cells[c.P_NAME]
    investor = cells[c.P_INVESTOR]
    origin = cells[c.P_ORIGIN]
    if origin not in (INVALID, "") and investor == "":
        r.error(
            c.P_ORIGIN,
            _("%(origin)s is filled in but %(investor)s is empty.") % {"origin": c.P_ORIGIN, "investor": c.P_INVESTOR},
        )
    credit_code = cells.get(c.P_CREDIT_CODE) or ""
    if credit_code not in (INVALID, "") and investor == "":
        r.error(
            c.P_CREDIT_CODE,
            _("%(origin)s is filled in but %(investor)s is empty.")
            % {"origin": c.P_CREDIT_CODE, "investor": c.P_INVESTOR},
        )
    capital_type = cells[c.P_CAPITAL]
    industry = cells[c.P_INDUSTRY]
    kind = cells[c.P_KIND]
    planned = cells[c.P_PLANNED]
    contract = cells[c.P_CONTRACT]
    registered = cells[c.P_REGISTERED]
    land = cells[c.P_LAND]
    credits = cells[c.P_CREDITS]
    current = cells[c.P_STAGE]
    dates = {stage: cells[header] for stage, header in c.STAGE_DATE_HEADERS.items()}
    county_leader = cells[c.P_LEADER]
    responsible_code = cells[c.P_RESPONSIBLE]
    remarks = cells[c.P_REMARKS]
    fields = {name: cells[header] for header, name in c.FIELD_HEADERS.items() if header in cells}
    _check_currency(r, capital_type, fields)
    division = fields.get("industry_division")
    if division not in (None, INVALID, "") and industry is not INVALID:
        problem = division_error(industry or "", division)
        if problem:
            r.error(c.P_DIVISION, problem)
    reason, status_date = cells.get(c.P_STATUS_REASON), cells.get(c.P_STATUS_DATE)
    if current not in (INVALID, Status.STALLED, Status.DROPPED):
        for header, value in ((c.P_STATUS_REASON, reason), (c.P_STATUS_DATE, status_date)):
            if value not in (None, "", INVALID):
                r.error(
                    header,
                    _("Fill in %(column)s only when %(stage)s is 停滞 or 终止.")
                    % {"column": header, "stage": c.P_STAGE},
                )
    if credits is not INVALID:
        parsed.unit_refs.extend((r.sheet, r.row, c.P_CREDITS, unit_code) for unit_code, _share in credits)
    if responsible_code not in (INVALID, ""):
        parsed.unit_refs.append((r.sheet, r.row, c.P_RESPONSIBLE, responsible_code))
    if current is not INVALID and all(value is not INVALID for value in dates.values()):
        dates = {stage: value for stage, value in dates.items() if value is not None}
        _check_stage_dates(r, dates, current)
    if r.ok:
        parsed.projects.append(
            ProjectRow(
                row=r.row,
                code=code,
                name=name,
                investor=investor,
                origin=origin,
                credit_code=credit_code,
                capital_type=str(capital_type),
                industry=industry or "",
                kind=str(kind),
                planned=planned if planned is not None else Decimal("0.00"),
                contract=contract,
                registered=registered,
                land=land,
                credits=credits,
                current=None if current is None else str(current),
                dates=dates,
                county_leader=county_leader,
                responsible_code=responsible_code,
                remarks=remarks,
                fields=fields,
                status_reason=reason,
                status_date=status_date,
            )
        )


def _check_currency(r: _Row, capital_type, fields: dict) -> None:
    """The project form's rule: foreign capital in a currency other than the yuan needs the exchange rate."""
    if capital_type != CapitalType.FOREIGN or c.P_RATE not in r.index:
        return
    currency = fields.get("currency", Currency.CNY)
    if currency not in (INVALID, Currency.CNY) and fields.get("exchange_rate") is None:
        r.error(c.P_RATE, _("Foreign capital in another currency needs the exchange rate used."))


def _check_stage_dates(r: _Row, dates: dict[str, dt.date], current) -> None:
    """Dates may not run backwards, and 当前阶段 (if a pipeline stage) must be the latest dated stage."""
    dated = sorted(dates, key=STAGE_ORDER.__getitem__)
    # The service checks the same neighbouring pairs; only a row with an error is checked pair by pair,
    # to name the later date's column for each.
    if len(dated) > 1 and stage_date_errors(dates):
        for earlier, later in itertools.pairwise(dated):
            for reason in stage_date_errors({earlier: dates[earlier], later: dates[later]}):
                r.error(c.STAGE_DATE_HEADERS[later], reason)
    if current is None or current in STATUS_XLSX.values():
        return
    label = c.STAGE_LABEL[current]
    if current not in dates:
        r.error(
            c.P_STAGE,
            _("The current stage is %(stage)s but %(column)s is empty.")
            % {"stage": label, "column": c.STAGE_DATE_HEADERS[current]},
        )
    later = [stage for stage in dated if STAGE_ORDER[stage] > STAGE_ORDER[current]]
    if later:
        r.error(
            c.P_STAGE,
            _("The current stage is %(stage)s but the later stage date %(column)s is filled in.")
            % {"stage": label, "column": c.STAGE_DATE_HEADERS[later[-1]]},
        )


def _receipt_row(r: _Row, parsed: ParsedFile) -> None:
    cells = r.cells
    project_code = cells[c.R_PROJECT]
    if project_code is not INVALID:
        parsed.project_refs.append((r.row, project_code))
    date = cells[c.R_DATE]
    amount = cells[c.R_AMOUNT]
    source = cells[c.R_SOURCE]
    voucher = cells[c.R_VOUCHER]
    note = cells.get(c.R_NOTE, "")
    currency = cells.get(c.R_CURRENCY, Currency.CNY)
    original, rate = cells.get(c.R_ORIGINAL), cells.get(c.R_RATE)
    if currency == Currency.CNY:
        for header, value in ((c.R_ORIGINAL, original), (c.R_RATE, rate)):
            if value not in (None, INVALID):
                r.error(header, _("Fill in %(column)s only for a receipt in another currency.") % {"column": header})
    elif INVALID not in (currency, original, rate):
        for reason in receipt_currency_errors(currency, original, rate):
            r.error(c.R_RATE, reason)
        computed = rules.receipt_amount(currency, original, rate, None)
        if computed is not None and amount not in (None, INVALID) and amount != computed:
            r.error(
                c.R_AMOUNT,
                _("%(amount)s does not match %(original)s × %(rate)s ÷ 10000 = %(computed)s; leave it empty.")
                % {"amount": c.R_AMOUNT, "original": c.R_ORIGINAL, "rate": c.R_RATE, "computed": computed},
            )
        amount = computed if computed is not None else amount
    if amount is None and original is None:  # with an original amount, its own errors say what is missing
        r.error(c.R_AMOUNT, _("This column must be filled in."))
    if r.ok:
        parsed.receipts.append(
            ReceiptRow(
                r.row,
                project_code,
                parsing.plain_date(date),
                amount,
                source,
                voucher,
                note,
                currency,
                original,
                rate,
                opening_balance=cells.get(c.R_OPENING, False),
            )
        )


def _period_row(r: _Row, parsed: ParsedFile) -> None:
    cells = r.cells
    code = cells[c.A_CODE]
    _check_unique(r, c.A_CODE, code, parsed.period_codes)
    name = cells[c.A_NAME]
    start, end = cells[c.A_START], cells[c.A_END]
    if start not in (INVALID, None) and end not in (INVALID, None) and end < start:
        r.error(c.A_END, _("The period ends before it starts."))
    schedule = cells[c.A_SCHEDULE]
    if r.ok:
        basis = ScheduleBasis.DAY if schedule is None else schedule
        parsed.periods.append(PeriodRow(r.row, code, name, start, end, str(basis)))


def _target_row(r: _Row, parsed: ParsedFile) -> None:
    cells = r.cells
    period_code = cells[c.G_PERIOD]
    if period_code is not INVALID:
        parsed.period_refs.append((r.row, period_code))
    tier, unit_code = cells[c.G_TIER], cells[c.G_UNIT]
    if unit_code not in (INVALID, ""):
        parsed.unit_refs.append((r.sheet, r.row, c.G_UNIT, unit_code))
    names = {"tier": c.G_TIER, "unit": c.G_UNIT}
    if tier is not None and unit_code != "" and INVALID not in (tier, unit_code):
        r.error(c.G_TIER, _("Fill in either %(tier)s or %(unit)s, not both.") % names)
    elif tier is None and unit_code == "":
        r.error(c.G_TIER, _("Fill in %(tier)s (a target for a tier) or %(unit)s (a target for one unit).") % names)
    kind, stage = cells[c.G_KIND], cells[c.G_STAGE]
    if kind == IndicatorKind.FUNDS and stage not in (INVALID, None):
        r.error(c.G_STAGE, _("Leave the stage empty for funds in place: they count the receipts dated in the period."))
    elif kind in STAGED_KINDS and stage is None:
        r.error(c.G_STAGE, _("This indicator kind needs the stage the projects must reach in the period."))
    amount_field = cells[c.G_AMOUNT_FIELD]
    if amount_field is None:
        amount_field = AmountField.CONTRACT if stage == Stage.SIGNED else AmountField.PLANNED
    min_amount, target = cells[c.G_MIN], cells[c.G_TARGET]
    if kind == IndicatorKind.COUNT and target is not INVALID and target != target.to_integral_value():
        r.error(c.G_TARGET, _("A number of projects must be a whole number."))
    indicator = None
    if INVALID not in (kind, stage, amount_field, min_amount, target):
        indicator = IndicatorData(
            kind=str(kind),
            stage=str(stage or ""),
            amount_field=str(amount_field),
            min_amount=min_amount if min_amount is not None else Decimal("0.00"),
            target=target,
        )
        if r.ok:  # the targets service's own rules, should they ever say more than the checks above
            for reason in indicator_errors(indicator):
                r.error(c.G_KIND, reason)
    weight = cells[c.G_WEIGHT]
    group = cells[c.G_GROUP]
    if INVALID in (period_code, tier, unit_code, group) or (tier is None) == (unit_code == ""):
        return
    key: GroupKey = (period_code, None if tier is None else int(tier), unit_code, group)
    rows = parsed.group_rows.setdefault(key, [])
    rows.append(r.row)
    if len(rows) > c.MAX_ALTERNATIVES:
        r.error(
            c.G_GROUP,
            _("A group has at most %(count)s alternatives; this is row %(number)s of the group (first on row %(row)s).")
            % {"count": c.MAX_ALTERNATIVES, "number": len(rows), "row": rows[0]},
        )
    if weight not in (INVALID, None):
        first = parsed.group_weights.setdefault(key, (weight, r.row))
        if first[0] != weight:
            r.error(
                c.G_WEIGHT,
                _("The rows of one group must have the same weight: row %(row)s gives %(weight)s.")
                % {"row": first[1], "weight": format(first[0].normalize(), "f")},
            )
    if r.ok and indicator is not None:
        parsed.targets.append(TargetRow(r.row, key, indicator, weight))


def _county_target_row(r: _Row, parsed: ParsedFile) -> None:
    """A 上级下达任务 row: the county's target for one indicator, checked as the 目标 sheet checks its indicators."""
    cells = r.cells
    period_code = cells[c.G_PERIOD]
    if period_code is not INVALID:
        parsed.county_period_refs.append((r.row, period_code))
    kind, stage = cells[c.G_KIND], cells[c.G_STAGE]
    if kind == IndicatorKind.FUNDS and stage not in (INVALID, None):
        r.error(c.G_STAGE, _("Leave the stage empty for funds in place: they count the receipts dated in the period."))
    elif kind in STAGED_KINDS and stage is None:
        r.error(c.G_STAGE, _("This indicator kind needs the stage the projects must reach in the period."))
    amount_field = cells[c.G_AMOUNT_FIELD]
    if amount_field is None:
        amount_field = AmountField.CONTRACT if stage == Stage.SIGNED else AmountField.PLANNED
    min_amount, target = cells[c.G_MIN], cells[c.G_TARGET]
    if kind == IndicatorKind.COUNT and target not in (INVALID, None) and target != target.to_integral_value():
        r.error(c.G_TARGET, _("A number of projects must be a whole number."))
    texts = [cells[h] for h in (c.K_DOCUMENT, c.K_NUMBER, c.K_ISSUED_BY)]
    if not r.ok or INVALID in (period_code, kind, stage, amount_field, min_amount, target, *texts):
        return
    data = CountyTargetData(
        kind=str(kind),
        target=target,
        stage=str(stage or ""),
        amount_field=str(amount_field),
        min_amount=min_amount if min_amount is not None else Decimal("0.00"),
        document=texts[0] or "",
        document_number=texts[1] or "",
        issued_by=texts[2] or "",
    )
    for reason in county_target_refusals(data):  # the service's own rules, should they say more than the above
        r.error(c.G_KIND, reason)
    if r.ok:
        parsed.county_targets.append(CountyTargetRow(r.row, period_code, data))
