"""Reads of the project ledger, always for a requesting user."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Max, OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from zhaoshang.core import limits
from zhaoshang.core.history import SKIPPED_FIELDS, entries_for
from zhaoshang.organization import access

from . import rules
from .models import DERIVED_COLUMNS, Attachment, FundsReceipt, Project, ProjectCredit, StageEvent


def ledger(*, user):
    """The projects the user may see, ready for a list page."""
    return Project.objects.restrict(user, "view").select_related("investor", "responsible_unit")


def with_credits(queryset):
    """The projects with their credited units (largest share first), fetched in one more query for all of them."""
    return queryset.prefetch_related(Prefetch("credits", queryset=ProjectCredit.objects.select_related("unit")))


# What a row of the ledger list shows (ledger.html), besides the credited units.
LEDGER_ROW_FIELDS = (
    "code",
    "name",
    "investor__name",
    "stage",
    "stage_date",
    "status",
    "planned_investment",
    "contract_amount",
    "funds_total",
    "county_leader",
    "leader_id",
)


def ledger_rows(queryset):
    """The filtered ledger as its list shows it: only the columns on the page, the investor's name and the
    credited units (fewer columns read and fewer objects built per row)."""
    return with_credits(queryset.select_related(None).select_related("investor").only(*LEDGER_ROW_FIELDS))


def with_care_flags(queryset, rule):
    """Each row's 项目保姆 flags (``steward_missing``, ``leader_missing``) at the county's threshold, whatever the
    switches: they show what to put right before switching the signing check on."""
    return queryset.annotate(
        steward_missing=ExpressionWrapper(rules.missing_steward_q(rule.threshold), output_field=BooleanField()),
        leader_missing=ExpressionWrapper(rules.missing_leader_q(rule.threshold), output_field=BooleanField()),
    )


def ledger_totals(queryset, received: tuple | None = None) -> dict:
    """Count and sums over the whole filtered set (not just the page). With ``received`` (the dates of the
    "funds received" filter), the funds are those received within the dates, as the dashboard's funds figures
    that link here count them, not the projects' funds of all time."""
    totals = queryset.order_by().aggregate(
        count=Count("pk"),
        planned=limits.money_sum("planned_investment"),
        contract=limits.money_sum("contract_amount"),
        funds=limits.money_sum("funds_total"),
    )
    if received is not None:
        receipts = FundsReceipt.objects.order_by().filter(
            rules.received_within_q(*received), project__in=queryset.order_by().values("pk")
        )
        totals["funds"] = receipts.aggregate(funds=limits.money_sum("amount"))["funds"]
    for key in ("planned", "contract", "funds"):
        totals[key] = totals[key] or Decimal("0")
    return totals


def with_funds_within(queryset, received: tuple | None):
    """Each row's funds received within ``received`` (start, end) as ``funds_shown``; else its funds of all time."""
    if received is None:
        return queryset.annotate(funds_shown=F("funds_total"))
    within = (
        FundsReceipt.objects.order_by()
        .filter(rules.received_within_q(*received), project=OuterRef("pk"))
        .values("project")
        .annotate(total=limits.money_sum("amount"))
        .values("total")[:1]
    )
    return queryset.annotate(
        funds_shown=Coalesce(
            Subquery(within, output_field=limits.SUM_FIELD), Decimal("0"), output_field=limits.SUM_FIELD
        )
    )


def project_detail(*, user, pk: int) -> Project:
    """The project with its credits, stage events and receipts (each with its ``evidence`` state) and attachments."""
    project = (
        ledger(user=user)
        .prefetch_related("credits__unit", "stage_events__attachments", "receipts__attachments", "attachments")
        .get(pk=pk)
    )
    return mark_evidence(project)


# Readers of the projects merged into a project (id → the ids merged into it), registered by the apps that merge
# projects and that the ledger may not import (``zhaoshang.claims``): a project's history includes theirs.
_MERGED_READERS: list = []


def register_merged_reader(reader) -> None:
    if reader not in _MERGED_READERS:
        _MERGED_READERS.append(reader)


def merged_ids(project_id: int) -> set[int]:
    """The ids of the projects merged into this one, and into those, and so on (deleted projects)."""
    found: set[int] = set()
    todo = [project_id]
    while todo:
        current = todo.pop()
        for reader in _MERGED_READERS:
            for merged in reader(current):
                if merged not in found and merged != project_id:
                    found.add(merged)
                    todo.append(merged)
    return found


