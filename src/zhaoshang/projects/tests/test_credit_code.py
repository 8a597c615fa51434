"""统一社会信用代码 (GB 32100-2015) with its GB 11714 organisation code check (issue 17 part 3)."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from zhaoshang.projects import credit_code
from zhaoshang.projects.forms import InvestorForm

# Published codes of well-known companies: every check of ``errors`` passes on them, and both check characters
# (17th, GB 11714; 18th, GB 32100) are computed the same as printed.
REAL = [
    "91350100M000100Y43",  # the standard's example
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "914403001922038216",  # 华为技术有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
]


@pytest.mark.parametrize("code", REAL)
def test_real_codes_pass(code):
    assert credit_code.errors(code) == []
    assert credit_code.check_digit(code[:17]) == code[17]
    assert credit_code.org_check_digit(code[8:16]) == code[16]


def test_normalise_full_width_lower_case_and_spaces():
    assert credit_code.normalise(" ９１３５０１００ｍ０００ １００ｙ４３ ") == "91350100M000100Y43"
    assert credit_code.normalise(None) == ""


def _reasons(code):
    with translation.override("zh-hans"):
        return credit_code.errors(code)


def test_length_reason_in_chinese():
    (reason,) = _reasons("9135010")
    assert "7" in reason and "18" in reason


def test_bad_character_named_with_its_position():
    (reason,) = _reasons("91350100M000100I43")
    assert "I" in reason and "16" in reason


def test_wrong_check_digit_says_what_it_should_be():
    reasons = _reasons("91350100M000100Y44")
    assert len(reasons) == 1 and "3" in reasons[0] and "4" in reasons[0]


def test_wrong_org_check_character():
    # 17th changed and the 18th recomputed: only the organisation code's check fails.
    code = credit_code.with_check_digit("91350100M000100Y5")
    reasons = _reasons(code)
    assert len(reasons) == 1 and "4" in reasons[0]


@pytest.mark.parametrize(
    ("first2", "valid"),
    [("91", True), ("92", True), ("93", True), ("94", False), ("11", True), ("12", True), ("51", True),
     ("53", True), ("54", False), ("Y1", True), ("Y2", False), ("B1", False), ("N2", True)],
)  # fmt: skip
def test_authority_and_kind_table(first2, valid):
    first16 = first2 + "350100M000100Y"
    code = credit_code.with_check_digit(first16 + credit_code.org_check_digit(first16[8:16]))
    assert (credit_code.errors(code) == []) is valid


def test_division_code_must_be_digits():
    first16 = "91A50100M000100Y"
    code = credit_code.with_check_digit(first16 + "4")
    assert len(credit_code.errors(code)) == 1


_ORG = st.sampled_from(credit_code.ALPHABET)


@given(
    authority=st.sampled_from(sorted(credit_code.KINDS)),
    data=st.data(),
    division=st.text("0123456789", min_size=6, max_size=6),
    org=st.text(_ORG, min_size=8, max_size=8),
)
def test_every_code_built_with_its_check_digits_passes(authority, data, division, org):
    kind = data.draw(st.sampled_from(credit_code.KINDS[authority]))
    org_check = credit_code.org_check_digit(org)
    if org_check not in credit_code.VALUES:  # X is not a character of the 18-character code: no such code
        return
    code = credit_code.with_check_digit(authority + kind + division + org + org_check)
    assert credit_code.errors(code) == []
    # and any other 18th character is refused
    wrong = credit_code.ALPHABET[(credit_code.VALUES[code[17]] + 1) % 31]
    assert credit_code.errors(code[:17] + wrong)


def test_validator_for_forms():
    field = forms.CharField(validators=[credit_code.validate_credit_code])
    field.clean("91350100M000100Y43")
    with pytest.raises(ValidationError):
        field.clean("91350100M000100Y44")


@pytest.mark.django_db
def test_investor_form_normalises_and_refuses():
    form = InvestorForm(data={"name": "甲公司", "kind": "enterprise", "credit_code": "９１３５０１００m000100y43"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["credit_code"] == "91350100M000100Y43"
    with translation.override("zh-hans"):
        form = InvestorForm(data={"name": "甲公司", "kind": "enterprise", "credit_code": "91350100M000100Y44"})
        assert not form.is_valid()
        assert "credit_code" in form.errors
