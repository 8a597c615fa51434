"""A good file creates everything with history; importing again updates and never duplicates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from zhaoshang.core.revision import data_revision
from zhaoshang.organization.models import Unit
from zhaoshang.projects import services
from zhaoshang.projects.models import FundsReceipt, Investor, Project, ProjectCredit, StageEvent
from zhaoshang.projects.selectors import derived_columns_out_of_step
from zhaoshang.transfer import columns as c
from zhaoshang.transfer.importer import import_workbook

from . import xlsx
from .conftest import MODELS, snapshot

pytestmark = pytest.mark.django_db

D = dt.date
NO_TARGETS = {
    **{sheet: {"created": 0, "updated": 0, "unchanged": 0} for sheet in ("考核期", "目标")},
    "上级下达任务": {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0},
}


def good_sheets():
    return {
        c.UNIT_SHEET: [
            # The section comes before its parent: parents may be anywhere in the sheet.
            xlsx.unit("T0301", "新桥镇招商办", "T03", "乡镇", "三档"),
            xlsx.unit("T03", "新桥镇", "C00", "乡镇", "三档"),
            xlsx.unit("D01", "县发展和改革局", "C00", "县直部门", "二档"),
        ],
        c.PROJECT_SHEET: [
            xlsx.project(
                "P1",
                "年产十万吨新材料项目",
                **{
                    c.P_INVESTOR: "甲新材料有限公司",
                    c.P_ORIGIN: "上海",
                    c.P_INDUSTRY: "C",
                    c.P_PLANNED: 12000,
                    c.P_CONTRACT: 8000.5,
                    c.P_REGISTERED: "3000",
                    c.P_LAND: 120.25,
                    c.P_CREDITS: "T01:60;T03:40",
                    c.P_STAGE: "签约",
                    "洽谈日期": D(2024, 1, 5),
                    "签约日期": "2024/03/01",
                    c.P_LEADER: "王县长",
                    c.P_RESPONSIBLE: "T0301",
                    c.P_REMARKS: "重点项目",
                },
            ),
            xlsx.project(
                "P2",
                "乡村旅游综合体",
                **{
                    c.P_CAPITAL: "外资",
                    c.P_KIND: "三产",
                    c.P_INDUSTRY: "住宿和餐饮业",
                    c.P_CREDITS: "T02",
                    c.P_STAGE: "停滞",
                    "洽谈日期": "2024.02.10",
                },
            ),
            xlsx.project("P3", "物流园", **{c.P_CREDITS: "T0301", c.P_PLANNED: None}),
        ],
        c.RECEIPT_SHEET: [
            xlsx.receipt("P1", D(2024, 4, 1), 100.5, "银行转账", "V001"),
            xlsx.receipt("P1", "2024-05-01", 200, "银行转账", "V002"),
            xlsx.receipt("OLD", D(2024, 6, 1), 50, "", ""),
        ],
    }


@pytest.fixture
def old_project(make_project):
    return make_project(code="OLD", name="已有项目")


@pytest.fixture
def good_file(tmp_path, old_project):
    return xlsx.write(tmp_path / "good.xlsx", good_sheets())


def test_good_import_creates_everything(good_file, users, units):
    result = import_workbook(good_file, user=users["bureau"])

    assert result.ok, result.errors
    assert result.counts == {
        "单位": {"created": 2, "updated": 1, "unchanged": 0},
        "项目": {"created": 3, "updated": 0, "unchanged": 0},
        "到位资金": {"created": 3, "skipped": 0},
        **NO_TARGETS,
    }
    t03, section = Unit.objects.get(code="T03"), Unit.objects.get(code="T0301")
    assert (t03.parent.code, t03.category, t03.tier) == ("C00", "township", 3)
    assert section.parent == t03
    assert Unit.objects.get(code="D01").name == "县发展和改革局"

    p1 = Project.objects.get(code="P1")
    assert p1.name == "年产十万吨新材料项目"
    assert (p1.investor.name, p1.investor.origin) == ("甲新材料有限公司", "上海")
    assert (p1.capital_type, p1.industry, p1.kind) == ("domestic", "C", "industrial")
    assert p1.planned_investment == Decimal("12000.00")
    assert p1.contract_amount == Decimal("8000.50")
    assert p1.registered_capital == Decimal("3000.00")
    assert p1.land_area == Decimal("120.25")
    assert (p1.county_leader, p1.responsible_unit, p1.remarks) == ("王县长", section, "重点项目")
    assert sorted(p1.credits.values_list("unit__code", "share")) == [("T01", Decimal("60")), ("T03", Decimal("40"))]
    events = {e.stage: (e.date, e.amount) for e in p1.stage_events.all()}
    assert events == {"negotiating": (D(2024, 1, 5), None), "signed": (D(2024, 3, 1), Decimal("8000.50"))}
    assert (p1.stage, p1.stage_date, p1.status) == ("signed", D(2024, 3, 1), "active")
    assert p1.funds_total == Decimal("300.50")
    assert p1.created_by == users["bureau"]

    p2 = Project.objects.get(code="P2")
    assert (p2.capital_type, p2.kind, p2.industry) == ("foreign", "tertiary", "H")
    assert (p2.status, p2.status_reason, p2.stage, p2.stage_date) == ("stalled", "导入", "negotiating", D(2024, 2, 10))
    assert p2.status_date == dt.date.today()

    p3 = Project.objects.get(code="P3")
    assert (p3.stage, p3.stage_date, p3.planned_investment, p3.investor) == ("negotiating", None, Decimal("0"), None)

    assert Project.objects.get(code="OLD").funds_total == Decimal("50.00")


def test_every_written_row_has_history_with_the_user(good_file, users):
    before = snapshot()
    import_workbook(good_file, user=users["bureau"])
    for model in MODELS:
        new_rows = model.history.filter(history_change_reason="Excel导入")
        written = model.history.count() - before[f"{model.__name__} history"]
        assert new_rows.count() == written > 0, model
        assert set(new_rows.values_list("history_user__username", flat=True)) == {"bureau"}
    # History rows hold the values written, with ids pointing at the rows.
    for receipt in FundsReceipt.objects.filter(project__code="P1"):
        record = receipt.history.get()
        assert (record.history_type, record.amount, record.date, record.project_id) == (
            "+",
            receipt.amount,
            receipt.date,
            receipt.project_id,
        )
    project = Project.objects.get(code="P1")
    record = project.history.get()
    assert (record.code, record.stage, record.planned_investment, record.investor_id) == (
        "P1",
        "signed",
        Decimal("12000.00"),
        project.investor_id,
    )
    # Every tracked field of a history row equals the row written (what simple-history itself records).
    for model, obj in ((Project, project), (Unit, Unit.objects.get(code="T0301"))):
        record = model.history.get(id=obj.pk)
        for tracked in record._meta.concrete_fields:
            if not tracked.attname.startswith("history_"):
                assert getattr(record, tracked.attname) == getattr(obj, tracked.attname), tracked.attname
        assert record.history_date <= timezone.now() and timezone.is_aware(record.history_date)
    assert Unit.objects.get(code="D01").history.latest().history_type == "~"
    assert ProjectCredit.history.filter(project_id=project.pk).count() == 2
    assert StageEvent.objects.get(project=project, stage="signed").recorded_by == users["bureau"]


def test_history_rows_repeat_every_created_row(good_file, users):
    """A created row's "+" history row holds every tracked field as written, for each model the import writes."""
    import_workbook(good_file, user=users["bureau"])
    for model in MODELS:
        records = model.history.filter(history_change_reason="Excel导入", history_type="+")
        assert records.exists(), model
        for record in records:
            obj = model.objects.get(pk=record.id)
            for tracked in record._meta.concrete_fields:
                if not tracked.attname.startswith("history_"):
                    assert getattr(record, tracked.attname) == getattr(obj, tracked.attname), (model, tracked.attname)
            assert record.history_user == users["bureau"]


