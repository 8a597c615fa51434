"""The name tables page (名称对照) in a real browser, reached from the nav's import menu: an alias added through
its form, a refused one explained, the tables laid out. A screenshot goes to screenshots/ for a human to look at."""

from __future__ import annotations

import pytest

from zhaoshang.organization.models import UnitAlias
from zhaoshang.persons.models import Person
from zhaoshang.transfer.mappings import save_mapping

from .helpers import login, screenshot, zh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bureau_adds_a_unit_alias(page, page_log, users, units, stage_words):
    Person.objects.create(name="陈明", unit=units["county"], post="副县长")
    save_mapping(
        name="城关镇月报",
        columns=[
            {"header": "序号", "field": ""},
            {"header": "项目名称", "field": "name"},
            {"header": "总投资(亿元)", "field": "planned", "scale": "亿元"},
        ],
        options={"default_unit": "T01"},
        user=users["bureau"],
    )
    login(page, "bureau")
    page.goto("/")
    page.click("#nav-import")
    page.click("#nav-aliases")
    assert "active" in page.locator("#nav-import").get_attribute("class").split()
    assert page.locator("h1").inner_text() == zh("Name tables")
    page.fill("#id_unit-alias", "城关（盖章）")
    page.select_option("#id_unit-unit", label="城关镇")
    page.click("#unit-alias-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#unit-alias-table").inner_text().count("城关镇") == 1
    assert UnitAlias.objects.get().alias == "城关"
    page.fill("#id_unit-alias", "河口乡")
    page.select_option("#id_unit-unit", label="城关镇")
    page.click("#unit-alias-form button[type=submit]")
    page.wait_for_load_state()
    assert "河口乡" in page.locator("#unit-alias-form .alert-danger").inner_text()
    assert "在建" in page.locator("#stage-word-table").inner_text()
    assert "城关镇月报" in page.locator("#mapping-table").inner_text()
    assert page_log.page_errors == [] and page_log.static_problems() == []
    screenshot(page, "name-tables")
