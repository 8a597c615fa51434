"""统一社会信用代码 (unified social credit code, GB 32100-2015): normalised, checked, with Chinese reasons.

An 18-character code: registration authority (1st), kind of organisation (2nd), the 行政区划码 of where it
registered (3rd–8th, six digits), its 组织机构代码 (9th–17th, GB 11714: eight characters and their own check
character at the 17th) and the code's check character (18th). The characters are 0-9 and the capital letters
without I O Z S V; the check character is 31 − (Σ value × 3^i mod 31) mod 31 over the first 17 (31 → 0).

The authority/kind table is GB 32100-2015 appendix A with its later additions (A 军队, N 农业): a pair it does
not list is refused.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {character: value for value, character in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
LENGTH = 18

# Registration authority → the kinds of organisation it registers (GB 32100-2015 appendix A and additions).
KINDS = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 编办管理的群众团体, 其他
    "2": "19",  # 外交
    "3": "1234569",  # 司法行政: 律师事务所, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 文化
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "19",  # 工会
    "9": "123",  # 工商 (市场监管): 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室
    "N": "1239",  # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": "1",  # 其他
}

# GB 11714 组织机构代码: eight characters (0-9, A-Z as 10-35), then their check character.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def normalise(text: str | None) -> str:
    """A code as typed, made comparable: full-width as half-width, upper case, no spaces anywhere."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(text.split()).upper()


def check_digit(first17: str) -> str:
    """The 18th character of a code whose first 17 are given (all in ``ALPHABET``)."""
    total = sum(VALUES[character] * weight for character, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_check_digit(first8: str) -> str:
    """The GB 11714 check character of an organisation code's first eight characters."""
    total = sum(int(character, 36) * weight for character, weight in zip(first8, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def with_check_digit(first17: str) -> str:
    """The whole code: the 17 characters given and their check character."""
    return first17 + check_digit(first17)


def errors(code: str) -> list[str]:
    """Why a (normalised) code is not a valid 统一社会信用代码, in the user's language; [] when it is."""
    if len(code) != LENGTH:
        return [_("The credit code has %(count)d characters; it must have 18.") % {"count": len(code)}]
    bad = [(position, character) for position, character in enumerate(code, 1) if character not in VALUES]
    if bad:
        return [
            _("Character %(character)s at position %(position)d is not allowed (0-9 and A-Z without I, O, Z, S, V).")
            % {"character": character, "position": position}
            for position, character in bad
        ]
    reasons = []
    authority, kind = code[0], code[1]
    if authority not in KINDS:
        reasons.append(
            _("The registration authority %(character)s (1st character) does not exist.") % {"character": authority}
        )
    elif kind not in KINDS[authority]:
        reasons.append(
            _("The organisation kind %(kind)s (2nd character) does not exist for registration authority %(authority)s.")
            % {"kind": kind, "authority": authority}
        )
    if not code[2:8].isdigit():
        reasons.append(_("Characters 3 to 8 (the administrative division code) must be six digits."))
    expected_org = org_check_digit(code[8:16])
    if code[16] != expected_org:
        reasons.append(
            _("The organisation code's check character (17th) should be %(expected)s, not %(actual)s.")
            % {"expected": expected_org, "actual": code[16]}
        )
    expected = check_digit(code[:17])
    if code[17] != expected:
        reasons.append(
            _("The check character (18th) should be %(expected)s, not %(actual)s.")
            % {"expected": expected, "actual": code[17]}
        )
    return reasons


def is_valid(code: str) -> bool:
    return not errors(normalise(code))


@deconstructible
class CreditCodeValidator:
    """For forms and DRF serializers: the value normalised, then refused with every reason ``errors`` gives."""

    def __call__(self, value):
        reasons = errors(normalise(value))
        if reasons:
            raise ValidationError(reasons, code="credit_code")

    def __eq__(self, other):
        return isinstance(other, CreditCodeValidator)


validate_credit_code = CreditCodeValidator()
