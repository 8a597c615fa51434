"""The ledger filters the dashboard's drill-downs need: industry chain, investor origin, "not set", funds received
within dates, and "reached" read as the assessment reads a skipped stage."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def ledger_codes(client, **params):
    response = client.get(reverse("projects:ledger"), params)
    assert response.status_code == 200
    assert not response.context["filter"].errors, response.context["filter"].errors
    codes = sorted(set(re.findall(r">(P\d+)<", response.content.decode())), key=lambda c: int(c[1:]))
    assert response.context["totals"]["count"] == len(codes)
    return codes


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"chain": "新能源"}, ["P1", "P3", "P4", "P6"]),  # the chain itself and each of its links
        ({"chain": "新能源·电池"}, ["P1", "P6"]),
        ({"chain": "新能"}, []),  # a chain is a whole name, not a prefix
        ({"chain": "-"}, ["P5", "P7", "P8", "P9", "P10"]),
        ({"origin": "上海"}, ["P1", "P4", "P6"]),
        ({"origin": "-"}, ["P5", "P7", "P8", "P9", "P10"]),
        ({"industry": "-"}, ["P5", "P7", "P8", "P10"]),
        ({"industry": "G"}, ["P2"]),
        ({"received_from": "2026-01-01", "received_to": "2026-06-30"}, ["P1", "P2", "P4", "P9"]),
        ({"received_to": "2025-12-31"}, ["P1", "P4"]),
        ({"received_from": "2026-07-01"}, ["P6"]),
        # P3 skipped signing: it signed when it started (2026-06-10), as in the assessment.
        ({"reached": "signed", "date_from": "2026-01-01", "date_to": "2026-06-30"}, ["P1", "P2", "P3", "P5"]),
        ({"reached": "intention", "date_from": "2026-06-01", "date_to": "2026-06-30"}, ["P3", "P5"]),
        # P4 signed in 2025: starting in 2026 does not make it a 2026 signing.
        ({"reached": "signed", "date_from": "2025-06-01", "date_to": "2025-06-30"}, ["P4"]),
        ({"reached": "producing"}, ["P9"]),
        # One end of the dates only: reached by the end, or first reached on or after the start.
        ({"reached": "signed", "date_to": "2025-12-31"}, ["P4", "P9"]),
        ({"reached": "started", "date_from": "2026-05-01"}, ["P3"]),
    ],
)
def test_filters(client, users, county, params, expected):
    client.force_login(users["bureau"])
    assert ledger_codes(client, **params) == expected


def test_filters_keep_the_permission_rule(client, users, county):
    client.force_login(users["reporter_b"])
    assert ledger_codes(client, chain="新能源") == ["P3", "P6"]
    assert ledger_codes(client, received_from="2026-01-01") == ["P6"]
