"""Issue 17: each stage event and receipt shows its evidence state on the project page, with an attach form
preselected; the 缺佐证 list of what lacks evidence, per unit, seen by a reporter for their units alone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhaoshang.projects import selectors, services
from zhaoshang.projects.models import Attachment, StageEvent

pytestmark = pytest.mark.django_db
D = Decimal
DAY = dt.date(2026, 3, 10)
DATES = {"start": "2026-01-01", "end": "2026-12-31"}


def pdf(name="e.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode(), content_type="application/pdf")


@pytest.fixture
def ledger(users, units, make_project):
    """Unit a: A1 signed (no contract) with a receipt (no bank receipt); unit b: B1 started (no permit)."""
    bureau = users["bureau"]
    a1 = make_project(units["a"], code="A1", contract_amount=D("100"))
    services.record_stage(user=bureau, project=a1, stage="signed", date=DAY)
    services.add_receipt(user=bureau, project=a1, date=DAY, amount=D("50"))
    b1 = make_project(units["b"], code="B1")
    services.record_stage(user=bureau, project=b1, stage="negotiating", date=DAY)
    services.record_stage(user=bureau, project=b1, stage="started", date=DAY)
    return {"A1": a1, "B1": b1}


def test_the_missing_list_and_its_counts(users, ledger):
    found = selectors.missing_evidence(user=users["bureau"], start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    rows, by_unit = found.rows, found.by_unit
    assert found.total == 3
    assert sorted((row.project.code, row.event.stage if row.event else "receipt") for row in rows) == [
        ("A1", "receipt"),
        ("A1", "signed"),
        ("B1", "started"),
    ]  # negotiating needs no evidence
    assert {(c.unit.code, c.events, c.receipts) for c in by_unit} == {("T01", 1, 1), ("T02", 1, 0)}
    labels = {str(row.state.label) for row in rows}
    assert labels == {"缺合同", "缺银行回单", "缺施工许可或照片"}


def test_attaching_the_right_kind_takes_it_off_the_list(users, ledger):
    a1 = ledger["A1"]
    signed = StageEvent.objects.get(project=a1, stage="signed")
    services.add_attachment(user=users["bureau"], project=a1, uploaded=pdf(), kind="photo", stage_event=signed)
    rows = selectors.missing_evidence(user=users["bureau"], start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)).rows
    assert any(row.event == signed for row in rows)  # a photo is no contract
    services.add_attachment(
        user=users["bureau"], project=a1, uploaded=pdf("c.pdf"), kind="contract", stage_event=signed
    )
    rows = selectors.missing_evidence(user=users["bureau"], start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)).rows
    assert not any(row.event == signed for row in rows)


def test_a_reporter_sees_only_their_units_on_the_missing_page(client, users, ledger):
    client.force_login(users["reporter_a"])
    response = client.get("/projects/missing-evidence/", DATES)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-project="A1"' in page and 'data-project="B1"' not in page
    assert [c.unit.code for c in response.context["by_unit"]] == ["T01"]
    # Asking for the other unit is refused by the form (not one of theirs): nothing of it is shown.
    other = client.get("/projects/missing-evidence/", {**DATES, "unit": ledger["B1"].credits.get().unit_id})
    assert 'data-project="B1"' not in other.content.decode()


def test_the_bureau_filters_by_unit(client, users, units, ledger):
    client.force_login(users["bureau"])
    response = client.get("/projects/missing-evidence/", {**DATES, "unit": units["b"].pk})
    page = response.content.decode()
    assert 'data-project="B1"' in page and 'data-project="A1"' not in page
    assert [(c.unit.code, c.events) for c in response.context["by_unit"]] == [("T02", 1)]


def test_the_project_page_shows_the_state_and_attaches_to_the_event(client, users, ledger):
    a1 = ledger["A1"]
    signed = StageEvent.objects.get(project=a1, stage="signed")
    client.force_login(users["reporter_a"])
    page = client.get(f"/projects/{a1.pk}/").content.decode()
    assert f'id="event-{signed.pk}"' in page and 'data-evidence="missing"' in page
    assert f'name="stage_event" value="{signed.pk}"' in page and '<option value="contract">' in page
    response = client.post(
        f"/projects/{a1.pk}/attachments/", {"file": pdf(), "kind": "contract", "stage_event": signed.pk}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(stage_event=signed)
    assert attachment.kind == "contract"
    page = client.get(f"/projects/{a1.pk}/").content.decode()
    assert 'data-evidence="evidenced"' in page


def test_a_reporter_cannot_attach_to_another_units_event(client, users, ledger):
    b1 = ledger["B1"]
    started = StageEvent.objects.get(project=b1, stage="started")
    client.force_login(users["reporter_a"])
    response = client.post(
        f"/projects/{b1.pk}/attachments/", {"file": pdf(), "kind": "permit", "stage_event": started.pk}
    )
    assert response.status_code in (403, 404)
    # Nor through their own project: the service refuses another project's event.
    response = client.post(
        f"/projects/{ledger['A1'].pk}/attachments/", {"file": pdf(), "kind": "permit", "stage_event": started.pk}
    )
    assert not Attachment.objects.filter(stage_event=started).exists()


def test_the_list_reads_only_the_rows_it_shows_and_counts_all(users, ledger):
    found = selectors.missing_evidence(
        user=users["bureau"], start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), shown=1
    )
    assert found.total == 3 and len(found.rows) == 1
    assert {(c.unit.code, c.events, c.receipts) for c in found.by_unit} == {("T01", 1, 1), ("T02", 1, 0)}
    only_b = selectors.missing_evidence(
        user=users["bureau"],
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
        unit_id=ledger["B1"].credits.get().unit_id,
    )
    assert [row.project.code for row in only_b.rows] == ["B1"] and only_b.total == 1
    assert [(c.unit.code, c.events, c.receipts) for c in only_b.by_unit] == [("T02", 1, 0)]


def test_an_id_out_of_bounds_is_refused_not_sent_to_the_database(client, users, ledger):
    a1 = ledger["A1"]
    client.force_login(users["reporter_a"])
    for value in ("9" * 30, "-1"):
        client.post(f"/projects/{a1.pk}/attachments/", {"file": pdf(), "kind": "contract", "stage_event": value})
    assert not Attachment.objects.filter(project=a1).exists()
