"""The demo county's industry chains (issue 19): seven chains of its ledger with their links placed up-, mid- and
downstream, the investors of the projects signed on each link as its local enterprises, and a few links the county
lacks (缺链) with the enterprises it approaches for them. Nothing of the ledger changes."""

from __future__ import annotations

import random

from zhaoshang.chains.choices import ContactStatus
from zhaoshang.chains.models import ChainLink, IndustryChain, LocalEnterprise, TargetEnterprise
from zhaoshang.core.history import as_user
from zhaoshang.organization.models import Unit, User
from zhaoshang.projects.models import Project

from . import data

# chain → (unit in charge by code, [(link, position)]); links the ledger has no project on are the gaps.
CHAINS = {
    "新能源": (
        "P02",
        [("光伏组件", "up"), ("储能装备", "mid"), ("氢储能", "mid"), ("光伏发电", "down"), ("风力发电", "down")],
    ),
    "新材料": ("P01", [("锂电材料", "up"), ("精细化工", "up"), ("高分子材料", "mid"), ("新型建材", "down")]),
    "装备制造": (
        "P01",
        [("精密机械", "up"), ("汽车零部件", "mid"), ("工业机器人", "mid"), ("钢结构", "mid"), ("农机装备", "down")],
    ),
    "电子信息": (
        "P02",
        [("电子元器件", "up"), ("线路板", "mid"), ("半导体封测", "mid"), ("智能终端", "down"), ("软件服务", "down")],
    ),
    "肉羊": (
        None,
        [("饲料", "up"), ("标准化养殖", "up"), ("屠宰加工", "mid"), ("冷链配送", "down"), ("品牌餐饮", "down")],
    ),
    "纺织服装": (
        None,
        [("化纤原料", "up"), ("人发制品", "mid"), ("裘皮服装", "mid"), ("服装加工", "mid"), ("地毯", "down")],
    ),
    "生物医药": ("P02", [("中药材种植", "up"), ("中药提取", "mid"), ("医疗器械", "mid"), ("医药流通", "down")]),
}
REASONS = [
    "补齐本县缺失环节",
    "与本地龙头企业配套",
    "延伸产业链下游",
    "行业排名前列，有外迁意向",
    "已在周边县布局，可争取",
]
STATUSES = [
    ContactStatus.NOT_CONTACTED,
    ContactStatus.CONTACTED,
    ContactStatus.CONTACTED,
    ContactStatus.VISITED,
    ContactStatus.NEGOTIATING,
    ContactStatus.DROPPED,
]


def build_chains(*, rng: random.Random) -> int:
    """Create the chains; returns the number of links."""
    bureau = User.objects.filter(username="bureau").first()
    units = {unit.code: unit for unit in Unit.objects.all()}
    parks = [unit for code, unit in units.items() if code.startswith("P")] or list(units.values())[:1]
    investors: dict[str, list[str]] = {}
    signed = Project.objects.filter(signed_on__isnull=False, investor__isnull=False).select_related("investor")
    for project in signed.order_by("code"):
        names = investors.setdefault(project.industry_chain, [])
        if project.investor.name not in names:
            names.append(project.investor.name)
    count = 0
    for order, (name, (unit_code, links)) in enumerate(CHAINS.items(), start=1):
        chain = as_user(IndustryChain(name=name, unit=units.get(unit_code), order=order * 10), bureau)
        chain.description = f"{name}产业链招商图谱：强链、补链、延链。"
        chain.save()
        for index, (link_name, position) in enumerate(links):
            link = as_user(ChainLink(chain=chain, name=link_name, position=position, order=index * 10), bureau)
            link.save()
            count += 1
            for enterprise in investors.get(f"{name}·{link_name}", [])[:4]:
                as_user(LocalEnterprise(link=link, name=enterprise), bureau).save()
            if investors.get(f"{name}·{link_name}") and rng.random() > 0.3:
                continue
            for _n in range(rng.randint(1, 3)):
                city = rng.choice(data.DOMESTIC_ORIGINS)[1]
                words = data.CHAIN_WORDS.get(name, ["科技"])
                target = TargetEnterprise(
                    link=link,
                    name=f"{city}{rng.choice(data.BRANDS)}{rng.choice(words)}{rng.choice(data.COMPANY_SUFFIXES)}",
                    location=city,
                    reason=rng.choice(REASONS),
                    unit=chain.unit or rng.choice(parks),
                    status=rng.choice(STATUSES),
                    updated_by=bureau,
                )
                as_user(target, bureau).save()
    return count
