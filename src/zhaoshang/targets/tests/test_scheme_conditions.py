"""The 评分细则 page's 认定条件 row: a measure's recognition conditions and floors by unit category saved, shown
again, refused when bad (issue 13)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhaoshang.targets import scoring
from zhaoshang.targets.forms import parse_category_floors, parse_divisions
from zhaoshang.targets.models import Scheme

from .test_scheme_views import item, post_data
from .test_scheme_views import period as period  # the fixture

pytestmark = pytest.mark.django_db

CONDITIONS = {
    "event_level": "city",
    "private": "on",
    "registered_land_paid": "on",
    "within_years": "2",
    "exclude_divisions": "70，62 1",
    "low_by_category": "县直部门: 5000\npark：8000",
}


def test_the_page_saves_and_shows_the_conditions(client, users, period):
    client.force_login(users["bureau"])
    page = client.get(reverse("targets:scheme_edit", args=[period.pk])).content.decode()
    assert 'class="h6 text-muted mt-1 conditions-heading">认定条件<' in page
    data = post_data(item(0, code="B1", name="民营亿元项目", points="10", low="10000", **CONDITIONS))
    data["item-0-task_group"] = "签约"
    response = client.post(reverse("targets:scheme_edit", args=[period.pk]), data)
    assert response.status_code == 302, response.context["items"].errors
    (b1,) = Scheme.objects.get(period=period).items.all()
    assert b1.measure == {
        "what": "count",
        "stage": "signed",
        "amount_field": "contract_amount",
        "low": "10000",
        "event_level": "city",
        "private": True,
        "registered_land_paid": True,
        "within_years": 2,
        "exclude_divisions": ["70", "62", "01"],
        "low_by_category": {"department": "5000", "park": "8000"},
    }
    measure = scoring.Measure.from_json(b1.measure)
    assert measure.low_for("department") == 5000 and measure.low_for("township") == 10000
    page = client.get(reverse("targets:scheme_edit", args=[period.pk]))
    initial = page.context["items"].initial[0]
    assert initial["event_level"] == "city" and initial["private"] and initial["registered_land_paid"]
    assert (initial["within_years"], initial["exclude_divisions"]) == (2, "70, 62, 01")
    assert initial["low_by_category"] == "县直部门: 5000\n园区: 8000"
    assert "县直部门: 5000" in page.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("exclude_divisions", "70, 99", "99 不是国民经济行业分类（GB/T 4754）的大类代码（两位数字）。"),
        ("low_by_category", "乡村: 5000", "乡村: 5000：请写成单位类别、冒号和金额，如 县直部门: 5000。"),
        ("low_by_category", "县直部门: 五千", "县直部门: 五千：金额不是数字。"),
        ("within_years", "0", None),
    ],
)
def test_bad_conditions_are_refused_at_the_field(client, users, period, field, value, message):
    client.force_login(users["bureau"])
    data = post_data(item(0, code="B1", name="民营亿元项目", points="10", task_group="签约", **{field: value}))
    response = client.post(reverse("targets:scheme_edit", args=[period.pk]), data)
    assert response.status_code == 200 and not Scheme.objects.exists()
    errors = response.context["items"].forms[0].errors[field]
    assert errors if message is None else errors == [message]


def test_parsers():
    assert parse_divisions("") == [] and parse_divisions("5、70") == ["05", "70"]
    assert parse_category_floors("") == {} and parse_category_floors("department: 0") == {"department": "0"}
