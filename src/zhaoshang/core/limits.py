"""The bounds of what the ledger accepts, in one place (issue 11; decision 14 in docs/development/decisions.md).

Amounts are in 万元. A single amount (an investment, a contract, a receipt, a verified figure) may not exceed
``MAX_AMOUNT`` = 9,999,999.99 万元, i.e. about 1,000 亿元: larger than any county project, and far enough below
the money columns' capacity (16 digits, 2 decimals: 99,999,999,999,999.99) that a project's funds in place and
the county's totals can never overflow them (ten million receipts at the maximum still fit). Sums read in the
database use ``SUM_FIELD`` (30 digits), so that even hostile values stored directly in the database do not
overflow an aggregate.

Text: control characters (other than tab and line breaks in multi-line text) are refused by forms and the API
and stripped by the importer; the lengths are the model columns' own ``max_length``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import DecimalField, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_AMOUNT = Decimal("9999999.99")  # 万元, any single amount
MAX_LAND_AREA = Decimal("999999.99")  # 亩 (≈ 667 km², more than a county's industrial land)
MAX_EXCHANGE_RATE = Decimal("1000")  # CNY per unit of currency (the real ones are below 10; a typo guard)
# A receipt's original amount is in units of its currency (not 10k): room for 1,000 亿元 in yen.
MAX_ORIGINAL_AMOUNT = Decimal("9999999999999.99")
MAX_TEXT = 10_000  # characters in a multi-line text (notes, reasons, comments)
COLUMN_MAX = Decimal("99999999999999.99")  # what a money column (max_digits=16, decimal_places=2) holds
SUM_FIELD = DecimalField(max_digits=30, decimal_places=2)
MIN_DATE = dt.date(2000, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)

# Control characters: C0 except tab, LF, CR; DEL; C1.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def has_control(value: str, *, multiline: bool = True) -> bool:
    return bool((_CONTROL if multiline else _CONTROL_SINGLE_LINE).search(value))


def strip_control(value: str, *, multiline: bool = True) -> str:
    """``value`` without control characters (the importer's cleaning; a line break in a one-line field
    becomes a space)."""
    if not multiline:
        value = value.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return (_CONTROL if multiline else _CONTROL_SINGLE_LINE).sub("", value)


def validate_no_control(value) -> None:
    if isinstance(value, str) and has_control(value):
        raise ValidationError(gettext_lazy("Control characters are not allowed."), code="control")


def amount_error(value, *, maximum: Decimal = MAX_AMOUNT, negative: bool = False) -> str | None:
    """The reason ``value`` is out of bounds, or None."""
    if value is None:
        return None
    if not negative and value < 0:
        return _("must not be negative")
    if abs(value) > maximum:
        return _("must not exceed %(max)s") % {"max": f"{maximum:,}"}
    return None


def check_amount(value, label, *, maximum: Decimal = MAX_AMOUNT, negative: bool = False) -> None:
    """Raise a ValidationError naming the field if ``value`` is out of bounds."""
    reason = amount_error(value, maximum=maximum, negative=negative)
    if reason:
        raise ValidationError(f"{label}: {reason}")


MAY_BE_NEGATIVE: frozenset[str] = frozenset()  # no amount in the ledger is negative
MAXIMA = {"land_area": MAX_LAND_AREA, "exchange_rate": MAX_EXCHANGE_RATE, "original_amount": MAX_ORIGINAL_AMOUNT}


def maximum_for(field_name: str) -> Decimal:
    return MAXIMA.get(field_name, MAX_AMOUNT)


def money_sum(expression) -> Coalesce:
    """``Sum(expression)`` in 30 digits and 0 for no rows: never overflows the 16-digit money columns."""
    return Coalesce(Sum(expression, output_field=SUM_FIELD), Decimal("0"), output_field=SUM_FIELD)


def clamp(total: Decimal) -> Decimal:
    """A derived total kept inside a money column (only hostile data stored past the forms reaches this)."""
    return max(-COLUMN_MAX, min(COLUMN_MAX, total))


def parse_day(text: str | None) -> dt.date | None:
    """A date query parameter: None if absent; ValidationError (Chinese) if garbage or outside MIN..MAX_DATE."""
    if text in (None, ""):
        return None
    try:
        day = dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise ValidationError(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": str(text)[:20]}) from None
    check_day(day)
    return day


def check_day(day: dt.date) -> None:
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValidationError(
            _("The date %(value)s is outside %(min)s … %(max)s.") % {"value": day, "min": MIN_DATE, "max": MAX_DATE}
        )
