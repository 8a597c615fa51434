"""A points scheme computed in the assessment, end to end (issue 13, decision 20).

The scheme transcribes ``targets/tests/test_scoring.py``'s scheme A (a county's 产业专班招商引资绩效评价) plus a
功效系数 item, held against a small county built through the real services. Money in 万元 (1亿 = 10000).
Period PTS: 2026-01-01 … 2026-12-31, assessed on 12-31 (schedule progress 1); no recognition exclusions.

Target groups (the tasks): tier 1 "亿元项目" 3 projects signed at ≥ 1亿, "到位资金" 2000; tier 2: 2 and 1000.

Items:
    A1 新引进亿元项目 ratio 30分: signed at ≥ 1亿 ÷ task "亿元项目" × 30, capped at 30
    A2 当年实际到位资金 ratio 20分: funds in place ÷ task "到位资金" × 20, capped at 20
    A3 超目标任务引进亿元项目 per_count bonus: +2 per whole project above the task, at most 6
    A4 新增10亿元以上重大项目 banded bonus: per project signed, [10亿, 50亿) +4, 50亿以上 +8 (× share)
    A5 调度报表迟报 per_occurrence deduction: −1 per report submitted late, at most 12
    A6 开工率 efficacy 10分: started ÷ signed (0 when nothing signed), 功效系数 within the ranking group

Projects (contract amount; stages; receipts amount@date):
    Q1  T01        120000  signed 03-01 started 04-01   1000@03-10  800@05-01
    Q2  T01        100000  signed 04-01                  (exactly 10亿: 以上 includes the number)
    Q3  T01         20000  signed 05-01 started 06-01
    Q4  T01         15000  signed 06-01
    Q5  T01       9999.99  signed 06-02                  (below 1亿: not an 亿元项目)
    Q6  T01 50% T02 50%  600000  signed 02-01 started 03-01
    R1  T02         50000  signed 07-01                  1200@07-10
    S1  D01         30000  signed 03-01 started 05-01   1000@05-05
    S2  D02         30000  signed 03-01 started 05-01   1000@05-05
T0101 (tier 1) has no project. Scheduling reports of T01: Q1's due 03-31 submitted 04-02 (late), Q3's due
06-30 submitted 07-05 (late), Q4's due 09-30 never submitted (missing, not late); T02's R1 due 09-30 submitted
on the day (on time).

By hand:
    T01  A1 4 + 0.5 = 4.5 of 3 → 45 capped at 30; A2 1800/2000 × 20 = 18; A3 1.5 above → 1 whole → +2;
         A4 12亿 +4, exactly 10亿 +4, 60亿 × 0.5 = +4 → 12; A5 2 late → −2;
         A6 started 2.5 ÷ signed 5.5 = 5/11 (the township maximum) → 10.      Total 30+18+2+12−2+10 = 70.00
    T02  A1 1.5 of 2 → 22.5; A2 1200/1000 → capped 20; A3 below the task: 0; A4 60亿 × 0.5 → +4; A5 0;
         A6 0.5 ÷ 1.5 = 1/3 → 6 + 4 × (1/3)/(5/11) = 6 + 44/15 = 8.9333 → 8.93.  Total 55.43
    T0101 no project: A1 0, A2 0, A3 0, A4 0, A5 0; A6 0 ÷ 0 = 0 (the minimum) → 60% × 10 = 6.  Total 6.00
    D01  A1 1 of 2 → 15; A2 1000/1000 → 20; A3 0; A4 0 (3亿); A5 0; A6 1 ÷ 1 = 1, and D02 the same: max = min
         above zero → the full 10.                                                         Total 45.00
    D02  as D01: 45.00 — tied with D01 at 2 places, they share rank 1 (D02 is vetoed: see the veto tests).
    C00  the county itself has no target groups and the scheme reads tasks: not scored (points None).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from zhaoshang.assessment import selectors, serialize

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def d(text: str) -> dt.date:
    month, day = text.split("-")
    return dt.date(2026, int(month), int(day))


def at(text: str) -> dt.datetime:
    from zhaoshang.core import clock

    return dt.datetime.combine(d(text), dt.time(10), tzinfo=clock.zone())


ITEMS = [
    ("A1", "新引进亿元项目", "base", "ratio", "30", None, {}, {"what": "count", "low": "10000"}, "亿元项目"),
    ("A2", "当年实际到位资金", "base", "ratio", "20", None, {}, {"what": "funds"}, "到位资金"),
    (
        "A3",
        "超目标任务引进亿元项目",
        "bonus",
        "per_count",
        "0",
        "6",
        {"per_above": "2"},
        {"what": "count", "low": "10000"},
        "亿元项目",
    ),
    (
        "A4",
        "新增10亿元以上重大项目",
        "bonus",
        "banded",
        "0",
        None,
        {"bands": [["100000", "500000", "4"], ["500000", None, "8"]]},
        {"what": "count"},
        "",
    ),
    ("A5", "调度报表迟报", "deduction", "per_occurrence", "0", "12", {"each": "1"}, {"what": "late_reports"}, ""),
    (
        "A6",
        "开工率",
        "base",
        "efficacy",
        "10",
        None,
        {},
        {"what": "ratio", "numerator": {"what": "count", "stage": "started"}, "denominator": {"what": "count"}},
        "",
    ),
]


@pytest.fixture
def county(units, users, make_project):
    from zhaoshang.organization.models import Unit
    from zhaoshang.projects import services
    from zhaoshang.scheduling.models import ProgressReport, SchedulingRound
    from zhaoshang.targets import services as targets
    from zhaoshang.targets.models import Indicator, Scheme, SchemeItem, TargetGroup

    bureau = users["bureau"]
    all_units = dict(units)
    all_units["dept2"] = Unit.objects.create(
        code="D02", name="县商务局", parent=units["county"], category="department", tier=2
    )
    period = targets.save_period(user=bureau, data={"code": "PTS", "name": "年度考核", "start": START, "end": END})
    for tier, count, funds in [(1, "3", "2000"), (2, "2", "1000")]:
        group = TargetGroup.objects.create(period=period, tier=tier, name="亿元项目", order=1)
        Indicator.objects.create(group=group, kind="count", stage="signed", min_amount=D("10000"), target=D(count))
        group = TargetGroup.objects.create(period=period, tier=tier, name="到位资金", order=2)
        Indicator.objects.create(group=group, kind="funds", target=D(funds))
    scheme = Scheme.objects.create(period=period, kind="points")
    for order, (code, name, section, function, points, cap, params, measure, task) in enumerate(ITEMS):
        SchemeItem.objects.create(
            scheme=scheme,
            order=order,
            code=code,
            name=name,
            section=section,
            function=function,
            points=D(points),
            cap=None if cap is None else D(cap),
            params=params,
            measure=measure,
            task_group=task,
        )

    projects = {}

    def add(key, unit, contract, stages=(), receipts=(), credits=None):
        if credits:
            project = services.create_project(
                user=bureau,
                data={"code": key, "name": key, "contract_amount": D(contract), "planned_investment": D(contract)},
                credits=[(all_units[u], D(share)) for u, share in credits],
            )
        else:
            project = make_project(
                all_units[unit], code=key, contract_amount=D(contract), planned_investment=D(contract)
            )
        for stage, when in stages:
            services.record_stage(user=bureau, project=project, stage=stage, date=d(when))
        for amount, when in receipts:
            services.add_receipt(user=bureau, project=project, date=d(when), amount=D(amount))
        projects[key] = project

    add("Q1", "a", "120000", [("signed", "03-01"), ("started", "04-01")], [("1000", "03-10"), ("800", "05-01")])
    add("Q2", "a", "100000", [("signed", "04-01")])
    add("Q3", "a", "20000", [("signed", "05-01"), ("started", "06-01")])
    add("Q4", "a", "15000", [("signed", "06-01")])
    add("Q5", "a", "9999.99", [("signed", "06-02")])
    add("Q6", None, "600000", [("signed", "02-01"), ("started", "03-01")], credits=[("a", "50"), ("b", "50")])
    add("R1", "b", "50000", [("signed", "07-01")], [("1200", "07-10")])
    add("S1", "dept", "30000", [("signed", "03-01"), ("started", "05-01")], [("1000", "05-05")])
    add("S2", "dept2", "30000", [("signed", "03-01"), ("started", "05-01")], [("1000", "05-05")])

    reports = {}
    for key, unit, due, submitted in [
        ("Q1", "a", "03-31", "04-02"),
        ("Q3", "a", "06-30", "07-05"),
        ("Q4", "a", "09-30", None),
        ("R1", "b", "09-30", "09-30"),
    ]:
        scheduling_round, _ = SchedulingRound.objects.get_or_create(
            date=d(due), defaults={"planned_date": d(due), "status": "closed"}
        )
        reports[key] = ProgressReport.objects.create(
            scheduling_round=scheduling_round,
            project=projects[key],
            unit=all_units[unit],
            status="submitted" if submitted else "due",
            first_submitted_at=at(submitted) if submitted else None,
            submitted_at=at(submitted) if submitted else None,
        )
    targets.set_veto(user=bureau, period=period, unit=all_units["dept2"], reason="安全生产事故")
    return {"period": period, "scheme": scheme, "units": all_units, "projects": projects, "reports": reports}


def _by_code(assessment):
    return {result.unit.code: result for result in assessment.units}


def _items(result):
    return {item.code: item.points for item in result.items}


def test_points_per_item_by_hand(county):
    results = _by_code(selectors.assess_period(county["period"], END))
    assert _items(results["T01"]) == {
        "A1": D("30.00"),
        "A2": D("18.00"),
        "A3": D("2.00"),
        "A4": D("12.00"),
        "A5": D("-2.00"),
        "A6": D("10.00"),
    }
    assert _items(results["T02"]) == {
        "A1": D("22.50"),
        "A2": D("20.00"),
        "A3": D("0.00"),
        "A4": D("4.00"),
        "A5": D("0.00"),
        "A6": D("8.93"),
    }
    assert _items(results["T0101"]) == {
        "A1": D("0.00"),
        "A2": D("0.00"),
        "A3": D("0.00"),
        "A4": D("0.00"),
        "A5": D("0.00"),
        "A6": D("6.00"),
    }
    assert _items(results["D01"])["A6"] == D("10.00")  # max = min above zero: the full points
    assert str(_items(results["T02"])["A5"]) == "0.00"  # no deduction shows as 0.00, not −0.00
    totals = {code: result.points for code, result in results.items()}
    assert totals == {
        "C00": None,
        "T01": D("70.00"),
        "T0101": D("6.00"),
        "T02": D("55.43"),
        "D01": D("45.00"),
        "D02": D("45.00"),
    }


def test_the_rows_behind_each_item(county):
    period, projects, reports = county["period"], county["projects"], county["reports"]
    assessment = selectors.assess_period(period, END)
    selectors.read_drill_downs(period, assessment)
    t01 = {item.code: item for item in _by_code(assessment)["T01"].items}
    # Newest project first, as every figure lists its rows.
    assert t01["A1"].actual == D("4.5") and t01["A1"].task == D("3")
    assert set(t01["A1"].project_ids) == {projects[k].pk for k in ("Q1", "Q2", "Q3", "Q4", "Q6")}
    assert t01["A2"].actual == D("1800") and t01["A2"].project_ids == [projects["Q1"].pk]
    assert len(t01["A2"].receipt_ids) == 2
    assert t01["A4"].task is None
    assert t01["A5"].actual == 2 and t01["A5"].occurrence_ids == [reports["Q1"].pk, reports["Q3"].pk]
    # The ratio shows its numerator's rows: the projects started.
    assert t01["A6"].actual == D(5) / D(11)
    assert set(t01["A6"].project_ids) == {projects[k].pk for k in ("Q1", "Q3", "Q6")}


def test_ranking_by_points_with_a_tie_and_flags(county):
    results = _by_code(selectors.assess_period(county["period"], END))
    assert [(results[c].rank, results[c].rank_of) for c in ("T01", "T02", "T0101")] == [(1, 3), (2, 3), (3, 3)]
    # 45.00 and 45.00: one rank; D02's veto bars it from honours only (the default effect).
    assert results["D01"].rank == results["D02"].rank == 1
    assert "vetoed" in results["D02"].flags and "commended" not in results["D02"].flags
    # Criticism still reads the completion score against the schedule (decision 18), in the points order:
    # every township is behind (completion < 1 on the last day), the bottom one by points is criticised.
    assert "criticised" in results["T0101"].flags
    assert "criticised" not in results["T01"].flags
    assert results["C00"].rank is None


@pytest.mark.parametrize(
    ("effect", "d01", "d02"),
    [("zero", (D("45.00"), 1), (D("0"), 2)), ("last", (D("45.00"), 1), (D("45.00"), 2))],
)
def test_veto_effects(county, effect, d01, d02):
    scheme = county["scheme"]
    scheme.veto_effect = effect
    scheme.save()
    results = _by_code(selectors.assess_period(county["period"], END))
    assert (results["D01"].points, results["D01"].rank) == d01
    assert (results["D02"].points, results["D02"].rank) == d02
    assert "vetoed" in results["D02"].flags


def test_ranking_groups_all_and_custom(county):
    scheme = county["scheme"]
    scheme.ranking = "all"
    scheme.save()
    results = _by_code(selectors.assess_period(county["period"], END))
    ranks = {code: r.rank for code, r in results.items()}
    assert ranks == {"C00": None, "T01": 1, "T02": 2, "D01": 3, "D02": 3, "T0101": 5}
    scheme.ranking = "custom"
    scheme.custom_groups = {"一组": ["T01", "T02"]}
    scheme.save()
    results = _by_code(selectors.assess_period(county["period"], END))
    # A unit in no custom group is scored but not ranked.
    assert (results["T02"].rank, results["T02"].rank_of) == (2, 2)
    assert results["D01"].rank is None and results["D01"].points == D("45.00")


def test_a_scheme_without_tasks_scores_every_unit(county):
    county["scheme"].items.exclude(code__in=["A4", "A5"]).delete()
    results = _by_code(selectors.assess_period(county["period"], END))
    # The county itself (no target groups) is scored too: no item reads a task.
    assert results["C00"].points == D("0.00")
    assert results["T01"].points == D("10.00")  # 12 − 2


def test_no_scheme_or_a_completion_scheme_changes_nothing(county):
    county["scheme"].kind = "completion"
    county["scheme"].save()
    results = _by_code(selectors.assess_period(county["period"], END))
    assert all(r.points is None and r.items == [] for r in results.values())
    assert results["T01"].score == D("0.95")


def test_json_carries_points_per_item(county):
    period = county["period"]
    assessment = selectors.assess_period(period, END)
    selectors.read_drill_downs(period, assessment)
    data = serialize.assessment_data(assessment, period_code="PTS", basis="reported")
    t01 = next(u for u in data["units"] if u["code"] == "T01")
    assert t01["points"] == "70.00"
    a5 = next(i for i in t01["items"] if i["code"] == "A5")
    assert a5 == {
        "code": "A5",
        "name": "调度报表迟报",
        "section": "deduction",
        "points": "-2.00",
        "measure": {"what": "late_reports"},
        "actual": "2",
        "task": None,
        "project_ids": [county["projects"]["Q3"].pk, county["projects"]["Q1"].pk],
        "receipt_ids": [],
        "occurrence_ids": [county["reports"]["Q1"].pk, county["reports"]["Q3"].pk],
    }


def test_pages_show_points_and_each_items_rows(client, users, county):
    from django.urls import reverse

    period, units, projects, reports = county["period"], county["units"], county["projects"], county["reports"]
    client.force_login(users["bureau"])
    page = client.get(reverse("assessment:period", args=[period.pk]), {"as_of": END.isoformat()})
    html = page.content.decode()
    assert page.context["points_scheme"] and 'id="points-rules"' in html
    townships = next(t for t in page.context["categories"] if t.get("code") == "township")
    assert [(row["result"].unit.code, row["result"].points) for row in townships["rows"]] == [
        ("T01", D("70.00")),
        ("T02", D("55.43")),
        ("T0101", D("6.00")),
    ]
    assert 'data-figure="70.00"' in html and "新引进亿元项目" in html
    unit_page = client.get(reverse("assessment:unit", args=[period.pk, units["a"].pk]), {"as_of": END.isoformat()})
    assert unit_page.status_code == 200
    rows = {row["item"].code: row for row in unit_page.context["items"]}
    assert [p.code for p, _share in rows["A4"]["projects"]] == ["Q6", "Q5", "Q4", "Q3", "Q2", "Q1"]
    assert rows["A5"]["occurrences"] == [reports["Q1"], reports["Q3"]]
    body = unit_page.content.decode()
    assert 'id="item-A5"' in body and reverse("scheduling:report", args=[reports["Q3"].pk]) in body
    assert projects["Q1"].get_absolute_url() in body


def test_a_reporter_sees_only_what_they_see_today(client, users, county):
    from django.urls import reverse

    period, units = county["period"], county["units"]
    client.force_login(users["reporter_a"])
    assert client.get(reverse("assessment:period", args=[period.pk])).status_code == 200
    own = client.get(reverse("assessment:unit", args=[period.pk, units["a"].pk]), {"as_of": END.isoformat()})
    assert own.status_code == 200
    rows = {row["item"].code: row for row in own.context["items"]}
    # The shared project Q6 is credited to T01 too: its reporter sees it; T02's own R1 is not on T01's page.
    assert "Q6" in [p.code for p, _share in rows["A4"]["projects"]]
    assert client.get(reverse("assessment:unit", args=[period.pk, units["b"].pk])).status_code == 404


def test_the_workbook_has_points_per_item_and_the_measure(county):
    import io

    from openpyxl import load_workbook

    from zhaoshang.assessment import xlsx

    period = county["period"]
    data = xlsx.assessment_workbook(selectors.assess_period(period, END), period=period, basis="reported")
    sheet = load_workbook(io.BytesIO(data))["评分"]
    rows = {(row[0], row[6]): row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 5 * 6  # five scored units × six items; the county itself is not scored
    a1 = rows[("T01", "A1")]
    assert a1[5] == 70 and a1[9] == "签约项目个数（协议引资额10000万元以上）"
    assert (a1[10], a1[11], a1[12], a1[13]) == (4.5, 3, 30, 5)
    a5 = rows[("T01", "A5")]
    assert (a5[8], a5[9], a5[10], a5[12], a5[15]) == ("扣分项", "调度报表迟报次数", 2, -2, 2)
    a6 = rows[("T02", "A6")]
    assert a6[9] == "开工项目个数 ÷ 签约项目个数" and a6[12] == 8.93


def test_criticisms_findings_and_missing_reports_are_deducted(county):
    """Two issued bulletins criticised T02 (the first corrected by the second: it counts once through its
    correction) and a third criticised it again; supervision rejected Q2's signing and cut R1's receipt (both
    inflated: 弄虚作假) but confirmed Q1's; Q4's report was never submitted."""
    from zhaoshang.bulletins.models import Bulletin
    from zhaoshang.core import clock
    from zhaoshang.scheduling.models import ProgressReport
    from zhaoshang.supervision.models import SupervisionBatch, Verification
    from zhaoshang.targets.models import SchemeItem

    period, units, projects, reports = county["period"], county["units"], county["projects"], county["reports"]
    scheme = county["scheme"]
    for order, code, what, each in [
        (10, "C1", "criticisms", "3"),
        (11, "C2", "findings", "5"),
        (12, "C3", "missing_reports", "1"),
    ]:
        SchemeItem.objects.create(
            scheme=scheme,
            order=order,
            code=code,
            name=code,
            section="deduction",
            function="per_occurrence",
            params={"each": each},
            measure={"what": what},
        )
    b = units["b"].pk

    def bulletin(month, status="issued", **extra):
        return Bulletin.objects.create(
            period=period, month=d(month), title="通报", date=d(month), as_of=d(month), status=status, **extra
        )

    first = bulletin("03-01", criticised_units=[b])
    correction = bulletin("03-02", criticised_units=[b], corrects=first)
    third = bulletin("04-01", criticised_units=[b, units["a"].pk])
    bulletin("05-01", status="draft", criticised_units=[b])
    batch = SupervisionBatch.objects.create(name="核查", start=START, end=END, method="units")
    moment = dt.datetime(2026, 8, 1, 10, tzinfo=clock.zone())
    q2_signed = projects["Q2"].stage_events.get(stage="signed")
    r1_receipt = projects["R1"].receipts.get()
    rejected = Verification.objects.create(
        batch=batch,
        project=projects["Q2"],
        stage_event=q2_signed,
        result="rejected",
        reported_date=d("04-01"),
        verified_at=moment,
    )
    cut = Verification.objects.create(
        batch=batch,
        project=projects["R1"],
        receipt=r1_receipt,
        result="adjusted",
        reported_date=d("07-10"),
        reported_amount=D("1200"),
        adjusted_amount=D("1000"),
        verified_at=moment,
    )
    Verification.objects.create(
        batch=batch,
        project=projects["Q1"],
        stage_event=projects["Q1"].stage_events.get(stage="signed"),
        result="confirmed",
        reported_date=d("03-01"),
        verified_at=moment,
    )
    assessment = selectors.assess_period(period, END)
    items = {r.unit.code: {i.code: i for i in r.items} for r in assessment.units if r.items}
    # T02: criticised in the correction and the third bulletin (the first is superseded, the draft is not issued)
    # → 2 × 3 = −6; R1's receipt cut → −5.
    assert items["T02"]["C1"].occurrence_ids == [correction.pk, third.pk] and items["T02"]["C1"].points == D("-6.00")
    assert items["T02"]["C2"].occurrence_ids == [cut.pk] and items["T02"]["C2"].points == D("-5.00")
    # T01: criticised once (−3), Q2's signing rejected (−5), Q4's report missing (−1); its two late reports stay late.
    assert (items["T01"]["C1"].points, items["T01"]["C2"].occurrence_ids) == (D("-3.00"), [rejected.pk])
    assert items["T01"]["C3"].occurrence_ids == [reports["Q4"].pk] and items["T01"]["C3"].points == D("-1.00")
    assert items["T01"]["A5"].actual == 2
    assert ProgressReport.objects.get(pk=reports["Q4"].pk).is_late(END)
    # 70 − 3 − 5 − 1 = 61; 55.43 − 6 − 5 = 44.43.
    totals = {r.unit.code: r.points for r in assessment.units}
    assert (totals["T01"], totals["T02"]) == (D("61.00"), D("44.43"))


def test_a_scheme_that_cannot_be_computed_is_named_on_the_page(client, users, county):
    from django.urls import reverse

    from zhaoshang.targets.models import SchemeItem

    # Stored around the scheme editor (which refuses it): a banded item without bands.
    SchemeItem.objects.filter(scheme=county["scheme"], code="A4").update(params={})
    client.force_login(users["bureau"])
    for url in (
        reverse("assessment:period", args=[county["period"].pk]),
        reverse("assessment:unit", args=[county["period"].pk, county["units"]["a"].pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200
        # The item is named (the message is translated once the scheme editor's catalogue entries are in).
        assert "新增10亿元以上重大项目" in page.context["scheme_error"]
        assert 'id="scheme-error"' in page.content.decode()


def test_the_assess_command_writes_points(county, tmp_path):
    import json

    from django.core.management import CommandError, call_command

    from zhaoshang.targets.models import SchemeItem

    out = tmp_path / "a.json"
    call_command("assess", "--period", "PTS", "--as-of", "2026-12-31", "--out", str(out))
    units = {u["code"]: u for u in json.loads(out.read_text(encoding="utf-8"))["units"]}
    assert units["T02"]["points"] == "55.43" and [i["points"] for i in units["T02"]["items"]][-1] == "8.93"
    SchemeItem.objects.filter(scheme=county["scheme"], code="A4").update(params={})
    with pytest.raises(CommandError, match="新增10亿元以上重大项目"):
        call_command("assess", "--period", "PTS", "--as-of", "2026-12-31", "--out", str(out))