def project_history(project: Project, *, user=None) -> list:
    """Every change to the project and to its credits, stage events, receipts and attachments, and those of the
    projects merged into it (``merged_ids``). For a ``user`` who does not read the whole county, the earlier phase
    is left out: it names a project that may be another unit's."""
    ids = [project.pk, *sorted(merged_ids(project.pk))]
    records = list(Project.history.filter(id__in=ids).select_related("history_user"))
    for model in (ProjectCredit, StageEvent, FundsReceipt, Attachment):
        records += list(model.history.filter(project_id__in=ids).select_related("history_user"))
    if user is not None and not access.reads_everything(user):
        return entries_for(records, skip_fields=(*SKIPPED_FIELDS, "earlier_phase"))
    return entries_for(records)


@dataclass(frozen=True)
class OutOfStep:
    """A derived column of a project whose stored value is not the one its rows give."""

    project_id: int
    code: str
    name: str
    column: str
    stored: Any
    expected: Any


def derived_columns_out_of_step(projects=None) -> list[OutOfStep]:
    """Every derived column (``models.DERIVED_COLUMNS``) of the projects (all, or a queryset of them) that does not
    follow from their stage events, submitted progress reports, funds receipts and entry as the services derive
    it (``stage_fields``, ``last_report_day``, ``last_activity``, ``refresh_funds_total``), by project and column:
    empty when every writer kept them. Read a few hundred projects at a time."""
    from .services import BATCH, last_activity, last_report_day, stage_fields

    projects = Project.objects.all() if projects is None else projects
    ids = list(projects.order_by("pk").values_list("pk", flat=True))
    found = []
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        dates: dict[int, dict] = {}
        events = StageEvent.objects.filter(project_id__in=chunk).order_by().values_list("project_id", "stage", "date")
        for project_id, stage, date in events:
            dates.setdefault(project_id, {})[stage] = date
        reported = dict(
            Project.objects.filter(pk__in=chunk, progress_reports__submitted_at__isnull=False)
            .order_by()
            .annotate(at=Max("progress_reports__submitted_at"))
            .values_list("pk", "at")
        )
        funds = dict(
            FundsReceipt.objects.filter(project_id__in=chunk)
            .order_by()
            .values("project_id")
            .annotate(total=Sum("amount"))
            .values_list("project_id", "total")
        )
        rows = Project.objects.filter(pk__in=chunk).order_by("pk")
        for row in rows.values("pk", "code", "name", "created_at", *DERIVED_COLUMNS):
            expected = stage_fields(dates.get(row["pk"], {}))
            expected["last_report_on"] = last_report_day(reported.get(row["pk"]))
            expected["last_activity_on"] = last_activity(
                created_at=row["created_at"],
                stage_date=expected["stage_date"],
                last_report_on=expected["last_report_on"],
            )
            expected["funds_total"] = funds.get(row["pk"]) or Decimal("0")
            found += [
                OutOfStep(row["pk"], row["code"], row["name"], column, row[column], expected[column])
                for column in DERIVED_COLUMNS
                if row[column] != expected[column]
            ]
    return found


# --- evidence (佐证) -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceState:
    """What a stage event or a receipt shows of its evidence (``rules.event_evidenced``)."""

    needed: bool  # its stage needs evidence (a receipt always does)
    evidenced: bool
    label: str  # "缺合同" or "已附合同"; empty when none is needed
    kinds: tuple[tuple[str, str], ...]  # (kind, label) of the attachments that would evidence it, the first preselected


def evidence_state(stage: str | None, kinds) -> EvidenceState:
    """The evidence state of a stage event of ``stage`` (a receipt: None) with attachments of these ``kinds``."""
    from .choices import AttachmentKind

    wanted = rules.RECEIPT_EVIDENCE_KINDS if stage is None else rules.EVIDENCE_KINDS.get(stage, ())
    if not wanted:
        return EvidenceState(needed=False, evidenced=True, label="", kinds=())
    kinds = list(kinds)
    evidenced = rules.receipt_evidenced(kinds) if stage is None else rules.event_evidenced(stage, kinds)
    if evidenced:
        found = next(kind for kind in kinds if kind in wanted)
        label = _("%(kind)s attached") % {"kind": AttachmentKind(found).label}
    else:
        label = str(rules.MISSING_LABELS["receipt" if stage is None else stage])
    choices = tuple((kind, str(AttachmentKind(kind).label)) for kind in wanted)
    return EvidenceState(needed=True, evidenced=evidenced, label=label, kinds=choices)


