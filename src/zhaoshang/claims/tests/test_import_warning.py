"""An import checks the projects it wrote for double claims (found_by=IMPORT) and its result page lists them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from zhaoshang.claims.choices import FoundBy
from zhaoshang.claims.models import ClaimPair
from zhaoshang.projects import services as projects
from zhaoshang.projects.models import Investor
from zhaoshang.transfer import columns as c
from zhaoshang.transfer.importer import import_workbook
from zhaoshang.transfer.tests import xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(users, units):
    investor = Investor.objects.create(name="浙江恒通新材料科技有限公司")
    return projects.create_project(
        user=users["bureau"],
        data={"code": "OLD-1", "name": "年产10万吨碳纤维复合材料项目", "planned_investment": Decimal("9000")},
        credits=[(units["a"], Decimal("100"))],
        investor=investor,
    )


def test_an_import_records_the_pairs_of_the_projects_it_wrote(tmp_path, users, units, recorded):
    sheets = {
        c.PROJECT_SHEET: [
            xlsx.project(
                "NEW-1",
                "新建10万吨碳纤维复合材料",
                **{c.P_INVESTOR: "恒通新材料科技股份有限公司", c.P_PLANNED: 9500, c.P_CREDITS: "T02"},
            ),
            xlsx.project("NEW-2", "乡村旅游综合体", **{c.P_CREDITS: "T02"}),
        ]
    }
    result = import_workbook(xlsx.write(tmp_path / "ledger.xlsx", sheets), user=users["bureau"])
    assert result.ok, result.errors
    pair = ClaimPair.objects.get()
    assert pair.found_by == FoundBy.IMPORT and {pair.code_a, pair.code_b} == {"OLD-1", "NEW-1"}
    assert result.double_claims == [pair.pk]

    def shown(user):
        request = RequestFactory().get("/")
        request.user = user
        template = Template("{% load claims %}{% import_double_claims ids %}")
        return template.render(Context({"request": request, "ids": result.double_claims}))

    page = shown(users["bureau"])
    assert "OLD-1" in page and "NEW-1" in page and "发现 1 对疑似重复申报" in page
    # Township B's reporter sees its own new project and only a notice for township A's.
    page = shown(users["reporter_b"])
    assert "NEW-1" in page and "另一单位已登记相似项目，招商局将核查" in page and "OLD-1" not in page


def test_a_dry_run_records_nothing(tmp_path, users, units, recorded):
    sheets = {c.PROJECT_SHEET: [xlsx.project("NEW-1", "新建10万吨碳纤维复合材料", **{c.P_CREDITS: "T02"})]}
    result = import_workbook(xlsx.write(tmp_path / "ledger.xlsx", sheets), user=users["bureau"], dry_run=True)
    assert result.ok and result.double_claims == [] and not ClaimPair.objects.exists()
