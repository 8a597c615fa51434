"""The section 招商接待与外出招商 (issue 18): in a bulletin whose month has receptions or trips, per unit, with the
month's and the cumulative counts; left out of the snapshot (as it was) when the month has none."""

import datetime as dt

import pytest
from django.urls import reverse

from zhaoshang.bulletins import services
from zhaoshang.receptions.models import Reception

pytestmark = pytest.mark.django_db


def test_section_in_snapshot_page_and_docx(draft, units, users, client):
    assert "receptions" not in services.snapshot_for(draft, detail=False)

    def add(unit, day, kind="reception", batches=1, persons=3):
        Reception.objects.create(
            unit=units[unit], date=day, kind=kind, batches=batches, persons=persons, companies="某公司"
        )

    add("a", dt.date(2025, 2, 3), batches=2, persons=7)
    add("a", dt.date(2025, 1, 20), batches=1, persons=2)  # before the month: only in the cumulative figures
    add("b", dt.date(2025, 2, 10), kind="trip", batches=1, persons=4)
    add("b", dt.date(2025, 3, 1))  # after the month: nowhere
    block = services.snapshot_for(draft, detail=False)["receptions"]
    lines = {line["unit_code"]: line for line in block["lines"]}
    assert (lines["T01"]["batches"], lines["T01"]["persons"], lines["T01"]["total_batches"]) == (2, 7, 3)
    assert (lines["T02"]["trips"], lines["T02"]["batches"], lines["T02"]["total_trips"]) == (1, 0, 1)
    assert block["totals"]["batches"] == 2 and block["totals"]["total_persons"] == 9
    client.force_login(users["bureau"])
    page = client.get(reverse("bulletins:detail", args=[draft.pk])).content.decode()
    assert "招商接待与外出招商" in page and "全县共接待来访客商2批次7人，外出招商1次" in page
    issued = services.issue(user=users["bureau"], bulletin=draft)
    assert issued.snapshot["receptions"]["totals"]["trips"] == 1
    assert client.get(reverse("bulletins:docx", args=[issued.pk])).status_code == 200
