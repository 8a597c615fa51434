"""Export: the ledger's filters and permission rule, the import layout, and a round trip that changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhaoshang.projects import services
from zhaoshang.projects.models import FundsReceipt, Project
from zhaoshang.transfer import columns as c
from zhaoshang.transfer.exporter import export_ledger
from zhaoshang.transfer.importer import import_workbook

from . import xlsx
from .conftest import snapshot

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def ledger(users, units, make_project):
    """Projects in every shape the ledger holds."""
    bureau = users["bureau"]
    investor = services.get_or_create_investor(name="乙集团", origin="江苏苏州")
    signed = services.create_project(
        user=bureau,
        data={
            "code": "E1",
            "name": "智能装备产业园",
            "industry": "C",
            "kind": "industrial",
            "capital_type": "foreign",
            "planned_investment": Decimal("52000.5"),
            "contract_amount": Decimal("30000"),
            "registered_capital": Decimal("5000"),
            "land_area": Decimal("300.75"),
            "county_leader": "王县长",
            "responsible_unit": units["dept"],
            "remarks": "第一行\n第二行",
        },
        credits=[(units["a"], Decimal("62.5")), (units["b"], Decimal("37.5"))],
        investor=investor,
    )
    services.record_stage(user=bureau, project=signed, stage="negotiating", date=D(2024, 1, 2))
    services.record_stage(user=bureau, project=signed, stage="intention", date=D(2024, 2, 3))
    services.record_stage(user=bureau, project=signed, stage="signed", date=D(2024, 3, 4), amount=Decimal("30000"))
    services.add_receipt(user=bureau, project=signed, date=D(2024, 4, 1), amount=Decimal("1000.25"), voucher_no="V1")
    services.add_receipt(user=bureau, project=signed, date=D(2024, 4, 1), amount=Decimal("1000.25"), voucher_no="V1")
    services.add_receipt(user=bureau, project=signed, date=D(2024, 5, 1), amount=Decimal("500"), source="自有资金")

    # Signed without an amount on the event: the project's contract amount stands for it.
    quiet = make_project(units["b"], code="E2", contract_amount=Decimal("800"), industry="H", kind="tertiary")
    services.record_stage(user=bureau, project=quiet, stage="signed", date=D(2024, 6, 1))
    quiet.refresh_from_db()  # record_stage saves its own copy of the project
    services.set_status(user=bureau, project=quiet, status="stalled", reason="资金链紧张", date=D(2024, 7, 1))

    make_project(units["a_section"], code="E3")  # nothing recorded yet
    lead = make_project(units["b"], code="E4")
    services.record_stage(user=bureau, project=lead, stage="lead", date=D(2024, 1, 1))
    dropped = make_project(units["dept"], code="E5")
    services.record_stage(user=bureau, project=dropped, stage="producing", date=D(2024, 8, 1))
    dropped.refresh_from_db()
    services.set_status(user=bureau, project=dropped, status="dropped", reason="企业破产")
    return Project.objects.all()


def project_state() -> list:
    rows = []
    for project in Project.objects.order_by("code").prefetch_related("credits", "stage_events", "receipts"):
        fields = {f.attname: getattr(project, f.attname) for f in Project._meta.concrete_fields}
        fields.pop("updated_at")
        rows.append(
            (
                fields,
                sorted((c.unit_id, c.share) for c in project.credits.all()),
                sorted((e.stage, e.date, e.amount, e.pk) for e in project.stage_events.all()),
                sorted((r.date, r.amount, r.source, r.voucher_no, r.pk) for r in project.receipts.all()),
            )
        )
    return rows


def test_export_writes_the_import_layout(ledger):
    sheets = xlsx.read(export_ledger(ledger))
    assert list(sheets) == [c.PROJECT_SHEET, c.RECEIPT_SHEET, c.UNIT_SHEET, c.PERSON_SHEET]
    projects = sheets[c.PROJECT_SHEET]
    assert list(projects[0]) == [*xlsx.PROJECT_HEADERS, "累计到位资金(万元)"]
    row = dict(zip(projects[0], next(r for r in projects if r[0] == "E1"), strict=True))
    assert row[c.P_INDUSTRY] == "制造业"
    assert (row[c.P_CAPITAL], row[c.P_KIND], row[c.P_STAGE]) == ("外资", "工业", "签约")
    assert row[c.P_CREDITS] == "T01:62.5;T02:37.5"
    assert row["累计到位资金(万元)"] == 2500.5
    assert row["签约日期"] == dt.datetime(2024, 3, 4)
    assert (row[c.P_INVESTOR], row[c.P_ORIGIN], row[c.P_RESPONSIBLE]) == ("乙集团", "江苏苏州", "D01")
    stages = {r[0]: r[12] for r in projects[1:]}
    assert stages == {"E1": "签约", "E2": "停滞", "E3": None, "E4": None, "E5": "终止"}
    assert sorted(r[0] for r in sheets[c.RECEIPT_SHEET][1:]) == ["E1", "E1", "E1"]


def test_round_trip_changes_nothing(ledger, users):
    before_state, before_counts = project_state(), snapshot()

    result = import_workbook(io.BytesIO(export_ledger(ledger)), user=users["bureau"])

    assert result.ok, [str(e) for e in result.errors]
    assert result.counts["项目"] == {"created": 0, "updated": 0, "unchanged": 5}
    assert result.counts["到位资金"] == {"created": 0, "skipped": 3}
    assert project_state() == before_state
    assert snapshot() == before_counts  # not a single new row, history included


def test_edited_export_imports_the_edit(ledger, users):
    workbook = load_workbook(io.BytesIO(export_ledger(ledger)))
    sheet = workbook[c.PROJECT_SHEET]
    header = [cell.value for cell in sheet[1]]
    for cells in sheet.iter_rows(min_row=2):
        if cells[0].value == "E3":
            cells[header.index(c.P_PLANNED)].value = 777
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_workbook(io.BytesIO(buffer.getvalue()), user=users["bureau"])
    assert result.counts["项目"] == {"created": 0, "updated": 1, "unchanged": 4}
    assert Project.objects.get(code="E3").planned_investment == Decimal("777.00")


def test_export_view_applies_the_permission_rule(client, ledger, users):
    client.force_login(users["reporter_a"])
    response = client.get(reverse("transfer:export"))
    assert response.status_code == 200
    codes = {row[0] for row in xlsx.read(response.content)[c.PROJECT_SHEET][1:]}
    assert codes == {"E1", "E3"}  # E2 and E4 belong to township B only, E5 to the department
    receipts = xlsx.read(response.content)[c.RECEIPT_SHEET][1:]
    assert {row[0] for row in receipts} <= codes

    client.force_login(users["reporter_b"])
    codes = {row[0] for row in xlsx.read(client.get(reverse("transfer:export")).content)[c.PROJECT_SHEET][1:]}
    assert codes == {"E1", "E2", "E4"}
    assert "E3" not in codes


def test_export_view_applies_the_ledger_filters(client, ledger, users):
    client.force_login(users["leader"])
    response = client.get(reverse("transfer:export") + "?status=stalled")
    assert [row[0] for row in xlsx.read(response.content)[c.PROJECT_SHEET][1:]] == ["E2"]
    response = client.get(reverse("transfer:export") + "?reached=signed&date_from=2024-03-01&date_to=2024-03-31")
    assert [row[0] for row in xlsx.read(response.content)[c.PROJECT_SHEET][1:]] == ["E1"]
    assert xlsx.read(response.content)[c.RECEIPT_SHEET][1:] and FundsReceipt.objects.count() == 3


def test_export_only_the_ticked_rows_the_user_may_see(client, ledger, users):
    """Issue 12: rows ticked on the ledger page are exported alone; a ticked id of another unit's project is not."""
    from zhaoshang.projects.models import Project

    ids = {code: pk for code, pk in Project.objects.values_list("code", "pk")}
    client.force_login(users["reporter_a"])
    assert 'form="export-selected"' in client.get(reverse("projects:ledger")).content.decode()
    response = client.get(reverse("transfer:export"), {"selected": [ids["E3"], ids["E2"]]})
    assert [row[0] for row in xlsx.read(response.content)[c.PROJECT_SHEET][1:]] == ["E3"]


def test_export_file_name(client, ledger, users):
    client.force_login(users["bureau"])
    response = client.get(reverse("transfer:export"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = f"项目台账_{dt.date.today():%Y-%m-%d}.xlsx"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"filename*=utf-8''{quote(name)}" in response["Content-Disposition"]


def test_export_needs_login(client):
    assert client.get(reverse("transfer:export")).status_code == 302


def test_export_command_writes_the_whole_ledger(ledger, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "ledger.xlsx"
    call_command("export", "--out", str(out))
    codes = [row[0] for row in xlsx.read(out.read_bytes())[c.PROJECT_SHEET][1:]]
    assert codes == ["E1", "E2", "E3", "E4", "E5"]


def test_export_selected_with_nothing_ticked_exports_nothing(client, ledger, users):
    client.force_login(users["bureau"])
    response = client.get(reverse("transfer:export"), {"only_selected": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("projects:ledger")
    assert "请先勾选要导出的项目" in response.content.decode()
