"""The import page, its downloads, and who may use them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.projects.models import Project
from zhaoshang.transfer import columns as c

from . import xlsx
from .conftest import snapshot

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(content: bytes, name: str = "数据.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def good_file() -> bytes:
    return xlsx.workbook_bytes(
        {
            c.PROJECT_SHEET: [xlsx.project("W1", "网页导入项目"), xlsx.project("W2", **{c.P_CREDITS: "T02"})],
            c.RECEIPT_SHEET: [xlsx.receipt("W1", dt.date(2024, 1, 1), 10)],
        }
    )


def bad_file() -> bytes:
    rows = [
        xlsx.project("W1"),
        xlsx.project("W2", **{c.P_PLANNED: -3}),
        xlsx.project("W3", **{c.P_CREDITS: "X99"}),
        xlsx.project("W4", **{"签约日期": "2024-13-45"}),
    ]
    return xlsx.workbook_bytes({c.PROJECT_SHEET: rows})


@pytest.fixture
def bureau_client(client, users):
    client.force_login(users["bureau"])
    return client


@pytest.mark.parametrize("role", ["reporter_a", "leader", "supervisor"])
def test_only_bureau_and_admin_may_import(client, users, role):
    client.force_login(users[role])
    url = reverse("transfer:import")
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": upload(good_file()), "action": "import"}).status_code == 403
    assert client.get(reverse("transfer:import_errors")).status_code == 403
    assert Project.objects.count() == 0


def test_login_required(client):
    assert client.get(reverse("transfer:import")).status_code == 302


@pytest.mark.parametrize("role", ["bureau", "admin"])
def test_page_has_the_form_and_the_template_link(client, users, role):
    client.force_login(users[role])
    page = client.get(reverse("transfer:import")).content.decode()
    assert 'id="import-form"' in page and 'enctype="multipart/form-data"' in page
    assert 'name="file"' in page
    assert 'name="action" value="validate"' in page and 'name="action" value="import"' in page
    assert reverse("transfer:template") in page


def test_errors_are_listed_and_downloadable(bureau_client, units):
    before = snapshot()
    response = bureau_client.post(reverse("transfer:import"), {"file": upload(bad_file()), "action": "import"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="import-errors"' in page and 'id="import-result"' not in page
    errors = response.context["result"].errors
    assert [(e.sheet, e.row, e.column) for e in errors] == [
        ("项目", 3, c.P_PLANNED),
        ("项目", 4, c.P_CREDITS),
        ("项目", 5, "签约日期"),
    ]
    tbody = page.split('id="import-errors"')[1].split("<tbody>")[1].split("</tbody>")[0]
    assert tbody.count("<tr>") == len(errors)
    assert "X99" in tbody and "2024-13-45" in tbody and "-3" in tbody
    assert reverse("transfer:import_errors") in page
    assert snapshot() == before

    download = bureau_client.get(reverse("transfer:import_errors"))
    assert download["Content-Type"] == XLSX
    rows = xlsx.read(download.content)["错误"]
    assert rows[0] == ("工作表", "行号", "列", "值", "原因")
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [(e.sheet, e.row, e.column) for e in errors]


def test_validate_then_import(bureau_client, units):
    url = reverse("transfer:import")
    response = bureau_client.post(url, {"file": upload(good_file()), "action": "validate"})
    page = response.content.decode()
    assert 'id="import-result"' in page and 'id="import-errors"' not in page
    assert Project.objects.count() == 0

    response = bureau_client.post(url, {"file": upload(good_file()), "action": "import"})
    page = response.content.decode()
    assert 'id="import-result"' in page
    assert response.context["result"].counts["项目"]["created"] == 2
    assert Project.objects.count() == 2
    assert Project.objects.get(code="W1").history.get().history_user.username == "bureau"
    # After a clean import there is no error file left to download.
    assert bureau_client.get(reverse("transfer:import_errors")).status_code == 404


def test_validate_then_import_without_choosing_the_file_again(bureau_client, units, settings, tmp_path):
    """Issue 12: after a clean validation, "Import" takes the file already checked (kept with its checksum)."""
    settings.DATA_DIR = tmp_path
    url = reverse("transfer:import")
    response = bureau_client.post(url, {"file": upload(good_file()), "action": "validate"})
    token = response.context["staged"]
    assert token and 'id="import-staged"' in response.content.decode()
    assert Project.objects.count() == 0 and (tmp_path / "imports" / f"{token}.xlsx").exists()
    # A wrong or replayed token imports nothing.
    assert bureau_client.post(url, {"action": "import_staged", "staged": "x" * 32}).context["upload_error"]
    response = bureau_client.post(url, {"action": "import_staged", "staged": token})
    assert response.context["result"].counts["项目"]["created"] == 2 and Project.objects.count() == 2
    assert not (tmp_path / "imports" / f"{token}.xlsx").exists()
    again = bureau_client.post(url, {"action": "import_staged", "staged": token})
    assert again.context["upload_error"] and Project.objects.count() == 2
    # A file with errors is not kept.
    assert not bureau_client.post(url, {"file": upload(bad_file()), "action": "validate"}).context["staged"]


@pytest.mark.parametrize("name", ["数据.xls", "数据.csv", "数据"])
def test_other_file_types_are_refused(bureau_client, units, name):
    response = bureau_client.post(reverse("transfer:import"), {"file": upload(good_file(), name), "action": "import"})
    assert response.status_code == 200
    assert response.context["upload_error"]
    assert 'id="upload-error"' in response.content.decode()
    assert Project.objects.count() == 0


def test_unreadable_xlsx_is_an_error_not_a_crash(bureau_client, units):
    response = bureau_client.post(
        reverse("transfer:import"), {"file": upload(b"not really a workbook"), "action": "import"}
    )
    assert response.status_code == 200
    assert len(response.context["result"].errors) == 1
    assert 'id="import-errors"' in response.content.decode()


def test_missing_file(bureau_client):
    response = bureau_client.post(reverse("transfer:import"), {"action": "import"})
    assert response.status_code == 200 and response.context["upload_error"]


def test_template_download(client, users, units):
    client.force_login(users["reporter_a"])  # anyone may fill in the template
    response = client.get(reverse("transfer:template"))
    assert response["Content-Type"] == XLSX
    assert "filename*=utf-8''" in response["Content-Disposition"]
    sheets = xlsx.read(response.content)
    assert list(sheets)[:3] == ["单位", "项目", "到位资金"]
    assert list(sheets["项目"][0]) == xlsx.PROJECT_HEADERS
    listed = {row[0] for row in sheets["单位"][1:]}
    assert {"T01", "T0101"} <= listed and "T02" not in listed  # the units this user may see
