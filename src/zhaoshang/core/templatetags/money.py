"""Money display: amounts are kept in 万元 (10k yuan) as Decimal and shown with thousands separators."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def wan(value) -> str:
    """1234.5 → '1,234.50' (万元). Empty stays empty."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"


@register.filter
def yi(value) -> str:
    """Show large amounts in 亿元 (100 million yuan) when they reach 1亿."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    if abs(value) >= 10000:
        return _("%(amount)s hundred million yuan") % {"amount": f"{value / 10000:,.2f}"}
    return _("%(amount)s ten thousand yuan") % {"amount": f"{value:,.2f}"}


@register.filter
def percent(value) -> str:
    """60.00 → '60', 33.50 → '33.5' (never scientific notation)."""
    if value is None or value == "":
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def percent_of(value) -> str:
    """A ratio as a percentage with one decimal: 0.8567 → '85.7%'."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value) * 100:.1f}%"


@register.filter
def rate(value) -> str:
    """An exchange rate without trailing zeros: 7.100000 → '7.1'. Empty stays empty."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value).normalize():f}"
