"""Reading one cell: text, codes, amounts, dates, labels and credit shares.

Each parser returns the value or raises CellError with the reason shown to the user. Amounts are
Decimal built from the text of the cell (``str()`` of the number read from the file, the digits Excel
wrote), never from float arithmetic, and quantized to hundredths.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from zhaoshang.core import limits
from zhaoshang.projects.choices import YES_NO_XLSX

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
DATE_TEXT = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]0{1,2}:00(?::00)?)?$")
DATE_CHINESE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$")
MONTH_TEXT = re.compile(r"^(\d{4})(?:年(\d{1,2})月?|[-/.](\d{1,2}))$")
DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# Full-width digits, point, comma, minus and slash (typed with a Chinese input method) read as ASCII ones.
FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－／：　", "0123456789.,-/: ")
TEN_THOUSAND = Decimal(10000)
MONEY_TEXT = re.compile(r"^([+-]?\d+(?:\.\d+)?)([^\d.]*)$")
SHARE_SEPARATORS = re.compile(r"[;；,，、\n]+")


class MonthDate(dt.date):
    """A date known to its month only (2025年3月): the 1st of the month, carrying ``precision = "month"``, so that
    every caller taking a date keeps working; arithmetic on it gives plain dates."""

    precision = "month"

    def __new__(cls, year, month: int | None = None, day: int = 1):
        if month is None:  # unpickling (a copy) passes the date's bytes
            return super().__new__(cls, year)
        return super().__new__(cls, year, month, 1)

    def __repr__(self) -> str:
        return f"MonthDate({self.year}, {self.month})"

    # str() stays the date's (2025-03-01): Django's database adapters write dates through it.


def precision_of(value) -> str:
    """ "month" for a MonthDate, else "day" (StageEvent.date_precision's values)."""
    return getattr(value, "precision", "day")


def plain_date(value: dt.date) -> dt.date:
    """A MonthDate as the plain date stored (its 1st), any other date unchanged."""
    return dt.date(value.year, value.month, value.day) if isinstance(value, MonthDate) else value


def ascii_digits(value: str) -> str:
    """Full-width digits and punctuation of numbers as ASCII ones."""
    return value.translate(FULL_WIDTH)


class Scale(Decimal):
    """The multiplier from a column's (or a cell's) unit to 万 of its currency (``scale_of``): 亿元 → 10000,
    万元 → 1, 元 → 0.0001. ``currency`` is "CNY", or "USD" for 万美元/美元/亿美元: such a figure is 万美元, not
    万元, and ``money`` needs the dollar's rate to read it."""

    currency = "CNY"

    def __new__(cls, value, currency: str = "CNY"):
        scale = super().__new__(cls, value)
        scale.currency = currency
        return scale


_UNITS = {
    "亿元": ("10000", "CNY"),
    "亿": ("10000", "CNY"),
    "千万元": ("1000", "CNY"),
    "千万": ("1000", "CNY"),
    "百万元": ("100", "CNY"),
    "百万": ("100", "CNY"),
    "万元": ("1", "CNY"),
    "万": ("1", "CNY"),
    "千元": ("0.1", "CNY"),
    "元": ("0.0001", "CNY"),
    "亿美元": ("10000", "USD"),
    "万美元": ("1", "USD"),
    "美元": ("0.0001", "USD"),
}
_UNIT_NOISE = re.compile(r"[\s()（）\[\]【】:：]|单位|人民币|金额")


def scale_of(unit_text: str | None) -> Scale | None:
    """The ``Scale`` a unit names ("亿元", "(万元)", "单位：亿元", "万美元"…); None when it names no unit."""
    if not unit_text:
        return None
    key = _UNIT_NOISE.sub("", str(unit_text))
    if key not in _UNITS:
        return None
    multiplier, currency = _UNITS[key]
    return Scale(multiplier, currency)


class CellError(ValueError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def display(value) -> str:
    """The value as the user sees it in an error line."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, MonthDate):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value, *, max_length: int | None = None) -> str:
    """A text cell; numbers typed into it (codes, voucher numbers) are read as they display."""
    if value.__class__ is str:  # the common case first: this runs for most cells of a file
        result = value.strip()
        if limits.has_control(result):
            result = limits.strip_control(result).strip()  # issue 11: stripped on import, refused by forms
        if max_length is not None and len(result) > max_length:
            raise CellError(_("Too long: at most %(max)s characters.") % {"max": max_length})
        return result
    if value is None:
        return ""
    if isinstance(value, bool):
        raise CellError(_("Expected text, not TRUE/FALSE."))
    if isinstance(value, dt.date):
        result = display(value)
    elif isinstance(value, float) and value.is_integer():
        result = str(int(value))
    else:
        result = limits.strip_control(str(value)).strip()
    if max_length is not None and len(result) > max_length:
        raise CellError(_("Too long: at most %(max)s characters.") % {"max": max_length})
    return result


def amount(
    value,
    *,
    max_digits: int = 16,
    positive: bool = False,
    maximum: Decimal | None = limits.MAX_AMOUNT,
    places: Decimal = CENT,
) -> Decimal | None:
    """A non-negative amount (or a strictly positive one) not above ``maximum`` (core.limits), or None for an
    empty cell; rounded to ``places`` (hundredths; an exchange rate keeps six decimals)."""
    if is_blank(value):
        return None
    if isinstance(value, bool) or isinstance(value, dt.date):
        raise CellError(_("The amount must be a number."))
    raw = number_text(value) if isinstance(value, str) else str(value)
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CellError(_("The amount must be a number.")) from None
    return _bounded(number, max_digits=max_digits, positive=positive, maximum=maximum, places=places)


def number_text(value: str) -> str:
    """A number typed as text, ready for Decimal: full-width digits and points folded, thousands separators
    (, ， and spaces) dropped."""
    return "".join(ascii_digits(value).replace(",", "").split())


def _bounded(number: Decimal, *, max_digits: int, positive: bool, maximum: Decimal | None, places: Decimal) -> Decimal:
    if not number.is_finite():
        raise CellError(_("The amount must be a number."))
    number = number.quantize(places, rounding=ROUND_HALF_UP)
    if number < 0:
        raise CellError(_("The amount cannot be negative."))
    if positive and number == 0:
        raise CellError(_("The amount must be greater than zero."))
    if number >= Decimal(10) ** (max_digits + places.as_tuple().exponent):
        raise CellError(_("The amount is too large."))
    if maximum is not None and number > maximum:
        raise CellError(_("The amount exceeds the maximum of %(max)s.") % {"max": f"{maximum:,}"})
    return number


def date(value, *, today: dt.date | None = None) -> dt.date | None:
    """A real Excel date, or text: 2025-06-18, 2025/6/18, 2025.6.18, 2025年6月18日, 20250618 (full-width digits
    too); a month alone (2025年3月, 2025-03, 2025/3, 2025.01, or a number cell 2025.01) is a ``MonthDate``, never
    an invented day. A number cell YYYY.MM is read as Excel shows it: 2025.1 is October (Excel drops the 0 of
    2025.10), 2025.01 January. Never in the future (a month: not after today's month)."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    elif isinstance(value, str):
        raw = ascii_digits(value).strip()
        result = _date_text(raw if ":" in raw else "".join(raw.split()))
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        result = _date_number(value)
    else:
        raise _bad_date()
    if not limits.MIN_DATE <= result <= limits.MAX_DATE:
        raise CellError(
            _("The date %(value)s is outside %(min)s … %(max)s.")
            % {"value": display(result), "min": limits.MIN_DATE, "max": limits.MAX_DATE}
        )
    if today is not None:
        future = (
            (result.year, result.month) > (today.year, today.month) if isinstance(result, MonthDate) else result > today
        )
        if future:
            raise CellError(_("The date %(date)s is in the future.") % {"date": display(result)})
    return result


def day(value, *, today: dt.date | None = None) -> dt.date | None:
    """``date``, but a month alone is refused: for the dates stored without a precision (a receipt's, a status
    date, the project's other dates), where the 1st would be an invented day."""
    result = date(value, today=today)
    if isinstance(result, MonthDate):
        raise CellError(_("Give the day, not only the month: e.g. %(example)s.") % {"example": "2025-06-18"})
    return result


def _bad_date() -> CellError:
    return CellError(
        _("Not a valid date: use an Excel date, YYYY-MM-DD, 2025年6月18日, or a month such as 2025年3月 or 2025-03.")
    )


def _date_text(raw: str) -> dt.date:
    try:
        if match := DATE_TEXT.match(raw):
            return dt.date(int(match[1]), int(match[3]), int(match[4]))
        if match := DATE_CHINESE.match(raw):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if match := MONTH_TEXT.match(raw):
            return MonthDate(int(match[1]), int(match[2] or match[3]))
        if match := DATE_DIGITS.match(raw):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise _bad_date() from None
    raise _bad_date()


def _date_number(value) -> dt.date:
    """A number cell: YYYYMMDD (20250618) or YYYY.MM as Excel displays it (2025.01 January, 2025.1 October)."""
    number = Decimal(str(value))
    if not number.is_finite():
        raise _bad_date()
    if number == number.to_integral_value():
        return _date_text(str(int(number)))  # 20250618; a bare year or 202503 is refused there
    whole, _point, fraction = f"{number:f}".partition(".")
    if len(whole) != 4 or len(fraction) > 2:
        raise _bad_date()
    month = int(fraction) if len(fraction) == 2 else int(fraction) * 10
    try:
        return MonthDate(int(whole), month)
    except ValueError:
        raise _bad_date() from None


FLAG_WORDS = {
    **YES_NO_XLSX,
    "√": True,
    "✓": True,
    "✔": True,
    "Y": True,
    "YES": True,
    "TRUE": True,
    "有": True,
    "×": False,
    "✗": False,
    "✘": False,
    "N": False,
    "NO": False,
    "FALSE": False,
    "无": False,
}


def flag(value) -> bool:
    """是/否 (or a TRUE/FALSE cell); an empty cell is 否."""
    if isinstance(value, bool):
        return value
    label = text(value).upper()
    if not label:
        return False
    if label not in FLAG_WORDS:
        raise CellError(_("Not one of the allowed values: %(values)s.") % {"values": "是/否、√/×、Y/N、有/无"})
    return FLAG_WORDS[label]


def money(
    value,
    *,
    scale: Decimal | None = None,
    usd_rate: Decimal | None = None,
    positive: bool = False,
    max_digits: int = 16,
    maximum: Decimal | None = limits.MAX_AMOUNT,
) -> Decimal | None:
    """An amount in 万元 as counties write it: "3.2亿", "32000万元", "32000万", "1,200", "１２００", "500元" (0.05);
    a bare number is in the column's ``scale`` (``scale_of`` of its header; 万元 when None). A unit in the cell wins
    over the column's. Dollars (万美元 in the cell or the column) are converted at ``usd_rate`` (yuan per dollar)
    and refused without it. Bounds as ``amount``'s (core.limits); None for an empty cell."""
    figure, currency = money_in(value, scale=scale)
    if figure is None:
        return None
    if currency == "USD":
        if usd_rate is None:
            raise CellError(_("The amount is in US dollars: give it in 万元, or record it as a receipt in dollars."))
        figure = figure * usd_rate
    return _bounded(figure, max_digits=max_digits, positive=positive, maximum=maximum, places=CENT)


def money_in(value, *, scale: Decimal | None = None) -> tuple[Decimal | None, str]:
    """The figure of a money cell in 万 of its currency, unrounded, and the currency ("CNY" or "USD"): a unit in the
    cell wins over the column's ``scale``. (None, currency) for an empty cell."""
    column_currency = getattr(scale, "currency", "CNY")
    if is_blank(value):
        return None, column_currency
    if isinstance(value, bool) or isinstance(value, dt.date):
        raise CellError(_("The amount must be a number."))
    unit = None
    if isinstance(value, str):
        match = MONEY_TEXT.match(number_text(value))
        if not match:
            raise CellError(_("The amount must be a number, optionally followed by 亿, 万 or 元 (e.g. 3.2亿)."))
        raw, unit_text = match[1], match[2]
        if unit_text:
            unit = scale_of(unit_text)
            if unit is None:
                raise CellError(_("Unknown unit %(unit)s: use 亿元, 万元 or 元.") % {"unit": unit_text})
    else:
        raw = str(value)
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CellError(_("The amount must be a number.")) from None
    if not number.is_finite():
        raise CellError(_("The amount must be a number."))
    used = unit if unit is not None else scale
    if used is not None:
        number = number * used
    return number, getattr(used, "currency", "CNY")


def choice(value, mapping: dict):
    """One of the labels of ``mapping``; None for an empty cell."""
    label = text(value)
    if not label:
        return None
    if label not in mapping:
        raise CellError(_("Not one of the allowed values: %(values)s.") % {"values": "、".join(mapping)})
    return mapping[label]


def shares(value) -> list[tuple[str, Decimal]]:
    """引进单位: ``T01:60;T02:40``, or a single code alone meaning 100%. Checks the shares, not the codes."""
    raw = text(value)
    if not raw:
        return []
    parts = [part.strip() for part in SHARE_SEPARATORS.split(raw) if part.strip()]
    if len(parts) == 1 and ":" not in parts[0] and "：" not in parts[0]:
        return [(parts[0], HUNDRED)]
    result: list[tuple[str, Decimal]] = []
    for part in parts:
        code, sep, share_text = part.replace("：", ":").partition(":")
        code, share_text = code.strip(), share_text.strip().rstrip("%％").strip()
        if not sep or not code or not share_text:
            raise _bad_shares()
        try:
            share = Decimal(share_text)
        except InvalidOperation:
            raise _bad_shares() from None
        if not share.is_finite():
            raise _bad_shares()
        result.append((code, share.quantize(CENT, rounding=ROUND_HALF_UP)))
    reasons = []
    seen = set()
    for code, share in result:
        if code in seen:
            reasons.append(_("Unit %(unit)s is credited twice.") % {"unit": code})
        seen.add(code)
        if share <= 0 or share > HUNDRED:
            reasons.append(_("The share of %(unit)s must be above 0 and at most 100.") % {"unit": code})
    total = sum((share for _code, share in result), Decimal("0"))
    if total != HUNDRED:
        reasons.append(_("Credit shares add up to %(total)s%%, not 100%%.") % {"total": f"{total.normalize():f}"})
    if reasons:
        raise CellError(" ".join(reasons))
    return result


def _bad_shares() -> CellError:
    # Made only when needed: translating the message for every row would cost more than parsing it.
    return CellError(_("Write the credited units as CODE:SHARE separated by semicolons, e.g. T01:60;T02:40."))


def format_shares(credits: list[tuple[str, Decimal]]) -> str:
    """The inverse of ``shares``: a sole 100% credit is written as the bare code."""
    if len(credits) == 1 and credits[0][1] == HUNDRED:
        return credits[0][0]
    return ";".join(f"{code}:{format(share.normalize(), 'f')}" for code, share in credits)
