"""Issue 11 part 9: a system-wide change log for admins and supervisors, deleted records included."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from zhaoshang.audit import selectors
from zhaoshang.organization import services as org_services
from zhaoshang.projects import services
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db

LOG = "/audit/"


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("supervisor", 200), ("bureau", 403), ("leader", 403), ("reporter_a", 403)],
)
def test_only_admins_and_supervisors_read_the_log(client, users, role, status):
    client.force_login(users[role])
    assert client.get(reverse("audit:log")).status_code == status
    nav = client.get(reverse("home"), follow=True).content.decode()
    assert (reverse("audit:log") in nav) == (status == 200)


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("audit:log"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_log_merges_every_history_with_who_kind_and_before_after(client, users, units, make_project):
    project = make_project(name="光伏组件项目", user=users["bureau"])
    services.update_project(user=users["bureau"], project=project, data={"county_leader": "王县长"})
    org_services.save_user(
        user=users["admin"],
        account=users["reporter_b"],
        data={"role": "bureau", "unit": units["county"]},
    )
    org_services.save_unit(user=users["admin"], unit=units["b"], data={"name": "河口镇", "tier": 3})
    client.force_login(users["supervisor"])
    html = client.get(reverse("audit:log")).content.decode()
    # Ledger, users and units in one list.
    for text in ("光伏组件项目", "王县长", "河口乡", "河口镇", "reporter_b", "单位联络员", "招商局工作人员"):
        assert text in html, text
    entries, _ = selectors.page()
    kinds = {(e.label, e.action) for e in entries}
    assert {("projects.project", "+"), ("projects.project", "~"), ("organization.user", "~")} <= kinds
    role_change = next(e for e in entries if e.label == "organization.user" and e.action == "~")
    assert role_change.who == users["admin"]
    assert [(c.old, c.new) for c in role_change.changes if c.label == "角色"] == [("单位联络员", "招商局工作人员")]


def test_deleted_project_is_in_the_log_and_its_page_shows_the_last_values(client, users, make_project):
    project = make_project(name="待删除项目", user=users["bureau"])
    services.update_project(user=users["bureau"], project=project, data={"county_leader": "李县长"})
    pk = project.pk
    services.delete_project(user=users["bureau"], project=project)
    assert not Project.objects.filter(pk=pk).exists()
    client.force_login(users["admin"])
    html = client.get(reverse("audit:log"), {"model": "projects.project"}).content.decode()
    assert "待删除项目" in html and "删除" in html
    page = client.get(reverse("audit:object", args=["projects.project", pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="last-values"' in html and "待删除项目" in html and "李县长" in html
    assert html.count("<tr>") >= 3 + 1  # created, changed, deleted (+ the header row)


def test_filters_by_user_model_and_dates(client, users, units, make_project, settings):
    make_project(name="局里的项目", user=users["bureau"])
    org_services.save_unit(user=users["admin"], unit=units["b"], data={"name": "河口镇", "tier": 3})
    client.force_login(users["admin"])
    by_admin = client.get(reverse("audit:log"), {"user": users["admin"].pk}).content.decode()
    assert "河口镇" in by_admin and "局里的项目" not in by_admin
    by_model = client.get(reverse("audit:log"), {"model": "organization.unit"}).content.decode()
    assert "河口镇" in by_model and "局里的项目" not in by_model
    entries, _ = selectors.page(label="projects.project")
    day = entries[0].when.astimezone().date()
    same_day = client.get(reverse("audit:log"), {"from": day, "to": day}).content.decode()
    assert "局里的项目" in same_day
    later = day + dt.timedelta(days=1)
    none = client.get(reverse("audit:log"), {"from": later, "to": later}).content.decode()
    assert "局里的项目" not in none


@pytest.mark.parametrize(
    "query",
    [
        {"user": "abc"},
        {"user": "999999"},
        {"model": "projects.nothing"},
        {"from": "2026-13-01"},
        {"to": "0001-01-01"},
        {"from": "9999-12-31"},
        {"from": "2026-05-02", "to": "2026-05-01"},
        {"before": "garbage"},
    ],
)
def test_a_bad_filter_value_is_a_400_with_a_chinese_message(client, users, query):
    client.force_login(users["admin"])
    response = client.get(reverse("audit:log"), query)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="alert alert-danger"' in html
    message = html.split('class="alert alert-danger" role="alert">')[1].split("</div>")[0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


def test_keyset_pages_of_fifty_newest_first_without_gaps_or_repeats(client, users, units):
    for i in range(60):
        org_services.save_unit(user=users["admin"], unit=units["b"], data={"name": f"河口乡{i:02d}", "tier": 2})
    total = sum(selectors.history_model(m).objects.count() for m in selectors.tracked_models().values())
    seen, cursor, pages = [], None, 0
    while True:
        entries, cursor = selectors.page(cursor=cursor)
        pages += 1
        assert len(entries) <= selectors.PAGE_SIZE
        seen.extend((e.label, e.record.history_id) for e in entries)
        keys = [(e.when, e.label, e.record.history_id) for e in entries]
        assert keys == sorted(keys, reverse=True)
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == total and pages == -(-total // selectors.PAGE_SIZE)
    # Through the page: the first page has 50 rows and a link to the next.
    client.force_login(users["admin"])
    html = client.get(reverse("audit:log")).content.decode()
    assert html.count('<a href="/audit/') == selectors.PAGE_SIZE and 'id="next-page"' in html
    next_href = html.split('id="next-page" href="')[1].split('"')[0].replace("&amp;", "&")
    assert client.get(reverse("audit:log") + next_href).status_code == 200


def test_project_page_links_to_its_change_log_for_allowed_roles(client, users, make_project):
    project = make_project()
    link = reverse("audit:object", args=["projects.project", project.pk])
    for role, shown in (("admin", True), ("supervisor", True), ("bureau", False), ("reporter_a", False)):
        client.force_login(users[role])
        html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
        assert (link in html) == shown, role
        if shown:
            assert "变更记录" in html
    client.force_login(users["reporter_a"])
    assert client.get(link).status_code == 403


def test_unknown_record_type_or_id_is_404(client, users):
    client.force_login(users["admin"])
    assert client.get(reverse("audit:object", args=["projects.nothing", 1])).status_code == 404
    assert client.get(reverse("audit:object", args=["projects.project", 987654])).status_code == 404


def test_the_login_log_is_linked_for_admins_only(client, users):
    login_log = reverse("accounts:login_log")
    client.force_login(users["admin"])
    assert f'href="{login_log}"' in client.get(reverse("audit:log")).content.decode()
    client.force_login(users["supervisor"])
    assert login_log not in client.get(reverse("audit:log")).content.decode()
    assert client.get(login_log).status_code == 403
