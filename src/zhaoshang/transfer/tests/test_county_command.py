"""``zhaoshang import`` with a county's own sheet: through a mapping file, printing the mapping it used."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhaoshang.organization.aliases import confirm_alias
from zhaoshang.organization.models import Unit
from zhaoshang.projects.models import Project

from . import county_sheets as sheets

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(tmp_path, users, units):
    park = Unit.objects.create(code="P01", name="县经济开发区", parent=units["county"], category="park", tier=1)
    confirm_alias(alias="经开区", unit=park, user=users["bureau"])
    confirm_alias(alias="城关", unit=units["a"], user=users["bureau"])
    path = tmp_path / "调度表.xlsx"
    path.write_bytes(sheets.city_key_projects_xlsx())
    return path


def test_a_mapping_file_is_used_and_printed(city, tmp_path, capsys):
    proposed = tmp_path / "proposed.json"
    with pytest.raises(CommandError):  # 已投产 without a 投产 date: refused, but the mapping is written
        call_command("import", str(city), "--dry-run", "--write-mapping", str(proposed), "--user", "bureau")
    data = json.loads(proposed.read_text(encoding="utf-8"))
    for column in data["columns"]:
        if column["header"] == "项目状态":
            column["field"] = ""
    data["name"] = "县重点项目调度表"
    edited = tmp_path / "县重点项目调度表.json"
    edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    call_command("import", str(city), "--mapping", str(edited), "--user", "bureau")
    out = capsys.readouterr().out
    assert "县重点项目调度表" in out
    assert "D 总投资(亿元) → 计划总投资" in out or "D 总投资（亿元） → 计划总投资" in out
    assert "G 项目状态 → — 不导入 —" in out
    assert "项目: 新增 4" in out.replace("  ", " ")
    assert Project.objects.get(name="年产5万吨新型建材项目").planned_investment == Decimal("32000.00")


def test_a_file_that_is_not_the_template_is_read_as_a_county_sheet(tmp_path, users, units, capsys):
    path = tmp_path / "统计表.csv"
    path.write_bytes(sheets.gbk_csv())
    with pytest.raises(CommandError):  # 县经济开发区 is not a unit here: an error naming the row
        call_command("import", str(path), "--user", "bureau")
    captured = capsys.readouterr()
    assert "县经济开发区" in captured.err
    assert "项目名称" in captured.out  # the mapping it used
    assert Project.objects.count() == 0


def test_a_saved_mapping_downloads_as_the_file_the_command_reads(city, tmp_path, client, users, capsys):
    from zhaoshang.transfer.county_import import Mapping, find_sheet
    from zhaoshang.transfer.mappings import save_mapping
    from zhaoshang.transfer.sources import open_source

    with open_source(city.read_bytes(), city.name) as book:
        mapping = Mapping.proposed(find_sheet(book)[0])
    mapping.columns["项目状态"] = ("", "")
    saved = save_mapping(name="县重点项目调度表", mapping=mapping.as_json(), user=users["bureau"])
    client.force_login(users["reporter_a"])
    assert client.get(f"/data/import/names/mapping/{saved.pk}/file/").status_code == 403
    client.force_login(users["bureau"])
    response = client.get(f"/data/import/names/mapping/{saved.pk}/file/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    path = tmp_path / "map.json"
    path.write_bytes(response.content)
    call_command("import", str(city), "--mapping", str(path), "--user", "bureau", "--dry-run")
    assert "县重点项目调度表" in capsys.readouterr().out
