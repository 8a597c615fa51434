"""``names.company_key``: the key two spellings of one company share (issue 17)."""

from __future__ import annotations

import pytest

from zhaoshang.projects.names import company_key


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
