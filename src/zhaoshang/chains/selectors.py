"""Reading the chains: the list with its counts, a chain's links with their enterprises, gaps, targets and projects,
and the gaps across every chain. Figures are counted from the rows the pages list."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch

from zhaoshang.projects import rules as project_rules
from zhaoshang.projects.models import Project

from . import rules
from .choices import POSITION_RANK, Position
from .models import ChainLink, IndustryChain, TargetEnterprise


def chain_list():
    return IndustryChain.objects.select_related("unit").annotate(
        link_count=Count("links", distinct=True),
        local_count=Count("links__local_enterprises", distinct=True),
        target_count=Count("links__targets", filter=rules.approaching_q("links__targets__"), distinct=True),
    )


def gap_counts() -> dict[int, int]:
    rows = ChainLink.objects.filter(rules.gap_q()).values("chain_id").annotate(n=Count("id"))
    return {row["chain_id"]: row["n"] for row in rows}


@dataclass
class LinkView:
    link: ChainLink
    gap: bool
    locals: list
    targets: list
    projects: list = field(default_factory=list)


def chain_projects(chain: IndustryChain, user):
    """The ledger's projects on the chain that the user may see."""
    return (
        Project.objects.restrict(user)
        .filter(project_rules.on_chain_q(chain.name))
        .select_related("investor")
        .order_by("-signed_on", "code")
    )


def chain_view(chain: IndustryChain, user) -> dict:
    links = sorted(
        chain.links.prefetch_related(
            "local_enterprises",
            Prefetch("targets", queryset=TargetEnterprise.objects.select_related("unit", "lead")),
        ),
        key=lambda link: (POSITION_RANK[link.position], link.order, link.pk),
    )
    projects = list(chain_projects(chain, user))
    by_link: dict[str, list] = {}
    for project in projects:
        by_link.setdefault(project.industry_chain, []).append(project)
    views = [
        LinkView(
            link=link,
            gap=rules.is_gap(link),
            locals=list(link.local_enterprises.all()),
            targets=list(link.targets.all()),
            projects=by_link.get(f"{chain.name}{project_rules.CHAIN_SEPARATOR}{link.name}", []),
        )
        for link in links
    ]
    groups = [(value, label, [v for v in views if v.link.position == value]) for value, label in Position.choices]
    return {
        "groups": groups,
        "links": views,
        "projects": projects,
        "contract_total": sum((p.contract_amount or Decimal("0") for p in projects), Decimal("0")),
        "gaps": [v for v in views if v.gap],
    }


def diagram(chain: IndustryChain, view: dict, labels: dict) -> dict:
    """The chain as a tree for ECharts: chain → positions → links → local enterprises and targets."""
    children = []
    for _value, label, links in view["groups"]:
        if not links:
            continue
        nodes = []
        for item in links:
            leaves = [{"name": e.name, "kind": "local"} for e in item.locals]
            leaves += [{"name": t.name, "kind": "target", "status": t.get_status_display()} for t in item.targets]
            nodes.append(
                {
                    "name": item.link.name,
                    "kind": "gap" if item.gap else "link",
                    "locals": len(item.locals),
                    "targets": len(item.targets),
                    "projects": len(item.projects),
                    "children": leaves,
                }
            )
        children.append({"name": str(label), "kind": "position", "children": nodes})
    return {"name": chain.name, "kind": "chain", "children": children, "labels": labels}


def diagram_height(view: dict) -> int:
    """Pixels the diagram needs: a line per leaf (enterprise or target; a link without any counts one)."""
    leaves = sum(max(1, len(item.locals) + len(item.targets)) for item in view["links"])
    return min(max(360, 22 * leaves + 40), 3000)


def gaps(user=None):
    """Every gap link of every active chain, with the targets approached for it."""
    return (
        ChainLink.objects.filter(rules.gap_q(), chain__active=True)
        .select_related("chain")
        .prefetch_related(Prefetch("targets", queryset=TargetEnterprise.objects.select_related("unit", "lead")))
        .order_by("chain__order", "chain__name", "order", "pk")
    )
