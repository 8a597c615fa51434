"""``{% load claims %}``: a project's open double claims, and the pairs an import found, as the user may see them."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

from zhaoshang.organization import access

from .. import selectors
from ..models import ClaimPair

register = template.Library()


def review_url(user) -> str:
    """The bureau's review page, for those who review (empty for others, or until the page exists)."""
    if not access.edits_everything(user):
        return ""
    try:
        return reverse("claims:review")
    except NoReverseMatch:
        return ""


@register.inclusion_tag("claims/_warning.html", takes_context=True)
def double_claims_for(context, project):
    """The open pairs of ``project``: the other project named only to a user who may view it."""
    user = context["request"].user
    return {"similar": selectors.hidden_last(selectors.open_pairs_of(user, project)), "review_url": review_url(user)}


@register.inclusion_tag("claims/_warning_import.html", takes_context=True)
def import_double_claims(context, pair_ids):
    """The pairs an import found (their ids, as kept on the import's result), with the same rule."""
    user = context["request"].user
    pairs = list(ClaimPair.objects.filter(pk__in=list(pair_ids or ())).order_by("-score", "code_a"))
    return {"rows": selectors.shown_pairs(user, pairs), "count": len(pairs), "review_url": review_url(user)}
