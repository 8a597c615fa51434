"""History and estimates: the ledger as it stood on the as-of date, and the county's rates drawn from it.

``load_history`` reads stage events, receipts and statuses dated up to ``as_of`` (nothing later is even read),
with the projects' credits and recognition-rule facts; ``estimate`` turns that history into the stage-to-stage
conversion rates (young projects censored), the empirical days each step takes, the funds-in-place pace after
signing and the pace at which new projects arrive per unit. docs/forecast.md gives the formulas.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from zhaoshang.assessment import selectors
from zhaoshang.projects import rules as ledger
from zhaoshang.projects.models import FundsReceipt, Project, StageEvent

STAGES = ledger.STAGES
LAST = len(STAGES) - 1
SIGNED = STAGES.index("signed")
ZERO = Decimal("0")

CENSOR_QUANTILE = 0.9  # an unconverted project counts as "not converted" once older than this quantile
MONTH_DAYS = 30  # the funds pace is measured in 30-day months after signing
PACE_MONTHS = 24  # months 24 and later share one pooled bucket
ARRIVAL_WINDOW_DAYS = 365  # new projects per unit are counted over the year before as_of


@dataclass(frozen=True)
class ProjectHistory:
    """One project as the ledger showed it on ``as_of``."""

    id: int
    stage_dates: Mapping[str, dt.date]  # events dated up to as_of only
    status: str  # active | stalled | dropped, as of as_of
    credits: Mapping[int, Decimal]  # unit id → share as a fraction
    planned_investment: Decimal
    contract_amount: Decimal | None  # known once signed (by as_of); None before
    receipts: tuple[tuple[dt.date, Decimal], ...] = ()
    excluded: bool = False  # by the period's recognition rules
    foreign_usd: Decimal = ZERO

    def reached(self, index: int) -> dt.date | None:
        """The date the project reached stage ``index`` (``projects.rules.reached_on``)."""
        return ledger.reached_on(self.stage_dates, STAGES[index])

    def stage_index(self) -> int | None:
        """The furthest stage recorded."""
        return max((ledger.STAGE_INDEX[s] for s in self.stage_dates), default=None)


@dataclass(frozen=True)
class Transition:
    """From stage ``index`` to the next: how many converted, failed or are still too young to tell."""

    index: int
    converted: int
    failed: int
    censored: int
    censor_days: int | None  # the quantile of durations past which a waiting project counts as failed
    durations: tuple[int, ...]  # days taken by the converted ones, sorted

    @property
    def name(self) -> str:
        return f"{STAGES[self.index]}→{STAGES[self.index + 1]}"

    @property
    def rate(self) -> float:
        decided = self.converted + self.failed
        return self.converted / decided if decided else 0.0

    @property
    def median_days(self) -> int | None:
        return self.durations[len(self.durations) // 2] if self.durations else None

    def given_waited(self, days: int) -> tuple[float, tuple[int, ...]]:
        """Conversion probability and the durations still possible for a project already waiting ``days``.

        P(convert | not by d) = p·S(d) / (p·S(d) + 1 − p), S(d) = share of historical durations > d.
        """
        if not self.durations:
            return 0.0, ()
        later = self.durations[bisect.bisect_right(self.durations, days) :]
        survive = len(later) / len(self.durations)
        p = self.rate
        denominator = p * survive + (1 - p)
        return (p * survive / denominator if denominator > 0 else 0.0), later


@dataclass(frozen=True)
class Estimates:
    as_of: dt.date
    transitions: tuple[Transition, ...]
    pace: tuple[tuple[Decimal, ...], ...]  # per month after signing: observed shares of the contract amount
    contract_ratios: tuple[Decimal, ...]  # contract / planned of projects signed by as_of
    arrival_rates: tuple[tuple[int, float], ...]  # (unit id, new projects per day, credit-weighted)
    arrival_templates: tuple[int, ...]  # ids of the projects that arrived in the window

    def pace_mean(self, month: int) -> float:
        bucket = self.pace[min(month, PACE_MONTHS)] if self.pace else ()
        return float(sum(bucket) / len(bucket)) if bucket else 0.0


def _status_on(status: str, status_date: dt.date | None, as_of: dt.date) -> str:
    """A stall or drop dated after as_of had not happened yet (an undated one is taken as always true)."""
    if status == "active" or (status_date is not None and status_date > as_of):
        return "active"
    return status


def load_history(period, as_of: dt.date) -> dict[int, ProjectHistory]:
    """Every project with a stage event on or before ``as_of``, with only what was recorded by then.

    Four queries. Later stage events and receipts are never read; a later stall or drop is ignored; the
    contract amount of a project not signed by ``as_of`` is unknown (None). What the ledger does not date
    (planned investment, credits, recognition-rule facts, a signed project's contract amount) is taken as
    recorded now, as the assessment does.
    """
    events = defaultdict(dict)
    rows = StageEvent.objects.filter(date__lte=as_of).values_list("project_id", "stage", "date")
    for project_id, stage, date in rows:
        events[project_id][stage] = date
    receipts = defaultdict(list)
    for project_id, date, amount in (
        FundsReceipt.objects.filter(ledger.periodic_receipt_q(), date__lte=as_of)
        .order_by("date", "id")
        .values_list("project_id", "date", "amount")
    ):
        receipts[project_id].append((date, amount))
    seen = StageEvent.objects.filter(date__lte=as_of).values("project_id")
    credits = selectors.credit_shares(period, seen)  # rolled up as the assessment counts them
    result = {}
    recognition = ledger.Recognition.of(period)
    for row in Project.objects.filter(pk__in=seen).values(*selectors.FACT_FIELDS, "status", "status_date"):
        pk = row["pk"]
        stage_dates = events.get(pk, {})
        signed = ledger.reached_on(stage_dates, "signed") is not None
        result[pk] = ProjectHistory(
            id=pk,
            stage_dates=stage_dates,
            status=_status_on(row["status"], row["status_date"], as_of),
            credits=credits.get(pk, {}),
            planned_investment=row["planned_investment"],
            # The engine reads the recorded contract amount; before signing it is not known yet.
            contract_amount=row["contract_amount"] if signed else None,
            receipts=tuple(receipts.get(pk, ())),
            excluded=not ledger.recognised(recognition, row),
            foreign_usd=ledger.foreign_usd(row, period.usd_rate),
        )
    return result


def _quantile_index(n: int, q: float) -> int:
    return max(0, math.ceil(q * n) - 1)


def estimate(histories: Iterable[ProjectHistory], as_of: dt.date) -> Estimates:
    """The county's rates, durations, funds pace and arrivals from its history up to ``as_of``.

    Anything dated after ``as_of`` in the input is ignored, so the estimate cannot see the future even if
    handed it.
    """
    projects = []
    for h in histories:
        dates = {s: d for s, d in h.stage_dates.items() if d <= as_of}
        if dates:
            receipts = tuple((d, a) for d, a in h.receipts if d <= as_of)
            projects.append((h, dates, receipts))

    def reached(dates, index):
        return ledger.reached_on(dates, STAGES[index])

    transitions = []
    for index in range(LAST):
        durations, waiting = [], []
        for h, dates, _r in projects:
            start = reached(dates, index)
            if start is None:
                continue
            end = reached(dates, index + 1)
            if end is not None:
                durations.append((end - start).days)
            else:
                waiting.append(((as_of - start).days, h.status))
        durations.sort()
        censor = durations[_quantile_index(len(durations), CENSOR_QUANTILE)] if durations else None
        failed = sum(1 for age, status in waiting if status != "active" or (censor is not None and age > censor))
        transitions.append(
            Transition(
                index=index,
                converted=len(durations),
                failed=failed,
                censored=len(waiting) - failed,
                censor_days=censor,
                durations=tuple(durations),
            )
        )

    # Funds pace: in each fully observed 30-day month after signing, the share of the contract received.
    buckets: list[list[Decimal]] = [[] for _ in range(PACE_MONTHS + 1)]
    ratios = []
    for h, dates, receipts in projects:
        signed_on = reached(dates, SIGNED)
        contract = h.contract_amount
        if signed_on is None or not contract or contract <= 0:
            continue
        if h.planned_investment > 0:
            ratios.append(contract / h.planned_investment)
        months = ((as_of - signed_on).days + 1) // MONTH_DAYS  # months fully observed
        per_month = defaultdict(lambda: ZERO)
        for date, amount in receipts:
            if date >= signed_on:
                per_month[(date - signed_on).days // MONTH_DAYS] += amount
        for month in range(months):
            buckets[min(month, PACE_MONTHS)].append(per_month[month] / contract)

    # Arrivals: credit-weighted new projects per unit and day over the window before as_of.
    first_dates = [min(dates.values()) for _h, dates, _r in projects]
    window_start = max(as_of - dt.timedelta(days=ARRIVAL_WINDOW_DAYS - 1), min(first_dates, default=as_of))
    window_days = (as_of - window_start).days + 1
    rates: dict[int, float] = defaultdict(float)
    templates = []
    for (h, _dates, _r), first in zip(projects, first_dates, strict=True):
        if first >= window_start:
            templates.append(h.id)
            for unit_id, share in h.credits.items():
                rates[unit_id] += float(share) / window_days
    return Estimates(
        as_of=as_of,
        transitions=tuple(transitions),
        pace=tuple(tuple(sorted(b)) for b in buckets),
        contract_ratios=tuple(sorted(ratios)),
        arrival_rates=tuple(sorted(rates.items())),
        arrival_templates=tuple(sorted(templates)),
    )
