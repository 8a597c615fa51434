"""``scheduling.rules.report_counted`` in Python, ORM and SQL agree (on the database the suite runs on), and the
report's 出口创汇 on the form, the detail page and its checks."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from zhaoshang.scheduling import reports as report_services
from zhaoshang.scheduling import rules
from zhaoshang.scheduling.models import ProgressReport, SchedulingRound

from .conftest import DAY, FILLED, report_of

pytestmark = pytest.mark.django_db

STATUSES = ("due", "submitted", "returned", "accepted")
DAYS = (dt.date(2026, 3, 31), dt.date(2026, 4, 1), dt.date(2026, 6, 30), dt.date(2026, 7, 1))
LIMITS = [
    (dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
    (dt.date(2026, 3, 31), dt.date(2026, 3, 31)),
    (dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    (dt.date(2026, 7, 2), dt.date(2026, 8, 1)),
]


@pytest.fixture
def every_report(county, units):
    """A report in every status on every day (at and beside the limits above)."""
    found = {}
    projects = list(county.values())
    for status, day in itertools.product(STATUSES, DAYS):
        scheduling_round, _ = SchedulingRound.objects.get_or_create(
            date=day, defaults={"planned_date": day, "status": "closed"}
        )
        report = ProgressReport.objects.create(
            scheduling_round=scheduling_round,
            project=projects[STATUSES.index(status)],  # one report of a project per round
            unit=units["a"],
            status=status,
        )
        found[report.pk] = {"status": status, "due_date": day}
    return found


@pytest.mark.parametrize(("start", "end"), LIMITS)
def test_report_counted_in_python_orm_and_sql(every_report, start, end):
    python = {pk for pk, report in every_report.items() if rules.report_counted(report, start, end)}
    orm = set(ProgressReport.objects.filter(rules.report_counted_q(start, end)).values_list("pk", flat=True))
    condition, params = rules.report_counted_sql("r", "s", start, end)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.id FROM scheduling_progressreport r JOIN scheduling_schedulinground s"
            f" ON s.id = r.scheduling_round_id WHERE {condition}",
            params,
        )
        sql = {row[0] for row in cursor.fetchall()}
    assert python == orm == sql
    expected = {
        pk
        for pk, report in every_report.items()
        if report["status"] in ("submitted", "accepted") and start <= report["due_date"] <= end
    }
    assert python == expected


def test_report_counted_by_hand():
    report = {"status": "accepted", "due_date": dt.date(2026, 6, 30)}
    assert rules.report_counted(report, dt.date(2026, 1, 1), dt.date(2026, 6, 30))  # the last day counts
    assert not rules.report_counted(report, dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    assert not rules.report_counted({**report, "status": "returned"}, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert not rules.report_counted({**report, "status": "due"}, dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_export_earnings_on_the_form_and_the_detail(client, users, open_day):
    report = report_of(open_day, "A2")
    client.force_login(users["reporter_a"])
    url = reverse("scheduling:report", args=[report.pk])
    form_page = client.get(url).content.decode()
    assert 'name="export_earnings"' in form_page and "本期出口创汇（万美元）" in form_page
    with pytest.raises(ValidationError) as refused:
        report_services.save_report(
            user=users["reporter_a"], report=report, data={**FILLED, "export_earnings": D("-1")}
        )
    assert refused.value.messages == ["本期出口创汇（万美元）不能为负数。"]
    report_services.save_report(user=users["reporter_a"], report=report, data={**FILLED, "export_earnings": D("12.34")})
    report.refresh_from_db()
    assert report.export_earnings == D("12.34")
    assert report.history.first().export_earnings == D("12.34")
    report_services.submit_report(user=users["reporter_a"], report=report)
    detail = client.get(url).content.decode()
    assert "本期出口创汇（万美元）" in detail and "12.34" in detail
    assert DAY == report.due_date
