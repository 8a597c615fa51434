"""Bad 考核期 and 目标 rows: each error names sheet, row, column and value, and nothing at all is written."""

from __future__ import annotations

import datetime as dt

import pytest

from zhaoshang.organization.models import Unit
from zhaoshang.targets import services
from zhaoshang.transfer import columns as c
from zhaoshang.transfer.importer import import_workbook

from . import xlsx
from .conftest import snapshot

pytestmark = pytest.mark.django_db

D = dt.date
GOOD_PERIOD = xlsx.period("BR", "百日竞赛", D(2026, 3, 1), D(2026, 6, 8))
GOOD_TARGET = xlsx.target("BR", "签约", "项目个数", 2, tier="二档", stage="签约", floor=1000)


def t(group="开工", kind="项目个数", value=1, **kwargs) -> list:
    kwargs.setdefault("tier", "三档")
    kwargs.setdefault("stage", "开工")
    return xlsx.target(kwargs.pop("period", "BR"), group, kind, value, **kwargs)


def targets(*rows, periods=None, units=None) -> dict:
    """The good period is row 2 of 考核期 and the good target row 2 of 目标; the bad rows follow."""
    sheets = {}
    if units is not None:
        sheets[c.UNIT_SHEET] = units
    sheets[c.PERIOD_SHEET] = [GOOD_PERIOD, *(periods or [])]
    sheets[c.TARGET_SHEET] = [GOOD_TARGET, *rows]
    return sheets


def periods(*rows) -> dict:
    return targets(periods=list(rows))


