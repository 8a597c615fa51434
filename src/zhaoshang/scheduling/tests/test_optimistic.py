"""Issue 11 part 6: two people save the same progress report; the second save is refused."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from .conftest import FILLED, report_of

pytestmark = pytest.mark.django_db


def _post(version, **data):
    values = {**FILLED, **data}
    return {
        "progress": values["progress"],
        "investment_completed": str(values["investment_completed"]),
        "percent_done": str(values["percent_done"]),
        "next_steps": values["next_steps"],
        "problems": values["problems"],
        "stage_reached": "",
        "version": version,
        "action": "save",
    }


def test_second_report_save_is_refused_and_first_kept(open_day, users):
    report = report_of(open_day, "A1")
    url = reverse("scheduling:report", args=[report.pk])
    first, second = Client(), Client()
    first.force_login(users["reporter_a"])
    second.force_login(users["admin"])
    v1 = re.search(r'name="version" value="([^"]+)"', first.get(url).content.decode()).group(1)
    v2 = re.search(r'name="version" value="([^"]+)"', second.get(url).content.decode()).group(1)
    assert first.post(url, _post(v1, progress="甲填写的进展")).status_code == 302
    response = second.post(url, _post(v2, progress="乙填写的进展"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "其他人" in page and "甲填写的进展" in page and "乙填写的进展" in page
    report.refresh_from_db()
    assert report.progress == "甲填写的进展"