def mark_evidence(project: Project) -> Project:
    """Set ``evidence`` (an ``EvidenceState``) on each of the project's stage events and receipts, from their
    prefetched attachments (``project_detail``)."""
    for event in project.stage_events.all():
        event.evidence = evidence_state(event.stage, [a.kind for a in event.attachments.all()])
    for receipt in project.receipts.all():
        receipt.evidence = evidence_state(None, [a.kind for a in receipt.attachments.all()])
    return project


@dataclass
class MissingRow:
    """A stage event or a receipt inside the dates that lacks its evidence."""

    project: Project
    date: Any
    event: StageEvent | None = None
    receipt: FundsReceipt | None = None
    units: tuple = ()  # the credited units the user may see

    @property
    def state(self) -> EvidenceState:
        return evidence_state(self.event.stage if self.event else None, ())

    @property
    def anchor(self) -> str:
        return f"event-{self.event.pk}" if self.event else f"receipt-{self.receipt.pk}"


@dataclass
class MissingByUnit:
    unit: Any
    events: int = 0
    receipts: int = 0


# The rows a page lists (the counts per unit are complete).
MISSING_ROWS_SHOWN = 300


@dataclass
class Missing:
    """What ``missing_evidence`` found: the newest rows (at most ``MISSING_ROWS_SHOWN``), how many in all, and per
    credited unit the user may see, how many events and receipts."""

    rows: list[MissingRow]
    total: int
    by_unit: list[MissingByUnit]


def missing_evidence(*, user, start, end, unit_id: int | None = None, shown: int = MISSING_ROWS_SHOWN) -> Missing:
    """The stage events (of a stage that needs evidence) and receipts dated within [start, end] (receipts:
    ``rules.received_within``) of the projects the user may see that lack their evidence
    (``rules.event_evidenced``, ``rules.receipt_evidenced``), newest first; and per credited unit the user may see,
    how many. ``unit_id``: only the projects credited to that unit. Counted in the database and only the rows
    shown read: a county's year holds tens of thousands."""
    from zhaoshang.organization import access
    from zhaoshang.organization.models import Unit

    events = (
        StageEvent.objects.restrict(user, "view")
        .filter(stage__in=list(rules.EVIDENCE_KINDS), date__gte=start, date__lte=end)
        .filter(~rules.event_evidenced_q())
    )
    receipts = (
        FundsReceipt.objects.restrict(user, "view")
        .filter(rules.received_within_q(start, end))
        .filter(~rules.receipt_evidenced_q())
    )
    if unit_id is not None:
        credited_here = ProjectCredit.objects.filter(unit_id=unit_id).values("project_id")
        events = events.filter(project_id__in=credited_here)
        receipts = receipts.filter(project_id__in=credited_here)
    newest = ("-date", "-project__code", "-id")
    found = [
        *(
            MissingRow(project=e.project, date=e.date, event=e)
            for e in events.select_related("project").order_by(*newest)[:shown]
        ),
        *(
            MissingRow(project=r.project, date=r.date, receipt=r)
            for r in receipts.select_related("project").order_by(*newest)[:shown]
        ),
    ]
    found.sort(key=lambda row: (row.date, row.project.code), reverse=True)
    found = found[:shown]
    visible = access.visible_unit_ids(user)

    def seen(credits):
        if visible is not None:
            credits = credits.filter(unit_id__in=visible)
        if unit_id is not None:
            credits = credits.filter(unit_id=unit_id)
        return credits

    counts: dict[int, MissingByUnit] = {}
    units_of: dict[int, list[int]] = {}
    for kind, rows in (("events", events), ("receipts", receipts)):
        credits = seen(ProjectCredit.objects.filter(project_id__in=rows.values("project_id")))
        # A project's rows are counted for every unit credited with it (the rows per project, then per unit).
        per_project = dict(rows.order_by().values("project_id").annotate(n=Count("pk")).values_list("project_id", "n"))
        for project_id, credit_unit in credits.values_list("project_id", "unit_id"):
            if credit_unit not in units_of.setdefault(project_id, []):
                units_of[project_id].append(credit_unit)
            entry = counts.setdefault(credit_unit, MissingByUnit(None))
            setattr(entry, kind, getattr(entry, kind) + per_project.get(project_id, 0))
    units = Unit.objects.in_bulk(counts)
    for unit_pk, entry in counts.items():
        entry.unit = units[unit_pk]
    for row in found:
        row.units = tuple(units[u] for u in units_of.get(row.project.pk, ()) if u in units)
    return Missing(
        rows=found,
        total=events.count() + receipts.count(),
        by_unit=sorted(counts.values(), key=lambda entry: entry.unit.code),
    )
