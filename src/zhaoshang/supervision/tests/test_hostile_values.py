"""A page never fails because of one stored value (issue 11, part 3).

Hostile values are written straight into the database (as an old import, a manual fix or a bug would leave
them, bypassing every form): the largest amounts the columns hold, control characters, 10,000-character
strings, right-to-left marks, formula text and emoji. Every page that reads the ledger must still answer
200 (or a clear 4xx), never 500, and such a receipt can still be deleted from the UI.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from openpyxl import load_workbook

from zhaoshang.organization.models import Unit
from zhaoshang.projects.models import FundsReceipt, Investor, Project, StageEvent

from .support import Q3_END

pytestmark = pytest.mark.django_db


# The largest a money column (max_digits=16, decimal_places=2) holds. SQLite keeps decimals as 8-byte floats
# (15 significant digits): Django itself cannot read a larger value back there, so SQLite gets the largest
# value it stores exactly (decision 14).
BIGGEST = Decimal("99999999999999.99") if connection.vendor == "postgresql" else Decimal("9999999999999.99")
TEXTS = [
    "铃\x07声",
    "\x01\x02\x1b[31m\x7f",  # NUL itself: PostgreSQL refuses it in text, Django's forms too
    "长" * 10_000,
    "\u202eRTL\u200f标记\u202c",
    '=HYPERLINK("http://evil","点我")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "@SUM(A1)",
    "😀🏭👩‍💻",
    "<img src=x onerror=window.__xss=1>",
]
BIGGEST_LAND = Decimal("9999999999.99") if connection.vendor == "postgresql" else Decimal("999999999.99")
AMOUNTS = [BIGGEST, -BIGGEST, Decimal("0.01")]


def plant(ledger, units):
    """Every hostile value into the ledger's text and money columns; returns how many values were stored."""
    p1, p2, p3 = ledger["P1"], ledger["P2"], ledger["P3"]
    n = 0
    for i, text in enumerate(TEXTS):
        target = (p1, p2, p3)[i % 3]
        Project.objects.filter(pk=target.pk).update(
            name=text[:200], county_leader=text[:50], remarks=text, industry_chain=text[:100]
        )
        n += 4
    Unit.objects.filter(pk=units["b"].pk).update(name=TEXTS[3][:100])
    investor = Investor.objects.create(name=TEXTS[0], origin=TEXTS[8][:100])
    Project.objects.filter(pk=p2.pk).update(investor=investor)
    n += 3
    # Receipts: two of the largest amount on one project (their sum exceeds the column), a negative one.
    for amount in AMOUNTS + [BIGGEST] * 12:
        FundsReceipt.objects.create(project=p1, date=dt.date(2026, 8, 1), amount=amount, source=TEXTS[0][:100])
        n += 1
    StageEvent.objects.filter(project=p3, stage="signed").update(amount=BIGGEST)
    Project.objects.filter(pk=p1.pk).update(
        funds_total=BIGGEST,
        contract_amount=BIGGEST,
        planned_investment=BIGGEST,
        land_area=Decimal("9999999999.99") if connection.vendor == "postgresql" else Decimal("999999999.99"),
    )
    Project.objects.filter(pk=p3.pk).update(funds_total=BIGGEST, contract_amount=BIGGEST)
    n += 7
    return n


def test_pages_survive_hostile_values(client, users, units, period, supervised):
    ledger = supervised
    stored = plant(ledger, units)
    from zhaoshang.scheduling import services as scheduling

    board = scheduling.open_round(user=users["bureau"], date=dt.date(2026, 9, 15))
    p1 = ledger["P1"]
    pages = [
        "/projects/",
        "/projects/?funds_min=1",
        f"/projects/{p1.pk}/",
        f"/projects/{ledger['P2'].pk}/",
        f"/projects/{ledger['P3'].pk}/",
        f"/projects/units/{units['a'].pk}/",
        f"/projects/units/{units['b'].pk}/",
        "/data/export/",
        "/api/projects/",
        f"/api/projects/{p1.pk}/",
        "/api/receipts/",
        "/api/units/",
        f"/scheduling/rounds/{board.pk}/",
        "/scheduling/",
        f"/assessment/water/?period={period.pk}&as_of={Q3_END}",
        f"/assessment/water.xlsx?period={period.pk}&as_of={Q3_END}",
        f"/assessment/{period.pk}/?as_of={Q3_END}",
        f"/assessment/{period.pk}/units/{units['a'].pk}/?as_of={Q3_END}",
        "/dashboard/",
        f"/dashboard/?period={period.pk}&as_of={Q3_END}",
        "/dashboard/sections/stalled/",
        "/dashboard/sections/ranking/",
        "/dashboard/sections/forecast/",
        "/supervision/verifications/",
    ]
    failing = []
    visited = 0
    for role in ("bureau", "reporter_a", "supervisor", "leader"):
        client.force_login(users[role])
        for page in pages:
            response = client.get(page)
            visited += 1
            if response.status_code not in (200, 302, 400, 403, 404):
                failing.append((role, page, response.status_code))
    print(f"hostile values stored: {stored}, page visits: {visited}, failing: {len(failing)}")
    assert failing == []

    client.force_login(users["bureau"])
    export = client.get("/data/export/")
    content = b"".join(export.streaming_content) if export.streaming else export.content
    book = load_workbook(io.BytesIO(content))
    assert all(c.data_type != "f" for sheet in book for row in sheet.iter_rows() for c in row)

    # The largest receipt can be deleted from the UI, and the total follows.
    receipt = FundsReceipt.objects.filter(project=p1, amount=BIGGEST).first()
    response = client.post(f"/projects/receipts/{receipt.pk}/delete/")
    assert response.status_code in (200, 302)
    assert not FundsReceipt.objects.filter(pk=receipt.pk).exists()
