"""Reads of supervision: the verified figures the assessment counts, and what the pages show a user.

The latest verification of a stage event or a receipt is the one that counts (newest ``verified_at``,
then highest id). Verified figures are the reported figures copied at verification, replaced by the
corrected ones of an adjustment; unverified and rejected records do not count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from zhaoshang.core import clock
from zhaoshang.core.history import SKIPPED_FIELDS, entries_for
from zhaoshang.projects import rules as ledger
from zhaoshang.projects.models import FundsReceipt, Project, StageEvent

from .choices import COUNTING, RectificationStatus
from .models import Rectification, SupervisionBatch, Verification


@dataclass(frozen=True)
class VerifiedEvent:
    event_id: int
    project_id: int
    stage: str
    date: dt.date  # the corrected date of an adjustment, else the date verified
    amount: Decimal | None  # signing only: the contract amount verified (or corrected); else None
    verification_id: int


@dataclass(frozen=True)
class VerifiedReceipt:
    receipt_id: int
    project_id: int
    date: dt.date
    amount: Decimal
    verification_id: int


def latest(subject: str) -> QuerySet:
    """The latest verification of each stage event (``subject="stage_event"``) or receipt (``"receipt"``).

    One correlated subquery, served by the (subject, verified_at) index: no per-row query in Python."""
    newest = (
        Verification.objects.filter(**{subject: OuterRef(subject)}).order_by("-verified_at", "-id").values("pk")[:1]
    )
    return Verification.objects.filter(**{f"{subject}__isnull": False}, pk=Subquery(newest)).annotate(
        v_date=Coalesce("adjusted_date", "reported_date"), v_amount=Coalesce("adjusted_amount", "reported_amount")
    )


def verified_stage_events(project_ids: Iterable[int] | None = None, *, until: dt.date | None = None):
    """Stage events whose latest verification confirmed or adjusted them, at their verified dates (one query)."""
    rows = latest("stage_event").filter(result__in=COUNTING)
    if project_ids is not None:
        rows = rows.filter(project_id__in=list(project_ids))
    if until is not None:
        rows = rows.filter(v_date__lte=until)
    return [
        VerifiedEvent(
            event_id=event_id, project_id=project_id, stage=stage, date=date, amount=amount, verification_id=pk
        )
        for pk, event_id, project_id, stage, date, amount in rows.values_list(
            "pk", "stage_event_id", "project_id", "stage_event__stage", "v_date", "v_amount"
        )
    ]


def verified_receipts(
    project_ids: Iterable[int] | None = None, *, start: dt.date | None = None, until: dt.date | None = None
):
    """Funds receipts whose latest verification confirmed or adjusted them, with the verified date and
    amount, dated (as verified) from ``start`` to ``until`` (one query)."""
    rows = latest("receipt").filter(result__in=COUNTING)
    if project_ids is not None:
        rows = rows.filter(project_id__in=list(project_ids))
    if start is not None or until is not None:  # within dates: never an opening balance (rules.received_within)
        rows = rows.filter(ledger.periodic_receipt_q("receipt__"))
    if start is not None:
        rows = rows.filter(v_date__gte=start)
    if until is not None:
        rows = rows.filter(v_date__lte=until)
    return [
        VerifiedReceipt(receipt_id=receipt_id, project_id=project_id, date=date, amount=amount, verification_id=pk)
        for pk, receipt_id, project_id, date, amount in rows.values_list(
            "pk", "receipt_id", "project_id", "v_date", "v_amount"
        )
    ]


def latest_by_subject(project_ids: Iterable[int]) -> tuple[dict[int, Verification], dict[int, Verification]]:
    """The latest verification of every stage event and every receipt of these projects, whatever its result."""
    project_ids = list(project_ids)
    events = {
        v.stage_event_id: v
        for v in latest("stage_event").filter(project_id__in=project_ids).select_related("verified_by", "batch")
    }
    receipts = {
        v.receipt_id: v
        for v in latest("receipt").filter(project_id__in=project_ids).select_related("verified_by", "batch")
    }
    return events, receipts


# --- pages -----------------------------------------------------------------------------------------


def batch_list(*, user):
    return SupervisionBatch.objects.restrict(user, "view").select_related("created_by")


@dataclass
class BatchRow:
    """One stage event or receipt of a batch's project, with its latest verification and evidence."""

    kind: str  # "event" | "receipt"
    subject: StageEvent | FundsReceipt
    latest: Verification | None
    reported_amount: Decimal | None
    rectification: Rectification | None = None  # the newest item opened for this record, if any

    @property
    def changed_since(self) -> bool:
        """The ledger was edited after the latest verification (that verification still counts as it was)."""
        if self.latest is None:
            return False
        return self.latest.reported_date != self.subject.date or (
            self.reported_amount is not None and self.latest.reported_amount != self.reported_amount
        )


