"""``names.company_key``: the key two spellings of one company share (issue 17)."""

from __future__ import annotations

import pytest

from zhaoshang.projects.names import company_key, without_city


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("华能电子有限公司", "浙江華能電子股份有限公司"),
        ("华能电子有限公司", "浙江省杭州市萧山区华能电子有限公司"),  # province, city and county, one after another
        ("华能电子有限公司", "杭州市萧山区华能电子（集团）有限责任公司"),
        ("ＡＢＣ科技有限公司", "abc科技 有限公司"),
        ("伊利实业有限公司", "内蒙古伊利实业集团股份有限公司"),
        ("某某有限公司", "广西壮族自治区南宁市某某有限公司"),
    ],
)
def test_spellings_of_one_company_share_the_key(one, other):
    assert company_key(one) == company_key(other)


@pytest.mark.parametrize(("one", "other"), [("华能电子有限公司", "华能电气有限公司"), ("远航科技", "远洋科技")])
def test_different_companies_differ(one, other):
    assert company_key(one) != company_key(other)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("温州宏丰新型建材股份有限公司江西分公司", "温州宏丰新型建材股份有限公司"),  # a branch is its company
        ("宏丰新型建材江西分公司", "宏丰新型建材有限公司"),  # a branch written without its parent's legal form
        ("温州利科精密制造有限公司", "利科精密制造有限公司"),  # a city written without 市
        ("宁波卓通农业开发（集团）股份有限公司", "浙江省宁波市卓通农业开发有限公司"),
    ],
)
def test_spellings_of_one_company_share_a_key(a, b):
    assert company_key(a) == company_key(b)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("金昌农业开发有限公司", "金昌农业开发"),  # a city before a business word is the trade name
        ("吉林化纤股份有限公司", "吉林化纤"),
        ("朝阳科技有限公司", "朝阳科技"),
    ],
)
def test_a_city_that_is_the_trade_name_stays(name, key):
    assert company_key(name) == key


def test_without_city_only_for_comparing():
    assert without_city("厦门佳能") == "佳能"
    assert without_city("泰安建材") == "泰安建材"  # 建材 is no company
    assert without_city("佳能纺织") == "佳能纺织"
