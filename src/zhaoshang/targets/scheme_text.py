"""Scheme items' parameters and amount bands written as text, for the page and the 评分细则 sheet.

Parameters: ``基础分=20；每档=2；档距=10%；上限=6；下限=10`` (``档距`` in percentage points, stored as a fraction);
bands: ``5000-10000:2；10000-50000:4；50000以上:10`` (万元, [下限, 上限): 以上 includes the number).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# Parameter key → its name in the sheet (a file format: Chinese whatever the interface language).
PARAM_LABELS = {
    "base": "基础分",
    "per_step": "每档",
    "step": "档距",
    "up": "上限",
    "down": "下限",
    "per_above": "每超",
    "per_below": "每差",
    "each": "每次",
}
PARAM_KEYS = {label: key for key, label in PARAM_LABELS.items()}
HUNDRED = Decimal("100")
SEPARATORS = re.compile(r"[；;\n]+")


def plain(value) -> str:
    """A Decimal as the shortest plain text: 10, 0.6, 12.5."""
    text = format(Decimal(str(value)).normalize(), "f")
    return text


def number(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(_("“%(text)s” is not a number.") % {"text": text.strip()}) from None
    if not value.is_finite():
        raise ValueError(_("“%(text)s” is not a number.") % {"text": text.strip()})
    return value


def params_text(params: dict) -> str:
    """Parameters other than the bands as ``基础分=20；档距=10%``."""
    parts = []
    for key, label in PARAM_LABELS.items():
        if params.get(key) in (None, ""):
            continue
        value = Decimal(str(params[key]))
        parts.append(f"{label}={plain(value * HUNDRED)}%" if key == "step" else f"{label}={plain(value)}")
    return "；".join(parts)


def parse_params(text: str) -> dict:
    """``基础分=20；档距=10%`` → {"base": "20", "step": "0.1"}; ValueError (Chinese) naming what is wrong."""
    params: dict = {}
    for part in SEPARATORS.split(text or ""):
        part = part.strip()
        if not part:
            continue
        label, sep, value = part.replace("＝", "=").partition("=")
        key = PARAM_KEYS.get(label.strip())
        if not sep or key is None:
            raise ValueError(
                _("Unknown parameter “%(part)s”: write name=value with the names %(names)s.")
                % {"part": part, "names": "、".join(PARAM_LABELS.values())}
            )
        value = value.strip()
        if key == "step":
            params[key] = plain(number(value.rstrip("%％")) / HUNDRED)
        else:
            params[key] = plain(number(value))
    return params


def bands_text(bands) -> str:
    """[[low, high, points], …] → ``5000-10000:2；50000以上:10``."""
    parts = []
    for low, high, points in bands:
        span = f"{plain(low)}以上" if high in (None, "") else f"{plain(low)}-{plain(high)}"
        parts.append(f"{span}:{plain(points)}")
    return "；".join(parts)


def parse_bands(text: str) -> list[list]:
    """``5000-10000:2；50000以上:10`` → [["5000", "10000", "2"], ["50000", None, "10"]]."""
    bands = []
    for part in SEPARATORS.split(text or ""):
        part = part.strip()
        if not part:
            continue
        span, sep, points = part.replace("：", ":").partition(":")
        span = span.strip()
        if not sep:
            raise ValueError(_("The band “%(part)s” should read 下限-上限:分值 or 下限以上:分值.") % {"part": part})
        if span.endswith("以上"):
            low, high = number(span[: -len("以上")]), None
        else:
            low_text, dash, high_text = span.partition("-")
            if not dash:
                raise ValueError(_("The band “%(part)s” should read 下限-上限:分值 or 下限以上:分值.") % {"part": part})
            low, high = number(low_text), number(high_text)
        bands.append([plain(low), None if high is None else plain(high), plain(number(points))])
    return bands


def bands_lines(bands) -> str:
    """Bands as the page's lines ``下限,上限,分值`` (上限 empty: no upper limit)."""
    return "\n".join(
        f"{plain(low)},{'' if high in (None, '') else plain(high)},{plain(points)}" for low, high, points in bands
    )


def parse_band_lines(text: str) -> list[list]:
    bands = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        cells = [cell.strip() for cell in re.split(r"[,，]", line)]
        if len(cells) != 3:
            raise ValueError(_("The line “%(line)s” should read 下限,上限,分值 (上限 may be empty).") % {"line": line})
        low, high, points = cells
        bands.append([plain(number(low)), plain(number(high)) if high else None, plain(number(points))])
    return bands


# --- recognition conditions (认定条件) ------------------------------------------------------------------------


def parse_divisions(text: str) -> list[str]:
    """GB/T 4754 大类 codes written "70, 62" or "70、62" (a single digit is padded: 5 → 05); ``ValueError`` naming
    a code that is not a division."""
    from zhaoshang.projects.choices import DIVISIONS

    codes: list[str] = []
    for raw in re.split(r"[,，、;；\s]+", text or ""):
        if not raw:
            continue
        code = raw.zfill(2) if raw.isdigit() else raw
        if code not in DIVISIONS:
            raise ValueError(_("%(division)s is not a GB/T 4754 division (two digits).") % {"division": raw})
        if code not in codes:
            codes.append(code)
    return codes


def category_floors_text(floors: dict, separator: str = "；") -> str:
    """{"department": "5000"} → "县直部门: 5000" (the categories by their Chinese file labels, in the categories'
    order: a JSON column may keep the keys in any order)."""
    from zhaoshang.organization.choices import CATEGORY_XLSX, Category

    labels = {code: label for label, code in CATEGORY_XLSX.items()}
    order = {category: index for index, category in enumerate(Category.values)}
    ordered = sorted(floors.items(), key=lambda pair: (order.get(pair[0], len(order)), pair[0]))
    return separator.join(f"{labels.get(category, category)}: {amount}" for category, amount in ordered)


def parse_category_floors(text: str) -> dict[str, str]:
    """ "县直部门: 5000；园区: 8000" (or one a line; a category by its label, its code or its name in the interface
    language) → {"department": "5000", "park": "8000"}; ``ValueError`` naming the part that cannot be read."""
    from zhaoshang.organization.choices import CATEGORY_XLSX, Category

    names = {**{category.value: category.value for category in Category}, **CATEGORY_XLSX}
    names.update({str(category.label): category.value for category in Category})
    floors: dict[str, str] = {}
    for part in SEPARATORS.split(text or ""):
        if not part.strip():
            continue
        name, sep, amount = part.replace("：", ":").partition(":")
        category = names.get(name.strip())
        if not sep or category is None:
            raise ValueError(
                _("%(line)s: write the unit category, a colon and the amount, e.g. 县直部门: 5000.")
                % {"line": part.strip()}
            )
        try:
            value = Decimal(amount.strip().replace(",", ""))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0:
            raise ValueError(_("%(line)s: the amount is not a number.") % {"line": part.strip()})
        floors[str(category)] = plain(value)
    return floors
