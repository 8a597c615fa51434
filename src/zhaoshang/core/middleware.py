"""Date query parameters outside a sane range give a 400 with a message, never a 500 (issue 11, part 3).

Every page that reads a date from its query (the dashboard's and the assessment's ``as_of``, the ledger's
``date_from``/``date_to``/``received_from``/``received_to``, the 水分 report, the bulletins' month...) is guarded
here in one place rather than in each view: a parameter named like a date must be an ISO date (``YYYY-MM-DD``,
or ``YYYY-MM`` for a month) between ``core.limits.MIN_DATE`` and ``MAX_DATE``, and any other parameter whose
value looks like a date must lie in that range too. Year 1 or 9999 made the windows' arithmetic overflow.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import limits

DATE_NAMES = re.compile(
    r"^(as_of|date|day|start|end|month|deadline|new_date|stage_date|.*_(from|to|date|on|after|before))$"
)
FREE_TEXT = {"q", "search", "code", "name"}
# What a user calls the parameters the product's own links carry; others are named as they are.
LABELS = {
    "as_of": gettext_lazy("figures as of"),
    "date_from": gettext_lazy("from"),
    "date_to": gettext_lazy("to"),
    "received_from": gettext_lazy("funds received from"),
    "received_to": gettext_lazy("funds received to"),
    "from": gettext_lazy("from"),
    "to": gettext_lazy("to"),
    "month": gettext_lazy("month"),
}


def _named(name: str) -> str:
    """ "截止日期（as_of）": the label a user knows, with the name they see in the address."""
    label = LABELS.get(name)
    return f"{label}（{name}）" if label else name


LOOKS_LIKE_DATE = re.compile(r"^\s*(\d{1,6})-(\d{1,2})(?:-(\d{1,2}))?\s*$")


def check_parameter(name: str, value: str) -> None:
    """ValidationError (Chinese, naming the parameter) if ``value`` is not an acceptable date for ``name``."""
    value = value.strip()
    if not value:
        return
    date_named = bool(DATE_NAMES.match(name))
    match = LOOKS_LIKE_DATE.match(value)
    if not date_named and (name in FREE_TEXT or not (match and len(match[1]) == 4 and match[3])):
        return  # a search text, a code or a number: not a date
    if not match:
        if date_named:
            raise ValidationError(
                _("%(name)s: %(value)s is not a date (YYYY-MM-DD).") % {"name": _named(name), "value": value[:20]}
            )
        return
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    try:
        parsed = dt.date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("%(name)s: %(value)s is not a date (YYYY-MM-DD).") % {"name": _named(name), "value": value[:20]}
        ) from None
    if not limits.MIN_DATE <= parsed <= limits.MAX_DATE:
        raise ValidationError(
            _("%(name)s: the date %(value)s is outside %(min)s … %(max)s.")
            % {"name": _named(name), "value": value[:20], "min": limits.MIN_DATE, "max": limits.MAX_DATE}
        )


class DateParameterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, values in request.GET.lists():
            for value in values:
                try:
                    check_parameter(name, value)
                except ValidationError as error:
                    message = error.messages[0]
                    if request.path.startswith("/api/"):
                        return JsonResponse({"detail": message}, status=400, json_dumps_params={"ensure_ascii": False})
                    return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)
