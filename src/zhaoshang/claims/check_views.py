"""The live double-claim warning of the project form: an htmx GET while the user types (never a block)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import matching, selectors
from .services import threshold

# Bounds of what the live check reads: a form's amount (10k yuan, as the model's 16 digits allow) and an id.
MAX_AMOUNT = Decimal("1E14")


def _amount(text: str) -> Decimal | None:
    try:
        value = Decimal((text or "").replace(",", "").strip()[:30])
    except InvalidOperation:
        return None
    return value if value.is_finite() and 0 < value < MAX_AMOUNT else None


def _id(text: str) -> int:
    text = text or ""
    return int(text) if text.isdigit() and len(text) <= 18 else 0


@login_required
@require_GET
def check(request):
    """A fragment listing the projects like the one being typed (name, investor, credit code, location, amount);
    empty when nothing is alike or the name is too short to tell."""
    data = request.GET
    name = (data.get("name") or "").strip()[:200]
    if len(name) < 2:
        return render(request, "claims/_warning_live.html", {"similar": []})
    probe = matching.Candidate(
        id=_id(data.get("project", "")),
        code="",
        name=name,
        investor=(data.get("investor_name") or data.get("investor") or "").strip()[:200],
        credit_code=(data.get("investor_credit_code") or data.get("credit_code") or "").strip()[:18],
        location=(data.get("location") or "").strip()[:200],
        amount=_amount(data.get("planned_investment", "")),
    )
    similar = selectors.similar_projects(request.user, probe, threshold())
    return render(request, "claims/_warning_live.html", {"similar": selectors.hidden_last(similar)})
