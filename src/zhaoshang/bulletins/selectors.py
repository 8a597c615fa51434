"""Reads of bulletins."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef

from zhaoshang.targets.models import Period

from .choices import Status
from .models import Bulletin


def bulletins_for(*, user, period: Period | None = None):
    """The bulletins the user may see (reporters: issued ones only), without their snapshots."""
    superseded = Bulletin.objects.filter(corrects=OuterRef("pk"), status=Status.ISSUED)
    queryset = (
        Bulletin.objects.restrict(user, "view")
        .select_related("period", "issued_by")
        .defer("snapshot", "detail")
        .annotate(superseded=Exists(superseded))
    )
    if period is not None:
        queryset = queryset.filter(period=period)
    return queryset


def issued_bulletin(period: Period, month: dt.date) -> Bulletin | None:
    return Bulletin.objects.filter(period=period, month=month.replace(day=1), status=Status.ISSUED).first()


def latest_draft(period: Period, month: dt.date) -> Bulletin | None:
    return (
        Bulletin.objects.filter(period=period, month=month.replace(day=1), status=Status.DRAFT)
        .order_by("-updated_at", "-id")
        .first()
    )


def bulletin_data(bulletin: Bulletin, *, detail: bool = True) -> dict:
    """What the bulletin shows: its snapshot once issued, else figures computed now (may raise
    ValidationError when its basis cannot be computed yet). ``detail``: include the ``lookup`` of the
    projects and receipts behind the figures (only the annex needs it; load the bulletin with
    ``defer("detail")`` when it is not wanted)."""
    if bulletin.is_issued:
        return {**bulletin.snapshot, "lookup": bulletin.detail} if detail else bulletin.snapshot
    from .services import snapshot_for

    return snapshot_for(bulletin, detail=detail)


def criticised_in_last_issued(period: Period, before: dt.date) -> frozenset[int]:
    """The units criticised (通报批评) in the most recent issued bulletin of ``period`` whose figures are
    as of a day before ``before``: a unit criticised there and again now is held accountable (责任追究).
    Drafts do not count."""
    last = (
        Bulletin.objects.filter(period=period, status=Status.ISSUED, as_of__lt=before)
        .order_by("-as_of", "-month", "-issued_at", "-id")
        .values_list("criticised_units", flat=True)
        .first()
    )
    return frozenset(last or ())


def criticised_history(period: Period, before: dt.date, depth: int) -> tuple[frozenset[int], ...]:
    """The units criticised in each of the last ``depth`` issued bulletins of ``period`` with figures as of a
    day before ``before``, the most recent first (consecutive criticisms). A bulletin superseded by an issued
    correction counts through its correction only; drafts do not count."""
    issued = Bulletin.objects.filter(period=period, status=Status.ISSUED, as_of__lt=before)
    corrected = set(issued.filter(corrects__isnull=False).values_list("corrects_id", flat=True))
    rows = issued.order_by("-as_of", "-month", "-issued_at", "-id").values_list("pk", "criticised_units")
    found = [frozenset(units or ()) for pk, units in rows if pk not in corrected]
    return tuple(found[:depth])


def criticisms_in(period: Period, start: dt.date, until: dt.date) -> dict[int, list[int]]:
    """Unit id → the issued bulletins of ``period`` with figures as of ``start`` … ``until`` that criticised it
    (a points scheme's deduction per criticism). A bulletin superseded by an issued correction counts through
    its correction only."""
    issued = Bulletin.objects.filter(period=period, status=Status.ISSUED, as_of__gte=start, as_of__lte=until)
    corrected = set(issued.filter(corrects__isnull=False).values_list("corrects_id", flat=True))
    found: dict[int, list[int]] = {}
    for pk, units in issued.order_by("as_of", "id").values_list("pk", "criticised_units"):
        if pk in corrected:
            continue
        for unit_id in units or ():
            found.setdefault(unit_id, []).append(pk)
    return found


def docx_bytes(bulletin: Bulletin, data: dict | None = None) -> bytes:
    """The bulletin's .docx, from ``data`` (its snapshot or fresh figures) and the fields the bureau edits."""
    from .document import bulletin_docx

    return bulletin_docx(
        snapshot=data if data is not None else bulletin_data(bulletin, detail=False),
        number=bulletin.number,
        title=bulletin.title,
        date=bulletin.date,
        requirements=bulletin.requirements,
        annex=annex_name(bulletin),
    )


def annex_name(bulletin: Bulletin) -> str:
    """The annex workbook as the 附件 line names it."""
    return f"{bulletin.month.year}年{bulletin.month.month}月招商引资工作进展情况明细表"


def xlsx_bytes(bulletin: Bulletin, data: dict | None = None) -> bytes:
    from .annex import bulletin_workbook

    return bulletin_workbook(
        snapshot=data if data is not None else bulletin_data(bulletin), number=bulletin.number, title=bulletin.title
    )
