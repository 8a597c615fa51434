"""Date query parameters outside 2000-01-01 … 2100-12-31, or garbage, give a 400 with a message (issue 11)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

PAGES = [
    "/dashboard/?as_of={}",
    "/dashboard/sections/forecast/?as_of={}",
    "/projects/?date_from={}",
    "/projects/?received_to={}",
    "/assessment/water/?as_of={}",
    "/api/projects/?as_of={}",
]


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01", "garbage", "2026-02-30"])
@pytest.mark.parametrize("page", PAGES)
def test_bad_dates_are_a_400_with_a_chinese_message(client, users, page, value):
    client.force_login(users["bureau"])
    response = client.get(page.format(value))
    assert response.status_code == 400
    assert "日期" in response.content.decode()


@pytest.mark.parametrize("value", ["2026-06-30", "2100-12-31"])
def test_dates_in_range_pass(client, users, value):
    client.force_login(users["bureau"])
    assert client.get(f"/dashboard/?as_of={value}").status_code == 200
    assert client.get(f"/projects/?date_from={value}").status_code == 200


def test_a_search_text_is_not_a_date(client, users):
    client.force_login(users["bureau"])
    assert client.get("/projects/?q=1-2").status_code == 200


def test_the_message_names_the_parameter_as_users_know_it(client, users):
    client.force_login(users["bureau"])
    response = client.get("/dashboard/", {"as_of": "9999-12-31"})
    assert response.status_code == 400
    assert "数据截至日期（as_of）" in response.content.decode()
