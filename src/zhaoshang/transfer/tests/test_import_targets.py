"""The 考核期 and 目标 sheets: periods and targets imported with the ledger, all or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from zhaoshang.assessment import selectors
from zhaoshang.jobs import runner
from zhaoshang.organization.models import Unit
from zhaoshang.targets import services
from zhaoshang.targets.models import Indicator, Period, TargetGroup
from zhaoshang.transfer import columns as c
from zhaoshang.transfer.importer import import_workbook

from . import xlsx
from .conftest import TARGET_MODELS, snapshot

pytestmark = pytest.mark.django_db

D = dt.date
START, END = D(2026, 3, 1), D(2026, 6, 8)


def t(group, kind, value, **kwargs) -> list:
    """A 目标 row of the period BR."""
    return xlsx.target("BR", group, kind, value, **kwargs)


# The 100-day competition table as the county announced it, tiers 2–4, one row per alternative,
# 金额口径 left to its default.
HUNDRED_DAY_ROWS = [
    t("签约", "项目个数", 2, tier="二档", stage="签约", floor=1000),
    t("签约", "金额合计", 4000, tier="二档", stage="签约", floor=1000),
    t("开工", "项目个数", 1, tier="二档", stage="开工", floor=1000),
    t("到位资金", "到位资金", 1000, tier="二档"),
    t("签约", "项目个数", 1, tier="三档", stage="签约", floor=1000),
    t("开工", "项目个数", 1, tier="三档", stage="开工", floor=500),
    t("到位资金", "到位资金", 500, tier="三档"),
    t("签约", "项目个数", 1, tier="四档", stage="签约", floor=500),
    t("开工", "项目个数", 1, tier="四档", stage="开工", floor=300),
    t("到位资金", "到位资金", 250, tier="四档"),
]


def sheets(targets=(), periods=None, units=None) -> dict:
    result = {}
    if units is not None:
        result[c.UNIT_SHEET] = units
    result[c.PERIOD_SHEET] = [xlsx.period("BR", "百日竞赛", START, END)] if periods is None else periods
    result[c.TARGET_SHEET] = list(targets)
    return result


def run(tmp_path, users, content: dict, name="targets.xlsx", **kwargs):
    return import_workbook(xlsx.write(tmp_path / name, content), user=users["bureau"], **kwargs)


def table(period: Period, tiers=(1, 2, 3, 4), units=False) -> dict:
    """The period's groups as {(tier or unit code, name): (weight, order, sorted indicators)}."""
    result = {}
    groups = TargetGroup.objects.filter(period=period).select_related("unit").prefetch_related("indicators")
    for group in groups:
        if (group.unit_id and not units) or (group.tier is not None and group.tier not in tiers):
            continue
        owner = group.unit.code if group.unit_id else group.tier
        indicators = sorted((i.kind, i.stage, i.amount_field, i.min_amount, i.target) for i in group.indicators.all())
        result[(owner, group.name)] = (group.weight, group.order, indicators)
    return result


