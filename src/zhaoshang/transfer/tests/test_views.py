"""The import page, its downloads, and who may use them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.jobs import runner
from zhaoshang.jobs.models import Job
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


def run_job(client, response):
    """The page after the import job the form submitted has run (``jobs.runner.run_pending``: the real runner)."""
    assert response.status_code == 302 and "?job=" in response["Location"], response
    assert runner.run_pending() == 1
    return client.get(response["Location"])


def post(client, data):
    """Post the import form; when it starts a job, run it and return the page showing its result."""
    response = client.post(reverse("transfer:import"), data)
    return run_job(client, response) if response.status_code == 302 else response


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
    assert Project.objects.count() == 0 and not Job.objects.exists()


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
    response = post(bureau_client, {"file": upload(bad_file()), "action": "import"})
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
    job = response.context["job"]
    errors_url = f"{reverse('transfer:import_errors')}?job={job.pk}"
    assert errors_url in page
    assert snapshot() == before

    download = bureau_client.get(errors_url)
    assert download["Content-Type"] == XLSX
    rows = xlsx.read(download.content)["错误"]
    assert rows[0] == ("工作表", "行号", "列", "值", "原因")
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [(e.sheet, e.row, e.column) for e in errors]


def test_validate_then_import(bureau_client, units):
    response = post(bureau_client, {"file": upload(good_file()), "action": "validate"})
    page = response.content.decode()
    assert 'id="import-result"' in page and 'id="import-errors"' not in page
    assert Project.objects.count() == 0

    response = post(bureau_client, {"file": upload(good_file()), "action": "import"})
    page = response.content.decode()
    assert 'id="import-result"' in page
    assert response.context["result"].counts["项目"]["created"] == 2
    assert Project.objects.count() == 2
    assert Project.objects.get(code="W1").history.get().history_user.username == "bureau"
    # After a clean import there is no error file left to download.
    job = response.context["job"]
    assert bureau_client.get(f"{reverse('transfer:import_errors')}?job={job.pk}").status_code == 404
    assert not job.input_path().exists()  # the job's copy of the upload is gone once it ended


def test_validate_then_import_without_choosing_the_file_again(bureau_client, units, settings, tmp_path):
    """Issue 12: after a clean validation, "Import" takes the file already checked (kept with its checksum)."""
    url = reverse("transfer:import")
    response = post(bureau_client, {"file": upload(good_file()), "action": "validate"})
    token = response.context["staged"]
    assert token and 'id="import-staged"' in response.content.decode()
    assert Project.objects.count() == 0 and (tmp_path / "imports" / f"{token}.xlsx").exists()
    # A wrong or replayed token imports nothing.
    assert bureau_client.post(url, {"action": "import_staged", "staged": "x" * 32}).context["upload_error"]
    response = post(bureau_client, {"action": "import_staged", "staged": token})
    assert response.context["result"].counts["项目"]["created"] == 2 and Project.objects.count() == 2
    assert not (tmp_path / "imports" / f"{token}.xlsx").exists()
    again = bureau_client.post(url, {"action": "import_staged", "staged": token})
    assert again.context["upload_error"] and Project.objects.count() == 2
    # A file with errors is not kept.
    response = post(bureau_client, {"file": upload(bad_file()), "action": "validate"})
    assert response.context["result"].errors and not response.context["staged"]
    assert not list((tmp_path / "imports").iterdir())


def test_import_staged_needs_a_clean_check(bureau_client, units, tmp_path):
    """The file kept for "Import now" is imported only once its check has ended without errors."""
    url = reverse("transfer:import")
    bureau_client.post(url, {"file": upload(good_file()), "action": "validate"})  # the check has not run yet
    token = bureau_client.session["transfer_staged_import"]["token"]
    assert bureau_client.post(url, {"action": "import_staged", "staged": token}).context["upload_error"]
    assert Job.objects.count() == 1 and Project.objects.count() == 0


@pytest.mark.parametrize("name", ["数据.xls", "数据.csv", "数据"])
def test_other_file_types_are_refused(bureau_client, units, name):
    response = post(bureau_client, {"file": upload(good_file(), name), "action": "import"})
    assert response.status_code == 200
    assert response.context["upload_error"]
    assert 'id="upload-error"' in response.content.decode()
    assert Project.objects.count() == 0


def test_unreadable_xlsx_is_an_error_not_a_crash(bureau_client, units):
    response = post(bureau_client, {"file": upload(b"not really a workbook"), "action": "import"})
    assert response.status_code == 200
    assert len(response.context["result"].errors) == 1
    assert 'id="import-errors"' in response.content.decode()


def test_missing_file(bureau_client):
    response = post(bureau_client, {"action": "import"})
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


def test_the_page_follows_the_job_until_it_ends(bureau_client, users, units):
    """Before the job has run, the page shows its progress bar (htmx polls it); a finished job's progress
    answer sends the page to the result."""
    response = bureau_client.post(reverse("transfer:import"), {"file": upload(good_file()), "action": "import"})
    job = Job.objects.get()
    assert response["Location"] == f"{reverse('transfer:import')}?job={job.pk}"
    assert job.payload["dry_run"] is False and job.input_path().exists()
    page = bureau_client.get(response["Location"]).content.decode()
    assert 'id="import-job"' in page and 'id="job-progress"' in page and 'id="import-result"' not in page
    assert "正在导入 数据.xlsx" in page
    runner.run_pending()
    polled = bureau_client.get(reverse("jobs:progress", args=[job.pk]), headers={"HX-Request": "true"})
    assert polled["HX-Redirect"] == response["Location"]
    assert bureau_client.get(reverse("jobs:job", args=[job.pk]))["Location"] == response["Location"]


def test_an_import_job_is_its_creators_only(client, users, units):
    client.force_login(users["bureau"])
    response = post(client, {"file": upload(bad_file()), "action": "import"})
    job = response.context["job"]
    client.force_login(users["admin"])  # admins may follow any job
    assert client.get(f"{reverse('transfer:import')}?job={job.pk}").status_code == 200
    from zhaoshang.organization.models import User

    other = User.objects.create_user(username="bureau2", password="x", role="bureau", unit=users["bureau"].unit)
    client.force_login(other)
    assert client.get(f"{reverse('transfer:import')}?job={job.pk}").status_code == 404
    assert client.get(f"{reverse('transfer:import_errors')}?job={job.pk}").status_code == 404


def test_many_errors_are_all_in_the_file_the_first_on_the_page(bureau_client, units, monkeypatch):
    from zhaoshang.transfer import import_jobs

    monkeypatch.setattr(import_jobs, "ERRORS_SHOWN", 2)  # a small page limit, so that three errors exceed it
    response = post(bureau_client, {"file": upload(bad_file()), "action": "validate"})
    page = response.content.decode()
    assert response.context["result"].error_count == 3 and len(response.context["result"].errors) == 2
    assert "发现3处错误" in page and "另有 1 个错误" in page
    download = bureau_client.get(f"{reverse('transfer:import_errors')}?job={response.context['job'].pk}")
    assert len(xlsx.read(download.content)["错误"]) == 4