G = c.TARGET_SHEET
CASES = {
    # 档次 / 单位编码
    "tier and unit both filled": (targets(t(tier="三档", unit="T02")), [(G, 3, c.G_TIER, "三档")]),
    "neither tier nor unit": (targets(t(tier=None)), [(G, 3, c.G_TIER, "")]),
    "unknown tier": (targets(t(tier="五档")), [(G, 3, c.G_TIER, "五档")]),
    "unknown unit": (targets(t(tier=None, unit="X99")), [(G, 3, c.G_UNIT, "X99")]),
    "both filled and the unit unknown": (
        targets(t(unit="X99")),
        [(G, 3, c.G_TIER, "三档"), (G, 3, c.G_UNIT, "X99")],
    ),
    "a jurisdiction": (targets(t(tier=None, unit="C00")), [(G, 3, c.G_UNIT, "C00")]),
    # 考核期编码
    "unknown period": (targets(t(period="NOPE")), [(G, 3, c.G_PERIOD, "NOPE")]),
    "no period": (targets(t(period=None)), [(G, 3, c.G_PERIOD, "")]),
    # 指标组, 指标类型, 阶段, 金额口径
    "no group name": (targets(t(group=None)), [(G, 3, c.G_GROUP, "")]),
    "group name too long": (targets(t(group="组" * 51)), [(G, 3, c.G_GROUP, "组" * 51)]),
    "unknown kind": (targets(t(kind="投资额")), [(G, 3, c.G_KIND, "投资额")]),
    "unknown stage": (targets(t(stage="竣工")), [(G, 3, c.G_STAGE, "竣工")]),
    "count without a stage": (targets(t(stage=None)), [(G, 3, c.G_STAGE, "")]),
    "amount without a stage": (targets(t(kind="金额合计", value=100, stage=None)), [(G, 3, c.G_STAGE, "")]),
    "foreign capital without a stage": (targets(t(kind="利用外资", value=100, stage=None)), [(G, 3, c.G_STAGE, "")]),
    "funds with a stage": (targets(t("到位资金", "到位资金", 500, stage="签约")), [(G, 3, c.G_STAGE, "签约")]),
    "unknown amount field": (targets(t(field="注册资本")), [(G, 3, c.G_AMOUNT_FIELD, "注册资本")]),
    # 起点金额, 目标值, 权重
    "negative floor": (targets(t(floor=-1)), [(G, 3, c.G_MIN, "-1")]),
    "zero target": (targets(t(value=0)), [(G, 3, c.G_TARGET, "0")]),
    "negative target": (targets(t(kind="金额合计", value=-500)), [(G, 3, c.G_TARGET, "-500")]),
    "no target": (targets(t(value=None)), [(G, 3, c.G_TARGET, "")]),
    "target in words": (targets(t(value="两个")), [(G, 3, c.G_TARGET, "两个")]),
    "a fraction of a project": (targets(t(value=1.5)), [(G, 3, c.G_TARGET, "1.5")]),
    "zero weight": (targets(t(weight=0)), [(G, 3, c.G_WEIGHT, "0")]),
    "negative weight": (targets(t(weight=-2)), [(G, 3, c.G_WEIGHT, "-2")]),
    "weight too large": (targets(t(weight=10000)), [(G, 3, c.G_WEIGHT, "10000")]),
    "disagreeing weights": (
        targets(t(weight=2), t(kind="金额合计", value=3000, weight=3)),
        [(G, 4, c.G_WEIGHT, "3")],
    ),
    "five alternatives": (
        targets(*(t(value=n) for n in range(1, 6))),
        [(G, 7, c.G_GROUP, "开工")],
    ),
    # 考核期
    "end before start": (
        periods(xlsx.period("P2", "下半年", D(2026, 12, 31), D(2026, 7, 1))),
        [(c.PERIOD_SHEET, 3, c.A_END, "2026-07-01")],
    ),
    "bad schedule basis": (
        periods(xlsx.period("P2", "下半年", D(2026, 7, 1), D(2026, 12, 31), "按周")),
        [(c.PERIOD_SHEET, 3, c.A_SCHEDULE, "按周")],
    ),
    "duplicate period code": (
        periods(xlsx.period("BR", "又一个", D(2026, 7, 1), D(2026, 12, 31))),
        [(c.PERIOD_SHEET, 3, c.A_CODE, "BR")],
    ),
    "date that is no date": (
        periods(xlsx.period("P2", "下半年", "2026-02-30", D(2026, 12, 31))),
        [(c.PERIOD_SHEET, 3, c.A_START, "2026-02-30")],
    ),
    "no end date": (
        periods(xlsx.period("P2", "下半年", D(2026, 7, 1), None)),
        [(c.PERIOD_SHEET, 3, c.A_END, "")],
    ),
    "no name": (
        periods(xlsx.period("P2", None, D(2026, 7, 1), D(2026, 12, 31))),
        [(c.PERIOD_SHEET, 3, c.A_NAME, "")],
    ),
    # Next to other sheets: a unit sheet's error stops the targets too.
    "bad unit row next to good targets": (
        targets(t(tier=None, unit="T09"), units=[xlsx.unit("T09", "新单位", "C00", "街道办")]),
        [(c.UNIT_SHEET, 2, c.U_CATEGORY, "街道办")],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_row_is_reported_and_nothing_is_written(case, tmp_path, users, units):
    content, expected = CASES[case]
    path = xlsx.write(tmp_path / "bad.xlsx", content)
    before = snapshot()

    result = import_workbook(path, user=users["bureau"])

    found = [(e.sheet, e.row, e.column, e.value) for e in result.errors]
    assert found == expected, [str(e) for e in result.errors]
    assert all(error.reason for error in result.errors)
    assert result.counts[c.PERIOD_SHEET]["created"] == 0  # counts are zero when the file has errors
    assert snapshot() == before


def test_nothing_is_written_next_to_an_existing_period(tmp_path, users, units):
    """A period and groups already in the system are left exactly as they were."""
    period = services.save_period(
        user=users["bureau"], data={"code": "BR", "name": "旧", "start": D(2026, 1, 1), "end": D(2026, 2, 1)}
    )
    services.apply_hundred_day_preset(user=users["bureau"], period=period)
    content = targets(t(weight=2), t(kind="金额合计", value=3000, weight=3))
    before = snapshot()
    result = import_workbook(xlsx.write(tmp_path / "bad.xlsx", content), user=users["bureau"])
    assert [(e.row, e.column) for e in result.errors] == [(4, c.G_WEIGHT)]
    assert snapshot() == before
    period.refresh_from_db()
    assert (period.name, period.end) == ("旧", D(2026, 2, 1))


def test_an_inactive_unit(tmp_path, users, units):
    Unit.objects.filter(code="T02").update(active=False)
    before = snapshot()
    result = import_workbook(xlsx.write(tmp_path / "bad.xlsx", targets(t(tier=None, unit="T02"))), user=users["bureau"])
    assert [(e.sheet, e.row, e.column, e.value) for e in result.errors] == [(G, 3, c.G_UNIT, "T02")]
    assert snapshot() == before


def test_every_error_of_the_sheets_is_reported(tmp_path, users, units):
    content = targets(
        t(tier=None, value=0, weight=-1),
        t(period="NOPE", kind="金额", stage="竣工"),
        periods=[xlsx.period("", "无编码", D(2026, 7, 1), D(2026, 1, 1), "按年")],
    )
    result = import_workbook(xlsx.write(tmp_path / "bad.xlsx", content), user=users["bureau"])
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [
        (c.PERIOD_SHEET, 3, c.A_CODE),
        (c.PERIOD_SHEET, 3, c.A_END),
        (c.PERIOD_SHEET, 3, c.A_SCHEDULE),
        (G, 3, c.G_TIER),
        (G, 3, c.G_TARGET),
        (G, 3, c.G_WEIGHT),
        (G, 4, c.G_PERIOD),
        (G, 4, c.G_KIND),
        (G, 4, c.G_STAGE),
    ]


@pytest.mark.parametrize("header", [xlsx.TARGET_HEADERS[:-1], [*xlsx.TARGET_HEADERS, "备注"]])
def test_wrong_target_header(header, tmp_path, users, units):
    path = xlsx.write(tmp_path / "h.xlsx", targets(), headers={c.TARGET_SHEET: header})
    before = snapshot()
    result = import_workbook(path, user=users["bureau"])
    assert {(e.sheet, e.row) for e in result.errors} == {(G, 1)}
    assert snapshot() == before
