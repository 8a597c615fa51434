"""A county's own sheets, as counties keep them, imported through a mapping (issue 15): figures checked in the
database, names resolved only through what the bureau confirmed, everything or nothing written."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from zhaoshang.organization.aliases import confirm_alias
from zhaoshang.organization.models import Unit
from zhaoshang.projects.models import FundsReceipt, Project, StageEvent
from zhaoshang.transfer.county_import import Mapping, import_county_file
from zhaoshang.transfer.mappings import save_mapping

from . import county_sheets as sheets
from .conftest import snapshot

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 7, 10)
CITY = "调度表.xlsx"


@pytest.fixture
def park(units):
    return Unit.objects.create(code="P01", name="县经济开发区", parent=units["county"], category="park", tier=1)


@pytest.fixture
def known_names(park, units, users):
    """The names the bureau confirmed once on the mapping screen."""
    confirm_alias(alias="经开区", unit=park, user=users["bureau"])
    confirm_alias(alias="城关", unit=units["a"], user=users["bureau"])


def city_mapping(**changes) -> Mapping:
    """The mapping proposed for the city sheet, with the status column left out: the stage follows from the dates
    (the sheet says 已投产 for a project whose 投产 date it does not have)."""
    from zhaoshang.transfer.sources import detect_layout, open_source

    with open_source(sheets.city_key_projects_xlsx(), CITY) as book:
        mapping = Mapping.proposed(detect_layout(book, "调度表"))
    mapping.columns["项目状态"] = ("", "")
    for header, value in changes.items():
        mapping.columns[header] = value
    return mapping


def run(data=None, name=CITY, *, user, mapping=None, dry_run=False, **options):
    data = sheets.city_key_projects_xlsx() if data is None else data
    return import_county_file(data, name, user=user, mapping=mapping, dry_run=dry_run, today=TODAY, **options)


def test_city_sheet_imports_with_its_figures(users, known_names, park, units):
    result = run(user=users["bureau"], mapping=city_mapping())
    assert result.ok, [str(error) for error in result.errors]
    assert result.counts["项目"] == {"created": 4, "updated": 0, "unchanged": 0}
    assert result.counts["到位资金"]["created"] == 3

    building = Project.objects.get(name="年产5万吨新型建材项目")
    assert building.planned_investment == Decimal("32000.00")  # 3.2 in a sheet whose title says 单位：亿元
    assert building.investor.name == "陕西华建新材料有限公司"
    assert building.county_leader == "张建国"
    assert building.progress_note == "主体厂房封顶，设备进场"
    assert building.progress_note_on == dt.date(2025, 6, 30)
    assert [(c.unit.code, c.share) for c in building.credits.all()] == [("P01", Decimal("100.00"))]
    events = {e.stage: e for e in building.stage_events.all()}
    assert events["signed"].date == dt.date(2025, 3, 1) and events["signed"].date_precision == "month"
    assert events["started"].date == dt.date(2025, 5, 1) and events["started"].date_precision == "month"
    assert building.stage == "started"

    cold_chain = Project.objects.get(name="一号冷链物流园")  # a real project whose name starts with 一
    assert cold_chain.planned_investment == Decimal("32000.00")  # "3.2亿" in the cell
    assert [c.unit.code for c in cold_chain.credits.all()] == ["P01"]  # 经开区, the alias confirmed
    started = cold_chain.stage_events.get(stage="started")
    assert (started.date, started.date_precision) == (dt.date(2025, 6, 18), "day")

    solar = Project.objects.get(name="光伏组件生产线")
    assert solar.planned_investment == Decimal("32000.00")  # "32000万元": the cell's unit wins over the title's
    assert [c.unit.code for c in solar.credits.all()] == ["T01"]  # 城关
    assert solar.stage == "signed"

    # 累计到位资金 becomes one opening balance per project, dated the sheet's 截至 date and marked as such.
    openings = FundsReceipt.objects.filter(opening_balance=True).order_by("amount")
    assert [(r.project.name, r.amount, r.date) for r in openings] == [
        ("一号冷链物流园", Decimal("8000.00"), dt.date(2025, 6, 30)),
        ("农、林、牧、渔业示范园", Decimal("10500.00"), dt.date(2025, 6, 30)),
        ("年产5万吨新型建材项目", Decimal("11500.00"), dt.date(2025, 6, 30)),
    ]
    park_project = Project.objects.get(name="农、林、牧、渔业示范园")
    # A formula cell is read as its value (the file has none cached here), never as a formula to store.
    assert not park_project.progress_note.startswith("=")
    assert [c.unit.code for c in park_project.credits.all()] == ["D01"]  # 县发改局 is the unit's own name
    # Every row is in the history, by the importing user.
    assert building.history.first().history_user == users["bureau"]
    # What was passed over is reported, not an error: the 合计 row, the note, the year's plan column.
    assert (4, "合计行") in result.sheet.skipped
    assert any(why == "说明行" for _row, why in result.sheet.skipped)
    assert "2025年计划投资" in result.sheet.ignored


def test_importing_the_same_sheet_again_changes_nothing(users, known_names):
    assert run(user=users["bureau"], mapping=city_mapping()).ok
    before = snapshot()
    again = run(user=users["bureau"], mapping=city_mapping())
    assert again.ok
    assert again.counts["项目"] == {"created": 0, "updated": 0, "unchanged": 4}
    assert again.counts["到位资金"] == {"created": 0, "skipped": 3}
    assert snapshot() == before


def test_a_later_sheet_replaces_the_opening_balance(users, known_names):
    assert run(user=users["bureau"], mapping=city_mapping()).ok
    later = city_mapping()
    later.as_of = dt.date(2025, 7, 5)
    assert run(user=users["bureau"], mapping=later).ok
    project = Project.objects.get(name="年产5万吨新型建材项目")
    openings = list(project.receipts.filter(opening_balance=True).values_list("date", "amount"))
    assert openings == [(dt.date(2025, 7, 5), Decimal("11500.00"))]


def test_unknown_names_are_errors_with_suggestions_and_nothing_is_written(users, park):
    before = snapshot()
    result = run(user=users["bureau"], mapping=city_mapping())
    assert not result.ok
    assert snapshot() == before
    by_name = {entry.name: entry for entry in result.sheet.unresolved.values()}
    assert set(by_name) == {"经开区", "城关"}
    assert by_name["经开区"].suggestions[0].name == "县经济开发区"
    assert by_name["城关"].suggestions[0].name == "城关镇"
    error = next(e for e in result.errors if e.value == "经开区")
    assert (error.sheet, error.row, error.column) == ("调度表", 6, "K 责任单位")
    assert "县经济开发区" in error.reason
    assert not any("引进单位" in e.column for e in result.errors)  # not told twice: the unknown name is the cause


def test_a_status_word_without_its_date_names_the_row_and_column(users, known_names):
    result = run(user=users["bureau"], mapping=city_mapping(项目状态=("stage", "")))
    assert not result.ok
    rows = {(e.row, e.column) for e in result.errors}
    assert (8, "G 项目状态") in rows  # 已投产, and the sheet has no 投产 date
    assert Project.objects.count() == 0


def test_a_saved_mapping_is_found_by_the_headers(users, known_names):
    save_mapping(name="县重点项目调度表", mapping=city_mapping().as_json(), user=users["bureau"])
    result = run(user=users["bureau"], mapping=None)  # no mapping given: the saved one for these headers
    assert result.ok, [str(e) for e in result.errors]
    assert result.sheet.mapping.name == "县重点项目调度表"
    assert Project.objects.count() == 4


def test_township_ledger_with_two_header_rows(users, units):
    refused = run(sheets.township_ledger_xlsx(), "城关镇台账.xlsx", user=users["bureau"])
    # 在建 and 已投产 without their dates: said, with what to do, never a date invented.
    assert [(e.row, e.column) for e in refused.errors] == [(6, "I 推进阶段"), (8, "I 推进阶段")]
    assert "开工日期" in refused.errors[0].reason and "2025年3月" in refused.errors[0].reason
    assert Project.objects.count() == 0
    mapping = Mapping.proposed(refused.sheet.layout)
    mapping.columns["推进阶段"] = ("", "")
    result = run(sheets.township_ledger_xlsx(), "城关镇台账.xlsx", user=users["bureau"], mapping=mapping)
    assert result.ok, [str(e) for e in result.errors]
    assert result.counts["项目"]["created"] == 3
    processing = Project.objects.get(name="城关镇农产品加工项目")
    assert processing.planned_investment == Decimal("5000.00")
    assert [c.unit.code for c in processing.credits.all()] == ["T01"]  # the sheet's 填报单位
    opening = processing.receipts.get(opening_balance=True)
    assert (opening.amount, opening.date) == (Decimal("1200.00"), dt.date(2025, 6, 30))
    assert processing.stage_events.get(stage="signed").date == dt.date(2025, 3, 5)
    live = Project.objects.get(name="电商直播基地")
    assert live.planned_investment == Decimal("1200.00")  # "1,200"
    skipped = dict(result.sheet.skipped)
    assert {"合计行", "小计行", "分组标题行", "说明行"} <= set(skipped.values())


def test_gbk_csv_and_xls(users, units, park):
    confirm_alias(alias="经开区", unit=park, user=users["bureau"])
    csv_result = run(sheets.gbk_csv(), "统计表.csv", user=users["bureau"])
    assert csv_result.ok, [str(e) for e in csv_result.errors]
    assert Project.objects.get(name="中药材深加工").planned_investment == Decimal("2800.00")  # full-width digits
    assert Project.objects.get(name="年产10万套汽车配件项目").planned_investment == Decimal("15000.00")
    xls_result = run(sheets.ledger_xls(), "台账.xls", user=users["bureau"], mapping=None)
    statuses = {e.column for e in xls_result.errors}
    assert statuses <= {"G 项目状态"}  # 在建 without a start date: said, not guessed
    no_status = Mapping.from_json(
        {"columns": [{"header": "项目状态", "field": ""}, *_proposed_columns(sheets.ledger_xls(), "台账.xls")]}
    )
    result = run(sheets.ledger_xls(), "台账.xls", user=users["bureau"], mapping=no_status)
    assert result.ok, [str(e) for e in result.errors]
    base = Project.objects.get(name="智能装备制造基地")
    assert base.planned_investment == Decimal("65000.00")
    assert base.stage_events.get(stage="signed").date == dt.date(2025, 2, 14)


def _proposed_columns(data: bytes, name: str) -> list[dict]:
    from zhaoshang.transfer.county_import import find_sheet
    from zhaoshang.transfer.sources import open_source

    with open_source(data, name) as book:
        layout, _reasons = find_sheet(book)
        columns = Mapping.proposed(layout).as_json()["columns"]
    return [column for column in columns if column["header"] != "项目状态"]


def test_a_per_unit_summary_is_refused_with_what_it_is(users, units):
    result = run(sheets.summary_xlsx(), "通报.xlsx", user=users["bureau"])
    assert not result.ok
    assert "项目名称" in result.errors[0].reason
    assert Project.objects.count() == 0


def test_the_users_own_file_comes_back_marked(users, park):
    data = sheets.city_key_projects_xlsx()
    result = run(data, user=users["bureau"], mapping=city_mapping())
    marked = load_workbook(io.BytesIO(result.marked_file(data, CITY)))
    sheet = marked["调度表"]
    assert sheet["K6"].value == "经开区"  # the user's own cell, kept
    assert "县经济开发区" in sheet["K6"].comment.text
    assert sheet["K6"].fill.fgColor.rgb.endswith("C7CE") or sheet["K6"].fill.fill_type == "solid"
    assert sheet["A1"].value == sheets.CITY_TITLE  # the title row, kept as it was
    assert "错误清单" in marked.sheetnames


def test_an_existing_project_keeps_what_the_sheet_does_not_say(users, known_names, make_project):
    project = make_project(name="光伏组件生产线", kind="tertiary", industry="C", planned_investment=Decimal("100"))
    result = run(user=users["bureau"], mapping=city_mapping())
    assert result.ok, [str(e) for e in result.errors]
    project.refresh_from_db()
    assert project.planned_investment == Decimal("32000.00")
    assert (project.kind, project.industry) == ("tertiary", "C")  # not in the sheet: kept
    assert result.counts["项目"]["updated"] == 1


def test_only_bureau_staff_may_import(users, known_names):
    with pytest.raises(PermissionDenied):
        run(user=users["reporter_a"], mapping=city_mapping())
    assert Project.objects.count() == 0


def test_dry_run_writes_nothing(users, known_names):
    before = snapshot()
    result = run(user=users["bureau"], mapping=city_mapping(), dry_run=True)
    assert result.ok and result.counts["项目"]["created"] == 4
    assert snapshot() == before
    assert StageEvent.objects.count() == 0


@pytest.mark.parametrize("scan_from", [1000, 0], ids=["names-in", "one-pass"])
def test_recorded_projects_are_found_by_name_either_way(users, known_names, make_project, monkeypatch, scan_from):
    """Many names (a 50,000-row sheet) are looked up in one pass over the recorded names instead of a query per 500
    (no index on the name): the same projects found, a name two projects share the same error."""
    from zhaoshang.transfer import county_import

    monkeypatch.setattr(county_import, "NAME_SCAN_FROM", scan_from)
    project = make_project(name="光伏组件生产线", kind="tertiary", industry="C", planned_investment=Decimal("100"))
    result = run(user=users["bureau"], mapping=city_mapping())
    assert result.ok, [str(e) for e in result.errors]
    project.refresh_from_db()
    assert project.planned_investment == Decimal("32000.00")
    assert result.counts["项目"] == {"created": 3, "updated": 1, "unchanged": 0}
    make_project(name="光伏组件生产线")
    again = run(user=users["bureau"], mapping=city_mapping())
    shared = [e for e in again.errors if e.value == "光伏组件生产线"]
    assert len(shared) == 1 and "项目编码" in shared[0].reason
