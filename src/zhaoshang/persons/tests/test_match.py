"""``zhaoshang match_persons``: links the free-text names, reports the rest, keeps the text, runs twice safely."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from zhaoshang.persons.models import Person
from zhaoshang.persons.services import match_persons, parse_shares, split_names

pytestmark = pytest.mark.django_db
D = Decimal


def test_split_and_parse():
    assert split_names("张三、李四，王五, 赵六;张三") == ["张三", "李四", "王五", "赵六"]
    assert parse_shares("张三:60%、李四：40％") == [("张三", D("60")), ("李四", D("40"))]
    with pytest.raises(ValueError):
        parse_shares("张三:多")


def run(*args):
    out = io.StringIO()
    try:
        call_command("match_persons", *args, stdout=out)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue()


def test_match_links_and_reports_unmatched(persons, make_project, units):
    p1 = make_project(
        code="P1", introducer="张三:60%、李四:40%", county_leader="王五", stewards="张三、钱七", work_team="赵六"
    )
    p2 = make_project(code="P2", introducer="张三、孙八")
    code, out = run()
    assert code == 1
    assert "P1 项目保姆：人员登记中没有 钱七" in out
    assert "孙八" in out
    assert {(link.person.name, link.share) for link in p1.introducer_links.all()} == {
        ("张三", D("60")),
        ("李四", D("40")),
    }
    p1.refresh_from_db()
    assert p1.leader == persons["wang"] and p1.county_leader == "王五"
    assert [p.name for p in p1.steward_persons.all()] == ["张三"]
    assert [p.name for p in p1.team_persons.all()] == ["赵六"]
    assert not p2.introducer_links.exists()  # 孙八 unknown: no partial split
    assert p2.introducer == "张三、孙八"  # nothing lost
    again = match_persons()
    assert again.linked == 0 and {name for _c, _f, name in again.unmatched} == {"钱七", "孙八"}


def test_match_create_makes_unknown_persons_in_the_project_unit(persons, make_project, units):
    p2 = make_project(units["b"], code="P2", introducer="张三、孙八")
    report = match_persons(create=True)
    assert report.unmatched == [] and report.created == ["孙八（河口乡）"]
    assert Person.objects.get(name="孙八").unit == units["b"]
    assert {(link.person.name, link.share) for link in p2.introducer_links.all()} == {
        ("张三", D("50")),
        ("孙八", D("50")),
    }
    assert match_persons(create=True).created == []


def test_shared_name_resolved_by_the_project_unit(persons, make_project, units):
    Person.objects.create(name="张三", unit=units["b"])
    p1 = make_project(units["b"], code="P1", county_leader="张三")
    p2 = make_project(units["dept"], code="P2", county_leader="张三")
    report = match_persons()
    p1.refresh_from_db()
    assert p1.leader.unit == units["b"]
    assert report.ambiguous == [("P2", "county_leader", "张三")]
    p2.refresh_from_db()
    assert p2.leader is None