def test_the_hundred_day_table_reproduces_the_preset(tmp_path, users, units):
    result = run(tmp_path, users, sheets(HUNDRED_DAY_ROWS))

    assert result.ok, [str(e) for e in result.errors]
    assert result.sheets == ("考核期", "目标")
    assert result.counts["考核期"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert result.counts["目标"] == {"created": 9, "updated": 0, "unchanged": 0}
    imported = Period.objects.get(code="BR")
    assert (imported.name, imported.start, imported.end, imported.schedule_basis) == ("百日竞赛", START, END, "day")

    preset = services.save_period(user=users["bureau"], data={"code": "P", "name": "P", "start": START, "end": END})
    services.apply_hundred_day_preset(user=users["bureau"], period=preset)
    expected = table(preset, tiers=(2, 3, 4))
    assert len(expected) == 9
    assert table(imported) == expected  # same groups, weights, display order and indicators
    assert Indicator.objects.filter(group__period=imported).count() == len(HUNDRED_DAY_ROWS)


def test_an_or_group_of_two_rows(tmp_path, users, units):
    rows = [
        t("签约", "项目个数", 3, tier="一档", stage="签约", floor=1000, weight=2),
        t("签约", "金额合计", 6000, tier="一档", stage="签约", floor=1000),  # the weight may be on one row only
    ]
    assert run(tmp_path, users, sheets(rows)).ok
    [group] = TargetGroup.objects.all()
    assert (group.tier, group.unit, group.name, group.weight) == (1, None, "签约", Decimal("2"))
    kinds = sorted(group.indicators.values_list("kind", "amount_field", "target"))
    assert kinds == [("amount", "contract_amount", Decimal("6000")), ("count", "contract_amount", Decimal("3"))]
    [spec] = selectors.group_specs(group.period, selectors.unit_infos())[units["a"].pk]
    assert len(spec.indicators) == 2  # one group of two alternatives: met when either is met


def test_defaults_and_explicit_amount_fields(tmp_path, users, units):
    rows = [
        t("签约", "项目个数", 1, tier="一档", stage="签约"),
        t("开工", "金额合计", 100, tier="一档", stage="开工", field="协议引资额"),
        t("外资", "利用外资", 50, tier="一档", stage="投产", field="协议引资额", floor=200),
        t("到位资金", "到位资金", 80, tier="一档", field="协议引资额", floor="300"),
    ]
    assert run(tmp_path, users, sheets(rows)).ok
    found = {
        g.name: [(i.kind, i.stage, i.amount_field, i.min_amount, g.weight) for i in g.indicators.all()]
        for g in TargetGroup.objects.all()
    }
    one = Decimal("1")
    assert found == {
        "签约": [("count", "signed", "contract_amount", Decimal("0"), one)],
        "开工": [("amount", "started", "contract_amount", Decimal("0"), one)],
        "外资": [("foreign", "producing", "contract_amount", Decimal("200"), one)],
        "到位资金": [("funds", "", "contract_amount", Decimal("300"), one)],
    }
    assert list(TargetGroup.objects.order_by("order").values_list("name", "order")) == [
        ("签约", 1),
        ("开工", 2),
        ("外资", 3),
        ("到位资金", 4),
    ]


def test_unit_override_rows(tmp_path, users, units):
    rows = [
        t("签约", "项目个数", 2, tier="二档", stage="签约", floor=1000),
        t("开工", "项目个数", 1, tier="二档", stage="开工", floor=1000),
        t("签约", "项目个数", 5, unit="T02", stage="签约", floor=500),
        t("签约", "金额合计", 9000, unit="T02", stage="签约", floor=500),
    ]
    result = run(tmp_path, users, sheets(rows))
    assert result.ok and result.counts["目标"]["created"] == 3
    override = TargetGroup.objects.get(unit=units["b"])
    assert (override.tier, override.name, override.indicators.count()) == (None, "签约", 2)
    specs = selectors.group_specs(override.period, selectors.unit_infos())
    b_groups = {spec.name: sorted(i.target for i in spec.indicators) for spec in specs[units["b"].pk]}
    dept_groups = {spec.name: sorted(i.target for i in spec.indicators) for spec in specs[units["dept"].pk]}
    assert b_groups == {"签约": [Decimal("5"), Decimal("9000")], "开工": [Decimal("1")]}  # T02's own 签约
    assert dept_groups == {"签约": [Decimal("2")], "开工": [Decimal("1")]}  # D01, also 二档, keeps the tier's


def test_a_period_already_in_the_system(tmp_path, users, units):
    period = services.save_period(
        user=users["bureau"],
        data={"code": "BR", "name": "旧名", "start": START, "end": END, "schedule_basis": "month"},
    )
    services.save_period(
        user=users["bureau"], period=period, data={"criticise_bottom": {"township": 1}, "floor_amount": Decimal("50")}
    )
    only_targets = {c.TARGET_SHEET: [t("签约", "项目个数", 1, tier="一档", stage="签约")]}
    result = run(tmp_path, users, only_targets)
    assert result.ok and result.counts["考核期"] == {"created": 0, "updated": 0, "unchanged": 0}
    assert TargetGroup.objects.get().period == period

    renamed = sheets(periods=[xlsx.period("BR", "百日竞赛", START, D(2026, 6, 30), "按日")])
    result = run(tmp_path, users, renamed, name="renamed.xlsx")
    assert result.ok and result.counts["考核期"] == {"created": 0, "updated": 1, "unchanged": 0}
    period.refresh_from_db()
    assert (period.name, period.end, period.schedule_basis) == ("百日竞赛", D(2026, 6, 30), "day")
    assert (period.criticise_bottom, period.floor_amount) == ({"township": 1}, Decimal("50"))  # rules untouched
    assert TargetGroup.objects.count() == 1  # groups the file does not name are left alone


def test_a_mixed_workbook_with_a_new_unit(tmp_path, users, units):
    content = sheets(
        [
            t("签约", "项目个数", 1, tier="三档", stage="签约", floor=1000),
            t("签约", "项目个数", 2, unit="T09", stage="签约", floor=1000),
            t("到位资金", "到位资金", 800, unit="T09", weight=1.5),
        ],
        units=[xlsx.unit("T09", "新区招商局", "C00", "园区", "三档")],
    )
    content[c.PROJECT_SHEET] = [xlsx.project("P9", "新区项目", **{c.P_CREDITS: "T09"})]
    result = run(tmp_path, users, content)

    assert result.ok, [str(e) for e in result.errors]
    assert result.sheets == ("单位", "项目", "考核期", "目标")
    assert (result.counts["单位"]["created"], result.counts["项目"]["created"]) == (1, 1)
    assert (result.counts["考核期"]["created"], result.counts["目标"]["created"]) == (1, 3)
    t09 = Unit.objects.get(code="T09")
    own = {g.name: (g.weight, g.order) for g in TargetGroup.objects.filter(unit=t09)}
    assert own == {"签约": (Decimal("1"), 1), "到位资金": (Decimal("1.5"), 2)}


def test_reimport_changes_nothing_then_updates(tmp_path, users, units):
    first = sheets([*HUNDRED_DAY_ROWS, t("签约", "项目个数", 5, unit="T02", stage="签约")])
    assert run(tmp_path, users, first).ok
    before = snapshot()
    orders = dict(TargetGroup.objects.values_list("pk", "order"))

    again = run(tmp_path, users, first)
    assert again.ok
    assert again.counts["考核期"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert again.counts["目标"] == {"created": 0, "updated": 0, "unchanged": 10}
    assert snapshot() == before  # not even a history row

    changed = sheets(
        [
            t("签约", "项目个数", 3, tier="二档", stage="签约", floor=1000),  # 签约 of 二档 loses an alternative
            t("开工", "项目个数", 1, tier="三档", stage="开工", floor=500, weight=2),  # 开工 of 三档 weighs more
            t("招商活动", "项目个数", 4, tier="三档", stage="洽谈"),  # a new group for 三档
        ],
        periods=[xlsx.period("BR", "百日竞赛（调整）", START, END, "按月")],
    )
    result = run(tmp_path, users, changed, name="changed.xlsx")
    assert result.ok
    assert result.counts["考核期"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert result.counts["目标"] == {"created": 1, "updated": 2, "unchanged": 0}
    period = Period.objects.get()
    assert (period.name, period.schedule_basis) == ("百日竞赛（调整）", "month")
    now = table(period, units=True)
    assert now[(2, "签约")] == (
        Decimal("1"),
        1,
        [("count", "signed", "contract_amount", Decimal("1000"), Decimal("3"))],
    )
    assert now[(3, "开工")][0:2] == (Decimal("2"), 2)
    assert now[(3, "招商活动")][1] == 4  # after 三档's 签约, 开工 and 到位资金
    assert now[("T02", "签约")][2] == [("count", "signed", "contract_amount", Decimal("0"), Decimal("5"))]
    assert len(now) == 11  # the groups the second file does not name are still there
    assert set(TargetGroup.objects.values_list("pk", "order")) >= set(orders.items())  # same rows, same order
    # Every history row the import wrote names the user and the reason.
    for model in TARGET_MODELS[:3]:  # not CountyTarget: the file has no 上级下达任务 sheet
        written = model.history.count() - before[f"{model.__name__} history"]
        assert written > 0, model
        recent = model.history.order_by("-history_id")[:written]
        assert {(h.history_user.username, h.history_change_reason) for h in recent} == {("bureau", "Excel导入")}


def test_dry_run_counts_but_writes_nothing(tmp_path, users, units):
    before = snapshot()
    result = run(tmp_path, users, sheets(HUNDRED_DAY_ROWS), dry_run=True)
    assert result.ok and result.counts["目标"]["created"] == 9
    assert snapshot() == before


def test_the_import_reason_ends_with_the_import(tmp_path, users, units):
    assert run(tmp_path, users, sheets(HUNDRED_DAY_ROWS)).ok
    period = services.save_period(user=users["bureau"], data={"code": "X", "name": "X", "start": START, "end": END})
    assert period.history.get().history_change_reason is None


def test_command(tmp_path, users, units, capsys):
    path = xlsx.write(tmp_path / "t.xlsx", sheets(HUNDRED_DAY_ROWS))
    call_command("import", str(path), "--user", "bureau")
    out = capsys.readouterr().out
    assert "考核期: 新增 1" in out and "目标: 新增 9" in out
    assert TargetGroup.objects.first().history.first().history_user == users["bureau"]


def test_export_targets_imports_back_unchanged(tmp_path, users, units):
    """``zhaoshang export --targets``: the preset's period exported, then imported back, changes nothing."""
    period = services.save_period(user=users["bureau"], data={"code": "P", "name": "百日", "start": START, "end": END})
    services.apply_hundred_day_preset(user=users["bureau"], period=period, tier_one_funds=Decimal("2000"))
    services.save_group(
        user=users["bureau"],
        period=period,
        unit=units["b"],
        name="签约",
        weight=Decimal("1.5"),
        indicators=[services.IndicatorData(kind="foreign", stage="signed", target=Decimal("12.5"))],
    )
    out = tmp_path / "targets.xlsx"
    call_command("export", "--targets", "P", "--out", str(out))
    exported = xlsx.read(out.read_bytes())
    assert list(exported) == ["考核期", "目标", "上级下达任务"]
    assert exported["考核期"][1][:2] == ("P", "百日")
    assert exported["目标"][1] == ("P", "一档", None, "签约", "项目个数", "签约", "协议引资额", 1000, 3, 1)
    assert exported["目标"][-1] == ("P", None, "T02", "签约", "利用外资", "签约", "协议引资额", 0, 12.5, 1.5)
    assert len(exported["目标"]) == 1 + Indicator.objects.count()

    before = snapshot()
    result = import_workbook(out, user=users["bureau"])
    assert result.ok, [str(e) for e in result.errors]
    assert result.counts["考核期"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert result.counts["目标"] == {"created": 0, "updated": 0, "unchanged": TargetGroup.objects.count()}
    assert snapshot() == before


def test_export_targets_of_an_unknown_period(tmp_path):
    with pytest.raises(CommandError):
        call_command("export", "--targets", "NOPE", "--out", str(tmp_path / "x.xlsx"))


def test_the_import_page_counts_periods_and_groups(client, users, units):
    client.force_login(users["bureau"])
    content = xlsx.workbook_bytes(sheets(HUNDRED_DAY_ROWS))
    upload = SimpleUploadedFile("目标.xlsx", content, content_type="application/octet-stream")
    response = client.post(reverse("transfer:import"), {"file": upload, "action": "import"})
    assert runner.run_pending() == 1
    response = client.get(response["Location"])
    page = response.content.decode()
    assert response.status_code == 200 and 'id="import-result"' in page
    assert '<tr data-sheet="考核期">' in page and '<tr data-sheet="目标">' in page
    assert [row["sheet"] for row in response.context["summary"]] == ["考核期", "目标"]
    assert response.context["summary"][1]["created"] == 9
    assert TargetGroup.objects.count() == 9