def test_the_same_file_again_changes_nothing(good_file, users):
    import_workbook(good_file, user=users["bureau"])
    before = snapshot()

    result = import_workbook(good_file, user=users["bureau"])

    assert result.ok
    assert result.counts == {
        "单位": {"created": 0, "updated": 0, "unchanged": 3},
        "项目": {"created": 0, "updated": 0, "unchanged": 3},
        "到位资金": {"created": 0, "skipped": 3},
        **NO_TARGETS,
    }
    assert snapshot() == before


def test_reimport_updates_projects_credits_and_stages(tmp_path, good_file, users, units):
    import_workbook(good_file, user=users["bureau"])
    assert derived_columns_out_of_step() == []
    revision = data_revision(["organization", "projects"])
    p1 = Project.objects.get(code="P1")
    dropped_credit = p1.credits.get(unit__code="T03")
    sheets = good_sheets()
    sheets[c.PROJECT_SHEET][0] = xlsx.project(
        "P1",
        "年产二十万吨新材料项目",
        **{
            c.P_INVESTOR: "甲新材料有限公司",
            c.P_INDUSTRY: "制造业",
            c.P_PLANNED: 15000,
            c.P_CONTRACT: 9000,
            c.P_CREDITS: "T01",
            c.P_STAGE: "开工",
            "签约日期": D(2024, 3, 2),
            "开工日期": D(2024, 6, 1),
            c.P_RESPONSIBLE: "",
        },
    )
    sheets[c.PROJECT_SHEET][1] = xlsx.project("P2", "乡村旅游综合体", **{c.P_CREDITS: "T02", "洽谈日期": "2024.02.10"})
    sheets[c.RECEIPT_SHEET].append(xlsx.receipt("P1", D(2024, 7, 1), 99, "", "V003"))
    changed = xlsx.write(tmp_path / "changed.xlsx", sheets)

    result = import_workbook(changed, user=users["admin"])

    assert result.ok, result.errors
    # The fast writer's rows are seen by the data revision (their history rows, the funds totals' touch).
    assert data_revision(["organization", "projects"]) != revision
    assert result.counts["项目"] == {"created": 0, "updated": 2, "unchanged": 1}
    assert result.counts["到位资金"] == {"created": 1, "skipped": 3}
    p1.refresh_from_db()
    assert (p1.name, p1.planned_investment, p1.contract_amount, p1.responsible_unit) == (
        "年产二十万吨新材料项目",
        Decimal("15000.00"),
        Decimal("9000.00"),
        None,
    )
    assert p1.investor.origin == "上海"  # an empty origin leaves the investor's origin alone
    assert list(p1.credits.values_list("unit__code", "share")) == [("T01", Decimal("100.00"))]
    events = {e.stage: (e.date, e.amount) for e in p1.stage_events.all()}
    assert events == {"signed": (D(2024, 3, 2), Decimal("9000.00")), "started": (D(2024, 6, 1), None)}
    assert (p1.stage, p1.stage_date) == ("started", D(2024, 6, 1))
    # Each stage's date column follows the events, the negotiating date removed from the file included.
    assert (p1.negotiating_on, p1.signed_on, p1.started_on) == (None, D(2024, 3, 2), D(2024, 6, 1))
    assert derived_columns_out_of_step() == []
    assert p1.funds_total == Decimal("399.50")
    assert FundsReceipt.objects.filter(project=p1).count() == 3
    p2 = Project.objects.get(code="P2")
    assert (p2.status, p2.status_reason, p2.status_date) == ("active", "", None)

    # The changes are in the history, with the importing user, deletions included.
    deleted = ProjectCredit.history.get(id=dropped_credit.pk, history_type="-")
    assert (deleted.history_user, deleted.history_change_reason) == (users["admin"], "Excel导入")
    assert (
        StageEvent.history.filter(project_id=p1.pk, history_type="-", stage="negotiating").get().history_user
        == users["admin"]
    )
    latest = p1.history.latest()
    assert (latest.history_type, latest.history_user, latest.name) == ("~", users["admin"], "年产二十万吨新材料项目")
    assert latest.history_change_reason == "Excel导入"
    assert Project.objects.get(code="P3").history.count() == 1  # unchanged: no new history row


