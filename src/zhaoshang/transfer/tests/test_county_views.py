"""The county sheet's pages: upload, the mapping screen (columns, preview, names to confirm), saving a mapping,
the check and the import as jobs; and who may use them."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.jobs.models import Job
from zhaoshang.jobs.runner import run_pending
from zhaoshang.organization.models import Unit, UnitAlias
from zhaoshang.projects.models import Project
from zhaoshang.transfer.mappings import get_mapping

from . import county_sheets as sheets

pytestmark = pytest.mark.django_db


@pytest.fixture
def park(units):
    return Unit.objects.create(code="P01", name="县经济开发区", parent=units["county"], category="park", tier=1)


@pytest.fixture
def bureau_client(client, users):
    client.force_login(users["bureau"])
    return client


def upload(client, data: bytes, name: str = "调度表.xlsx"):
    response = client.post(reverse("transfer:county"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def test_mapping_screen_shows_columns_preview_and_names_to_confirm(bureau_client, park):
    url = upload(bureau_client, sheets.city_key_projects_xlsx())
    page = bureau_client.get(url).content.decode()
    # Each column with the field proposed from its header, the unit read from the title.
    assert re.search(r'name="field_3"[^>]*>.*?<option value="planned" selected', page, re.S)
    assert "单位：亿元" not in page or "亿元" in page
    # The first rows as they will be read: 3.2 (亿元) is 32000.00 万元, a month date stays a month.
    assert 'data-field="planned">32000.00<' in page
    assert "2025年3月" in page
    # 经开区 and 城关 are not known: offered with their near matches, nothing guessed.
    assert 'data-name="经开区"' in page and 'data-name="城关"' in page
    assert re.search(r'data-name="经开区".*?Near matches|data-name="经开区".*?相近', page, re.S)
    assert Project.objects.count() == 0


def test_confirming_names_records_aliases(bureau_client, park, units):
    url = upload(bureau_client, sheets.city_key_projects_xlsx())
    page = bureau_client.get(url).content.decode()
    fields = dict(re.findall(r'name="(alias_name_\d+)" value="([^"]+)"', page))
    post = {"action": "confirm_aliases"}
    for key, name in fields.items():
        post[key] = name
        post[key.replace("alias_name_", "alias_unit_")] = {"经开区": "P01", "城关": "T01"}[name]
    response = bureau_client.post(url, post)
    assert response.status_code == 200
    assert set(UnitAlias.objects.values_list("alias", "unit__code")) == {("经开区", "P01"), ("城关", "T01")}
    assert 'data-name="经开区"' not in response.content.decode()


def test_saving_a_mapping_and_importing_through_jobs(bureau_client, park, units, users):
    from zhaoshang.organization.aliases import confirm_alias

    confirm_alias(alias="经开区", unit=park, user=users["bureau"])
    confirm_alias(alias="城关", unit=units["a"], user=users["bureau"])
    url = upload(bureau_client, sheets.city_key_projects_xlsx())
    page = bureau_client.get(url).content.decode()
    post = {"mapping_name": "县重点项目调度表", "persons": "text"}
    for position, key in re.findall(r'name="field_(\d+)"[^>]*>.*?<option value="(\w*)" selected', page, re.S):
        post[f"field_{position}"] = key
    status = re.search(r'name="field_(\d+)" aria-label="项目状态"', page)[1]
    post[f"field_{status}"] = ""  # the stage follows from the dates
    response = bureau_client.post(url, {**post, "action": "check"})
    assert response.status_code == 302
    assert get_mapping("县重点项目调度表") is not None
    job = Job.objects.get()
    assert run_pending() == 1
    job.refresh_from_db()
    assert job.result["ok"] and job.result["counts"]["项目"]["created"] == 4
    assert Project.objects.count() == 0  # a check writes nothing
    result_page = bureau_client.get(response["Location"], follow=True).content.decode()
    assert "县重点项目调度表" in result_page or "4" in result_page
    # Import: the same file, the same mapping.
    response = bureau_client.post(url, {**post, "action": "import"})
    run_pending()
    assert Project.objects.count() == 4
    assert Project.objects.get(name="年产5万吨新型建材项目").planned_investment == Decimal("32000.00")


def test_errors_come_back_in_the_users_own_file(bureau_client, park):
    url = upload(bureau_client, sheets.city_key_projects_xlsx())
    page = bureau_client.get(url).content.decode()
    post = {"action": "check", "persons": "text"}
    for position, key in re.findall(r'name="field_(\d+)"[^>]*>.*?<option value="(\w*)" selected', page, re.S):
        post[f"field_{position}"] = key
    bureau_client.post(url, post)
    run_pending()
    job = Job.objects.get()
    assert not job.result["ok"]
    download = bureau_client.get(reverse("jobs:output", args=[job.pk]))
    assert download.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    marked = load_workbook(BytesIO(b"".join(download.streaming_content) if download.streaming else download.content))
    assert marked["调度表"]["K6"].comment is not None


@pytest.mark.parametrize("role", ["reporter_a", "leader", "supervisor"])
def test_only_bureau_staff(client, users, role, park):
    client.force_login(users[role])
    assert client.get(reverse("transfer:county")).status_code == 403
    response = client.post(reverse("transfer:county"), {"file": SimpleUploadedFile("a.xlsx", b"x")})
    assert response.status_code == 403


def test_another_users_upload_is_not_found(client, users, park):
    client.force_login(users["bureau"])
    url = upload(client, sheets.city_key_projects_xlsx())
    client.force_login(users["admin"])
    assert client.get(url).status_code == 404


def test_refused_files_say_why(bureau_client, units):
    response = bureau_client.post(reverse("transfer:county"), {"file": SimpleUploadedFile("a.docx", b"x")})
    assert "xlsx" in response.content.decode()
    url = upload(bureau_client, sheets.summary_xlsx(), "通报.xlsx")
    response = bureau_client.get(url, follow=True)
    assert "项目名称" in response.content.decode()


def test_a_leader_written_differently_is_offered_and_remembered(bureau_client, park, units):
    from zhaoshang.persons.models import Person, PersonAlias

    leader = Person.objects.create(name="王芳芳", unit=units["county"], post="副县长")
    url = upload(bureau_client, sheets.city_key_projects_xlsx())
    page = bureau_client.get(url).content.decode()
    assert 'data-person="王芳"' in page  # the sheet's 包抓领导 王芳: a near match, not a guess
    key = re.search(r'name="(alias_name_\d+)" value="王芳"', page)[1]
    post = {"action": "confirm_aliases", key: "王芳", key.replace("alias_name_", "alias_person_"): str(leader.pk)}
    bureau_client.post(url, post)
    assert PersonAlias.objects.get().person == leader
    page = bureau_client.get(url).content.decode()
    assert 'data-person="王芳"' not in page
