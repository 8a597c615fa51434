"""The ledger import resolves 引进人 (with shares), 包抓县领导, 项目保姆 and 工作专班 to the register: unknown
names are errors naming row and column, or created when chosen; the export writes the shares and a 人员 sheet."""

import io
from decimal import Decimal

import openpyxl
import pytest

from zhaoshang.persons.models import Person
from zhaoshang.projects.models import Project
from zhaoshang.transfer import columns as c
from zhaoshang.transfer.exporter import export_ledger
from zhaoshang.transfer.importer import import_workbook
from zhaoshang.transfer.tests import xlsx

pytestmark = pytest.mark.django_db
D = Decimal


def sheets(introducer="张三:60%、孙八:40%", leader="王五", stewards="李四", team="赵六"):
    return {
        c.PROJECT_SHEET: [
            xlsx.project(
                "P1",
                "新材料项目",
                **{c.P_INTRODUCER: introducer, c.P_LEADER: leader, c.P_STEWARDS: stewards, c.P_TEAM: team},
            )
        ]
    }


def test_unknown_name_is_an_error_naming_row_and_column(users, persons):
    data = xlsx.workbook_bytes(sheets())
    result = import_workbook(io.BytesIO(data), user=users["bureau"], persons="link")
    assert [(e.sheet, e.row, e.column, e.value) for e in result.errors] == [("项目", 2, "引进人", "孙八")]
    assert result.errors[0].reason == "人员登记中没有 孙八。"
    assert not Project.objects.exists()  # all or nothing


def test_text_mode_keeps_names_as_text(users, persons):
    result = import_workbook(io.BytesIO(xlsx.workbook_bytes(sheets())), user=users["bureau"])
    assert result.ok
    project = Project.objects.get(code="P1")
    assert project.introducer == "张三:60%、孙八:40%" and not project.introducer_links.exists()


def test_create_mode_creates_unknown_names_and_links(users, persons, units):
    result = import_workbook(io.BytesIO(xlsx.workbook_bytes(sheets())), user=users["bureau"], persons="create")
    assert result.ok, result.errors
    project = Project.objects.get(code="P1")
    assert {(link.person.name, link.share) for link in project.introducer_links.all()} == {
        ("张三", D("60")),
        ("孙八", D("40")),
    }
    assert Person.objects.get(name="孙八").unit == units["a"]  # the project's credited unit T01
    assert project.leader == persons["wang"] and project.introducer == "张三:60%、孙八:40%"
    assert [p.name for p in project.steward_persons.all()] == ["李四"]
    assert [p.name for p in project.team_persons.all()] == ["赵六"]
    # The export writes the shares and the register; the file imports back unchanged.
    exported = export_ledger(Project.objects.all())
    book = openpyxl.load_workbook(io.BytesIO(exported))
    header = [cell.value for cell in book[c.PROJECT_SHEET][1]]
    row = [cell.value for cell in book[c.PROJECT_SHEET][2]]
    assert row[header.index(c.P_INTRODUCER)] == "张三:60%、孙八:40%"
    names = [r[0] for r in book[c.PERSON_SHEET].iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(["张三", "李四", "王五", "赵六", "孙八"])
    again = import_workbook(io.BytesIO(exported), user=users["bureau"], persons="link")
    assert again.ok, again.errors
    assert Person.objects.count() == 5


def test_shares_not_adding_up(users, persons):
    result = import_workbook(
        io.BytesIO(xlsx.workbook_bytes(sheets(introducer="张三:60%、李四:30%"))), user=users["bureau"], persons="link"
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "引进人")]
