"""The catalogue (.docx read back, .pdf by LibreOffice), the .xlsx export and import, and the list's counts."""

import io
import re
import shutil
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import Workbook, load_workbook

from zhaoshang.library.models import Opportunity

pytestmark = pytest.mark.django_db


def test_catalogue_docx_holds_the_published_and_in_talks_titles(client, users, opportunities):
    client.force_login(users["reporter_a"])
    response = client.get(reverse("library:catalogue", args=["docx"]))
    assert response.status_code == 200 and response["Content-Type"].endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.content))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "招商项目目录" in paragraphs and "共2个项目" in paragraphs
    for title in ("甲镇已发布项目", "乙乡洽谈项目"):
        assert title in paragraphs and title in cells
    assert "ZS2026-010" in cells and "5,000.00" in cells
    assert "提报项目" not in paragraphs  # proposals are not in the catalogue
    assert client.get("/library/catalogue.exe").status_code == 404


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_catalogue_pdf(client, users, opportunities):
    client.force_login(users["bureau"])
    response = client.get(reverse("library:catalogue", args=["pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def _rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _upload(rows: list[list]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "library.xlsx"
    return buffer


def test_xlsx_round_trip_and_a_bad_row(client, users, units, opportunities):
    client.force_login(users["bureau"])
    Opportunity.objects.filter(pk=opportunities["a_published"].pk).update(title="=HYPERLINK(1)")
    response = client.get(reverse("library:list"), {"unit": units["a"].pk, "format": "xlsx"})
    rows = _rows(response.content)
    header = rows[0]
    assert header[:3] == ["项目编号", "标题", "单位"] and "计划总投资（万元）" in header
    assert len(rows) == 3  # township A's two, as filtered
    by_title = {row[1]: row for row in rows[1:]}
    published = by_title["=HYPERLINK(1)"]  # text, never a formula
    assert published[0] == "ZS2026-010" and published[header.index("计划总投资（万元）")] == 5000
    assert published[header.index("状态")] == "已发布"

    # Back in: the published row changed (it has a number), a new row proposed (it has none).
    published[1] = "甲镇已发布项目（新）"
    new = [None] * len(header)
    new[1], new[2], new[3], new[5], new[6] = "新提报项目", "河口乡", "制造业", "800", 12.5
    response = client.post(reverse("library:import"), {"file": _upload([header, published, new])})
    assert response.status_code == 302, response.content.decode()[:2000]
    opportunities["a_published"].refresh_from_db()
    assert opportunities["a_published"].title == "甲镇已发布项目（新）"
    assert opportunities["a_published"].status == "published"
    created = Opportunity.objects.get(title="新提报项目")
    assert (created.unit, created.status, created.industry) == (units["b"], "proposed", "C")
    assert (created.investment, created.land_area) == (Decimal("800.00"), Decimal("12.50"))
    assert created.history.first().history_user == users["bureau"]

    # One bad cell: a Chinese error naming its row and column, and nothing written.
    good, bad = list(new), list(new)
    good[1], bad[1], bad[5] = "好的一行", "坏的一行", "很多钱"
    before = Opportunity.objects.count()
    response = client.post(reverse("library:import"), {"file": _upload([header, good, bad])})
    page = response.content.decode()
    assert response.status_code == 200
    assert "第3行“计划总投资（万元）”列" in page and "金额必须是数字" in page
    assert Opportunity.objects.count() == before


def test_reporter_import_is_their_units_only(client, users, units, opportunities):
    client.force_login(users["reporter_b"])
    header = ["项目编号", "标题", "单位"]
    response = client.post(
        reverse("library:import"), {"file": _upload([header, ["ZS2026-010", "夺取", ""], [None, "甲镇的", "城关镇"]])}
    )
    page = response.content.decode()
    assert "第2行“项目编号”列" in page and "第3行“单位”列" in page
    response = client.post(reverse("library:import"), {"file": _upload([header, [None, "乙乡导入", None]])})
    assert response.status_code == 302
    assert Opportunity.objects.get(title="乙乡导入").unit == units["b"]


def test_status_counts_equal_the_rows_their_links_show(client, users, units, opportunities):
    client.force_login(users["reporter_b"])
    page = client.get(reverse("library:list"), {"industry": "C"}).content.decode()
    links = re.findall(r'data-status="(\w+)" data-count="(\d+)" href="\?([^"]*)"', page)
    assert {status: int(n) for status, n, _q in links} == {
        "proposed": 1,
        "published": 1,
        "in_talks": 1,
        "landed": 0,
        "withdrawn": 0,
    }
    for _status, count, query in links:
        shown = client.get(reverse("library:list") + "?" + query.replace("&amp;", "&")).content.decode()
        assert shown.count('class="opportunity-row"') == int(count)
        assert f'id="library-count">{count}<' in shown
    # The other filters narrow the list too.
    rows = client.get(reverse("library:list"), {"q": "新材料"}).content.decode().count('class="opportunity-row"')
    assert rows == 1
    ranged = {"min_investment": "6000"}
    assert client.get(reverse("library:list"), ranged).content.decode().count('class="opportunity-row"') == 0
    assert client.get(reverse("library:list"), {"unit": units["a"].pk}).content.decode().count("opportunity-row") == 1
