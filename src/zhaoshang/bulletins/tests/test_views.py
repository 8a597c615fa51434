"""Bulletin pages and who may do what: bureau and admin edit and issue; leaders and supervisors read and
download; reporters list and download issued bulletins only (drafts are a 404 for them)."""

from __future__ import annotations

import io

import docx
import openpyxl
import pytest
from django.urls import reverse

from zhaoshang.bulletins import services
from zhaoshang.bulletins.choices import Status
from zhaoshang.bulletins.models import Bulletin

from .conftest import JAN

READERS = ["leader", "supervisor"]
EDITORS = ["bureau", "admin"]
REPORTERS = ["reporter_a", "reporter_b"]


@pytest.fixture
def both(draft, users):
    """An issued January bulletin and the February draft."""
    january = services.create_draft(user=users["bureau"], period=draft.period, month=JAN)
    return services.issue(user=users["bureau"], bulletin=january), draft


def as_user(client, users, name):
    client.force_login(users[name])
    return client


def url(name, bulletin):
    return reverse(f"bulletins:{name}", args=[bulletin.pk])


@pytest.mark.parametrize("name", EDITORS + READERS)
def test_list_shows_drafts_to_the_county(client, users, both, name):
    issued, draft = both
    response = as_user(client, users, name).get(reverse("bulletins:list"))
    assert response.status_code == 200
    assert url("detail", issued) in response.text and url("detail", draft) in response.text


@pytest.mark.parametrize("name", REPORTERS)
def test_list_shows_reporters_issued_bulletins_only(client, users, both, name):
    issued, draft = both
    response = as_user(client, users, name).get(reverse("bulletins:list"))
    assert response.status_code == 200
    assert url("detail", issued) in response.text
    assert url("detail", draft) not in response.text
    assert reverse("bulletins:create") not in response.text


def test_list_filters_by_period(client, users, both, period):
    response = as_user(client, users, "bureau").get(reverse("bulletins:list"), {"period": period.pk})
    assert response.status_code == 200 and response.context["period"] == period
    assert len(response.context["bulletins"]) == 2


def test_anonymous_users_are_sent_to_log_in(client, both):
    issued, _draft = both
    for path in (reverse("bulletins:list"), url("detail", issued), url("docx", issued)):
        response = client.get(path)
        assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("name", EDITORS)
def test_editors_create_a_draft(client, users, period, ledger, name):
    client = as_user(client, users, name)
    assert client.get(reverse("bulletins:create")).status_code == 200
    response = client.post(reverse("bulletins:create"), {"period": period.pk, "month": "2025-02"})
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", bulletin)
    assert bulletin.status == Status.DRAFT and str(bulletin.month) == "2025-02-01"
    assert bulletin.title == "关于2025年2月全县招商引资工作进展情况的通报"
    assert bulletin.created_by == users[name]


