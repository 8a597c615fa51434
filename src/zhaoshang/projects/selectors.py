"""Reads of the project ledger, always for a requesting user."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Max, OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Coalesce

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
    return (
        ledger(user=user)
        .prefetch_related("credits__unit", "stage_events__attachments", "receipts__attachments", "attachments")
        .get(pk=pk)
    )


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
