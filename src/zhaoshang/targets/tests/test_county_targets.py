"""The county's own targets from above (issue 14 part 1): saved with history, refused when bad, set against the
units' targets on the target page, and the county's completion shown on the assessment, the dashboard and the
bulletin, equal to the sum of its units' credited figures.

The small county (root fixture units: T01 and its section T0101 tier 1, T02 and D01 tier 2), period 2026, as of
2026-06-30 (181 of 365 days), contract / planned investment in 万元:

    P1  T01 50% T02 50%   6000 / 6000   signed 03-01           1000@04-01
    P2  T01               2000 / 2000   signed 05-01
    P3  D01               4000 / 4000   signed 2025-12-01      500@02-01   (signed before the period)
    P4  T02               3000 / 3000   signed 08-01                       (after the as-of date)

Targets from above: contract amount of projects signed 20000 (2亿), projects signed 4, funds in place 3000.
By hand: amount 3000 + 2000 (T01) + 3000 (T02) = 8000 → 40%; count 0.5 + 1 + 0.5 = 2 → 50%; funds
500 (D01) + 500 + 500 (P1 halves) = 1500 → 50%.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from zhaoshang.assessment import county, engine, selectors
from zhaoshang.bulletins import compute
from zhaoshang.bulletins import presentation as show
from zhaoshang.bulletins.document import bulletin_docx
from zhaoshang.projects import services as projects
from zhaoshang.targets import services
from zhaoshang.targets.models import CountyTarget
from zhaoshang.targets.services import CountyTargetData, IndicatorData

pytestmark = pytest.mark.django_db
D = Decimal
START, END, AS_OF = dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2026, 6, 30)
AMOUNT = CountyTargetData(
    kind="amount",
    stage="signed",
    target=D("20000"),
    document="关于下达2026年度招商引资目标任务的通知",
    document_number="地政发〔2026〕3号",
    issued_by="地区行署",
)
COUNT = CountyTargetData(kind="count", stage="signed", target=D("4"))
FUNDS = CountyTargetData(kind="funds", amount_field="planned_investment", target=D("3000"))


@pytest.fixture
def period(users):
    return services.save_period(
        user=users["bureau"], data={"code": "Y2026", "name": "2026年度", "start": START, "end": END}
    )


@pytest.fixture
def ledger(users, units, period):
    bureau = users["bureau"]

    def add(code, credits, amount, signed, receipts=()):
        project = projects.create_project(
            user=bureau,
            data={"code": code, "name": f"项目{code}", "contract_amount": D(amount), "planned_investment": D(amount)},
            credits=[(units[key], D(share)) for key, share in credits],
        )
        projects.record_stage(user=bureau, project=project, stage="signed", date=signed)
        for amount_in, on in receipts:
            projects.add_receipt(user=bureau, project=project, date=on, amount=D(amount_in))
        return project

    return {
        "P1": add("P1", [("a", "50"), ("b", "50")], "6000", dt.date(2026, 3, 1), [("1000", dt.date(2026, 4, 1))]),
        "P2": add("P2", [("a", "100")], "2000", dt.date(2026, 5, 1)),
        "P3": add("P3", [("dept", "100")], "4000", dt.date(2025, 12, 1), [("500", dt.date(2026, 2, 1))]),
        "P4": add("P4", [("b", "100")], "3000", dt.date(2026, 8, 1)),
    }


@pytest.fixture
def targets(users, period):
    bureau = users["bureau"]
    return [services.save_county_target(user=bureau, period=period, data=data) for data in (AMOUNT, COUNT, FUNDS)]


# --- the model and its service --------------------------------------------------------------------------


def test_county_target_saved_with_its_document_and_history(users, period):
    saved = services.save_county_target(user=users["bureau"], period=period, data=AMOUNT)
    saved.refresh_from_db()
    assert (saved.kind, saved.stage, saved.amount_field, saved.min_amount, saved.target) == (
        "amount",
        "signed",
        "contract_amount",
        D("0"),
        D("20000"),
    )
    assert (saved.document, saved.document_number, saved.issued_by) == (
        "关于下达2026年度招商引资目标任务的通知",
        "地政发〔2026〕3号",
        "地区行署",
    )
    changed = CountyTargetData(**{**AMOUNT.__dict__, "target": D("30000")})
    services.save_county_target(user=users["bureau"], period=period, data=changed, county_target=saved)
    saved.refresh_from_db()
    assert saved.target == D("30000")
    history = list(saved.history.order_by("history_date"))
    assert [h.target for h in history] == [D("20000"), D("30000")]
    assert {h.history_user for h in history} == {users["bureau"]}


def test_a_count_without_a_stage_counts_signings(users, period):
    saved = services.save_county_target(user=users["bureau"], period=period, data=CountyTargetData("count", D("3")))
    assert saved.stage == "signed"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (CountyTargetData("amount", D("-1"), stage="signed"), "上级下达任务：目标值不能为负数。"),
        (
            CountyTargetData("amount", D("1.234"), stage="signed"),
            "上级下达任务：目标值整数部分最多14位、小数最多2位。",
        ),
        (
            CountyTargetData("amount", D("123456789012345"), stage="signed"),
            "上级下达任务：目标值整数部分最多14位、小数最多2位。",
        ),
        (
            CountyTargetData("amount", D("100"), stage="signed", min_amount=D("-5")),
            "上级下达任务：单个项目金额下限不能为负数。",
        ),
        (
            CountyTargetData("amount", D("100"), stage="signed", document_number="号" * 101),
            "上级下达任务：文号超过100个字符。",
        ),
        (CountyTargetData("bogus", D("100")), "上级下达任务：未知的指标类型 bogus。"),
    ],
)
def test_bad_input_is_refused_naming_the_field(users, period, data, message):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        services.save_county_target(user=users["bureau"], period=period, data=data)
    assert error.value.messages == [message]
    assert not CountyTarget.objects.exists()


def test_one_target_per_indicator_and_period(users, period):
    services.save_county_target(user=users["bureau"], period=period, data=AMOUNT)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        services.save_county_target(user=users["bureau"], period=period, data=AMOUNT)
    assert error.value.messages == ["上级下达任务：本期已有该指标的上级下达任务。"]
    assert CountyTarget.objects.count() == 1


def test_only_the_bureau_sets_the_county_target(users, period):
    with pytest.raises(PermissionDenied):
        services.save_county_target(user=users["reporter_a"], period=period, data=AMOUNT)
    assert not CountyTarget.objects.exists()


# --- the target page --------------------------------------------------------------------------------------


def test_split_to_the_units_is_summed_as_group_specs_resolve_and_the_shortfall_warned(client, users, units, period):
    bureau = users["bureau"]
    amount = IndicatorData(kind="amount", stage="signed", target=D("3000"))
    services.save_group(user=bureau, period=period, name="引资额", tier=1, indicators=[amount])  # T01, T0101
    tier_two = IndicatorData(kind="amount", stage="signed", target=D("2000"))
    services.save_group(user=bureau, period=period, name="引资额", tier=2, indicators=[tier_two])  # T02, D01
    own = IndicatorData(kind="amount", stage="signed", target=D("5000"))
    services.save_group(user=bureau, period=period, name="引资额", unit=units["b"], indicators=[own])  # T02's own
    services.save_county_target(user=bureau, period=period, data=AMOUNT)
    # By hand: 3000 (T01) + 3000 (T0101) + 5000 (T02's own replaces its tier's 2000) + 2000 (D01) = 13000.
    split = county.unit_target_split(period)
    assert split[("amount", "signed", "contract_amount", D("0"))] == D("13000")
    client.force_login(bureau)
    with translation.override("zh-hans"):
        page = client.get(reverse("targets:period_detail", args=[period.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "分解到单位的任务合计低于上级下达任务 7,000.00 万元" in text
    assert "13,000.00" in text and "20,000.00" in text and "地政发〔2026〕3号" in text
    assert 'id="county-target-add"' in text


def test_no_warning_when_the_split_covers_the_target(client, users, period):
    bureau = users["bureau"]
    services.save_group(
        user=bureau, period=period, name="签约", tier=1, indicators=[IndicatorData("count", D("2"), stage="signed")]
    )
    services.save_county_target(user=bureau, period=period, data=CountyTargetData("count", D("4"), stage="signed"))
    assert county.unit_target_split(period)[("count", "signed", "", D("0"))] == D("4")  # T01 and T0101, 2 each
    client.force_login(bureau)
    text = client.get(reverse("targets:period_detail", args=[period.pk])).content.decode()
    assert "split-warning" not in text


def test_the_bureau_adds_and_edits_the_county_target_on_the_page(client, users, period):
    client.force_login(users["bureau"])
    form = {
        "kind": "amount",
        "stage": "signed",
        "amount_field": "contract_amount",
        "min_amount": "0",
        "target": "80000",
        "document": "目标任务通知",
        "document_number": "地政发〔2026〕3号",
        "issued_by": "地区行署",
    }
    response = client.post(reverse("targets:county_target_create", args=[period.pk]), form)
    assert response.status_code == 302
    saved = CountyTarget.objects.get()
    assert (saved.target, saved.document_number) == (D("80000"), "地政发〔2026〕3号")
    response = client.post(reverse("targets:county_target_edit", args=[saved.pk]), {**form, "target": "60000"})
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.target == D("60000") and saved.history.count() == 2
    with translation.override("zh-hans"):
        refused = client.post(
            reverse("targets:county_target_edit", args=[saved.pk]),
            {**form, "target": "-1"},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert refused.status_code == 200
    saved.refresh_from_db()
    assert saved.target == D("60000")


def test_a_reporter_cannot_edit_the_county_target(client, users, period):
    saved = services.save_county_target(user=users["bureau"], period=period, data=AMOUNT)
    client.force_login(users["reporter_a"])
    form = {"kind": "amount", "stage": "signed", "amount_field": "contract_amount", "target": "1"}
    assert client.get(reverse("targets:county_target_create", args=[period.pk])).status_code == 403
    assert client.post(reverse("targets:county_target_create", args=[period.pk]), form).status_code == 403
    assert client.post(reverse("targets:county_target_edit", args=[saved.pk]), form).status_code == 403
    assert client.post(reverse("targets:county_target_delete", args=[saved.pk])).status_code == 403
    page = client.get(reverse("targets:period_detail", args=[period.pk])).content.decode()
    assert 'id="county-target-add"' not in page
    saved.refresh_from_db()
    assert saved.target == D("20000") and CountyTarget.objects.count() == 1


def test_the_api_lets_the_bureau_alone_write_the_county_target(client, users, period):
    url = "/api/county-targets/"
    body = {"period": period.pk, "kind": "amount", "stage": "signed", "target": "80000", "document_number": "3号"}
    client.force_login(users["reporter_a"])
    assert client.post(url, body, content_type="application/json").status_code == 403
    assert not CountyTarget.objects.exists()
    client.force_login(users["bureau"])
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    saved = CountyTarget.objects.get()
    assert (saved.target, saved.document_number, saved.amount_field) == (D("80000"), "3号", "contract_amount")
    with translation.override("zh-hans"):
        refused = client.patch(
            f"{url}{saved.pk}/", {"target": "-5"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    assert refused.status_code == 400
    client.force_login(users["reporter_a"])
    assert client.get(f"{url}?period={period.pk}").json()["count"] == 1
    assert client.patch(f"{url}{saved.pk}/", {"target": "1"}, content_type="application/json").status_code == 403
    assert client.delete(f"{url}{saved.pk}/").status_code == 403
    saved.refresh_from_db()
    assert saved.target == D("80000") and saved.history.count() == 1


# --- the county's completion ------------------------------------------------------------------------------


def test_county_completion_is_the_sum_of_the_units_credited_figures(ledger, targets, period, units):
    completion = county.county_completion(period, AS_OF)
    progress = engine.schedule_progress(START, END, AS_OF)
    assert progress == engine.ratio(D("181"), D("365"))
    amount, count, funds = completion.figures
    assert (amount.actual, amount.completion) == (D("8000"), D("0.4"))
    assert (count.actual, count.completion) == (D("2"), D("0.5"))
    assert (funds.actual, funds.completion) == (D("1500"), D("0.5"))
    assert amount.schedule_ratio == engine.ratio(D("0.4"), progress)
    assert completion.headline is amount
    assert sorted(amount.project_ids) == sorted([ledger["P1"].pk, ledger["P2"].pk])
    assert sorted(funds.project_ids) == sorted([ledger["P1"].pk, ledger["P3"].pk])
    # The same figures as the units' own, by the engine the assessment runs: T01 3000 + 2000, T02 3000, D01 0.
    infos = selectors.unit_infos()
    specs = tuple(
        engine.IndicatorSpec(name=t.kind, kind=t.kind, stage=t.stage, amount_field=t.amount_field, target=t.target)
        for t in targets
    )
    groups = {info.id: [engine.GroupSpec(name="g", indicators=specs)] for info in infos}
    by_unit = engine.assess_facts(
        units=infos,
        groups_by_unit=groups,
        facts=selectors.period_facts(period, AS_OF, groups),
        start=START,
        end=END,
        as_of=AS_OF,
    )
    actual = {r.unit.code: [i.actual for i in r.groups[0].indicators] for r in by_unit.units}
    assert actual["T01"] == [D("5000"), D("1.5"), D("500")]
    assert actual["T02"] == [D("3000"), D("0.5"), D("500")]
    assert actual["D01"] == [D("0"), D("0"), D("500")]
    for index, figure in enumerate(completion.figures):
        assert figure.actual == sum((row[index] for row in actual.values()), D("0"))


def test_county_completion_counts_a_section_s_project_once_with_the_roll_up_on_and_off(users, units, period, targets):
    """P5 (7000, signed 2026-04-01) is credited 60% to T0101 (a section of T01) and 40% to T01. With the roll-up on,
    T01's own figure is the whole 7000 (60% rolled up + 40%) and T0101's 4200: the county sums the units that roll up
    into no other, so 7000 once, not 11200. With it off, T01 2800 + T0101 4200 = 7000 again."""
    bureau = users["bureau"]
    project = projects.create_project(
        user=bureau,
        data={"code": "P5", "name": "项目P5", "contract_amount": D("7000"), "planned_investment": D("7000")},
        credits=[(units["a_section"], D("60")), (units["a"], D("40"))],
    )
    projects.record_stage(user=bureau, project=project, stage="signed", date=dt.date(2026, 4, 1))
    assert period.roll_up
    amount, count, _funds = county.county_completion(period, AS_OF).figures
    assert (amount.actual, count.actual) == (D("7000"), D("1"))
    assert amount.project_ids == [project.pk]
    period.roll_up = False
    period.save()
    period.refresh_from_db()
    amount, count, _funds = county.county_completion(period, AS_OF).figures
    assert (amount.actual, count.actual) == (D("7000"), D("1"))


def test_county_completion_on_the_verified_basis_counts_only_verified_figures(ledger, targets, period):
    verified = county.county_completion(period, AS_OF, basis="verified")
    assert [f.actual for f in verified.figures] == [D("0"), D("0"), D("0")]  # nothing verified yet


def test_no_county_completion_without_a_target_from_above(ledger, period):
    assert county.county_completion(period, AS_OF) is None


def test_each_county_figure_links_to_rows_totalling_it(client, users, ledger, targets, period):
    client.force_login(users["bureau"])
    totals = []
    for target in targets:
        page = client.get(reverse("targets:county_figure", args=[target.pk]), {"as_of": AS_OF.isoformat()})
        assert page.status_code == 200
        totals.append(page.context["total"])
    assert totals == [D("8000"), D("2"), D("1500")]


def test_assessment_page_shows_the_county_band(client, users, ledger, targets, period):
    client.force_login(users["bureau"])
    page = client.get(reverse("assessment:period", args=[period.pk]), {"as_of": AS_OF.isoformat(), "basis": "reported"})
    text = page.content.decode()
    assert 'id="county-band"' in text
    assert 'data-figure="8000' in text and "40.0%" in text
    assert reverse("targets:county_figure", args=[targets[0].pk]) in text


def test_dashboard_headline(client, users, ledger, targets, period):
    client.force_login(users["bureau"])
    with translation.override("zh-hans"):
        page = client.get(
            reverse("dashboard:home"), {"period": period.pk, "as_of": AS_OF.isoformat()}, HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    text = page.content.decode()
    assert 'id="county-headline"' in text
    assert "完成上级下达任务 <strong>40.0%</strong>" in text


def test_bulletin_sentence(ledger, targets, period):
    snapshot = compute.build_snapshot(
        period=period,
        month=dt.date(2026, 6, 1),
        as_of=AS_OF,
        basis="reported",
        big_project_amount=D("10000"),
        detail=False,
    )
    assert [D(f["actual"]) for f in snapshot["county"]["figures"]] == [D("8000"), D("2"), D("1500")]
    assert show.county_paragraph(snapshot) == (
        "全县完成上级下达任务2.00亿元的40.0%（签约项目协议引资额8000万元）；"
        "签约项目个数2个，完成上级下达任务4个的50.0%；"
        "到位资金1500万元，完成上级下达任务3000万元的50.0%，时序进度49.6%。"
    )
    document = docx.Document(
        io.BytesIO(bulletin_docx(snapshot=snapshot, number="第6期", title="招商引资通报", date=AS_OF, requirements=""))
    )
    assert show.county_paragraph(snapshot) in [p.text for p in document.paragraphs]


def test_bulletin_without_a_target_from_above_has_no_county_key(ledger, period):
    snapshot = compute.build_snapshot(
        period=period,
        month=dt.date(2026, 6, 1),
        as_of=AS_OF,
        basis="reported",
        big_project_amount=D("10000"),
        detail=False,
    )
    assert "county" not in snapshot and show.county_paragraph(snapshot) == ""


def test_bulletin_page_shows_the_county_sentence(client, users, ledger, targets, period):
    from zhaoshang.bulletins import services as bulletins

    draft = bulletins.create_draft(user=users["bureau"], period=period, month=dt.date(2026, 6, 1), date=AS_OF)
    client.force_login(users["bureau"])
    text = client.get(reverse("bulletins:detail", args=[draft.pk])).content.decode()
    assert '<p id="county-completion">全县完成上级下达任务2.00亿元的40.0%' in text
