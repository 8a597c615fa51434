"""An issued bulletin is frozen: later edits to projects change neither its snapshot nor its files."""

from __future__ import annotations

import copy
import datetime as dt
import io
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from zhaoshang.assessment import selectors as assessment_selectors
from zhaoshang.bulletins import selectors, services
from zhaoshang.bulletins.choices import Status
from zhaoshang.bulletins.models import Bulletin
from zhaoshang.projects import services as project_services
from zhaoshang.projects.models import FundsReceipt

from .conftest import FEB, units_by_code


def docx_content(data: bytes) -> list:
    document = docx.Document(io.BytesIO(data))
    return [p.text for p in document.paragraphs] + [
        [[cell.text for cell in row.cells] for row in table.rows] for table in document.tables
    ]


def xlsx_content(data: bytes) -> dict:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def test_issue_stores_the_snapshot_and_who_issued(issued, users):
    assert issued.status == Status.ISSUED
    assert issued.issued_by == users["bureau"] and issued.issued_at is not None
    assert issued.snapshot["assessment"]["as_of"] == "2025-02-28"
    assert issued.snapshot["version"] == 1
    assert "lookup" not in issued.snapshot and set(issued.detail) == {"projects", "receipts"}
    assert issued.criticised_units == [u["id"] for u in issued.snapshot["lists"]["flags"]["criticised"]]
    assert issued.history.first().status == Status.ISSUED


def test_issued_bulletin_does_not_change_when_projects_do(issued, ledger, users):
    bureau = users["bureau"]
    issued = Bulletin.objects.get(pk=issued.pk)
    snapshot, detail = copy.deepcopy(issued.snapshot), copy.deepcopy(issued.detail)
    docx_before = docx_content(selectors.docx_bytes(issued))
    xlsx_before = xlsx_content(selectors.xlsx_bytes(issued))

    project_services.update_project(user=bureau, project=ledger["p4"], data={"contract_amount": Decimal("5000")})
    receipt = FundsReceipt.objects.get(project=ledger["p1"], date=dt.date(2025, 2, 5))
    project_services.delete_receipt(user=bureau, receipt=receipt)
    project_services.set_status(
        user=bureau, project=ledger["p2"], status="stalled", reason="征地未完成", date=dt.date(2025, 2, 26)
    )

    issued = Bulletin.objects.get(pk=issued.pk)
    assert issued.snapshot == snapshot and issued.detail == detail
    assert docx_content(selectors.docx_bytes(issued)) == docx_before
    assert xlsx_content(selectors.xlsx_bytes(issued)) == xlsx_before

    # A fresh assessment sees the changes: T01's signed total 3000 + 60% of 5000, funds 500 + 600.
    fresh = assessment_selectors.assess_period(issued.period, dt.date(2025, 2, 28))
    t01 = next(u for u in fresh.units if u.unit.code == "T01")
    assert t01.groups[0].indicators[1].actual == Decimal("6000")
    assert t01.groups[1].indicators[0].actual == Decimal("1100")
    frozen = units_by_code(issued.snapshot)["T01"]
    assert frozen["groups"][0]["indicators"][1]["actual"] == "4200.00"
    assert frozen["groups"][1]["indicators"][0]["actual"] == "1400.00"
    # And a new draft for the same month shows the new figures, the issued one the old.
    draft = services.create_draft(user=bureau, period=issued.period, month=FEB)
    fresh_data = selectors.bulletin_data(draft)
    assert [s["code"] for s in fresh_data["lists"]["stalled"]] == ["P5", "P2"]  # longest stalled first
    assert [s["code"] for s in issued.snapshot["lists"]["stalled"]] == ["P5"]


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_issued_bulletin_cannot_be_changed_withdrawn_or_issued_twice(issued, users, english):
    bureau = users["bureau"]
    with pytest.raises(ValidationError, match="cannot be changed or withdrawn"):
        services.update_draft(user=bureau, bulletin=issued, title="改个标题")
    with pytest.raises(ValidationError):
        services.delete_draft(user=bureau, bulletin=issued)
    with pytest.raises(ValidationError):
        services.issue(user=bureau, bulletin=issued)
    another = services.create_draft(user=bureau, period=issued.period, month=FEB)
    with pytest.raises(ValidationError, match="already been issued"):
        services.issue(user=bureau, bulletin=another)
    assert Bulletin.objects.filter(status=Status.ISSUED).count() == 1


def test_drafts_follow_the_ledger(draft, ledger, users):
    before = units_by_code(selectors.bulletin_data(draft))["T01"]["groups"][1]["indicators"][0]["actual"]
    receipt = FundsReceipt.objects.get(project=ledger["p1"], date=dt.date(2025, 2, 5))
    project_services.delete_receipt(user=users["bureau"], receipt=receipt)
    after = units_by_code(selectors.bulletin_data(draft))["T01"]["groups"][1]["indicators"][0]["actual"]
    assert (before, after) == ("1400.00", "1100.00")
