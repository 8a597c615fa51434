"""Import a county's own ledger sheet (issue 15): the sheet as the county keeps it, read through a mapping.

The county's sheet (重点项目推进情况调度表, 招商引资项目台账…) is found and read by ``sources`` (formats, title rows,
the header row, rows that are totals or notes), its columns are mapped to ``source_fields`` (proposed from the
headers, confirmed by the bureau, saved per source), and each of its rows becomes a row of the template's 项目 sheet:
the project as recorded (the export's row, so that a field the sheet does not have is left as it is) with the
sheet's cells laid over it, names of units, persons and status words resolved through the tables the bureau keeps
(never a guess). The template's own reader then checks every row and the template's planner writes the whole file
in one transaction, or nothing — one set of rules for both kinds of file.

Errors name the county's own sheet, row and column (its letter and header), and the user's file comes back with each
bad cell marked (``marking``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from zhaoshang.core import clock
from zhaoshang.organization import access
from zhaoshang.organization.aliases import UnitResolver
from zhaoshang.persons.aliases import PersonResolver
from zhaoshang.projects.choices import CapitalType, Kind, Stage, division_section
from zhaoshang.projects.models import Project
from zhaoshang.projects.services import code_sequence
from zhaoshang.projects.stage_words import StageWordResolver

from . import columns as c
from . import parsing
from . import source_fields as sf
from .errors import ErrorList, RowError
from .exporter import CAPITAL_LABEL, KIND_LABEL, STATUS_LABEL, project_values
from .importer import apply_parsed, empty_counts
from .mappings import mapping_json, match_mapping
from .marking import marked_workbook
from .parsing import CellError
from .persons_import import PERSONS_TEXT
from .progress import Progress
from .reading import INDUSTRY_MAP, ParsedFile, ReceiptRow, TemplateRowReader
from .sources import SourceBook, SourceLayout, SourceUnreadable, data_rows, detect_layout, open_source

PROJECT_HEADERS = [column.header for column in c.PROJECT_COLUMNS]
POSITION = {header: position for position, header in enumerate(PROJECT_HEADERS)}
DATE_FIELDS = {
    "negotiating_on": Stage.NEGOTIATING,
    "intention_on": Stage.INTENTION,
    "signed_on": Stage.SIGNED,
    "started_on": Stage.STARTED,
    "producing_on": Stage.PRODUCING,
}
# The project type of a new project whose sheet has no 项目类型, from its industry's GB/T 4754 section.
KIND_BY_SECTION = {"A": Kind.AGRICULTURE, "B": Kind.INDUSTRIAL, "C": Kind.INDUSTRIAL, "D": Kind.INDUSTRIAL}
KIND_BY_SECTION.update({"E": Kind.INFRASTRUCTURE, "N": Kind.INFRASTRUCTURE})
OPENING_SOURCE = "期初结转"  # the source written on an opening balance brought in from a sheet
PREVIEW_ROWS = 10
CHUNK = 500  # rows whose recorded projects are loaded together; ids or names per IN (...)
NAME_SCAN_FROM = 1000  # from this many names, recorded projects are found in one pass over the names (see below)


@dataclass
class Mapping:
    """What each column of the county's sheet fills, and the options a sheet cannot say for itself.

    ``columns``: normalised source header → (source_fields key, or "" for an ignored column; the unit of its
    figures, e.g. "亿元", or "" to take it from the cell or the sheet's title).
    """

    columns: dict[str, tuple[str, str]] = field(default_factory=dict)
    as_of: dt.date | None = None  # the date of cumulative figures; default: the sheet's 截至 date
    default_unit: str = ""  # unit code credited when a row names no unit (default: the sheet's 填报单位)
    default_kind: str = Kind.INDUSTRIAL  # a new project's type when the sheet has none and its industry says none
    default_capital: str = CapitalType.DOMESTIC
    name: str = ""  # the saved mapping's name, if it is one

    @classmethod
    def proposed(cls, layout: SourceLayout) -> Mapping:
        return cls(
            columns={c.normalise_header(col.header): (col.field or "", col.scale_text) for col in layout.columns}
        )

    def field_of(self, header: str) -> tuple[str, str]:
        return self.columns.get(c.normalise_header(header), ("", ""))

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "columns": [{"header": h, "field": f, "scale": s} for h, (f, s) in self.columns.items()],
            "options": {
                "as_of": self.as_of.isoformat() if self.as_of else "",
                "default_unit": self.default_unit,
                "default_kind": self.default_kind,
                "default_capital": self.default_capital,
            },
        }

    @classmethod
    def from_json(cls, data: dict) -> Mapping:
        """The shape ``as_json`` writes (and the CLI's ``--mapping FILE`` holds); unknown field keys are refused."""
        columns = {}
        for column in data.get("columns", ()):
            key = column.get("field") or ""
            if key and key not in sf.FIELDS:
                raise ValueError(_("Unknown field %(field)s in the mapping.") % {"field": key})
            columns[c.normalise_header(column["header"])] = (key, column.get("scale") or "")
        options = data.get("options") or {}
        as_of = options.get("as_of") or ""
        return cls(
            columns=columns,
            as_of=dt.date.fromisoformat(as_of) if as_of else None,
            default_unit=options.get("default_unit") or "",
            default_kind=options.get("default_kind") or Kind.INDUSTRIAL,
            default_capital=options.get("default_capital") or CapitalType.DOMESTIC,
            name=data.get("name") or "",
        )


@dataclass
class Unresolved:
    """A name the sheet writes that no unit (or person, or stage) has yet, with the near matches to confirm."""

    kind: str  # "unit" | "person" | "stage"
    name: str
    rows: list[int] = field(default_factory=list)
    suggestions: list = field(default_factory=list)  # units or persons, best first


@dataclass
class CountySheet:
    """What reading the county's sheet found, for the mapping screen and the result page."""

    layout: SourceLayout
    mapping: Mapping
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, why)
    ignored: list[str] = field(default_factory=list)  # headers of columns mapped to nothing
    unresolved: dict[tuple[str, str], Unresolved] = field(default_factory=dict)
    samples: list[dict] = field(default_factory=list)  # the first data rows as the sheet has them
    preview: list = field(default_factory=list)  # the first rows as they will be read (ProjectRow)
    opening: dict = field(default_factory=dict)  # their opening balances: project code → 万元
    rows: int = 0  # data rows read


class SourceErrors(ErrorList):
    """Errors of the template's reader, told in the county's terms: its sheet, row, column letter and header, and
    the cell's value as the county wrote it."""

    def __init__(self, sheet: str, letters: dict[str, tuple[str, str]]):
        super().__init__()
        self.sheet = sheet
        self.letters = letters  # template header → (column letter, source header)
        self.raw: dict[str, object] = {}  # template header → the source cell of the row being read
        # Template columns of the row being read whose errors follow from one already told (an unknown unit name
        # leaves 引进单位 empty: "must be filled in" would say it twice).
        self.suppress: set[str] = set()

    def add(self, sheet, row, column, value, reason) -> None:
        if sheet in (c.PROJECT_SHEET, c.RECEIPT_SHEET, self.sheet) and column in self.suppress:
            return
        if sheet in (c.PROJECT_SHEET, c.RECEIPT_SHEET, self.sheet):
            letter, header = self.letters.get(column, ("", column))
            if column in self.raw:
                value = self.raw[column]
            column = f"{letter} {header}".strip()
            sheet = self.sheet
        super().add(sheet, row, column, value, reason)


def column_letter(error: RowError) -> str:
    """The source column letter at the start of an error's column ("D 总投资(亿元)" → "D")."""
    head = error.column.split(" ", 1)[0]
    return head if head.isascii() and head.isalpha() and head.isupper() and len(head) <= 3 else ""


class CountyReader:
    """Turns the rows of one county sheet into the template's project rows and opening balances."""

    def __init__(self, book: SourceBook, layout: SourceLayout, mapping: Mapping, *, today: dt.date):
        self.book, self.layout, self.mapping, self.today = book, layout, mapping, today
        self.units = UnitResolver()
        self.persons = PersonResolver()
        self.stages = StageWordResolver()
        self.sheet = CountySheet(layout=layout, mapping=mapping)
        self.fields: dict[str, tuple[int, str, str, str]] = {}  # field → (position, letter, header, scale text)
        for column in layout.columns:
            key, scale = mapping.field_of(column.header)
            if column.row_number:
                continue
            if not key or key in self.fields:
                self.sheet.ignored.append(column.header)
                continue
            self.fields[key] = (column.position, column.letter, column.header, scale or column.scale_text)
        letters = {}
        for key, (_position, letter, header, _scale) in self.fields.items():
            template = sf.FIELDS[key].template_header
            if template:
                letters[template] = (letter, header)
        if "funds_cumulative" in self.fields:  # the opening balance's errors (the planner's) name the funds column
            letter, header = self.fields["funds_cumulative"][1:3]
            letters.update({c.R_AMOUNT: (letter, header), c.R_DATE: (letter, header)})
        self.errors = SourceErrors(layout.sheet, letters)
        self.as_of = mapping.as_of or layout.as_of
        self.sheet_scale = parsing.scale_of(layout.scale_text) if layout.scale_text else None
        # Optional template columns only where the sheet fills them: the others are left as recorded.
        filled = {sf.FIELDS[key].template_header for key in self.fields} - {""}
        self.template = TemplateRowReader(c.PROJECT_SHEET, today, headers=filled)

    # --- the whole sheet ------------------------------------------------------------------------

    def check_mapping(self) -> bool:
        """The mapping identifies rows, and cumulative figures have a date."""
        if self.layout.kind == "summary":
            self.errors.add(self.layout.sheet, None, "", "", self.layout.refusal)
            return False
        if not any(key in self.fields for key in sf.IDENTIFYING_FIELDS):
            self.errors.add(
                self.layout.sheet,
                None,
                "",
                "",
                _("Map a column to the project's name (or code): rows are found by it."),
            )
            return False
        if "funds_cumulative" in self.fields and self.as_of is None:
            letter, header = self.fields["funds_cumulative"][1:3]
            self.errors.add(
                self.layout.sheet,
                None,
                f"{letter} {header}",
                "",
                _("Cumulative funds need the date they run to: the sheet's title says no 截至 date, so give it."),
            )
            return False
        return True

    def read(self, progress: Progress | None = None, *, limit: int | None = None) -> ParsedFile:
        """Every data row (or the first ``limit``: the mapping screen's preview) as the template's rows."""
        parsed = ParsedFile()
        parsed.sheets.add(c.PROJECT_SHEET)
        if not self.check_mapping():
            return parsed
        rows = []
        for source_row in data_rows(self.book, self.layout):
            if source_row.skipped:
                self.sheet.skipped.append((source_row.row, source_row.skipped))
                continue
            rows.append(source_row)
            if len(self.sheet.samples) < PREVIEW_ROWS:
                self.sheet.samples.append({"row": source_row.row, "values": source_row.values})
            if limit is not None and len(rows) >= limit:
                break
        existing = self._existing_projects(rows)
        new_codes = code_sequence(today=self.today)
        related = ("investor", "responsible_unit")
        prefetch = ("credits__unit", "stage_events", "introducer_links__person")
        queryset = Project.objects.select_related(*related).prefetch_related(*prefetch)
        # A chunk of rows at a time: only its recorded projects are loaded (with what their export row needs),
        # so memory does not grow with the sheet.
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            identities = [self._identity(source_row.values) for source_row in chunk]
            wanted = {existing[identity][0] for identity in identities if existing.get(identity)}
            projects = {project.pk: project for project in queryset.filter(pk__in=wanted)} if wanted else {}
            for source_row, identity in zip(chunk, identities, strict=True):
                known = existing.get(identity)
                project = projects.get(known[0]) if known else None
                code = (
                    project.code
                    if project is not None
                    else (self._cell_text(source_row.values, "code") or next(new_codes))
                )
                self._read_row(source_row.row, source_row.values, project, code, parsed)
                self.sheet.rows += 1
            if progress is not None:
                done = min(start + CHUNK, len(rows))
                progress(done, len(rows), _("Reading the sheet %(sheet)s") % {"sheet": self.layout.sheet})
            rows[start : start + CHUNK] = [None] * len(chunk)  # the raw values are no longer needed
        self.sheet.preview = parsed.projects[:PREVIEW_ROWS]
        self.sheet.opening = {receipt.project_code: receipt.amount for receipt in parsed.receipts[:PREVIEW_ROWS]}
        return parsed

    # --- projects already recorded --------------------------------------------------------------

    def _identity(self, values: list) -> str:
        if "code" in self.fields:
            code = self._cell_text(values, "code")
            if code:
                return "code:" + code
        return "name:" + self._cell_text(values, "name")

    def _existing_projects(self, rows) -> dict[str, tuple[int, str] | None]:
        """Identity → (id, code) of the recorded project, or None for a new one. A name two recorded projects share
        is an error (``ambiguous``). Ids only: the projects themselves are loaded a chunk at a time."""
        identities = {self._identity(row.values) for row in rows}
        codes = [i[5:] for i in identities if i.startswith("code:")]
        names = [i[5:] for i in identities if i.startswith("name:") and i != "name:"]
        found: dict[str, tuple[int, str] | None] = dict.fromkeys(identities)
        for start in range(0, len(codes), CHUNK):
            for code, pk in Project.objects.filter(code__in=codes[start : start + CHUNK]).values_list("code", "pk"):
                found["code:" + code] = (pk, code)
        self.ambiguous: set[str] = set()
        if len(names) > NAME_SCAN_FROM:
            # Project names have no index: each ``name IN (…)`` reads the whole table. Many names: read every
            # project's name once.
            wanted = set(names)
            matches = sorted(
                row for row in Project.objects.values_list("code", "pk", "name").iterator(2000) if row[2] in wanted
            )
        else:
            matches = []
            for start in range(0, len(names), CHUNK):
                chunk = Project.objects.filter(name__in=names[start : start + CHUNK])
                matches.extend(chunk.values_list("code", "pk", "name"))
            matches.sort()
        for code, pk, name in matches:  # by code, as before
            key = "name:" + name
            if found.get(key) is not None:
                self.ambiguous.add(key)
            found[key] = (pk, code)
        return found

    # --- one row --------------------------------------------------------------------------------

    def _cell(self, values: list, key: str):
        where = self.fields.get(key)
        if where is None or where[0] >= len(values):
            return None
        return values[where[0]]

    def _cell_text(self, values: list, key: str) -> str:
        try:
            return parsing.text(self._cell(values, key))
        except CellError:
            return ""

    def _source_error(self, row: int, key: str, value, reason: str) -> None:
        letter, header = self.fields[key][1:3]
        ErrorList.add(self.errors, self.layout.sheet, row, f"{letter} {header}", value, reason)

    def _read_row(self, row: int, values: list, project: Project | None, code: str, parsed: ParsedFile) -> None:
        template = list(project_values(project)[: len(PROJECT_HEADERS)]) if project else [None] * len(PROJECT_HEADERS)
        self.errors.raw = {}
        self.errors.suppress = set()
        ok = True
        if project is not None and "name:" + project.name in self.ambiguous and "code" not in self.fields:
            self._source_error(
                row,
                "name",
                project.name,
                _("Several recorded projects have this name: add their codes (项目编码) to the sheet."),
            )
            ok = False
        template[POSITION[c.P_CODE]] = code
        put = self._put(template, values)
        for key in (
            "name", "investor", "origin", "credit_code", "contact", "phone", "location", "remarks", "division", "land",
        ):  # fmt: skip
            put(key)
        put("capital_type")
        put("industry")
        put("kind")
        put("high_tech")
        for key in ("planned", "contract", "registered"):
            ok &= self._money(row, values, key, template)
        ok &= self._units(row, values, template)
        ok &= self._stage(row, values, template)
        for key in ("county_leader", "introducer"):
            self._persons(row, values, key, template)
        if project is None:
            self._defaults(template)
        fields_before = len(parsed.projects)
        self.errors.raw.update(
            {
                sf.FIELDS[key].template_header: self._cell(values, key)
                for key in self.fields
                if sf.FIELDS[key].template_header
            }
        )
        self.template.read(self.layout.sheet, row, tuple(template), parsed, self.errors)
        if not ok and len(parsed.projects) > fields_before:
            parsed.projects.pop()
        elif len(parsed.projects) > fields_before:
            self._progress(values, parsed.projects[-1])
        self._funds(row, values, code, parsed)

    def _put(self, template: list, values: list):
        def put(key: str) -> None:
            if key in self.fields:
                template[POSITION[sf.FIELDS[key].template_header]] = self._cell(values, key)

        return put

    def _money(self, row: int, values: list, key: str, template: list) -> bool:
        if key not in self.fields:
            return True
        raw = self._cell(values, key)
        scale = parsing.scale_of(self.fields[key][3]) if self.fields[key][3] else self.sheet_scale
        try:
            amount = parsing.money(raw, scale=scale)
        except CellError as error:
            self._source_error(row, key, raw, error.reason)
            return False
        template[POSITION[sf.FIELDS[key].template_header]] = amount
        return True

    def _unit_code(self, row: int, key: str, name: str) -> str | None:
        unit = self.units.resolve(name)
        if unit is not None:
            return unit.code
        entry = self.sheet.unresolved.get(("unit", name))
        if entry is None:
            entry = Unresolved("unit", name, suggestions=self.units.suggest(name))
            self.sheet.unresolved[("unit", name)] = entry
        entry.rows.append(row)
        hint = "、".join(unit.name for unit in entry.suggestions)
        reason = _("No unit is called “%(name)s”: confirm which unit it is on the names page.") % {"name": name}
        if hint:
            reason += " " + _("Perhaps: %(names)s.") % {"names": hint}
        self._source_error(row, key, name, reason)
        return None

    def _units(self, row: int, values: list, template: list) -> bool:
        """引进单位 (names, with shares or shared equally) and 责任单位 by name; a row naming neither is credited to the
        sheet's reporting unit (or the mapping's default unit)."""
        ok = True
        responsible = ""
        if "responsible" in self.fields:
            name = self._cell_text(values, "responsible")
            if name:
                code = self._unit_code(row, "responsible", name)
                ok &= code is not None
                responsible = code or ""
            template[POSITION[c.P_RESPONSIBLE]] = responsible
        credits_text = self._cell_text(values, "credits") if "credits" in self.fields else ""
        if credits_text:
            credits = []
            for part in parsing.SHARE_SEPARATORS.split(credits_text):
                name, _sep, share = part.replace("：", ":").partition(":")
                if not name.strip():
                    continue
                code = self._unit_code(row, "credits", name.strip())
                ok &= code is not None
                credits.append((code or "", share.strip()))
            if ok and credits:
                template[POSITION[c.P_CREDITS]] = _shares_text(credits)
        elif template[POSITION[c.P_CREDITS]] in (None, ""):
            fallback = responsible or self._default_unit()
            if fallback:
                template[POSITION[c.P_CREDITS]] = fallback
            elif not ok:  # the responsible unit's name is unknown, and said so
                self.errors.suppress.add(c.P_CREDITS)
        if not ok:
            self.errors.suppress.add(c.P_CREDITS)
        return ok

    def _default_unit(self) -> str:
        if self.mapping.default_unit:
            return self.mapping.default_unit
        if self.layout.reporting_unit:
            unit = self.units.resolve(self.layout.reporting_unit)
            if unit is not None:
                return unit.code
        return ""

    def _stage(self, row: int, values: list, template: list) -> bool:
        """The stage dates as the sheet writes them (days or months), and its status word through the bureau's table."""
        dated = [key for key in DATE_FIELDS if key in self.fields]
        for key in dated:
            template[POSITION[c.STAGE_DATE_HEADERS[DATE_FIELDS[key]]]] = self._cell(values, key)
        if "stage" not in self.fields:
            if dated and template[POSITION[c.P_STAGE]] not in STATUS_LABEL.values():
                template[POSITION[c.P_STAGE]] = None  # the stage follows from the dates
            return True
        word = self._cell_text(values, "stage")
        if not word:
            template[POSITION[c.P_STAGE]] = None
            return True
        target = self.stages.resolve(word)
        if target is None:
            entry = self.sheet.unresolved.setdefault(("stage", word), Unresolved("stage", word))
            entry.rows.append(row)
            self._source_error(
                row,
                "stage",
                word,
                _("“%(word)s” is not in the table of status words: say which stage it means on the names page.")
                % {"word": word},
            )
            return False
        if target in STATUS_LABEL:
            template[POSITION[c.P_STAGE]] = STATUS_LABEL[target]
        elif target in c.STAGE_LABEL:
            header = c.STAGE_DATE_HEADERS[target]
            if template[POSITION[header]] in (None, ""):
                # The stage's date is neither in the sheet nor recorded: never invented, so the row is refused with
                # what to do about it.
                self._source_error(
                    row,
                    "stage",
                    word,
                    _(
                        "“%(word)s” means the stage %(stage)s, but the row has no %(column)s: add a column with that "
                        "date (a month is enough, e.g. 2025年3月), or leave the status column out of the mapping so "
                        "that the stage follows from the dates."
                    )
                    % {"word": word, "stage": c.STAGE_LABEL[target], "column": header},
                )
                return False
            template[POSITION[c.P_STAGE]] = c.STAGE_LABEL[target]
        else:  # a lead: no column of its own; the stage follows from the dates
            template[POSITION[c.P_STAGE]] = None
        return True

    def _persons(self, row: int, values: list, key: str, template: list) -> None:
        """Names of persons as the register writes them when the bureau's table knows the alias; as written otherwise
        (the import's persons option decides whether unknown names are kept as text, refused or created)."""
        if key not in self.fields:
            return
        text = self._cell_text(values, key)
        names = [name.strip() for name in parsing.SHARE_SEPARATORS.split(text) if name.strip()]
        resolved = []
        for name in names:
            person = self.persons.resolve(name)
            if person is None:
                # Kept as written (the import's persons option decides what an unknown name does); a near match
                # is offered on the mapping screen, to confirm once as an alias.
                entry = self.sheet.unresolved.get(("person", name))
                if entry is None:
                    suggestions = self.persons.suggest(name)
                    if suggestions:
                        entry = self.sheet.unresolved[("person", name)] = Unresolved("person", name, [], suggestions)
                if entry is not None:
                    entry.rows.append(row)
            resolved.append(person.name if person is not None else name)
        template[POSITION[sf.FIELDS[key].template_header]] = "、".join(resolved)

    def _defaults(self, template: list) -> None:
        """A new project's type and capital when the sheet does not say them."""
        if template[POSITION[c.P_CAPITAL]] in (None, ""):
            template[POSITION[c.P_CAPITAL]] = CAPITAL_LABEL[self.mapping.default_capital]
        if template[POSITION[c.P_KIND]] in (None, ""):
            industry = template[POSITION[c.P_INDUSTRY]]
            section = None
            if industry not in (None, ""):
                try:
                    section = parsing.choice(industry, INDUSTRY_MAP)
                except CellError:
                    section = None
            division = template[POSITION[c.P_DIVISION]]
            if section is None and division not in (None, ""):
                section = division_section(str(division).zfill(2))
            kind = KIND_BY_SECTION.get(section or "", self.mapping.default_kind if section is None else Kind.TERTIARY)
            template[POSITION[c.P_KIND]] = KIND_LABEL[kind]

    def _progress(self, values: list, project_row) -> None:
        if "progress" not in self.fields:
            return
        text = self._cell_text(values, "progress")
        project_row.fields["progress_note"] = text[: Project._meta.get_field("progress_note").max_length or None]
        project_row.fields["progress_note_on"] = self.as_of if text else None

    def _funds(self, row: int, values: list, code: str, parsed: ParsedFile) -> None:
        """累计到位资金: an opening balance dated the as-of date (marked 期初结转), replacing the previous one."""
        if "funds_cumulative" not in self.fields:
            return
        raw = self._cell(values, "funds_cumulative")
        scale = self.fields["funds_cumulative"][3]
        try:
            amount = parsing.money(raw, scale=parsing.scale_of(scale) if scale else self.sheet_scale)
        except CellError as error:
            self._source_error(row, "funds_cumulative", raw, error.reason)
            return
        if amount is None or amount == 0:
            return
        parsed.project_refs.append((row, code))
        parsed.receipts.append(
            ReceiptRow(
                row, code, self.as_of, amount, OPENING_SOURCE, "", "", opening_balance=True, replaces_opening=True
            )
        )


def _shares_text(credits: list[tuple[str, str]]) -> str:
    """Units named without shares share equally (the last takes what rounding leaves); with shares, as written."""
    if all(share for _code, share in credits):
        return ";".join(f"{code}:{share}" for code, share in credits)
    if len(credits) == 1:
        return credits[0][0]
    each = (Decimal(100) / len(credits)).quantize(parsing.CENT, rounding="ROUND_DOWN")
    shares = [each] * (len(credits) - 1)
    shares.append(Decimal(100) - sum(shares))
    return ";".join(f"{code}:{share}" for (code, _s), share in zip(credits, shares, strict=True))


def find_sheet(book: SourceBook, sheet: str | None = None) -> tuple[SourceLayout | None, list[str]]:
    """The sheet to read (``sheet``, or the first whose layout is a project ledger) and why others were passed over."""
    reasons = []
    names = [sheet] if sheet else book.sheet_names
    summary = None
    for name in names:
        layout = detect_layout(book, name)
        if layout is None:
            reasons.append(_("%(sheet)s: no header row with a project name column was found.") % {"sheet": name})
            continue
        if layout.kind == "summary":
            summary = summary or layout
            continue
        return layout, reasons
    return summary, reasons


@dataclass
class CountyImportResult:
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    dry_run: bool = False
    sheet: CountySheet | None = None
    passed_over: list[str] = field(default_factory=list)  # why other sheets of the file were not read
    double_claims: list[int] = field(default_factory=list)  # ids of the pairs the imported projects are in

    @property
    def ok(self) -> bool:
        return not self.errors

    def marked_file(self, data: bytes, filename: str) -> bytes:
        """The user's own file with each bad cell marked and explained (``marking``)."""
        return marked_workbook(data, filename, [_lettered(error) for error in self.errors])


def _lettered(error: RowError) -> RowError:
    letter = column_letter(error)
    return RowError(
        error.sheet, error.row, letter, error.value, f"{error.column}: {error.reason}" if letter else error.reason
    )


def county_counts() -> dict[str, dict[str, int]]:
    return {
        c.PROJECT_SHEET: {"created": 0, "updated": 0, "unchanged": 0},
        c.RECEIPT_SHEET: {"created": 0, "skipped": 0},
    }


def import_county_file(
    data: bytes,
    filename: str,
    *,
    user,
    mapping: Mapping | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
    persons: str = PERSONS_TEXT,
    progress: Progress | None = None,
) -> CountyImportResult:
    """Read the county's sheet through ``mapping`` (default: the saved mapping made for the same headers, else the
    one proposed from the headers) and, unless ``dry_run`` or any error, write it atomically as ``user``."""
    if user is not None and not access.edits_everything(user):
        raise PermissionDenied
    today = today or clock.today()
    result = CountyImportResult(counts=county_counts(), dry_run=dry_run)
    try:
        book = open_source(data, filename)
    except SourceUnreadable as error:
        result.errors = [RowError("", None, "", "", str(error))]
        return result
    try:
        layout, result.passed_over = find_sheet(book, sheet)
        if layout is None:
            reason = _("No sheet of the file has a header row with the project's name: is it a project ledger?")
            result.errors = [
                RowError("", None, "", "", reason),
                *(RowError("", None, "", "", r) for r in result.passed_over),
            ]
            return result
        if mapping is None:
            mapping = saved_mapping_for(layout) or Mapping.proposed(layout)
        reader = CountyReader(book, layout, mapping, today=today)
        parsed = reader.read(progress)
    finally:
        book.close()
    result.sheet = reader.sheet
    errors = reader.errors
    if not errors:
        counts = empty_counts()
        result.double_claims = apply_parsed(
            parsed, errors, counts, user=user, dry_run=dry_run, today=today, persons=persons, progress=progress
        )
        result.counts = {sheet: counts[sheet] for sheet in result.counts}
    if errors:
        result.counts = county_counts()
        result.errors = sorted(errors, key=lambda e: (e.row or 0, column_letter(e).rjust(3)))
    return result


def saved_mapping_for(layout: SourceLayout) -> Mapping | None:
    """The mapping the bureau saved for a sheet with the same headers, if any."""
    saved = match_mapping([column.header for column in layout.columns])
    return Mapping.from_json(mapping_json(saved)) if saved is not None else None
