"""``zhaoshang check_ledger``: the projects' derived columns checked against their rows, and repaired."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from zhaoshang.core.clock import frozen
from zhaoshang.core.revision import data_revision
from zhaoshang.projects import services
from zhaoshang.projects.models import DERIVED_COLUMNS, Project

pytestmark = pytest.mark.django_db
D = Decimal
REPORTED_AT = timezone.make_aware(dt.datetime(2026, 10, 12, 10))


@pytest.fixture
def ledger(users, make_project):
    """P1 signed, with funds and a submitted progress report; P2 started, with funds; P3 just a lead entered."""
    from zhaoshang.scheduling import reports
    from zhaoshang.scheduling import services as scheduling

    bureau = users["bureau"]
    p1, p2, p3 = (make_project(code=code, name=f"项目{code}") for code in ("P1", "P2", "P3"))
    services.record_stage(user=bureau, project=p1, stage="intention", date=dt.date(2026, 2, 1))
    services.record_stage(user=bureau, project=p1, stage="signed", date=dt.date(2026, 3, 1), amount=D("900"))
    services.add_receipt(user=bureau, project=p1, date=dt.date(2026, 4, 1), amount=D("700.50"))
    services.add_receipt(user=bureau, project=p1, date=dt.date(2026, 5, 1), amount=D("500"))
    services.record_stage(user=bureau, project=p2, stage="started", date=dt.date(2026, 6, 1))
    services.add_receipt(user=bureau, project=p2, date=dt.date(2026, 6, 2), amount=D("80"))
    # Entered in January: the last activity is then the stage date or the report, not today.
    entered = Project.objects.all()
    entered.update(created_at=timezone.make_aware(dt.datetime(2026, 1, 5, 9)))
    services.refresh_last_activity(entered)
    report = scheduling.open_round(user=bureau, date=dt.date(2026, 10, 12)).reports.get(project=p1)
    reports.save_report(user=bureau, report=report, data={"progress": "完成土地预审。"})
    with frozen(REPORTED_AT):
        reports.submit_report(user=bureau, report=report)
    return {"P1": p1, "P2": p2, "P3": p3}


def derived() -> dict:
    return {row[0]: row[1:] for row in Project.objects.values_list("code", *DERIVED_COLUMNS)}


@pytest.fixture
def run():
    """The command's exit status (what the shell sees: ``SystemExit``, else 0) and what it printed. Through
    call_command: the shell's path (``run_from_argv``) closes the database connections, the test's too."""

    def run(*args) -> tuple[int, str]:
        out = io.StringIO()
        try:
            call_command("check_ledger", *args, stdout=out)
        except SystemExit as exit_:
            return exit_.code, out.getvalue()
        return 0, out.getvalue()

    return run


def test_the_services_keep_every_derived_column(ledger, run):
    p1 = Project.objects.get(code="P1")
    assert (p1.stage, p1.stage_date, p1.signed_on, p1.funds_total) == (
        "signed",
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 1),
        D("1200.50"),
    )
    assert p1.last_report_on == p1.last_activity_on == dt.date(2026, 10, 12)
    assert run() == (0, "全部 3 个项目的派生字段与其阶段记录、进度填报和到位资金一致。\n")


def test_columns_out_of_step_are_listed_and_exit_1(ledger, run):
    Project.objects.filter(code="P1").update(stage="producing", signed_on=None, funds_total=D("0"), last_report_on=None)
    Project.objects.filter(code="P2").update(started_on=dt.date(2020, 1, 1), last_activity_on=dt.date(2020, 1, 1))
    status, out = run()
    assert status == 1
    assert out.splitlines() == [
        "P1 项目P1：阶段 记录为 投产，应为 签约",
        "P1 项目P1：签约日期 记录为 （空），应为 2026-03-01",
        "P1 项目P1：最近一次进度填报 记录为 （空），应为 2026-10-12",
        "P1 项目P1：实际到位资金（万元） 记录为 0.00，应为 1,200.50",
        "P2 项目P2：开工日期 记录为 2020-01-01，应为 2026-06-01",
        "P2 项目P2：最近进展 记录为 2020-01-01，应为 2026-06-01",
        "共 3 个项目，其中 2 个项目有 6 处派生字段与台账记录不一致。",
        "运行 `zhaoshang check_ledger --repair` 按台账记录重新计算并修复。",
    ]


def test_repair_restores_what_the_services_wrote(ledger, users, run):
    kept = derived()
    before = data_revision(["projects"])
    p1_history = Project.history.filter(id=ledger["P1"].pk).count()
    p2_history = Project.history.filter(id=ledger["P2"].pk).count()
    Project.objects.filter(code="P1").update(
        stage="producing", stage_date=dt.date(2020, 1, 1), producing_on=dt.date(2020, 1, 1), funds_total=D("1")
    )
    Project.objects.filter(code="P2").update(last_report_on=dt.date(2026, 11, 1), last_activity_on=dt.date(2026, 11, 1))
    Project.objects.filter(code="P3").update(lead_on=dt.date(2026, 1, 1), last_activity_on=dt.date(2026, 1, 1))
    assert derived() != kept

    status, out = run("--repair", "--user", "bureau")
    assert status == 0
    assert out.splitlines()[-1] == "已修复 3 个项目的 8 处派生字段。"
    assert derived() == kept
    assert run() == (0, "全部 3 个项目的派生字段与其阶段记录、进度填报和到位资金一致。\n")
    # A stage put right is in the project's history, with who and why; the other columns are not in it.
    latest = Project.history.filter(id=ledger["P1"].pk).latest("history_id")
    assert Project.history.filter(id=ledger["P1"].pk).count() == p1_history + 1
    assert (latest.stage, latest.history_user, latest.history_change_reason) == (
        "signed",
        users["bureau"],
        "派生字段修复（check_ledger）",
    )
    assert Project.history.filter(id=ledger["P2"].pk).count() == p2_history
    # Writes without a history row still move the data revision (core.revision).
    assert data_revision(["projects"]) != before


def test_repair_of_a_ledger_in_step_changes_nothing(ledger, run):
    kept = derived()
    assert run("--repair") == (0, "全部 3 个项目的派生字段与其阶段记录、进度填报和到位资金一致。\n")
    assert derived() == kept


def test_an_unknown_user_is_an_error(ledger):
    with pytest.raises(CommandError, match="nobody"):
        call_command("check_ledger", "--repair", "--user", "nobody", stdout=io.StringIO())
