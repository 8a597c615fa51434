"""The 评分细则 page: renders, saves a scheme through the formset, shows refusals at the item."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from zhaoshang.targets import services
from zhaoshang.targets.models import Scheme
from zhaoshang.targets.services import IndicatorData

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(users):
    period = services.save_period(
        user=users["bureau"],
        data={"code": "Y2026", "name": "2026年度", "start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)},
    )
    services.save_group(
        user=users["bureau"],
        period=period,
        tier=1,
        name="签约",
        indicators=[IndicatorData(kind="count", stage="signed", target=D("3"))],
    )
    return period


def item(index: int, **values) -> dict:
    base = {
        "code": "",
        "name": "",
        "section": "base",
        "function": "ratio",
        "points": "0",
        "places": "2",
        "task_group": "",
        "what": "count",
        "stage": "signed",
        "amount_field": "contract_amount",
    }
    return {f"item-{index}-{key}": value for key, value in {**base, **values}.items()}


def post_data(*items: dict, **scheme) -> dict:
    data = {
        "full_score": "100",
        "ranking": "category",
        "veto_effect": "bar_honours",
        "custom_groups": "",
        "item-TOTAL_FORMS": str(len(items)),
        "item-INITIAL_FORMS": "0",
        "item-MIN_NUM_FORMS": "0",
        "item-MAX_NUM_FORMS": "1000",
        **scheme,
    }
    for values in items:
        data.update(values)
    return data


def test_the_page_renders_and_the_period_says_how_it_scores(client, users, period):
    client.force_login(users["bureau"])
    detail = client.get(reverse("targets:period_detail", args=[period.pk])).content.decode()
    assert "加权完成率" in detail and reverse("targets:scheme_edit", args=[period.pk]) in detail
    page = client.get(reverse("targets:scheme_edit", args=[period.pk])).content.decode()
    assert "评分细则" in page and "功效系数" in page and "60% × 分值" in page
    assert '<option value="签约">签约</option>' in page  # the task is chosen among the period's groups
    assert 'id="scheme-preview"' not in page  # no preview until the assessment computes points


def test_save_a_two_item_scheme_through_the_formset(client, users, period):
    client.force_login(users["bureau"])
    data = post_data(
        item(0, code="A1", name="签约亿元项目", points="30", low="10000", task_group="签约"),
        item(
            1,
            code="A4",
            name="重大项目",
            section="bonus",
            function="banded",
            cap="10",
            bands="100000,500000,4\n500000,,8",
            kinds=["industrial"],
            industries=["C", "I"],
            high_tech="yes",
        ),
    )
    response = client.post(reverse("targets:scheme_edit", args=[period.pk]), data)
    assert response.status_code == 302
    scheme = Scheme.objects.get(period=period)
    a1, a4 = scheme.items.all()
    assert (a1.code, a1.function, a1.points, a1.task_group) == ("A1", "ratio", D("30"), "签约")
    assert a1.measure == {"what": "count", "stage": "signed", "amount_field": "contract_amount", "low": "10000"}
    assert a4.params == {"bands": [["100000", "500000", "4"], ["500000", None, "8"]]}
    assert a4.measure["kinds"] == ["industrial"] and a4.measure["industries"] == ["C", "I"]
    assert a4.measure["high_tech"] is True and a4.cap == D("10")
    detail = client.get(reverse("targets:period_detail", args=[period.pk])).content.decode()
    assert "按项计分（2项，满分100分）" in detail
    # The page shows the saved items again, and saving it unchanged changes nothing.
    page = client.get(reverse("targets:scheme_edit", args=[period.pk]))
    assert page.context["items"].initial[1]["bands"] == "100000,500000,4\n500000,,8"
    # The live preview: the assessment's points per item for every scored unit, on the current ledger.
    assert 'id="scheme-preview"' in page.content.decode()
    preview = page.context["preview"]
    assert preview and all(set(row["items"]) == {"A1", "A4"} for row in preview), preview
    count = scheme.items.model.history.count()
    again = {**post_data(*({f"item-{i}-{k}": v for k, v in f.initial.items() if v not in (None, [])}
                           for i, f in enumerate(page.context["items"].forms[:2])))}  # fmt: skip
    again["item-INITIAL_FORMS"] = "2"
    for i in range(2):
        for name in ("kinds", "industries"):
            again.pop(f"item-{i}-{name}", None)
    again["item-1-kinds"], again["item-1-industries"] = ["industrial"], ["C", "I"]
    assert client.post(reverse("targets:scheme_edit", args=[period.pk]), again).status_code == 302
    assert scheme.items.model.history.count() == count


def test_refusals_are_shown_at_the_item(client, users, period):
    client.force_login(users["bureau"])
    data = post_data(
        item(0, code="A1", name="签约亿元项目", points="30", task_group="签约"),
        item(1, code="A2", name="开工率", function="efficacy", points="10", what="ratio", numerator="started_count"),
        item(2, code="A3", name="无任务", points="10"),
    )
    response = client.post(reverse("targets:scheme_edit", args=[period.pk]), data)
    assert response.status_code == 200 and not Scheme.objects.exists()
    forms = response.context["items"].forms
    assert forms[1].errors["denominator"] == ["比率需要分子和分母。"]
    data["item-1-denominator"] = "signed_count"
    response = client.post(reverse("targets:scheme_edit", args=[period.pk]), data)
    forms = response.context["items"].forms
    assert forms[0].non_field_errors() == [] and forms[1].non_field_errors() == []
    assert forms[2].non_field_errors() == ["评分项 无任务 按“完成÷任务×分值”计分，但未指定任务来源（目标组）。"]
    assert "item-errors" in response.content.decode()


@pytest.mark.parametrize("who", ["leader", "supervisor", "reporter_a"])
def test_only_the_bureau_opens_the_page(client, users, period, who):
    client.force_login(users[who])
    assert client.get(reverse("targets:scheme_edit", args=[period.pk])).status_code == 403
    assert client.post(reverse("targets:scheme_delete", args=[period.pk])).status_code == 403
