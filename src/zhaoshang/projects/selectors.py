"""Reads of the project ledger, always for a requesting user."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Prefetch, Sum

from zhaoshang.core.history import entries_for

from .models import STAGE_COLUMNS, Attachment, FundsReceipt, Project, ProjectCredit, StageEvent


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
)


def ledger_rows(queryset):
    """The filtered ledger as its list shows it: only the columns on the page, the investor's name and the
    credited units (fewer columns read and fewer objects built per row)."""
    return with_credits(queryset.select_related(None).select_related("investor").only(*LEDGER_ROW_FIELDS))


def ledger_totals(queryset) -> dict:
    """Count and sums over the whole filtered set (not just the page)."""
    totals = queryset.order_by().aggregate(
        count=Count("pk"),
        planned=Sum("planned_investment"),
        contract=Sum("contract_amount"),
        funds=Sum("funds_total"),
    )
    for key in ("planned", "contract", "funds"):
        totals[key] = totals[key] or Decimal("0")
    return totals


def project_detail(*, user, pk: int) -> Project:
    return (
        ledger(user=user)
        .prefetch_related("credits__unit", "stage_events__attachments", "receipts__attachments", "attachments")
        .get(pk=pk)
    )


def project_history(project: Project) -> list:
    """Every change to the project and to its credits, stage events, receipts and attachments."""
    records = list(Project.history.filter(id=project.pk).select_related("history_user"))
    for model in (ProjectCredit, StageEvent, FundsReceipt, Attachment):
        records += list(model.history.filter(project_id=project.pk).select_related("history_user"))
    return entries_for(records)


def derived_columns_out_of_step(projects=None) -> list[int]:
    """The ids of the projects (all, or a queryset of them) whose stage, stage date, per-stage dates or last
    activity do not follow from their stage events (and entry and last report), as ``services.stage_fields``
    and ``services.last_activity`` derive them: empty when every writer kept them. For tests and for checking a
    database by hand."""
    from .services import last_activity, stage_fields

    projects = Project.objects.all() if projects is None else projects
    dates: dict[int, dict] = {}
    for project_id, stage, date in StageEvent.objects.filter(project__in=projects).values_list(
        "project_id", "stage", "date"
    ):
        dates.setdefault(project_id, {})[stage] = date
    wrong = []
    for row in projects.order_by("pk").values("pk", "created_at", "last_report_on", "last_activity_on", *STAGE_COLUMNS):
        wanted = stage_fields(dates.get(row["pk"], {}))
        wanted["last_activity_on"] = last_activity(
            created_at=row["created_at"], stage_date=wanted["stage_date"], last_report_on=row["last_report_on"]
        )
        if wanted != {name: row[name] for name in wanted}:
            wrong.append(row["pk"])
    return wrong