@dataclass
class BatchProject:
    project: Project
    rows: list[BatchRow]
    evidence: list  # the project's attachments tied to no particular event or receipt

    @property
    def pending(self) -> int:
        return sum(1 for row in self.rows if row.latest is None)


def batch_projects(batch: SupervisionBatch, projects: Iterable[Project]) -> list[BatchProject]:
    """The rows to verify for a page of the batch's projects: events and receipts dated up to its end."""
    projects = list(projects)
    ids = [p.pk for p in projects]
    events = StageEvent.objects.filter(project_id__in=ids, date__lte=batch.end).prefetch_related("attachments")
    receipts = FundsReceipt.objects.filter(project_id__in=ids, date__lte=batch.end).prefetch_related("attachments")
    latest_events, latest_receipts = latest_by_subject(ids)
    rows: dict[int, list[BatchRow]] = {pk: [] for pk in ids}
    by_pk = {p.pk: p for p in projects}
    for event in events:
        amount = by_pk[event.project_id].contract_amount if event.stage == "signed" else None
        rows[event.project_id].append(BatchRow("event", event, latest_events.get(event.pk), amount))
    for receipt in receipts:
        rows[receipt.project_id].append(BatchRow("receipt", receipt, latest_receipts.get(receipt.pk), receipt.amount))
    return [
        BatchProject(
            project,
            rows[project.pk],
            [a for a in project.attachments.all() if not a.stage_event_id and not a.receipt_id],
        )
        for project in projects
    ]


def batch_progress(batch: SupervisionBatch) -> dict:
    """How many of the batch's events and receipts have a verification, and their results (3 queries)."""
    ids = list(batch.projects.values_list("pk", flat=True))
    total = (
        StageEvent.objects.filter(project_id__in=ids, date__lte=batch.end).count()
        + FundsReceipt.objects.filter(project_id__in=ids, date__lte=batch.end).count()
    )
    results = {"confirmed": 0, "rejected": 0, "adjusted": 0}
    for result in batch.verifications.values_list("result", flat=True):
        results[result] += 1
    return {"total": total, "verifications": sum(results.values()), **results}


BATCH_HISTORY_SKIPPED = (
    "batch",
    "stage_event",
    "receipt",
    "verification",
    "verified_by",
    "verified_at",
    "submitted_by",
    "reviewed_by",
    "unit",
)


def batch_history(batch: SupervisionBatch) -> list:
    records = list(SupervisionBatch.history.filter(id=batch.pk).select_related("history_user"))
    records += list(Verification.history.filter(batch_id=batch.pk).select_related("history_user"))
    records += list(Rectification.history.filter(batch_id=batch.pk).select_related("history_user"))
    # Related rows would be read one per record: the entry's author, label and page already say them.
    return entries_for(records, skip_fields=(*SKIPPED_FIELDS, *BATCH_HISTORY_SKIPPED))


def rectification_list(*, user, status: str = "", overdue: bool = False, today: dt.date | None = None):
    items = Rectification.objects.restrict(user, "view").select_related("project", "unit", "batch")
    if status:
        items = items.filter(status=status)
    if overdue:
        items = overdue_items(items, today or clock.today())
    return items


def overdue_items(items: QuerySet, today: dt.date) -> QuerySet:
    """Past the deadline and not closed."""
    return items.filter(deadline__lt=today).exclude(status=RectificationStatus.CLOSED)


def rectification_history(item: Rectification) -> list:
    records = list(Rectification.history.filter(id=item.pk).select_related("history_user"))
    if item.verification_id:
        records += list(Verification.history.filter(id=item.verification_id).select_related("history_user"))
    skipped = tuple(name for name in BATCH_HISTORY_SKIPPED if name != "unit")
    return entries_for(records, skip_fields=(*SKIPPED_FIELDS, *skipped))


def verification_list(*, user, result: str = ""):
    """Verifications the user may see (a reporter: of their own units' projects), newest first."""
    rows = Verification.objects.restrict(user, "view").select_related(
        "project", "batch", "stage_event", "receipt", "verified_by"
    )
    if result:
        rows = rows.filter(result=result)
    return rows


def attach_rectifications(rows: Iterable[BatchRow]) -> None:
    """Set each row's newest rectification item (one query)."""
    rows = list(rows)
    event_ids = [r.subject.pk for r in rows if r.kind == "event"]
    receipt_ids = [r.subject.pk for r in rows if r.kind == "receipt"]
    found: dict[tuple[str, int], Rectification] = {}
    for item in Rectification.objects.filter(Q(stage_event_id__in=event_ids) | Q(receipt_id__in=receipt_ids)).order_by(
        "id"
    ):
        if item.stage_event_id:
            found[("event", item.stage_event_id)] = item
        if item.receipt_id:
            found[("receipt", item.receipt_id)] = item
    for row in rows:
        row.rectification = found.get((row.kind, row.subject.pk))
