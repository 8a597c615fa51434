"""The project page's lines on merges and phases: ``{% load claims_merge %}`` (the ledger does not import claims)."""

from __future__ import annotations

from django import template

from zhaoshang.projects.models import Project

from ..history import merges_into

register = template.Library()


@register.simple_tag
def merged_from(project) -> list[dict]:
    """The projects merged into this one: their code, when and by whom, and the pair (its page for the bureau)."""
    rows = []
    for pair in merges_into(project.pk).order_by("decided_at", "id"):
        code = ((pair.merged_record or {}).get("project") or {}).get("code") or "?"
        rows.append({"code": code, "date": pair.decided_at, "who": pair.decided_by, "pair": pair})
    return rows


@register.simple_tag
def project_phases(project, user) -> dict:
    """The earlier phase and the later phases of this project that the user may see."""
    ids = [project.earlier_phase_id] if project.earlier_phase_id else []
    visible = Project.objects.restrict(user, "view")
    return {
        "earlier": visible.filter(pk__in=ids).first(),
        "later": list(visible.filter(earlier_phase=project).order_by("code")),
    }
