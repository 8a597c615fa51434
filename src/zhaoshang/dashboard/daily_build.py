"""Building the county-wide daily figures (``models.DailyFigure``); ``daily`` says when they may be read.

Kept up to date by rebuilding, not in the writing transactions: a stage, a receipt, a project's amounts, industry,
capital or currency, an investor's origin, a delete, the importer's fast writer and the services' ``QuerySet.update``
paths all move figures, and a second copy of the sums kept by each of them would be a second owner of the rules
(and a hot row every writer waits for). Every one of those writes already moves the data revision of the projects
app (decision 9), so the table records the revision it was built from and the dashboard reads it only while that
is still the current revision; otherwise it reads the row-level SQL, as before, and asks for a build (a job, one at a
time). The build is a few INSERT … SELECT … GROUP BY statements composed from the rules' SQL forms
(``projects.rules.reached_day_sql``, ``foreign_usd_parts_sql``, ``periodic_receipt_sql``) and the breakdowns'
expressions of ``queries``, in one transaction: readers see the old figures until it commits.

The revision is read before the build: a write committed during the build leaves the stored revision behind the
current one, so the figures are not read and another build is asked for.
"""

from __future__ import annotations

import time
from itertools import pairwise

from django.db import connection, transaction

from zhaoshang.core import clock
from zhaoshang.core.revision import data_revision
from zhaoshang.projects import rules as ledger
from zhaoshang.projects.models import STAGE_DATE_FIELDS, FundsReceipt, Investor, Project

from . import queries
from .daily import APPS, fresh
from .models import DailyFigure, DailyFiguresBuilt

COLUMNS = (
    "day, figure, dimension, value, projects, contract, planned, foreign_projects, foreign_dollars, foreign_yuan, funds"
)


def build_sql() -> queries.Sql:
    """The INSERT of every daily figure: per project once, the day it reached each stage of the pipeline, then a
    GROUP BY per stage, per breakdown of the signed projects, of the days spent in each stage, and of the receipts
    by day."""
    p, i, f = Project._meta.db_table, Investor._meta.db_table, FundsReceipt._meta.db_table
    dollars, yuan = ledger.foreign_usd_parts_sql("p")
    sql = queries.Sql().add("WITH reached AS MATERIALIZED (SELECT ")
    sql.add(queries.SIGNED_COLUMNS.format(project="p", chain="p.industry_chain", investor="i"))
    sql.add(", p.planned_investment AS planned, p.contract_amount AS contract")
    sql.add(f", CASE WHEN {queries.foreign_project_sql('p')} THEN 1 ELSE 0 END AS foreign_project")
    sql.add(f", {dollars} AS dollars, {yuan} AS yuan")
    for stage in queries.PIPELINE:
        sql.add(f", {ledger.reached_day_sql(stage, 'p')} AS r_{stage}")
    for stage in queries.PIPELINE[:-1]:
        sql.add(f", p.{STAGE_DATE_FIELDS[stage]} AS o_{stage}")
    # A project with no stage dated (stage_date NULL) reached nothing.
    sql.add(f" FROM {p} p LEFT JOIN {i} i ON i.id = p.investor_id WHERE p.stage_date IS NOT NULL)")
    sql.add(f" INSERT INTO {DailyFigure._meta.db_table} ({COLUMNS}) ")
    branches = []
    for stage in queries.PIPELINE:
        branches.append(
            queries.Sql().add(
                f"SELECT r_{stage}, '{stage}', '', '', COUNT(*), SUM(contract), SUM(planned), SUM(foreign_project),"
                f" SUM(dollars), SUM(yuan), 0 FROM reached WHERE r_{stage} IS NOT NULL GROUP BY r_{stage}"
            )
        )
    for name, expression in queries.dimension_sql().items():
        branch = queries.Sql().add(
            f"SELECT r_signed, 'signed', '{name}', COALESCE(k, ''), COUNT(*), SUM(contract), 0, 0, 0, 0, 0"
            " FROM (SELECT r_signed, contract, "
        )
        branch.extend(expression).add(" AS k FROM reached WHERE r_signed IS NOT NULL) t GROUP BY r_signed, k")
        branches.append(branch)
    # Days in each stage (from its own date to the next stage reached), counted by the day the next stage was
    # reached: medians do not add up, but these counts do, and the median of a window is read from their sum. Also
    # by month (the first day of the month), for a window's whole months; the days of a stage dated after the next
    # (``days_back``, never written by the services) are kept by day only, the reader checking their own dates.
    month = queries._month_start
    for stage, following in pairwise(queries.PIPELINE):
        days = queries._days_between(f"r_{following}", f"o_{stage}")
        moved = f"o_{stage} IS NOT NULL AND r_{following} IS NOT NULL"
        for figure, day, condition in (
            ("days", f"r_{following}", f"{days} >= 0"),
            ("days_month", month(f"r_{following}"), f"{days} >= 0"),
            ("days_back", f"r_{following}", f"{days} < 0"),
        ):
            branches.append(
                queries.Sql().add(
                    f"SELECT {day}, '{figure}', '{stage}', CAST({days} AS TEXT), COUNT(*), 0, 0, 0, 0, 0, 0"
                    f" FROM reached WHERE {moved} AND {condition} GROUP BY {day}, {days}"
                )
            )
    branches.append(
        queries.Sql().add(
            f"SELECT f.date, 'funds', '', '', 0, 0, 0, 0, 0, 0, SUM(f.amount) FROM {f} f"
            f" WHERE {ledger.periodic_receipt_sql('f')} GROUP BY f.date"
        )
    )
    return sql.extend(queries._union(branches))


def build() -> dict:
    """Rebuild the daily figures from the ledger as it is now; returns the build's revision, rows and seconds."""
    started = time.monotonic()
    revision = data_revision(APPS)
    sql = build_sql()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {DailyFigure._meta.db_table}")
            cursor.execute(sql.text, sql.params)
        rows = DailyFigure.objects.count()
        seconds = time.monotonic() - started
        DailyFiguresBuilt.objects.all().delete()
        DailyFiguresBuilt.objects.create(revision=revision, built_at=clock.now(), seconds=seconds, rows=rows)
    return {"revision": revision, "rows": rows, "seconds": round(seconds, 3)}


def run_job(job, progress) -> dict:
    """The job kind ``daily.JOB_KIND``: a build, asked for by a dashboard that found the figures stale."""
    if fresh():  # another build got there first
        return {"skipped": True}
    return build()