def test_create_rejects_a_month_outside_the_period(client, users, period):
    response = as_user(client, users, "bureau").post(
        reverse("bulletins:create"), {"period": period.pk, "month": "2024-12"}
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not Bulletin.objects.exists()


@pytest.mark.parametrize("name", READERS + REPORTERS)
def test_others_cannot_create(client, users, period, name):
    client = as_user(client, users, name)
    assert client.get(reverse("bulletins:create")).status_code == 403
    assert client.post(reverse("bulletins:create"), {"period": period.pk, "month": "2025-02"}).status_code == 403
    assert not Bulletin.objects.exists()


def test_draft_page_for_the_bureau(client, users, draft):
    response = as_user(client, users, "bureau").get(url("detail", draft))
    assert response.status_code == 200
    assert response.context["form"] is not None and response.context["can_edit"]
    text = response.text
    assert 'id="issue-button"' in text and 'id="preview-docx"' in text
    assert "全县新签约项目3个" in text  # the same figures as the document
    assert 'id="table-township"' in text and "城关镇招商办" in text
    assert [t.label for t in response.context["tables"]] == ["乡镇", "县直部门"]


@pytest.mark.parametrize("name", READERS)
def test_readers_see_a_draft_without_editing(client, users, draft, name):
    client = as_user(client, users, name)
    response = client.get(url("detail", draft))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert 'id="issue-button"' not in response.text
    assert client.get(url("docx", draft)).status_code == 200
    assert client.get(url("xlsx", draft)).status_code == 200
    assert client.post(url("detail", draft), {"title": "改"}).status_code == 403
    assert client.post(url("issue", draft)).status_code == 403
    assert client.post(url("delete", draft)).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.title.startswith("关于")


@pytest.mark.parametrize("name", REPORTERS)
def test_drafts_are_not_found_for_reporters(client, users, draft, name):
    client = as_user(client, users, name)
    for view in ("detail", "docx", "xlsx"):
        assert client.get(url(view, draft)).status_code == 404
    for view in ("detail", "issue", "delete"):
        assert client.post(url(view, draft)).status_code == 404
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


@pytest.mark.parametrize("name", REPORTERS + READERS)
def test_issued_bulletins_are_read_and_downloaded(client, users, both, name):
    issued, _draft = both
    client = as_user(client, users, name)
    response = client.get(url("detail", issued))
    assert response.status_code == 200 and 'id="download-docx"' in response.text
    word = client.get(url("docx", issued))
    assert word.status_code == 200
    assert word["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "filename*=utf-8''" in word["Content-Disposition"]
    document = docx.Document(io.BytesIO(b"".join(word.streaming_content)))
    lines = [p.text for p in document.paragraphs]
    assert lines[0] == "示范县招商引资工作领导小组办公室文件"
    assert "关于2025年1月全县招商引资工作进展情况的通报" in lines
    annex = client.get(url("xlsx", issued))
    assert annex.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(b"".join(annex.streaming_content))).sheetnames[0] == "汇总"
    assert client.post(url("detail", issued), {"title": "改"}).status_code == 403


def test_bureau_edits_the_draft(client, users, draft):
    client = as_user(client, users, "bureau")
    response = client.post(
        url("detail", draft),
        {
            "number": "第2期",
            "title": "二月通报",
            "date": "2025-03-05",
            "as_of": "2025-02-28",
            "big_project_amount": "3000",
            "requirements": "一要抓落实。\n二要抓整改。",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.number, draft.title, str(draft.date)) == ("第2期", "二月通报", "2025-03-05")
    assert draft.requirements == "一要抓落实。\n二要抓整改。"
    assert draft.history.first().history_user == users["bureau"]
    response = client.get(url("detail", draft))
    assert response.context["requirements"] == ["一要抓落实。", "二要抓整改。"]


def test_edit_errors_are_shown(client, users, draft):
    response = as_user(client, users, "bureau").post(
        url("detail", draft),
        {"number": "", "title": "x", "date": "2025-03-05", "as_of": "2024-12-31", "big_project_amount": "0"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    draft.refresh_from_db()
    assert draft.title.startswith("关于")


def test_bureau_issues_and_the_page_freezes(client, users, draft):
    client = as_user(client, users, "bureau")
    response = client.post(url("issue", draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.ISSUED and draft.issued_by == users["bureau"]
    page = client.get(url("detail", draft))
    assert page.context["form"] is None and 'id="issue-button"' not in page.text
    assert 'id="download-xlsx"' in page.text
    assert client.post(url("detail", draft), {"title": "改"}).status_code == 403
    client.post(url("delete", draft))
    assert Bulletin.objects.filter(pk=draft.pk, status=Status.ISSUED).exists()  # cannot be withdrawn


def test_bureau_deletes_a_draft(client, users, draft):
    response = as_user(client, users, "bureau").post(url("delete", draft))
    assert response.status_code == 302
    assert not Bulletin.objects.filter(pk=draft.pk).exists()


def test_second_issue_of_a_month_is_refused_with_a_message(client, users, draft, period):
    other = services.create_draft(user=users["bureau"], period=period, month=draft.month)
    client = as_user(client, users, "bureau")
    client.post(url("issue", draft))
    response = client.post(url("issue", other), follow=True)
    assert any("2025-02" in str(m) for m in response.context["messages"])
    other.refresh_from_db()
    assert other.status == Status.DRAFT


@pytest.fixture
def candidate(period, ledger, units, users, make_project):
    """January issued with T0101 alone last (T02 got 100 in January), so T0101 is a candidate in February."""
    import datetime as dt
    from decimal import Decimal

    from zhaoshang.projects import services as project_services

    project = make_project(units["b"], code="P7", name="河口乡小项目", planned_investment=Decimal("100"))
    project_services.add_receipt(user=users["bureau"], project=project, date=dt.date(2025, 1, 25), amount=Decimal(100))
    january = services.create_draft(user=users["bureau"], period=period, month=JAN)
    services.issue(user=users["bureau"], bulletin=january)
    from .conftest import FEB

    return services.create_draft(user=users["bureau"], period=period, month=FEB), units["a_section"]


def test_the_bureau_records_a_finding_on_the_draft_page(client, users, candidate):
    february, unit = candidate
    client.force_login(users["bureau"])
    page = client.get(february.get_absolute_url()).content.decode()
    assert 'id="accountability"' in page and f'id="candidate-{unit.pk}"' in page
    url = reverse("bulletins:finding", args=[february.pk, unit.pk])
    refused = client.post(url, {"held": "1", "reason": ""}, follow=True)
    assert "请填写认定理由" in refused.content.decode()
    assert not february.findings.exists()
    client.post(url, {"held": "1", "reason": "经组织认定属人为努力不够"})
    finding = february.findings.get()
    assert finding.held and finding.reason == "经组织认定属人为努力不够" and finding.decided_by == users["bureau"]
    page = client.get(february.get_absolute_url()).content.decode()
    assert "城关镇招商办（经组织认定属人为努力不够）" in page


@pytest.mark.parametrize("name", [*READERS, *REPORTERS])
def test_only_editors_record_findings(client, users, candidate, name):
    february, unit = candidate
    client.force_login(users[name])
    response = client.post(reverse("bulletins:finding", args=[february.pk, unit.pk]), {"held": "1", "reason": "x"})
    assert response.status_code in (403, 404)
    assert not february.findings.exists()


def test_a_correction_from_the_issued_page_and_both_shown(client, users, both):
    january, _draft = both
    client.force_login(users["bureau"])
    page = client.get(january.get_absolute_url()).content.decode()
    assert 'id="correct-button"' in page
    response = client.post(reverse("bulletins:correct", args=[january.pk]))
    correction = Bulletin.objects.get(corrects=january)
    assert response["Location"] == correction.get_absolute_url()
    services.issue(user=users["bureau"], bulletin=correction)
    old = client.get(january.get_absolute_url()).content.decode()
    assert 'id="superseded"' in old and correction.get_absolute_url() in old and 'id="correct-button"' not in old
    listing = client.get(reverse("bulletins:list")).content.decode()
    assert "已更正" in listing and "更正" in listing
    client.force_login(users["reporter_a"])
    assert client.get(correction.get_absolute_url()).status_code == 200  # issued: every unit reads it
    assert client.post(reverse("bulletins:correct", args=[correction.pk])).status_code == 403


def test_the_bureau_edits_the_document_settings(client, users, draft):
    settings_url = reverse("bulletins:settings")
    page = as_user(client, users, "bureau").get(settings_url).content.decode()
    assert 'placeholder="示范县招商引资工作领导小组办公室文件"' in page  # the default, from the county's name
    response = client.post(settings_url, {"masthead": "示范县投资促进局文件", "issuer": "", "printer": ""})
    assert response.status_code == 302
    lines = [
        p.text for p in docx.Document(io.BytesIO(b"".join(client.get(url("docx", draft)).streaming_content))).paragraphs
    ]
    assert lines[0] == "示范县投资促进局文件"
    assert "示范县招商引资工作领导小组办公室" in lines  # the signature keeps its default
    assert 'value="示范县投资促进局文件"' in client.get(settings_url).content.decode()


@pytest.mark.parametrize("name", READERS + REPORTERS)
def test_only_the_bureau_edits_the_document_settings(client, users, name):
    settings_url = reverse("bulletins:settings")
    assert as_user(client, users, name).get(settings_url).status_code == 403
    assert client.post(settings_url, {"masthead": "某某文件"}).status_code == 403
