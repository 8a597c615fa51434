"""Scheduling's ledger rules: a Python predicate with its ORM (``_q``) and SQL (``_sql``) forms side by side, each
checked against the others by ``tests/test_rules_parity.py``.

- ``report_counted``: does a progress report's figures (本期完成投资, 出口创汇) count in a period? Its round is due
  inside the period (both ends included) and the report stands as submitted: submitted or accepted. A report
  still due has no figures yet; one returned for correction counts again once it is submitted again. The figures
  are the report's as they stand today (a correction replaces them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db.models import Q

from .choices import ReportStatus

# The statuses whose figures count: the report stands as submitted.
COUNTED_STATUSES = (ReportStatus.SUBMITTED.value, ReportStatus.ACCEPTED.value)


def report_counted(report: Mapping, start: dt.date, end: dt.date) -> bool:
    """``report``: its ``status`` and ``due_date`` (its round's date)."""
    return report["status"] in COUNTED_STATUSES and start <= report["due_date"] <= end


def report_counted_q(start: dt.date, end: dt.date, prefix: str = "") -> Q:
    """ORM form of ``report_counted`` on progress reports (``prefix`` like "progress_reports__" from projects)."""
    return Q(
        **{
            f"{prefix}status__in": COUNTED_STATUSES,
            f"{prefix}scheduling_round__date__gte": start,
            f"{prefix}scheduling_round__date__lte": end,
        }
    )


def report_counted_sql(alias: str, round_alias: str, start: dt.date, end: dt.date) -> tuple[str, list]:
    """SQL form of ``report_counted`` for the report row ``alias`` joined to its round ``round_alias``."""
    statuses = ", ".join(["%s"] * len(COUNTED_STATUSES))
    return (
        f"{alias}.status IN ({statuses}) AND {round_alias}.date >= %s AND {round_alias}.date <= %s",
        [*COUNTED_STATUSES, start, end],
    )
