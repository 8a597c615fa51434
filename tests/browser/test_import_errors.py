"""The bureau imports a 项目 sheet through /data/import/: a file with errors lists every error by row and
writes nothing; a correct file is checked, then imported."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import Workbook

from zhaoshang.projects.models import Project

from .helpers import ledger_totals, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADERS = [
    "项目编码",
    "项目名称",
    "投资方",
    "投资方来源地",
    "内外资",
    "行业",
    "项目类型",
    "计划总投资(万元)",
    "协议引资额(万元)",
    "注册资本(万元)",
    "用地(亩)",
    "引进单位",
    "当前阶段",
    "洽谈日期",
    "意向日期",
    "签约日期",
    "开工日期",
    "投产日期",
    "包抓县领导",
    "责任单位编码",
    "备注",
]


def project_row(code: str, **values) -> list:
    row = {
        "项目编码": code,
        "项目名称": f"{code} 新能源装备制造项目",
        "投资方": "浙江某某科技有限公司",
        "投资方来源地": "浙江杭州",
        "内外资": "内资",
        "行业": "制造业",
        "项目类型": "工业",
        "计划总投资(万元)": 1000,
        "协议引资额(万元)": 800,
        "引进单位": "T01",
        "当前阶段": "签约",
        "意向日期": dt.date(2024, 1, 5),
        "签约日期": dt.date(2024, 2, 1),
        "包抓县领导": "李四",
        **values,
    }
    return [row.get(header) for header in HEADERS]


def write_workbook(path, rows: list[list]):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "项目"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def choose_and_press(page, path, action: str, persons: str = "create") -> None:
    """Choose the file and press ``action``; the file's 包抓县领导 names are new to the register, so the bureau
    chooses to create them (the page's default, linking, lists unknown names as errors)."""
    page.set_input_files("#import-form input[name=file]", str(path))
    page.check(f"#persons-{persons}")
    with page.expect_navigation():
        page.click(f"#import-form button[name=action][value={action}]")
    # The file is checked or imported by a background job: the page polls its progress, then shows the result.
    page.wait_for_selector("#import-result, #import-errors")


def test_import_with_errors_lists_them_by_row_and_writes_nothing(page, users, tmp_path):
    path = write_workbook(
        tmp_path / "导入项目.xlsx",
        [
            project_row("IMP-OK"),  # row 2: correct
            project_row("IMP-NEG", **{"计划总投资(万元)": -5}),  # row 3
            project_row("IMP-UNIT", **{"引进单位": "X99"}),  # row 4
            project_row("IMP-DATE", **{"签约日期": "2024-13-45"}),  # row 5
        ],
    )
    login(page, "bureau")
    page.goto("/data/import/")
    choose_and_press(page, path, "import")

    errors = page.locator("#import-errors tbody tr")
    assert errors.count() >= 3
    assert page.locator("#import-result").count() == 0
    rows = page.locator("#import-errors tbody tr td:nth-child(2)").all_inner_texts()
    assert {row.strip() for row in rows} == {"3", "4", "5"}, rows
    table = page.inner_text("#import-errors")
    assert "X99" in table and "2024-13-45" in table and "-5" in table
    assert "项目" in page.locator("#import-errors tbody tr td:nth-child(1)").first.inner_text()
    screenshot(page, "import_errors")

    assert Project.objects.count() == 0
    choose_and_press(page, path, "validate", persons="link")  # linking lists the unknown names by row
    linked = page.locator("#import-errors tbody tr td:nth-child(2)").all_inner_texts()
    assert {"2", "3", "4", "5"} <= {row.strip() for row in linked} and "李四" in page.inner_text("#import-errors")
    page.goto("/projects/")
    assert ledger_totals(page).count == 0


def test_correct_import_is_checked_then_written(page, users, tmp_path):
    path = write_workbook(
        tmp_path / "projects.xlsx", [project_row("IMP-1"), project_row("IMP-2", **{"引进单位": "T02"})]
    )
    login(page, "bureau")
    page.goto("/data/import/")

    choose_and_press(page, path, "validate")
    assert page.is_visible("#import-result")
    assert page.locator("#import-errors").count() == 0
    assert Project.objects.count() == 0

    choose_and_press(page, path, "import")
    assert page.is_visible("#import-result")
    assert page.inner_text("#import-counts tr[data-sheet='项目'] [data-count=created]").strip() == "2"
    assert Project.objects.get(code="IMP-1").leader.name == "李四"
    screenshot(page, "import_result")
    project = Project.objects.get(code="IMP-1")
    assert (project.stage, project.stage_date, project.contract_amount) == (
        "signed",
        dt.date(2024, 2, 1),
        Decimal("800"),
    )
    assert [c.unit.code for c in Project.objects.get(code="IMP-2").credits.all()] == ["T02"]

    page.goto("/projects/")
    totals = ledger_totals(page)
    assert (totals.count, totals.planned, totals.contract) == (2, Decimal("2000"), Decimal("1600"))


def test_the_progress_page_finishes_with_the_summary(page, users, tmp_path):
    """A larger file: the page shows the job's progress bar, which htmx polls until the job's result replaces it."""
    rows = [project_row(f"BIG-{number:04d}", **{"包抓县领导": ""}) for number in range(1, 2501)]
    path = write_workbook(tmp_path / "大文件.xlsx", rows)
    login(page, "bureau")
    page.goto("/data/import/")
    page.set_input_files("#import-form input[name=file]", str(path))
    with page.expect_navigation():
        page.click("#import-form button[name=action][value=import]")
    assert "?job=" in page.url
    page.wait_for_selector("#import-result", timeout=120_000)
    assert page.locator("#job-progress").count() == 0
    assert page.inner_text("#import-counts tr[data-sheet='项目'] [data-count=created]").strip() == "2500"
    assert "大文件.xlsx" in page.inner_text("#import-result")
    assert Project.objects.filter(code__startswith="BIG-").count() == 2500


def test_reporters_cannot_open_the_import_page(page, users):
    login(page, "reporter_a")
    assert page.goto("/data/import/").status == 403
