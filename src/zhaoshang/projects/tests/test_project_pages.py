"""The project pages as a user meets them (issue 12): no stage badge before any stage, generated codes."""

from __future__ import annotations

from django.urls import reverse


def test_a_new_project_without_stages_shows_no_stage_badge(client, users, make_project, units):
    """Issue 12: a project just entered (no stage event) showed the 洽谈 badge."""
    project = make_project(units["a"])
    client.force_login(users["bureau"])
    page = client.get(project.get_absolute_url()).content.decode()
    badge = page.split('id="project-stage">')[1].split("</span>")[0]
    assert badge == "尚未登记阶段。"


def test_a_new_project_gets_the_next_code_of_the_pattern(client, users, make_project, settings):
    """Issue 12: project codes are generated (editable pattern); the form suggests the next free one."""
    from zhaoshang.core import clock

    year = clock.today().year
    make_project(code=f"ZS{year}-0007")
    make_project(code=f"ZS{year - 1}-0042")
    client.force_login(users["bureau"])
    form = client.get(reverse("projects:create")).context["form"]
    assert form.initial["code"] == f"ZS{year}-0008"
    settings.PROJECT_CODE_PATTERN = "XM-{year}-{seq:03d}"
    assert client.get(reverse("projects:create")).context["form"].initial["code"] == f"XM-{year}-001"


def test_site_wide_search_finds_projects_investors_and_units_the_user_may_see(client, users, units, make_project):
    """Issue 12: one search box for projects, investors and units; a reporter finds only their own projects."""
    from zhaoshang.projects import services

    own = make_project(units["a"], name="光伏组件项目")
    other = make_project(units["b"], name="光伏支架项目")
    services.get_or_create_investor(name="光伏集团有限公司")
    client.force_login(users["reporter_a"])
    assert 'id="site-search"' in client.get(reverse("projects:ledger")).content.decode()
    response = client.get(reverse("projects:search"), {"q": "光伏"})
    assert [p.pk for p in response.context["projects"]] == [own.pk] and other.pk not in response.context["projects"]
    client.force_login(users["bureau"])
    response = client.get(reverse("projects:search"), {"q": "光伏"})
    assert {p.pk for p in response.context["projects"]} == {own.pk, other.pk}
    assert [i.name for i in response.context["investors"]] == ["光伏集团有限公司"]
    units_found = client.get(reverse("projects:search"), {"q": units["a"].name}).context["units"]
    assert units["a"] in units_found


def test_many_codes_are_found_in_a_fixed_number_of_queries(db, make_project, django_assert_max_num_queries):
    """An import creating thousands of projects in a year without codes yet asked the database once per code
    (50,000 queries for the county sheet bench): the codes taken are read once, whether there are any or not."""
    from zhaoshang.core import clock
    from zhaoshang.projects.services import next_codes

    year = clock.today().year
    with django_assert_max_num_queries(6):
        codes = next_codes(300)
    assert codes == [f"ZS{year}-{seq:04d}" for seq in range(1, 301)]
    make_project(code=f"ZS{year}-0003")
    with django_assert_max_num_queries(6):
        codes = next_codes(3)
    assert codes == [f"ZS{year}-0004", f"ZS{year}-0005", f"ZS{year}-0006"]
