"""The double-claim score on plain data: the reasons, the phases, the blocking, and the labelled set's figures."""

from __future__ import annotations

import datetime as dt
import importlib.util
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from zhaoshang.claims import matching
from zhaoshang.claims.matching import Candidate

SCRIPT = Path(__file__).resolve().parents[4] / "bench" / "claims_eval.py"


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def candidate(pk, name, investor="", code="", **extra):
    return Candidate(id=pk, code=f"XM{pk:03d}", name=name, investor=investor, credit_code=code, **extra)


def test_one_project_spelt_two_ways_scores_high_with_concrete_reasons():
    a = candidate(
        1,
        "年产10万吨生物饲料项目",
        "浙江华能电子科技有限公司",
        "91330100MA27XJ5N1T",
        location="城关镇前进村",
        amount=Decimal("5000"),
        signed_on=dt.date(2025, 3, 1),
        units=frozenset({1}),
    )
    b = candidate(
        2,
        "新建10万吨生物饲廖",
        "華能電子科技（集团）股份有限公司",
        "91330100MA27XJ5N1T",
        location="城关镇前进村",
        amount=Decimal("5200"),
        signed_on=dt.date(2025, 3, 20),
        units=frozenset({2}),
    )
    value, reasons = matching.score(a, b)
    assert value >= matching.DEFAULT_THRESHOLD
    text = "\n".join(reasons)
    assert "统一社会信用代码相同 (91330100MA27XJ5N1T)" in text
    assert "计划投资相近：5000 / 5200 万元" in text
    assert "不同单位" in text
    assert any(reason.startswith("项目名称相似度") for reason in reasons)


def test_normalised_investor_without_code():
    a = candidate(1, "锂电池正极材料项目", "浙江省华能电子科技有限公司")
    b = candidate(2, "年产锂电池正极材料项目", "华能电子科技有限责任公司")
    value, reasons = matching.score(a, b)
    assert value >= matching.DEFAULT_THRESHOLD
    assert "投资方名称归一后相同：华能电子科技" in reasons


def test_two_phases_are_pushed_down_with_the_reason():
    a = candidate(1, "年产10万吨生物饲料一期项目", "华能电子科技有限公司")
    b = candidate(2, "年产10万吨生物饲料二期项目", "华能电子科技有限公司")
    value, reasons = matching.score(a, b)
    assert value < matching.DEFAULT_THRESHOLD
    assert "名称显示为不同期次：一期 / 二期" in reasons


def test_one_investors_two_projects_and_two_investors_one_product_stay_below():
    same_investor = matching.score(
        candidate(1, "年产10万吨生物饲料项目", "华能电子科技有限公司", location="城关镇", amount=Decimal(100)),
        candidate(2, "年产5万件服装项目", "华能电子科技有限公司", location="城关镇", amount=Decimal(100)),
    )
    same_product = matching.score(
        candidate(1, "年产10万吨生物饲料项目", "华能电子科技有限公司", "91330100MA27XJ5N1T"),
        candidate(2, "年产10万吨生物饲料项目", "恒通农牧有限公司", "91330100MA28AAAA1X"),
    )
    assert same_investor[0] < matching.DEFAULT_THRESHOLD
    assert same_product[0] < matching.DEFAULT_THRESHOLD


def test_the_index_scores_only_pairs_sharing_a_block_and_each_pair_once():
    rows = [
        candidate(1, "年产10万吨生物饲料项目", "华能电子科技有限公司"),
        candidate(2, "10万吨生物饲料", "华能电子科技股份有限公司"),
        candidate(3, "光伏电站项目", "恒通新能源有限公司"),
    ]
    index = matching.Index(rows)
    assert index.neighbours(3) == set()
    pairs = list(index.scored_pairs())
    assert [(low, high) for low, high, _v, _r in pairs] == [(1, 2)]
    assert list(index.scored_pairs([2])) == list(index.scored_pairs([1, 2]))


def test_the_labelled_set_meets_the_targets():
    spec = importlib.util.spec_from_file_location("claims_eval", SCRIPT)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.evaluate(base=300, planted=40, negatives=40, seed=5)
    assert result["planted"] == 40 and result["hard_negatives"] == 40
    assert result["recall"] >= 0.95, result["missed_examples"]
    assert result["false_share"] <= 0.05, result["false_examples"]


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("卓通", "卓通农业开发", 0.75),  # written short
        ("厦门佳能", "佳能纺织", 0.75),  # short, with its city
        ("like精密制造", "利科精密制造", 0.75),  # the trade name in pinyin
        ("晨祥生物科技", "晨翔生物科技", 0.8),  # a wrong character of the same sound
        ("晨兴实业", "晨兴纺织科技", matching.TRADE_NAME_ONLY),  # the parent and its subsidiary
        ("正源新材料科技", "恒源新材料", 0.0),  # heng-yuan is no run of z-heng-yuan's syllables
        ("泰安建材", "正同新型建材", 0.0),
    ],
)
def test_investor_alike(a, b, alike):
    assert matching.investor_alike(a, b) == alike