def test_dry_run_validates_and_counts_but_writes_nothing(good_file, users):
    before = snapshot()
    result = import_workbook(good_file, user=users["bureau"], dry_run=True)
    assert result.ok and result.dry_run
    assert result.counts["项目"]["created"] == 3
    assert snapshot() == before


def test_receipts_equal_to_recorded_ones_are_skipped_but_equal_rows_in_a_file_are_kept(tmp_path, users, make_project):
    project = make_project(code="R1")
    services.add_receipt(
        user=users["bureau"], project=project, date=D(2024, 1, 1), amount=Decimal("10"), voucher_no="A"
    )
    rows = [xlsx.receipt("R1", D(2024, 1, 1), 10, "", "A"), xlsx.receipt("R1", D(2024, 1, 1), 10, "", "A")]
    path = xlsx.write(tmp_path / "r.xlsx", {c.RECEIPT_SHEET: rows})

    result = import_workbook(path, user=users["bureau"])
    assert result.counts["到位资金"] == {"created": 1, "skipped": 1}
    assert import_workbook(path, user=users["bureau"]).counts["到位资金"] == {"created": 0, "skipped": 2}
    project.refresh_from_db()
    assert project.funds_total == Decimal("20.00")


def test_a_lead_event_is_kept(tmp_path, users, make_project):
    project = make_project(code="L1")
    services.record_stage(user=users["bureau"], project=project, stage="lead", date=D(2024, 1, 1))
    path = xlsx.write(tmp_path / "l.xlsx", {c.PROJECT_SHEET: [xlsx.project("L1", "线索项目")]})
    assert import_workbook(path, user=users["bureau"]).ok
    project.refresh_from_db()
    assert (project.stage, project.stage_date, project.lead_on) == ("lead", D(2024, 1, 1), D(2024, 1, 1))
    assert list(project.stage_events.values_list("stage", flat=True)) == ["lead"]


def test_only_bureau_and_admin_may_import(good_file, users):
    from django.core.exceptions import PermissionDenied

    for role in ("reporter_a", "leader", "supervisor"):
        with pytest.raises(PermissionDenied):
            import_workbook(good_file, user=users[role])
    assert Investor.objects.count() == 0
