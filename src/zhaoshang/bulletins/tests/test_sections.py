"""Sections (科室) in the bulletin (issue 14): a unit's sections that hold targets are ranked among themselves
(``engine.ranking_key``: "section:<unit id>"), so the bulletin gives them their own table, "<unit>所属科室", after
the categories' tables, and its lists name them apart from the townships.

The root fixture's tree: C00 county ─┬─ T01 城关镇 (tier 1) ─┬─ T0101 城关镇招商办 (made a section here)
                                     │                       └─ T0102 城关镇经发办 (a section)
                                     ├─ T02 河口乡 (tier 2)
                                     └─ D01 (department, tier 2)
Period Q2 2026-03-01 … 2026-05-31, as of its end (schedule progress 100%), no recognition rules. Tiers 1 and 2:
签约 (projects signed, target 2; or the contract amount signed, target 10000万) and 到位资金 (funds, 2000万), weights
equal. Each section holds its own 签约 only.

Project S1: T0101 100%, contract 5000万, signed 2026-04-01; funds 800万 on 2026-04-20. With the roll-up:
  T0101 签约 max(1/2, 5000/10000) = 50%, score 50%; T0102 nothing, 0% — 城关镇所属科室: T0101 1st, T0102 2nd.
  T01 (S1 rolled up) 签约 50%, 到位资金 800/2000 = 40%, score 45%; T02 0%; D01 0% (the only department).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.bulletins import compute
from zhaoshang.bulletins import presentation as show
from zhaoshang.organization.models import Unit
from zhaoshang.projects import services
from zhaoshang.targets import services as targets
from zhaoshang.targets.services import IndicatorData

pytestmark = pytest.mark.django_db
D = Decimal
START, END = dt.date(2026, 3, 1), dt.date(2026, 5, 31)
SIGNED = [
    IndicatorData(kind="count", stage="signed", target=D("2")),
    IndicatorData(kind="amount", stage="signed", target=D("10000")),
]
FUNDS = [IndicatorData(kind="funds", amount_field="planned_investment", target=D("2000"))]


@pytest.fixture
def q2(users, units):
    Unit.objects.filter(pk=units["a_section"].pk).update(category="section", tier=None)
    second = Unit.objects.create(code="T0102", name="城关镇经发办", parent=units["a"], category="section")
    bureau = users["bureau"]
    data = {"code": "Q2", "name": "第二季度", "start": START, "end": END}
    period = targets.save_period(
        user=bureau, data={**data, "exclude_government_funded": False, "exclude_local_relocation": False}
    )
    for tier in (1, 2):
        targets.save_group(user=bureau, period=period, tier=tier, name="签约", indicators=SIGNED)
        targets.save_group(user=bureau, period=period, tier=tier, name="到位资金", indicators=FUNDS, order=1)
    for section in (units["a_section"], second):
        targets.save_group(user=bureau, period=period, unit=section, name="签约", indicators=SIGNED)
    project = services.create_project(
        user=bureau,
        data={"code": "S1", "name": "项目S1", "contract_amount": D("5000"), "planned_investment": D("5000")},
        credits=[(units["a_section"], D("100"))],
    )
    services.record_stage(user=bureau, project=project, stage="signed", date=dt.date(2026, 4, 1))
    services.add_receipt(user=bureau, project=project, date=dt.date(2026, 4, 20), amount=D("800"))
    return period


def snapshot(period):
    return compute.build_snapshot(
        period=period, month=dt.date(2026, 5, 1), as_of=END, basis="reported", big_project_amount=D("10000")
    )


def test_the_snapshot_names_the_ranked_sections_group(q2, units):
    data = snapshot(q2)
    key = f"section:{units['a'].pk}"
    assert data["section_groups"] == {key: {"code": "T01", "name": "城关镇"}}
    by_code = {unit["code"]: unit for unit in data["assessment"]["units"]}
    assert by_code["T0101"]["ranking_group"] == by_code["T0102"]["ranking_group"] == key
    assert "ranking_group" not in by_code["T01"] and "ranking_group" not in by_code["D01"]
    assert [(by_code[c]["rank"], by_code[c]["rank_of"], by_code[c]["score"]) for c in ("T0101", "T0102")] == [
        (1, 2, "0.5000"),
        (2, 2, "0.0000"),
    ]


def test_a_table_of_the_units_sections_after_the_categories(q2):
    tables = show.category_tables(snapshot(q2))
    assert [(t.category, t.label) for t in tables] == [
        ("township", "乡镇"),
        ("department", "县直部门"),
        ("sections-" + str(Unit.objects.get(code="T01").pk), "城关镇所属科室"),
    ]
    # The townships' table: 城关镇 45% (签约 50%, 到位资金 800/2000 = 40%), 河口乡 0%; no section among them.
    assert [row[:2] + row[-3:-1] for row in tables[0].rows] == [
        ["1", "城关镇", "45.0%", "45.0%"],
        ["2", "河口乡", "0.0%", "0.0%"],
    ]
    sections = tables[2]
    assert sections.headers == [
        "排名",
        "单位",
        "档次",
        "签约目标",
        "签约完成",
        "签约完成率",
        "综合完成率",
        "时序进度",
        "通报情况",
    ]
    assert sections.rows == [
        ["1", "城关镇招商办", "—", "2个", "1个", "50.0%", "50.0%", "50.0%", "黄牌警告"],
        ["2", "城关镇经发办", "—", "2个", "0个", "0.0%", "0.0%", "0.0%", "黄牌警告、任务未过半、无实绩"],
    ]


def test_the_lists_name_the_sections_apart_from_the_townships(q2):
    data = snapshot(q2)
    paragraphs = show.flag_paragraphs(data)
    assert paragraphs[3] == (
        "（四）黄牌警告（综合完成率低于时序进度70%）。乡镇：城关镇、河口乡；县直部门：县发改局；"
        "城关镇所属科室：城关镇招商办、城关镇经发办。"
    )
    assert paragraphs[5] == (
        "（六）无实绩（考核期内无任何实绩）。乡镇：河口乡；县直部门：县发改局；城关镇所属科室：城关镇经发办。"
    )
    assert show.big_project_paragraphs(data)[1] == (
        "上半年以来尚无10000万元以上新项目开工的单位：乡镇：城关镇、河口乡；县直部门：县发改局；"
        "城关镇所属科室：城关镇招商办、城关镇经发办。"
    )


def test_the_document_has_the_sections_table(q2):
    import io

    import docx

    from zhaoshang.bulletins.document import bulletin_docx

    data = snapshot(q2)
    document = docx.Document(
        io.BytesIO(bulletin_docx(snapshot=data, number="1", title="通报", date=END, requirements=""))
    )
    lines = [p.text for p in document.paragraphs]
    assert "表3  城关镇所属科室招商引资目标任务完成情况" in lines
    cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert ["1", "城关镇招商办", "—", "2个", "1个", "50.0%", "50.0%", "50.0%", "黄牌警告"] in cells


def test_without_ranked_sections_the_snapshot_gains_nothing(q2, units):
    # The sections' own targets removed: they are not ranked, and the snapshot has no key for them.
    from zhaoshang.targets.models import TargetGroup

    TargetGroup.objects.filter(period=q2, unit__isnull=False).delete()
    data = snapshot(q2)
    assert "section_groups" not in data
    assert all("ranking_group" not in unit for unit in data["assessment"]["units"])
    assert [t.category for t in show.category_tables(data)] == ["township", "department"]


@pytest.fixture
def points(q2):
    """A points scheme ranking by category: one item, 2 points per signed project of 1000万 or more (by share)."""
    from zhaoshang.targets.models import Scheme, SchemeItem

    scheme = Scheme.objects.create(period=q2, kind="points", ranking="category")
    SchemeItem.objects.create(
        scheme=scheme, order=0, code="K1", name="签约加分", section="bonus", function="banded", points=D(0),
        params={"bands": [["1000", None, "2"]]}, measure={"what": "count"},
    )  # fmt: skip
    return q2


def test_under_a_points_scheme_the_sections_have_their_own_table(points, units):
    data = snapshot(points)
    key = f"section:{units['a'].pk}"
    assert data["section_groups"] == {key: {"code": "T01", "name": "城关镇"}}
    tables = show.points_tables(data)
    # S1 (5000万) is 城关镇招商办's and, rolled up, 城关镇's: 2 points each; the others none. The sections' table
    # comes after every category's.
    assert [(t.group, t.label, t.rows) for t in tables] == [
        ("township", "乡镇", [["1", "城关镇", "2.00", "2.00"], ["2", "河口乡", "0.00", "0.00"]]),
        ("department", "县直部门", [["1", "县发改局", "0.00", "0.00"]]),
        ("jurisdiction", "辖区", [["1", "示范县", "0.00", "0.00"]]),  # a scheme scores every unit, the county too
        (key, "城关镇所属科室", [["1", "城关镇招商办", "2.00", "2.00"], ["2", "城关镇经发办", "0.00", "0.00"]]),
    ]
    assert "城关镇所属科室中，城关镇招商办以2.00分位列第一" in show.points_paragraph(data)


def test_the_annex_names_a_sections_ranking_group(points):
    from zhaoshang.bulletins import annex

    data = snapshot(points)
    flags = annex.flags_sheet(data)
    groups = {(row[2], row[4]) for row in flags.rows}
    assert ("城关镇经发办", "城关镇所属科室") in groups and ("河口乡", "乡镇") in groups
    ranked = [(row[0], row[1], row[3]) for row in annex.points_sheet(data).rows]
    assert ranked[-2:] == [("城关镇所属科室", 1, "城关镇招商办"), ("城关镇所属科室", 2, "城关镇经发办")]


def test_the_bulletin_page_shows_the_sections_table(client, users, q2):
    from django.urls import reverse

    from zhaoshang.bulletins import services as bulletins

    draft = bulletins.create_draft(user=users["bureau"], period=q2, month=dt.date(2026, 5, 1), as_of=END)
    client.force_login(users["bureau"])
    response = client.get(reverse("bulletins:detail", args=[draft.pk]))
    assert response.status_code == 200
    assert [t.label for t in response.context["tables"]] == ["乡镇", "县直部门", "城关镇所属科室"]
    html = response.content.decode()
    assert f'id="table-sections-{Unit.objects.get(code="T01").pk}"' in html
    assert "表3　城关镇所属科室招商引资目标任务完成情况" in html
