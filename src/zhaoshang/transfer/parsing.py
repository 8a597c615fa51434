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
DATE_TEXT = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$")
SHARE_SEPARATORS = re.compile(r"[;；,，、\n]+")


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
    raw = str(value).strip().replace(",", "") if isinstance(value, str) else str(value)
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CellError(_("The amount must be a number.")) from None
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
    """A real Excel date, or text written YYYY-MM-DD, YYYY/MM/DD or YYYY.MM.DD; never in the future."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    elif isinstance(value, str):
        match = DATE_TEXT.match(value.strip())
        if not match:
            raise CellError(_("Not a valid date: use an Excel date or YYYY-MM-DD."))
        try:
            result = dt.date(int(match[1]), int(match[3]), int(match[4]))
        except ValueError:
            raise CellError(_("Not a valid date: use an Excel date or YYYY-MM-DD.")) from None
    else:
        raise CellError(_("Not a valid date: use an Excel date or YYYY-MM-DD."))
    if not limits.MIN_DATE <= result <= limits.MAX_DATE:
        raise CellError(
            _("The date %(value)s is outside %(min)s … %(max)s.")
            % {"value": result, "min": limits.MIN_DATE, "max": limits.MAX_DATE}
        )
    if today is not None and result > today:
        raise CellError(_("The date %(date)s is in the future.") % {"date": result.isoformat()})
    return result


def flag(value) -> bool:
    """是/否 (or a TRUE/FALSE cell); an empty cell is 否."""
    if isinstance(value, bool):
        return value
    label = text(value)
    if not label:
        return False
    if label not in YES_NO_XLSX:
        raise CellError(_("Not one of the allowed values: %(values)s.") % {"values": "、".join(YES_NO_XLSX)})
    return YES_NO_XLSX[label]


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
