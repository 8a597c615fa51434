"""A county's own sheet, as the bureau brings it in (issue 15): upload at /data/county/, the mapping screen (fields
per column, amounts in 亿元 read as 万元, names to confirm), a saved mapping, the check and the import as background
jobs followed on their progress page, then the ledger and the project page. Also: a run with errors gives the
user's file back with the errors marked, and a reporter cannot reach the pages."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from zhaoshang.organization.models import Unit, UnitAlias
from zhaoshang.projects.models import Project
from zhaoshang.transfer.mappings import get_mapping
from zhaoshang.transfer.tests import county_sheets as sheets

from .helpers import ledger_totals, login, screenshot

GUIDE_IMG = Path(__file__).resolve().parents[2] / "docs" / "guide" / "img"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def park(units):
    return Unit.objects.create(code="P01", name="县经济开发区", parent=units["county"], category="park", tier=1)


def shot(page, name: str) -> None:
    """A full-page screenshot in screenshots/; with GUIDE_SCREENSHOTS=1 also the user guide's copy
    (docs/guide/img/county-*.png, for docs/guide/county-import.md)."""
    path = screenshot(page, name)
    if os.environ.get("GUIDE_SCREENSHOTS"):
        shutil.copyfile(path, GUIDE_IMG / path.name)


def upload(page, path) -> None:
    page.goto("/data/county/")
    page.set_input_files("#county-upload-form input[name=file]", str(path))
    with page.expect_navigation():
        page.click("#county-upload")
    page.wait_for_selector("#county-columns")


def press(page, selector: str, done: str) -> None:
    """Press a button that starts a job: the progress page polls (htmx) and opens the result page."""
    with page.expect_navigation():
        page.click(selector)
    page.wait_for_selector(done)


def name_select(page, name: str):
    return page.locator(f'#county-unresolved [data-name="{name}"] select')


def test_county_sheet_mapped_checked_and_imported(page, users, park, stage_words, tmp_path):
    path = tmp_path / "重点项目推进情况调度表.xlsx"
    path.write_bytes(sheets.city_key_projects_xlsx())
    login(page, "bureau")
    page.click("#nav-import")  # the import menu leads to the page
    with page.expect_navigation():
        page.click("#nav-county")
    assert page.url.endswith("/data/county/")
    assert page.get_attribute("#help-link", "href") == "/help/county-import/"
    shot(page, "county-upload")
    upload(page, path)

    # 3.2 (亿元, from the title row) is read as 32000.00 万元; a month-only date stays a month.
    planned = page.locator('#county-preview tr[data-row="5"] [data-field=planned]').inner_text().strip()
    assert planned == "32000.00", planned
    assert "2025年3月" in page.locator('#county-preview tr[data-row="5"]').inner_text()
    # Names the product does not know are offered with their near matches; nothing is guessed.
    assert name_select(page, "经开区").input_value() == ""
    assert name_select(page, "城关").input_value() == ""
    assert "县经济开发区" in name_select(page, "经开区").locator("optgroup").first.inner_text()
    shot(page, "county-mapping")

    name_select(page, "经开区").select_option("P01")
    name_select(page, "城关").select_option("T01")
    with page.expect_navigation():
        page.click("#confirm-aliases")
    assert page.locator("#county-unresolved [data-name]").count() == 0
    assert set(UnitAlias.objects.values_list("alias", "unit__code")) == {("经开区", "P01"), ("城关", "T01")}

    page.select_option('#county-columns select[aria-label="项目状态"]', "")  # the stage follows from the dates
    page.fill("#id_mapping_name", "县重点项目调度表")
    press(page, "#county-check", "#county-checked, #county-errors-alert")
    assert page.locator("#county-errors-alert").count() == 0, page.inner_text("main")
    assert page.locator('#county-counts tr[data-sheet="项目"] [data-count=created]').inner_text().strip() == "4"
    assert get_mapping("县重点项目调度表") is not None
    assert Project.objects.count() == 0  # a check writes nothing
    shot(page, "county-checked")

    press(page, "#county-import-now", "#county-imported")
    assert page.locator('#county-counts tr[data-sheet="项目"] [data-count=created]').inner_text().strip() == "4"
    shot(page, "county-imported")
    assert Project.objects.count() == 4

    page.goto("/projects/")
    assert ledger_totals(page).count == 4
    assert "年产5万吨新型建材项目" in page.inner_text("main")

    project = Project.objects.get(name="年产5万吨新型建材项目")
    page.goto(f"/projects/{project.pk}/")
    text = page.inner_text("main")
    assert "2025年3月" in text  # signed in March 2025: no day invented
    # (The change log below still shows the stored day, 2025-03-01, with its precision "月" beside it.)
    opening = page.locator("tr.opening-balance")
    assert opening.count() == 1
    assert "期初结转" in opening.inner_text() and "2025-06-30" in opening.inner_text()
    assert "11,500.00" in opening.inner_text() or "11500.00" in opening.inner_text()

    page.goto("/data/import/names/")
    assert "经开区" in page.inner_text("main")
    shot(page, "county-names")
    page.goto("/help/county-import/")  # the guide page, with its screenshots
    assert "期初结转" in page.inner_text("main")
    assert page.evaluate("[...document.images].filter(i => i.src.includes('county-')).every(i => i.naturalWidth > 0)")


def test_check_with_errors_offers_the_marked_file(page, users, park, stage_words, tmp_path):
    path = tmp_path / "调度表.xlsx"
    path.write_bytes(sheets.city_key_projects_xlsx())
    login(page, "bureau")
    upload(page, path)
    # The names are left unconfirmed: each row naming them is an error, the file comes back marked.
    press(page, "#county-check", "#county-checked, #county-errors-alert")
    assert page.locator("#county-checked").count() == 0
    assert page.locator("#county-errors tbody tr").count() >= 2
    errors = page.inner_text("#county-errors")
    assert "经开区" in errors and "县经济开发区" in errors  # the near match is named, not chosen
    assert "已投产" in errors and "2025年3月" in errors  # a status word without its stage's date: what to do
    assert "在建" not in errors  # a known status word with its date is fine
    assert "没有名为" in errors and "No unit" not in errors  # the job speaks the page's language
    assert "此列为必填项" not in errors  # an unknown name is told once, not again as an empty 引进单位
    link = page.locator("#marked-file-link")
    assert link.count() == 1
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    shot(page, "county-errors")
    assert Project.objects.count() == 0


def test_reporter_gets_403(page, users):
    login(page, "reporter_a")
    assert page.locator("#nav-county").count() == 0
    response = page.goto("/data/county/")
    assert response.status == 403
