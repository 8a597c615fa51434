"""The ledger export writes user text as text and survives control characters (issue 11, parts 3 and 4)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhaoshang.projects.models import Project
from zhaoshang.transfer.exporter import export_ledger
from zhaoshang.transfer.templates_xlsx import build_template

pytestmark = pytest.mark.django_db


def test_formula_text_and_control_characters_in_the_export(client, users, make_project):
    project = make_project(contract_amount=Decimal("10"))
    Project.objects.filter(pk=project.pk).update(
        name='=HYPERLINK("http://evil","点我")', county_leader="=cmd|' /C calc'!A0", remarks="铃\x07声"
    )
    client.force_login(users["bureau"])
    response = client.get(reverse("transfer:export"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    sheet = book["项目"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("项目名称")].value.startswith("=HYP"))
    for title, expected in (("项目名称", '=HYPERLINK("http://evil","点我")'), ("备注", "铃声")):
        cell = row[header.index(title)]
        assert cell.data_type == "s" and cell.value == expected
    assert row[header.index("项目名称")].quotePrefix


def test_unit_names_in_the_template_are_text(units):
    units["a"].name = "=1+2"
    units["a"].save()
    book = load_workbook(io.BytesIO(build_template(units=[units["a"]])))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value == "=1+2"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_export_function_with_hostile_text(users, make_project):
    project = make_project()
    Project.objects.filter(pk=project.pk).update(name="@SUM(1)\x01")
    data = export_ledger(Project.objects.all())
    book = load_workbook(io.BytesIO(data))
    assert any(c.value == "@SUM(1)" and c.data_type == "s" for row in book["项目"].iter_rows() for c in row)
