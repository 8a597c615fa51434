"""Issue 12 ("wrong figures", item 2) on the demo county itself: every figure on the dashboard, the assessment
page and the month's draft bulletin that links to rows equals the total the linked page shows, for the bureau,
a leader and a reporter (the walks are those of the dashboard's tests, run here on the county users try)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from zhaoshang.bulletins.choices import Status
from zhaoshang.bulletins.models import Bulletin
from zhaoshang.dashboard import selectors as dashboard
from zhaoshang.dashboard.tests.test_dashboard_figures import check_against_ledger
from zhaoshang.dashboard.tests.test_linked_figures import walk_assessment, walk_bulletin
from zhaoshang.demo.builder import build_demo
from zhaoshang.organization.models import User
from zhaoshang.targets.models import Period

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 21)


def test_every_linked_figure_of_the_demo_county_equals_its_rows(client):
    build_demo(today=TODAY)
    cache.clear()
    year = Period.objects.get(code=f"ND{TODAY.year}")
    dashboard_links = 0
    for username in ("bureau", "leader", "reporter"):
        user = User.objects.get(username=username)
        client.force_login(user)
        for period in Period.objects.all():
            data = dashboard.dashboard_data(user=user, period=period, as_of=TODAY)
            dashboard_links += check_against_ledger(client, data)
    client.force_login(User.objects.get(username="bureau"))
    assessment_links = sum(walk_assessment(client, year, TODAY, basis)[0] for basis in ("reported", "verified"))
    draft = Bulletin.objects.get(period=year, status=Status.DRAFT)
    bulletin_links, _nonzero = walk_bulletin(client, draft)
    print(
        f"demo county: dashboard {dashboard_links}, assessment {assessment_links}, bulletin {bulletin_links} "
        "links compared, 0 mismatches"
    )
    assert dashboard_links >= 300 and assessment_links >= 100 and bulletin_links == 25
