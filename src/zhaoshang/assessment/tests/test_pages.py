"""Target setup and assessment pages: who may see and change what, and the drill-down."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.projects import services as project_services
from zhaoshang.targets import services
from zhaoshang.targets.models import Indicator, Period, TargetGroup, Veto

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(users, units, make_project):
    period = services.save_period(
        user=users["bureau"],
        data={"code": "Y2026", "name": "2026年度", "start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)},
    )
    for tier in (1, 2):
        services.save_group(
            user=users["bureau"],
            period=period,
            tier=tier,
            name="签约",
            indicators=[
                services.IndicatorData(
                    kind="count",
                    stage="signed",
                    amount_field="contract_amount",
                    min_amount=Decimal("1000"),
                    target=Decimal("2"),
                )
            ],
        )
    project = make_project(units["a"], code="PA")
    project_services.record_stage(
        user=users["bureau"], project=project, stage="signed", date=dt.date(2026, 3, 1), amount=Decimal("1000")
    )
    other = make_project(units["b"], code="PB")
    project_services.record_stage(
        user=users["bureau"], project=other, stage="signed", date=dt.date(2026, 4, 1), amount=Decimal("5000")
    )
    return period


def test_assessment_page_ranks_and_links(client, users, units, period):
    client.force_login(users["leader"])
    response = client.get(reverse("assessment:period", args=[period.pk]), {"as_of": "2026-06-30"})
    assert response.status_code == 200
    township = response.context["categories"][0]
    # T01 and T02 both have half their target (one of two projects); the tie goes to the larger contract.
    assert [row["result"].unit.code for row in township["rows"]] == ["T02", "T01", "T0101"]
    html = response.content.decode()
    assert reverse("assessment:unit", args=[period.pk, units["a"].pk]) in html


def test_drill_down_lists_the_projects_behind_a_figure(client, users, units, period):
    client.force_login(users["bureau"])
    response = client.get(reverse("assessment:unit", args=[period.pk, units["a"].pk]), {"as_of": "2026-06-30"})
    html = response.content.decode()
    assert response.status_code == 200 and ">PA<" in html and ">PB<" not in html


def test_reporter_drills_down_only_into_own_unit(client, users, units, period):
    client.force_login(users["reporter_a"])
    assert client.get(reverse("assessment:period", args=[period.pk])).status_code == 200
    assert client.get(reverse("assessment:unit", args=[period.pk, units["a"].pk])).status_code == 200
    assert client.get(reverse("assessment:unit", args=[period.pk, units["b"].pk])).status_code == 404


@pytest.mark.parametrize("role", ["leader", "supervisor", "reporter_a"])
def test_only_bureau_sets_targets(client, users, period, role):
    client.force_login(users[role])
    assert client.get(reverse("targets:period_create")).status_code == 403
    assert client.get(reverse("targets:period_edit", args=[period.pk])).status_code == 403
    assert client.post(reverse("targets:preset_apply", args=[period.pk])).status_code == 403
    assert client.get(reverse("targets:period_detail", args=[period.pk])).status_code == 200


def test_bureau_sets_up_a_period_through_the_pages(client, users, units):
    client.force_login(users["bureau"])
    data = {
        "code": "BR",
        "name": "百日竞赛",
        "start": "2026-09-01",
        "end": "2026-12-09",
        "schedule_basis": "day",
        "basis": "reported",
        "excluded_industries": ["K"],
        "usd_rate": "7.1",
        "score_cap": "1",
        "yellow_card_ratio": "0.7",
        "half_time_check": "on",
    }
    for category in ("township", "department", "vertical", "park", "office", "section"):
        data[f"criticise_{category}"] = 1 if category == "park" else 3
        data[f"commend_{category}"] = 3
    response = client.post(reverse("targets:period_create"), data)
    period = Period.objects.get(code="BR")
    assert response.status_code == 302
    assert period.excluded_industries == ["K"] and period.criticised_count("park") == 1
    client.post(reverse("targets:preset_apply", args=[period.pk]), {"tier_one_funds": "3000"})
    assert TargetGroup.objects.filter(period=period, tier=1).count() == 3
    assert Indicator.objects.filter(group__period=period, group__tier=2, group__name="签约").count() == 2
    response = client.post(
        reverse("targets:group_create", args=[period.pk]),
        {
            "name": "利用外资",
            "tier": "1",
            "weight": "0.5",
            "order": "4",
            "ind-TOTAL_FORMS": "1",
            "ind-INITIAL_FORMS": "0",
            "ind-MIN_NUM_FORMS": "1",
            "ind-MAX_NUM_FORMS": "4",
            "ind-0-kind": "foreign",
            "ind-0-stage": "signed",
            "ind-0-amount_field": "contract_amount",
            "ind-0-min_amount": "",
            "ind-0-target": "100",
        },
    )
    assert response.status_code == 302
    assert TargetGroup.objects.get(period=period, tier=1, name="利用外资").weight == Decimal("0.5")
    client.post(reverse("targets:veto_add", args=[period.pk]), {"unit": units["a"].pk, "reason": "安全生产事故"})
    assert Veto.objects.get(period=period).unit == units["a"]


def test_group_form_rejects_tier_and_unit_together(client, users, units, period):
    client.force_login(users["bureau"])
    response = client.post(
        reverse("targets:group_create", args=[period.pk]),
        {
            "name": "x",
            "tier": "1",
            "unit": units["a"].pk,
            "weight": "1",
            "order": "0",
            "ind-TOTAL_FORMS": "1",
            "ind-INITIAL_FORMS": "0",
            "ind-MIN_NUM_FORMS": "1",
            "ind-MAX_NUM_FORMS": "4",
            "ind-0-kind": "funds",
            "ind-0-stage": "",
            "ind-0-amount_field": "planned_investment",
            "ind-0-target": "10",
        },
    )
    assert response.status_code == 200 and not TargetGroup.objects.filter(name="x").exists()


def test_drill_down_lists_the_receipts_behind_a_funds_figure(client, users, units, make_project):
    """The funds figure's rows are read when the unit page opens them: the unit's receipts inside the period
    of projects at or above the figure's minimum, and nothing of another unit's."""
    bureau = users["bureau"]
    period = services.save_period(
        user=bureau,
        data={"code": "F2026", "name": "资金", "start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)},
    )
    for tier in (1, 2):
        services.save_group(
            user=bureau,
            period=period,
            tier=tier,
            name="到位资金",
            indicators=[
                services.IndicatorData(
                    kind="funds", amount_field="planned_investment", min_amount=Decimal("1000"), target=Decimal("500")
                )
            ],
        )
    big = make_project(units["a"], code="PBIG", planned_investment=Decimal("2000"))
    small = make_project(units["a"], code="PSMALL", planned_investment=Decimal("999.99"))
    other = make_project(units["b"], code="POTHER", planned_investment=Decimal("5000"))
    for project, day, amount, voucher in [
        (big, dt.date(2026, 3, 5), "120", "V-IN-1"),
        (big, dt.date(2026, 5, 6), "80.50", "V-IN-2"),
        (big, dt.date(2025, 12, 31), "999", "V-BEFORE"),
        (small, dt.date(2026, 4, 1), "300", "V-SMALL"),
        (other, dt.date(2026, 4, 1), "700", "V-OTHER"),
    ]:
        project_services.add_receipt(user=bureau, project=project, date=day, amount=Decimal(amount), voucher_no=voucher)
    client.force_login(bureau)
    response = client.get(reverse("assessment:unit", args=[period.pk, units["a"].pk]), {"as_of": "2026-06-30"})
    html = response.content.decode()
    indicator = response.context["groups"][0]["indicators"][0]
    assert indicator["indicator"].actual == Decimal("200.50")
    assert [r.voucher_no for r, share in indicator["receipts"]] == ["V-IN-1", "V-IN-2"]
    assert all(share == 1 for _r, share in indicator["receipts"])
    assert "V-IN-1" in html and "V-IN-2" in html
    assert "V-BEFORE" not in html and "V-SMALL" not in html and "V-OTHER" not in html


def test_the_periods_own_consequences_are_stated_and_applied(client, users, units, period):
    from django.utils import translation

    from zhaoshang.targets import consequences as rulebook

    promotion = rulebook.Rule("promotion", (rulebook.Condition("completion_at_least", value=Decimal("0.5")),))
    # Criticism as by default, then promotion at 50%; no yellow card (it would hold the units back from honours).
    services.save_consequences(user=users["bureau"], period=period, rules=(rulebook.DEFAULT[0], promotion))
    client.force_login(users["leader"])
    with translation.override("zh-hans"):
        response = client.get(
            reverse("assessment:period", args=[period.pk]), {"as_of": "2026-06-30"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    html = response.content.decode()
    assert 'id="rank-rules"' not in html and 'id="own-rules"' in html
    assert "<li>综合完成率达到 50% → 直接晋档</li>" in html
    assert "<li>未达时序进度、组内排名末位 → 通报批评</li>" in html
    # T01 and T02 have 1 of 2 (50%): both promoted; T0101 has nothing, criticised (a third of three).
    rows = {row["result"].unit.code: row["result"].flags for row in response.context["categories"][0]["rows"]}
    assert "promoted" in rows["T01"] and "promoted" in rows["T02"] and "promoted" not in rows["T0101"]
    assert html.count("直接晋档") == 1 + 2  # the rule and the two units' flags


def test_consequences_stored_broken_show_the_reason_and_no_flags(client, users, units, period):
    from django.utils import translation

    from zhaoshang.targets.models import Scheme

    Scheme.objects.create(period=period, kind="completion", consequences=[{"action": "demote", "conditions": []}])
    client.force_login(users["leader"])
    with translation.override("zh-hans"):
        response = client.get(reverse("assessment:period", args=[period.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert response.context["scheme_error"] == "规则1：未知奖惩措施“demote”。"
