"""Names compared as a person reads them: investors' company names and project names, reduced to keys.

Written once, read by the investor register (one investor per company, whatever the spelling) and by the
double-claim check (``zhaoshang.claims``). Two spellings of one company give the same ``company_key``:

- full-width letters, digits and brackets as half-width (NFKC), upper case as lower case, no spaces or dots;
- traditional characters as simplified (華能電子 → 华能电子);
- the bracketed parts dropped ((集团), （中国）);
- the legal form at the end dropped (有限公司, 有限责任公司, 股份有限公司, 集团有限公司…) and then a trailing 公司;
- a leading province, city and county name dropped (浙江 / 浙江省 / 杭州市 / 萧山区…, one after another), from a
  list of the provinces and a pattern for 市/县/区/州/盟/旗 of two to four characters at the start.

``project_name_key`` keeps what tells a project apart: the filler words of project names (年产, 新建, 建设,
项目, 一期…) are dropped; ``phase_of`` reads the phase a name gives (一期 → 1) so that two phases of one project
are told apart from one project entered twice.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from opencc import OpenCC
from pypinyin import lazy_pinyin

_T2S = OpenCC("t2s")

PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
    "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)  # fmt: skip
_PROVINCE_SUFFIXES = ("省", "市", "自治区", "壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "")
# Legal forms, longest first: the first that ends the name is dropped (and a 公司 left before it).
LEGAL_FORMS = (
    "股份有限公司", "有限责任公司", "集团有限公司", "集团股份有限公司", "有限公司", "股份公司", "集团公司",
    "合伙企业(有限合伙)", "合伙企业", "有限合伙", "分公司", "总公司", "公司", "厂", "集团",
)  # fmt: skip
_LEGAL_FORMS = sorted(LEGAL_FORMS, key=len, reverse=True)
_BRACKETS = re.compile(r"[(\[【〔][^)\]】〕]*[)\]】〕]")
_DROP = re.compile(r"[\s.,·•、，。'\"“”‘’\-_/]+")
# A place name of two to four characters and its level at the start of a company's name.
_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,4}?(?:市|县|区|州|盟|旗)(?=[\u4e00-\u9fff]{2})")

# Words of project names that say nothing about which project it is.
FILLER = (
    "年产", "新建", "扩建", "改建", "技改", "技术改造", "建设", "项目", "工程", "生产线", "一期", "二期", "三期",
    "四期", "五期", "首期", "续建", "迁建", "整体", "产业化", "基地",
)  # fmt: skip
_FILLER = sorted(FILLER, key=len, reverse=True)
_PHASE = re.compile(r"(?:第?([一二三四五六七八九十\d]+)期|phase\s*(\d+))", re.IGNORECASE)
_CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "首": 1}


def plain(text: str) -> str:
    """Half-width, lower case, simplified, with no spaces or punctuation that varies between spellings."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return _DROP.sub("", _T2S.convert(text))


# Province → its prefixes (name and level), looked up by the province's first two characters: a name is compared
# only with the provinces it can start with.
_PROVINCES_BY_HEAD: dict[str, list[str]] = {}
for _province in PROVINCES:
    _PROVINCES_BY_HEAD.setdefault(_province[:2], []).append(_province)


def _strip_place(name: str) -> str:
    for province in _PROVINCES_BY_HEAD.get(name[:2], ()):
        for suffix in _PROVINCE_SUFFIXES:
            prefix = province + suffix
            if name.startswith(prefix) and len(name) > len(prefix) + 1:
                name = name[len(prefix) :]
                break
        else:
            continue
        break
    for _level in range(3):  # city, then county (杭州市萧山区…), then a town at most
        match = _PLACE.match(name)
        if not match:
            break
        name = name[match.end() :]
    return name


@functools.lru_cache(maxsize=65536)
def company_key(name: str) -> str:
    """The key two spellings of one company share (see the module's docstring); "" for an empty name."""
    name = _BRACKETS.sub("", plain(name))
    for _round in range(2):
        for form in _LEGAL_FORMS:
            if name.endswith(form) and len(name) > len(form) + 1:
                name = name[: -len(form)]
                break
    return _strip_place(name)


def phase_of(name: str) -> int | None:
    """The phase a project's name gives (年产10万吨二期项目 → 2), or None."""
    match = _PHASE.search(plain(name))
    if not match:
        return None
    word = match.group(1) or match.group(2)
    if word.isdigit():
        return int(word)
    return _CHINESE_DIGITS.get(word[-1]) if len(word) == 1 else None


@functools.lru_cache(maxsize=65536)
def project_name_key(name: str) -> str:
    """A project's name without its filler words (see ``FILLER``), simplified and half-width."""
    key = _BRACKETS.sub("", plain(name))
    for word in _FILLER:
        key = key.replace(word, "")
    return key or plain(name)


def pinyin_key(text: str) -> str:
    """The sound of a text, toneless, in one string (新能源 → xinnengyuan): names written with a wrong
    character of the same sound match."""
    return "".join(lazy_pinyin(text))


def ngrams(text: str, n: int = 2) -> set[str]:
    """The character n-grams of a text (the whole text when shorter)."""
    if len(text) <= n:
        return {text} if text else set()
    return {text[i : i + n] for i in range(len(text) - n + 1)}
