"""Issue 12: the export carries every field a user can enter on a project, and an exported file imports back
changing nothing; each of the columns added for it reads back into its own field, and only that field."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from zhaoshang.organization.models import Unit
from zhaoshang.projects import services
from zhaoshang.projects.models import FundsReceipt, Project
from zhaoshang.transfer import columns as c
from zhaoshang.transfer.exporter import export_ledger
from zhaoshang.transfer.importer import import_workbook

from . import xlsx
from .conftest import snapshot
from .test_export import project_state

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def county(users, units, make_project):
    """A full project (every field of the project form, every stage date, two credited units, stalled with a
    reason, receipts with notes) beside a bare one."""
    bureau = users["bureau"]
    # text that looks like a formula; a credit code for the 统一社会信用代码 column
    investor = services.get_or_create_investor(name="=恒远集团", origin="香港", credit_code="91440300708461136T")
    full = services.create_project(
        user=bureau,
        data={
            "code": "F1",
            "name": "新能源电池材料项目",
            "contact_person": "陈经理",
            "contact_phone": "0755-12345678",
            "capital_type": "foreign",
            "currency": "HKD",
            "exchange_rate": Decimal("0.912345"),
            "foreign_investment": Decimal("20000.5"),
            "industry": "C",
            "industry_division": "39",
            "industry_chain": "锂电池正极材料",
            "kind": "industrial",
            "high_tech": True,
            "government_funded": True,
            "local_relocation": True,
            "second_phase": True,
            "ownership": "hmt",
            "company_registered_on": D(2024, 2, 1),
            "land_paid_on": D(2024, 3, 15),
            "signing_event": "2024年市招商推介会",
            "signing_event_level": "city",
            "planned_investment": Decimal("52000.5"),
            "contract_amount": Decimal("30000"),
            "registered_capital": Decimal("5000"),
            "land_area": Decimal("300.75"),
            "location": "城关镇工业园区8号地块",
            "introducer": "刘某",
            "county_leader": "王县长",
            "responsible_unit": units["dept"],
            "stewards": "张三、李四",
            "work_team": "招商局、自然资源局",
            "remarks": "+第一行\n第二行",
            "progress_note": "=已完成主体施工\n设备进场",
            "progress_note_on": D(2024, 6, 30),
        },
        credits=[(units["a"], Decimal("62.5")), (units["b"], Decimal("37.5"))],
        investor=investor,
    )
    for stage, day in (("negotiating", 2), ("intention", 3), ("signed", 4), ("started", 5), ("producing", 6)):
        amount = Decimal("30000") if stage == "signed" else None
        services.record_stage(user=bureau, project=full, stage=stage, date=D(2024, 1, day), amount=amount)
    full.refresh_from_db()
    services.set_status(user=bureau, project=full, status="stalled", reason="-资金链紧张", date=D(2024, 7, 1))
    services.add_receipt(
        user=bureau, project=full, date=D(2024, 4, 1), amount=Decimal("1000.25"), voucher_no="V1", note="首笔"
    )
    services.add_receipt(user=bureau, project=full, date=D(2024, 5, 1), amount=Decimal("500"), source="自有资金")
    services.add_receipt(  # in US dollars: 1,200,000 × 7.1 ÷ 10,000 = 852 万元
        user=bureau,
        project=full,
        date=D(2024, 6, 1),
        amount=None,
        currency="USD",
        original_amount=Decimal("1200000"),
        exchange_rate=Decimal("7.1"),
        voucher_no="V3",
    )
    make_project(units["b"], code="F2")  # nothing but the required fields
    return Project.objects.all()


def _rows(sheet) -> tuple[list, dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return list(rows[0]), {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


def test_every_column_is_filled_for_the_full_project(county):
    book = load_workbook(io.BytesIO(export_ledger(county)))
    header, projects = _rows(book[c.PROJECT_SHEET])
    assert header == [*xlsx.PROJECT_HEADERS, c.P_FUNDS_TOTAL]
    full = projects["F1"]
    empty = [column.header for column in c.PROJECT_COLUMNS if full[column.header] in (None, "")]
    assert empty == []
    assert (full[c.P_CURRENCY], full[c.P_RATE], full[c.P_FOREIGN]) == ("港元", 0.912345, 20000.5)
    assert [full[h] for h in (c.P_HIGH_TECH, c.P_GOVERNMENT, c.P_RELOCATION, c.P_SECOND_PHASE)] == ["是"] * 4
    assert (full[c.P_STEWARDS], full[c.P_TEAM]) == ("张三、李四", "招商局、自然资源局")
    assert (full[c.P_STAGE], full[c.P_STATUS_REASON]) == ("停滞", "-资金链紧张")
    assert full[c.P_STATUS_DATE] == dt.datetime(2024, 7, 1)
    bare = projects["F2"]
    assert (bare[c.P_CURRENCY], bare[c.P_HIGH_TECH], bare[c.P_STATUS_REASON]) == ("人民币", "否", None)
    # Text stays text, formula-looking text included (core.xlsx).
    cells = {cell.value: cell for row in book[c.PROJECT_SHEET].iter_rows(min_row=2) for cell in row}
    for value in ("=恒远集团", "+第一行\n第二行", "-资金链紧张", "0755-12345678", "是"):
        assert cells[value].data_type == "s", value
    assert cells["=恒远集团"].quotePrefix
    receipt_header, receipts = _rows(book[c.RECEIPT_SHEET])
    assert receipt_header == xlsx.RECEIPT_HEADERS and set(receipts) == {"F1"}
    note = receipt_header.index(c.R_NOTE)
    notes = [row[note] for row in book[c.RECEIPT_SHEET].iter_rows(min_row=2, values_only=True)]
    assert notes == ["首笔", None, None]
    dollars = receipts["F1"]  # the last receipt of F1: the one in US dollars
    assert (dollars[c.R_AMOUNT], dollars[c.R_CURRENCY], dollars[c.R_ORIGINAL], dollars[c.R_RATE]) == (
        852,
        "美元",
        1200000,
        7.1,
    )
    assert (full[c.P_OWNERSHIP], full[c.P_EVENT], full[c.P_EVENT_LEVEL]) == ("港澳台", "2024年市招商推介会", "市级")
    assert (full[c.P_REGISTERED_ON], full[c.P_LAND_PAID_ON]) == (dt.datetime(2024, 2, 1), dt.datetime(2024, 3, 15))
    assert full[c.P_DIVISION] == "39"
    unit_header, units = _rows(book[c.UNIT_SHEET])
    assert unit_header == xlsx.UNIT_HEADERS
    assert set(units) == set(Unit.objects.values_list("code", flat=True))
    assert units["T0101"][c.U_PARENT] == "T01" and units["T01"][c.U_CATEGORY] == "乡镇"


@pytest.mark.parametrize("dry_run", [True, False])
def test_export_then_import_changes_nothing(county, users, dry_run):
    before_state, before_counts = project_state(), snapshot()
    notes = sorted(FundsReceipt.objects.values_list("note", flat=True))

    result = import_workbook(io.BytesIO(export_ledger(county)), user=users["bureau"], dry_run=dry_run)

    assert result.ok, [str(e) for e in result.errors]
    assert result.counts[c.PROJECT_SHEET] == {"created": 0, "updated": 0, "unchanged": 2}
    assert result.counts[c.RECEIPT_SHEET] == {"created": 0, "skipped": 3}
    assert result.counts[c.UNIT_SHEET] == {"created": 0, "updated": 0, "unchanged": Unit.objects.count()}
    assert project_state() == before_state
    assert snapshot() == before_counts  # no row and no history entry written
    assert sorted(FundsReceipt.objects.values_list("note", flat=True)) == notes


# One new value per added column: (header, the value written into the file, Project field, the value stored).
EDITS = [
    (c.P_CONTACT, "周主任", "contact_person", "周主任"),
    (c.P_PHONE, "13900001111", "contact_phone", "13900001111"),
    (c.P_CURRENCY, "美元", "currency", "USD"),
    (c.P_RATE, 7.1, "exchange_rate", Decimal("7.100000")),
    (c.P_FOREIGN, 888.88, "foreign_investment", Decimal("888.88")),
    (c.P_CHAIN, "储能系统集成", "industry_chain", "储能系统集成"),
    (c.P_HIGH_TECH, "否", "high_tech", False),
    (c.P_GOVERNMENT, "否", "government_funded", False),
    (c.P_RELOCATION, "否", "local_relocation", False),
    (c.P_SECOND_PHASE, "否", "second_phase", False),
    (c.P_LOCATION, "河口乡物流园", "location", "河口乡物流园"),
    (c.P_INTRODUCER, "赵某", "introducer", "赵某"),
    (c.P_STEWARDS, "王五、赵六", "stewards", "王五、赵六"),
    (c.P_TEAM, "发改局", "work_team", "发改局"),
    (c.P_STATUS_REASON, "土地指标未落实", "status_reason", "土地指标未落实"),
    (c.P_STATUS_DATE, "2024-08-15", "status_date", D(2024, 8, 15)),
    (c.P_OWNERSHIP, "民营", "ownership", "private"),
    (c.P_EVENT, "2024年省投洽会", "signing_event", "2024年省投洽会"),
    (c.P_EVENT_LEVEL, "省级", "signing_event_level", "province"),
    (c.P_REGISTERED_ON, "2024-02-20", "company_registered_on", D(2024, 2, 20)),
    (c.P_LAND_PAID_ON, "2024-04-30", "land_paid_on", D(2024, 4, 30)),
    (c.P_DIVISION, 38, "industry_division", "38"),
    (c.P_PROGRESS, "设备调试中", "progress_note", "设备调试中"),
    (c.P_PROGRESS_ON, "2024年7月31日", "progress_note_on", D(2024, 7, 31)),
]


def test_every_added_column_is_covered():
    # 统一社会信用代码 fills the investor, not a project field: test_credit_codes covers it.
    added = [column.header for column in c.PROJECT_COLUMNS if column.optional and column.header != c.P_CREDIT_CODE]
    assert sorted(header for header, *_rest in EDITS) == sorted(added)


def _edited(data: bytes, code: str, header: str, value) -> bytes:
    book = load_workbook(io.BytesIO(data))
    sheet = book[c.PROJECT_SHEET]
    headers = [cell.value for cell in sheet[1]]
    row = next(cells for cells in sheet.iter_rows(min_row=2) if cells[0].value == code)
    row[headers.index(header)].value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("header", "value", "name", "stored"), EDITS, ids=[edit[0] for edit in EDITS])
def test_one_column_changes_its_field_only(county, users, header, value, name, stored):
    data = _edited(export_ledger(county), "F1", header, value)
    full = Project.objects.get(code="F1")
    before = project_state()
    history = full.history.count()

    result = import_workbook(io.BytesIO(data), user=users["bureau"])

    assert result.ok, [str(e) for e in result.errors]
    assert result.counts[c.PROJECT_SHEET] == {"created": 0, "updated": 1, "unchanged": 1}
    after = project_state()
    changed = {key for key, old in before[0][0].items() if after[0][0][key] != old}
    assert changed == {name}
    assert after[0][0][name] == stored
    assert after[0][1:] == before[0][1:] and after[1:] == before[1:]  # credits, stages, receipts, other project
    assert full.history.count() == history + 1
    entry = full.history.latest()
    assert (entry.history_type, entry.history_change_reason, entry.history_user) == ("~", "Excel导入", users["bureau"])
    assert getattr(entry, name) == stored


def test_a_file_without_the_added_columns_leaves_those_fields(county, users):
    """Files made before the columns were added still import; the fields they lack are left as they are."""
    book = load_workbook(io.BytesIO(export_ledger(county)))
    sheet = book[c.PROJECT_SHEET]
    base = len(xlsx.BASE_PROJECT_HEADERS)  # the added columns follow the older ones
    sheet.delete_cols(base + 1, len(xlsx.PROJECT_HEADERS) - base)
    assert [cell.value for cell in sheet[1]] == [*xlsx.BASE_PROJECT_HEADERS, c.P_FUNDS_TOTAL]
    buffer = io.BytesIO()
    book.save(buffer)
    before, counts = project_state(), snapshot()
    result = import_workbook(io.BytesIO(buffer.getvalue()), user=users["bureau"])
    assert result.ok, [str(e) for e in result.errors]
    assert result.counts[c.PROJECT_SHEET]["unchanged"] == 2
    assert project_state() == before and snapshot() == counts


@pytest.mark.parametrize(
    ("edits", "column", "reason"),
    [
        ({c.P_HIGH_TECH: "对"}, c.P_HIGH_TECH, "可选值为：是/否、√/×"),
        ({c.P_CURRENCY: "英镑"}, c.P_CURRENCY, "可选值为：人民币"),
        ({c.P_RATE: 0}, c.P_RATE, "金额须大于零"),
        ({c.P_RATE: 5000}, c.P_RATE, "1,000"),
        ({c.P_RATE: None}, c.P_RATE, "汇率"),
        ({c.P_FOREIGN: -1}, c.P_FOREIGN, "不能为负数"),
        ({c.P_STEWARDS: "张" * 201}, c.P_STEWARDS, "200"),
        ({c.P_STAGE: "投产"}, c.P_STATUS_REASON, "停滞或终止"),
        ({c.P_STATUS_DATE: "2999-01-01"}, c.P_STATUS_DATE, "2999-01-01"),
        ({c.P_OWNERSHIP: "个体"}, c.P_OWNERSHIP, "可选值为：国有、民营、外资、港澳台、混合"),
        ({c.P_EVENT_LEVEL: "乡级"}, c.P_EVENT_LEVEL, "可选值为：县级、市级、省级、国家级"),
        ({c.P_REGISTERED_ON: "1999-12-31"}, c.P_REGISTERED_ON, "1999-12-31"),
        ({c.P_LAND_PAID_ON: "2999-01-01"}, c.P_LAND_PAID_ON, "2999-01-01"),
        ({c.P_DIVISION: "70"}, c.P_DIVISION, "K"),  # 房地产业 is not in section C (制造业)
        ({c.P_DIVISION: "99"}, c.P_DIVISION, "99"),
        ({c.P_PROGRESS: "进" * 2001}, c.P_PROGRESS, "2000"),
        ({c.P_PROGRESS_ON: "2999年1月"}, c.P_PROGRESS_ON, "2999-01"),
    ],
)
def test_bad_cells_name_row_and_column_and_write_nothing(county, users, edits, column, reason):
    data = export_ledger(county)
    for header, value in edits.items():
        data = _edited(data, "F1", header, value)
    before = snapshot()
    result = import_workbook(io.BytesIO(data), user=users["bureau"])
    assert not result.ok
    assert [(e.sheet, e.row, e.column) for e in result.errors][:1] == [(c.PROJECT_SHEET, 2, column)]
    assert reason in result.errors[0].reason, result.errors[0].reason
    assert snapshot() == before


def test_the_unit_sheets_list_what_the_user_may_see_and_import_as_nothing(client, county, users):
    from django.urls import reverse

    from zhaoshang.transfer.templates_xlsx import build_template

    client.force_login(users["reporter_a"])
    exported = xlsx.read(client.get(reverse("transfer:export")).content)
    listed = {row[0] for row in exported[c.UNIT_SHEET][1:]}
    assert {"T01", "T0101"} <= listed and "T02" not in listed
    before = snapshot()
    result = import_workbook(io.BytesIO(build_template(Unit.objects.all())), user=users["bureau"])
    assert result.ok, [str(e) for e in result.errors]
    assert result.counts[c.UNIT_SHEET] == {"created": 0, "updated": 0, "unchanged": Unit.objects.count()}
    assert snapshot() == before
