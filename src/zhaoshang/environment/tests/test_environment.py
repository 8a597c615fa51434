"""Business-environment indicators: the met rule and its ORM form agree, periods are read as people write them,
the permission rule holds on the pages and the API, the history names who changed what, the .xlsx export imports
back, a county's own sheet imports, a bad row writes nothing, and the demo's indicators keep the rules."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.environment import periods, rules, selectors, services
from zhaoshang.environment.choices import Direction, Frequency, Scope, Trend
from zhaoshang.environment.models import Indicator, IndicatorValue
from zhaoshang.organization.models import User

pytestmark = pytest.mark.django_db
M, Q, Y = Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.YEARLY


@pytest.fixture
def setup(users, units):
    """企业开办时间 (county-wide, monthly, the department D01 responsible), 网办率 (per unit, quarterly), and a
    reporter of D01."""
    reporter_d = User.objects.create_user(username="reporter_d", password="x", role="reporter", unit=units["dept"])
    opening = services.save_indicator(
        user=users["bureau"],
        data={
            "name": "企业开办时间",
            "unit": "工作日",
            "direction": Direction.LOWER,
            "target": D("1"),
            "scope": Scope.COUNTY,
            "department": units["dept"],
            "frequency": M,
            "source": "省营商环境评价",
        },
    )
    online = services.save_indicator(
        user=users["bureau"],
        data={
            "name": "政务服务事项网办率",
            "unit": "%",
            "direction": Direction.HIGHER,
            "target": D("90"),
            "scope": Scope.DEPARTMENT,
            "frequency": Q,
        },
    )
    return {"opening": opening, "online": online, "reporter_d": reporter_d}


def xlsx_bytes(rows, *, percent_cells=()) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for ref in percent_cells:
        sheet[ref].number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_met_rule_and_its_orm_form_trend_and_periods(setup, users, units):
    opening, online = setup["opening"], setup["online"]
    # Thresholds are inclusive, each way.
    assert rules.is_met(Direction.LOWER, D("1"), D("1")) and not rules.is_met(Direction.LOWER, D("1.01"), D("1"))
    assert rules.is_met(Direction.HIGHER, D("90"), D("90")) and not rules.is_met(Direction.HIGHER, D("89.99"), D("90"))
    assert rules.is_met(Direction.HIGHER, None, D("90")) is None
    assert rules.trend(Direction.LOWER, D("3"), D("2")) == Trend.IMPROVED
    assert rules.trend(Direction.HIGHER, D("3"), D("2")) == Trend.WORSENED
    assert (
        rules.trend(Direction.HIGHER, D("2"), D("2")) == Trend.SAME
        and rules.trend(Direction.LOWER, None, D("2")) is None
    )
    # The ORM form selects exactly the rows the Python rule calls met.
    start = dt.date(2025, 1, 1)
    for i, number in enumerate(("0.5", "1", "1.5", "3")):
        services.save_value(
            user=users["bureau"], indicator=opening, department=None, period=periods.shift(start, M, i), value=D(number)
        )
    for unit, number in [("a", "89.99"), ("b", "90"), ("dept", "97.5"), ("a_section", "0")]:
        services.save_value(
            user=users["bureau"], indicator=online, department=units[unit], period=dt.date(2025, 4, 1), value=D(number)
        )
    rows = list(IndicatorValue.objects.select_related("indicator"))
    met = {row.pk for row in rows if rules.is_met(row.indicator.direction, row.value, row.indicator.target)}
    assert set(IndicatorValue.objects.filter(rules.is_met_q()).values_list("pk", flat=True)) == met
    assert len(met) == 4
    assert {v.pk for v in selectors.value_list(user=users["leader"], met=False)} == {r.pk for r in rows} - met
    # Periods as people write them, stored under their first day; another frequency's period is refused.
    cases = {
        M: {
            "2026-11": (2026, 11),
            "2026年11月": (2026, 11),
            "2026/3": (2026, 3),
            "２０２６年１１月": (2026, 11),
            dt.date(2026, 11, 17): (2026, 11),
            dt.datetime(2026, 2, 1): (2026, 2),
            "2026-11-01": (2026, 11),
        },
        Q: {
            "2026Q4": (2026, 10),
            "2026-q2": (2026, 4),
            "2026年第4季度": (2026, 10),
            "2026年第三季度": (2026, 7),
            "2026 Q1": (2026, 1),
            dt.date(2026, 11, 1): (2026, 10),
        },
        Y: {"2026": (2026, 1), 2026: (2026, 1), "2026年": (2026, 1), "2026年度": (2026, 1)},
    }
    for frequency, written in cases.items():
        for text, (year, month) in written.items():
            assert periods.parse(text, frequency) == dt.date(year, month, 1), (frequency, text)
    for frequency, text in [
        (M, "2026Q4"),
        (M, "2026"),
        (Q, "2026-11"),
        (Y, "2026-11"),
        (M, "2026-13"),
        (M, "x"),
        (M, 2026.11),
        (M, None),
        (Y, "1999"),
        (M, "2026-02-30"),
    ]:
        with pytest.raises(periods.PeriodError):
            periods.parse(text, frequency)
    assert periods.parse(2026.0, Y) == dt.date(2026, 1, 1)  # a year typed as a number
    with pytest.raises(periods.PeriodError, match="该指标按季度填报"):
        periods.parse("2026-11", Q)
    assert [periods.label(dt.date(2026, 10, 1), f) for f in (M, Q, Y)] == ["2026年10月", "2026年第4季度", "2026年"]
    assert periods.shift(dt.date(2026, 11, 1), Q, 1) == dt.date(2027, 2, 1) and periods.previous(
        dt.date(2026, 1, 1), Q
    ) == dt.date(2025, 10, 1)
    # Bounds: a percentage is 0–100, nothing negative, at most two decimals through the form.
    assert (
        rules.value_error(D("100.01"), "%")
        and rules.value_error(D("-1"), "天")
        and not rules.value_error(D("100"), "%")
    )


def test_permission_on_pages_and_api_and_the_history(client, setup, users, units, today):
    opening, online = setup["opening"], setup["online"]
    last_month = periods.previous(periods.start_of(today, M), M)
    last_quarter = periods.previous(periods.start_of(today, Q), Q)
    mine, _c = services.save_value(
        user=users["bureau"],
        indicator=online,
        department=units["a"],
        period=last_quarter,
        value=D("88.5"),
        note="城关镇的网办率",
    )
    theirs, _c = services.save_value(
        user=users["bureau"],
        indicator=online,
        department=units["b"],
        period=last_quarter,
        value=D("91"),
        note="河口乡的网办率",
    )
    county, _c = services.save_value(
        user=users["bureau"], indicator=opening, department=None, period=last_month, value=D("1.5"), note="全县开办时间"
    )
    # Reporter B: their own row only, on the list, the indicator's page and the export.
    client.force_login(users["reporter_b"])
    page = client.get(online.get_absolute_url()).content.decode()
    assert "河口乡的网办率" in page and "城关镇的网办率" not in page
    assert "全县开办时间" not in client.get(opening.get_absolute_url()).content.decode()
    summaries = {s.indicator.pk: s for s in client.get(reverse("environment:list")).context["summaries"]}
    assert (
        summaries[online.pk].value == D("91")
        and summaries[online.pk].met is True
        and summaries[opening.pk].row_count == 0
    )
    exported = openpyxl.load_workbook(io.BytesIO(client.get(reverse("environment:export")).content)).worksheets[0]
    assert [row[0].value for row in exported.iter_rows(min_row=2)] == ["政务服务事项网办率"]
    # Another unit's value: not found, through the pages and the API; entering one for them is refused.
    for name in ("value_edit",):
        assert client.get(reverse(f"environment:{name}", args=[mine.pk])).status_code == 404
    assert client.post(reverse("environment:value_delete", args=[mine.pk])).status_code == 404
    form = {"department": units["a"].pk, "period": "2025Q1", "value": "99"}
    response = client.post(reverse("environment:enter", args=[online.pk]), form)
    assert response.status_code == 200 and response.context["form"].errors.get("department")
    response = client.post(reverse("environment:enter", args=[opening.pk]))
    assert response.status_code == 403  # not responsible for the county-wide figure
    api = "/api/environment/values/"
    assert [row["id"] for row in client.get(api).json()["results"]] == [theirs.pk]
    assert client.get(f"{api}{mine.pk}/").status_code == 404
    assert client.patch(f"{api}{mine.pk}/", {"value": "1"}, content_type="application/json").status_code == 404
    assert client.delete(f"{api}{mine.pk}/").status_code == 404
    refused = client.post(
        api,
        {"indicator": online.pk, "department": units["a"].pk, "period": "2025-01-01", "value": "99"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "不能填报" in refused.content.decode()
    assert (
        client.post(
            api, {"indicator": opening.pk, "period": "2025-01-01", "value": "2"}, content_type="application/json"
        ).status_code
        == 400
    )
    assert IndicatorValue.objects.count() == 3 and IndicatorValue.objects.get(pk=mine.pk).value == D("88.5")
    # Their own: by form (a period as people write it) and by the API (any day of the period; entered again: changed).
    response = client.post(
        reverse("environment:enter", args=[online.pk]),
        {"department": units["b"].pk, "period": "2025年第1季度", "value": "80", "note": "一季度"},
    )
    assert response.status_code == 302
    created = client.post(
        api,
        {"indicator": online.pk, "department": units["b"].pk, "period": "2025-02-14", "value": "85.25"},
        content_type="application/json",
    )
    # The API entered 2025Q1 again: the form's value is changed (200), not a second one.
    assert created.status_code == 200 and created.json()["period"] == "2025-01-01" and created.json()["met"] is False
    assert created.json()["period_label"] == "2025年第1季度"
    new = client.post(
        api,
        {"indicator": online.pk, "department": units["b"].pk, "period": "2024-12-31", "value": "70"},
        content_type="application/json",
    )
    assert new.status_code == 201 and new.json()["period_label"] == "2024年第4季度"
    assert IndicatorValue.objects.filter(indicator=online, department=units["b"]).count() == 3
    assert (
        client.patch(f"{api}{theirs.pk}/", {"period": "2024-01-01"}, content_type="application/json").status_code == 400
    )
    assert client.patch(f"{api}{theirs.pk}/", {"value": "101"}, content_type="application/json").status_code == 400
    future = client.post(
        api,
        {
            "indicator": online.pk,
            "department": units["b"].pk,
            "period": (today + dt.timedelta(days=120)).isoformat(),
            "value": "1",
        },
        content_type="application/json",
    )
    assert future.status_code == 400
    # D01's reporter enters the county-wide value of the indicator D01 is responsible for, and sees it.
    client.force_login(setup["reporter_d"])
    assert client.get(f"{api}{county.pk}/").status_code == 200
    changed = client.patch(f"{api}{county.pk}/", {"value": "0.9", "note": "已整改"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["met"] is True
    assert client.get(f"{api}{mine.pk}/").status_code == 404
    # A leader reads everything and changes nothing.
    client.force_login(users["leader"])
    assert len(client.get(api).json()["results"]) == 5
    assert client.get(reverse("environment:enter", args=[online.pk])).status_code == 403
    assert client.get(reverse("environment:create")).status_code == 403
    assert client.get(reverse("environment:import")).status_code == 403
    assert (
        client.post(
            api, {"indicator": opening.pk, "period": "2025-01-01", "value": "2"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert client.patch(f"{api}{county.pk}/", {"value": "5"}, content_type="application/json").status_code == 404
    assert (
        client.post("/api/environment/indicators/", {"name": "x"}, content_type="application/json").status_code == 405
    )
    # The history names who changed what, before and after.
    records = list(IndicatorValue.history.filter(id=county.pk).order_by("history_date", "history_id"))
    assert [(r.history_user.username, r.value) for r in records] == [("bureau", D("1.5")), ("reporter_d", D("0.9"))]
    page = client.get(opening.get_absolute_url())
    entries = page.context["history"]
    assert any(c.old == "1.50" and c.new == "0.90" for e in entries for c in e.changes), entries
    # An indicator's frequency stays once values are entered.
    with pytest.raises(services.ValidationError):
        services.save_indicator(user=users["bureau"], indicator=opening, data={"frequency": Q})


def test_export_imports_back_and_a_countys_own_sheet_and_a_bad_row_writes_nothing(client, setup, users, units, today):
    opening, online = setup["opening"], setup["online"]
    satisfaction = services.save_indicator(
        user=users["bureau"],
        data={
            "name": "企业满意度",
            "unit": "%",
            "direction": Direction.HIGHER,
            "target": D("95"),
            "scope": Scope.COUNTY,
            "frequency": Q,
        },
    )
    services.save_value(
        user=users["bureau"],
        indicator=opening,
        department=None,
        period="2025-03",
        value=D("1.25"),
        note='=HYPERLINK("x")',
    )
    services.save_value(user=users["bureau"], indicator=online, department=units["b"], period="2025Q1", value=D("91"))
    client.force_login(users["bureau"])
    exported = client.get(reverse("environment:export"))
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:5] == ["指标名称", "部门", "期间", "数值", "备注"]
    row = {h: cell for h, cell in zip(header, sheet[2], strict=False)}
    assert (row["部门"].value, row["期间"].value, row["数值"].value, row["是否达标"].value) == (
        "全县",
        "2025年3月",
        1.25,
        "未达标",
    )
    assert row["备注"].data_type == "s" and row["数值"].number_format == "0.00"
    # Deleted and imported back: the same values.
    before = sorted(IndicatorValue.objects.values_list("indicator_id", "department_id", "period", "value", "note"))
    IndicatorValue.objects.all().delete()
    response = client.post(reverse("environment:import"), {"file": SimpleUploadedFile("v.xlsx", exported.content)})
    assert response.status_code == 302
    assert (
        sorted(IndicatorValue.objects.values_list("indicator_id", "department_id", "period", "value", "note")) == before
    )
    # A county's own sheet: a title row, 序号, 单位 as the unit of measure, the periods as columns (text and dates),
    # a percentage typed with % or formatted as one, blanks and "/" for no value.
    county_sheet = xlsx_bytes(
        [
            ["示范县2025年营商环境指标完成情况统计表"],
            ["序号", "指标名称", "单位", "目标值", "2025年1月", "2025-02", dt.datetime(2025, 3, 1), "备注"],
            [1, "企业开办时间", "工作日", 1, 2.5, "1.8", None, "县市场监管局报送"],
            [2, "  企业满意度 ", "%", 95, None, None, None, ""],
        ]
    )
    quarter_sheet = xlsx_bytes(
        [
            ["指标", "责任单位", "2025年第1季度", "2025Q2"],
            ["企业满意度", "", "93.5%", 0.962],
            ["政务服务事项网办率", "城关镇", "/", "88"],
            ["政务服务事项网办率", "T02", 92, ""],
        ],
        percent_cells=["D2"],
    )
    for data in (county_sheet, quarter_sheet):
        saved, errors = services.import_values(user=users["bureau"], data=data)
        assert not errors, [str(e) for e in errors]
    values = {
        (v.indicator.name, v.department.code if v.department else "", v.period_label): v.value
        for v in IndicatorValue.objects.select_related("indicator", "department")
    }
    assert values[("企业开办时间", "", "2025年1月")] == D("2.50") and values[("企业开办时间", "", "2025年2月")] == D(
        "1.80"
    )
    assert values[("企业开办时间", "", "2025年3月")] == D("1.25")  # the blank cell left March as it was
    assert values[("企业满意度", "", "2025年第1季度")] == D("93.50") and values[
        ("企业满意度", "", "2025年第2季度")
    ] == D("96.20")
    assert values[("政务服务事项网办率", "T01", "2025年第2季度")] == D("88") and values[
        ("政务服务事项网办率", "T02", "2025年第1季度")
    ] == D("92")
    assert IndicatorValue.objects.get(indicator=opening, period=dt.date(2025, 1, 1)).note == "县市场监管局报送"
    # Errors: every row checked, nothing written, each error naming its row and column in Chinese.
    count = IndicatorValue.objects.count()
    bad = xlsx_bytes(
        [
            ["指标名称", "部门", "期间", "数值", "备注"],
            ["企业开办时间", "", "2025-04", "0.9", "好的一行"],
            ["不存在的指标", "", "2025-04", "1", ""],
            ["企业满意度", "全县", "2025-04", "90", ""],
            ["政务服务事项网办率", "不存在的单位", "2025Q2", "90", ""],
            ["企业满意度", "", "2025Q2", "120", ""],
            ["企业开办时间", "", "2025-04", "0.8", "重复"],
            ["企业开办时间", "县发改局", "", "abc", ""],
            ["政务服务事项网办率", "", "2025Q2", "90", ""],
        ]
    )
    response = client.post(reverse("environment:import"), {"file": SimpleUploadedFile("bad.xlsx", bad)})
    errors = "\n".join(response.context["errors"])
    assert IndicatorValue.objects.count() == count and not IndicatorValue.objects.filter(note="好的一行").exists()
    for expected in (
        "第3行“指标名称”列",
        "第4行“期间”列：该指标按季度填报",
        "第5行“部门”列",
        "第6行“数值”列",
        "第7行“数值”列：第2行",
        "第8行“期间”列",
        "第8行“数值”列",
        "第9行“部门”列",
    ):
        assert expected in errors, (expected, errors)
    assert "第2行" not in errors.replace("第2行已", "")
    # A reporter imports only what they may enter: another unit's row is an error, their own goes in.
    theirs = xlsx_bytes([["指标名称", "部门", "期间", "数值"], ["政务服务事项网办率", "T01", "2025Q3", "90"]])
    saved, errors = services.import_values(user=users["reporter_b"], data=theirs)
    assert not saved and "第2行“数值”列：您不能填报" in str(errors[0])
    own = xlsx_bytes([["指标名称", "部门", "期间", "数值"], ["政务服务事项网办率", "河口乡", "2025Q3", "90"]])
    saved, errors = services.import_values(user=users["reporter_b"], data=own)
    assert len(saved) == 1 and saved[0].entered_by == users["reporter_b"] and not errors
    saved, errors = services.import_values(user=users["bureau"], data=b"not a workbook")
    assert not saved and "不是" in str(errors[0])
    assert satisfaction.values.count() == 2


def test_pages_render_escaped_and_the_demo_keeps_the_rules(client, setup, users, units, today):
    opening = setup["opening"]
    evil = services.save_indicator(
        user=users["bureau"],
        data={
            "name": "<script>alert(1)</script>",
            "unit": "<b>天</b>",
            "direction": Direction.LOWER,
            "target": D("5"),
            "scope": Scope.DEPARTMENT,
            "frequency": M,
        },
    )
    for i in range(3):
        services.save_value(
            user=users["bureau"],
            indicator=opening,
            department=None,
            period=periods.shift(dt.date(2025, 1, 1), M, i),
            value=D(3 - i),
        )
        services.save_value(
            user=users["bureau"],
            indicator=evil,
            department=units["b"],
            period=periods.shift(dt.date(2025, 1, 1), M, i),
            value=D(i),
            note="<img src=x onerror=alert(1)>",
        )
    value = IndicatorValue.objects.filter(indicator=evil).first()
    client.force_login(users["bureau"])
    for url in (
        reverse("environment:list"),
        reverse("environment:list") + "?all=1",
        reverse("environment:create"),
        opening.get_absolute_url(),
        evil.get_absolute_url(),
        reverse("environment:edit", args=[evil.pk]),
        reverse("environment:enter", args=[evil.pk]),
        reverse("environment:value_edit", args=[value.pk]),
        reverse("environment:import"),
        reverse("environment:template"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"<script>alert(1)" not in response.content and b"<img src=x" not in response.content, url
    page = client.get(opening.get_absolute_url()).content.decode()
    assert 'id="env-chart-data"' in page and "environment/indicator.js" in page and "2025年3月" in page
    chart = client.get(opening.get_absolute_url()).context["chart"]
    assert chart["lines"] == [{"name": "全县", "values": ["3.00", "2.00", "1.00"]}] and chart["target"] == "1.00"
    listed = {s.indicator.pk: s for s in client.get(reverse("environment:list")).context["summaries"]}
    assert (listed[opening.pk].met, listed[opening.pk].trend) == (True, Trend.IMPROVED) and listed[opening.pk].spark
    assert 'id="nav-environment"' in page
    # The bounds on the way in: a percentage above 100, a negative value, three decimals.
    online = setup["online"]
    for number in ("100.5", "-1", "1.234"):
        response = client.post(
            reverse("environment:enter", args=[online.pk]),
            {"department": units["a"].pk, "period": "2025Q1", "value": number},
        )
        assert response.status_code == 200 and response.context["form"].errors.get("value"), number
    assert client.post(reverse("environment:value_delete", args=[value.pk])).status_code == 302
    assert not IndicatorValue.objects.filter(pk=value.pk).exists()
    assert IndicatorValue.history.filter(id=value.pk, history_type="-").get().history_user == users["bureau"]
    # The demo: the seed's six indicators, their values within the rules, some latest ones missing their target.
    for number, indicator in enumerate((opening, online)):  # the demo defines indicators of the same names
        Indicator.objects.filter(pk=indicator.pk).update(name=f"旧指标{number}")
    from zhaoshang.environment.demo import build_demo

    demo_units = {u.code: u for u in units.values()}
    made = build_demo(rng=random.Random(7), units=demo_units, users=users, today=today)
    seed = {
        "企业开办时间",
        "项目前期手续办理时限",
        "工程建设项目并联审批率",
        "联合验收率",
        "企业满意度",
        "政务服务事项网办率",
    }
    assert seed <= set(Indicator.objects.values_list("name", flat=True))
    demo = IndicatorValue.objects.filter(indicator__name__in=seed).select_related("indicator")
    # Three monthly county-wide indicators (12 values), two quarterly (4), 网办率 for the one reporting unit here (T01).
    assert made == demo.count() == 3 * 12 + 2 * 4 + 12
    for item in demo:
        item.full_clean()
        assert periods.is_start(item.period, item.indicator.frequency) and item.period <= today
    latest = {s.indicator.name: s for s in selectors.overview(user=users["leader"])}
    assert latest["项目前期手续办理时限"].met is False and latest["企业开办时间"].met is True
