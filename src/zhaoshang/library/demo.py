"""The demo county's project library: fifteen packaged opportunities of the townships and parks, most published,
a few in talks, two landed as existing projects of their unit (only ``Opportunity.project`` is set: the ledger is
not touched), two still proposals. Drawn from its own random stream, so nothing else of the demo changes."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from zhaoshang.core.history import as_user
from zhaoshang.organization import access
from zhaoshang.projects.choices import Stage
from zhaoshang.projects.models import Project

from .choices import OpportunityStatus as S
from .models import Opportunity

SEED = 1818

# (unit code, title, industry, chain link, investment 万元, land 亩, site, what is offered, conditions)
OPPORTUNITIES = [
    (
        "P01",
        "新能源汽车零部件产业园",
        "C",
        "新能源汽车·零部件",
        50000,
        300,
        "县经济开发区创业大道以东",
        "建设电机、电控及轻量化车身零部件生产线，配套仓储物流。",
        "七通一平，紧邻高速出口，标准厂房可先租后售。",
    ),
    (
        "P01",
        "锂电池正极材料项目",
        "C",
        "新能源·电池材料",
        80000,
        420,
        "县经济开发区纬三路南侧",
        "年产2万吨磷酸铁锂正极材料。",
        "园区污水处理厂已建成，220千伏变电站在建。",
    ),
    (
        "P02",
        "集成电路封装测试基地",
        "C",
        "电子信息·封装测试",
        60000,
        200,
        "县高新区科技路",
        "先进封装测试产线及研发中心。",
        "高新区双电源供电，人才公寓配套。",
    ),
    (
        "P02",
        "工业互联网平台及数据中心",
        "I",
        "数字经济·算力",
        30000,
        80,
        "县高新区经五路",
        "面向县域制造企业的工业互联网平台和边缘数据中心。",
        "千兆光纤到园，电价享受大数据产业优惠。",
    ),
    (
        "T01",
        "城关老街文旅街区改造",
        "R",
        "文化旅游·街区运营",
        15000,
        60,
        "城关镇老街片区",
        "历史街区保护性开发，引入非遗工坊、特色餐饮和民宿。",
        "房屋征收已完成七成，规划已批复。",
    ),
    (
        "T01",
        "城区冷链物流配送中心",
        "G",
        "现代物流·冷链",
        12000,
        50,
        "城关镇前进村",
        "冷库5万吨及城乡配送网络。",
        "临国道，土地已完成组卷报批。",
    ),
    (
        "T02",
        "东关商业综合体",
        "F",
        "商贸服务·综合体",
        40000,
        90,
        "东关街道长江路",
        "购物中心、星级酒店及写字楼。",
        "净地出让，周边居住人口约8万。",
    ),
    (
        "T04",
        "河口镇优质稻米精深加工",
        "C",
        "农产品加工·粮油",
        8000,
        45,
        "河口镇东风村",
        "稻米精深加工及米糠综合利用。",
        "周边优质稻基地5万亩，订单农业基础好。",
    ),
    (
        "T04",
        "河口水库生态康养小镇",
        "Q",
        "康养·旅居",
        25000,
        150,
        "河口镇河西村",
        "康养公寓、医养结合中心及湖滨步道。",
        "水库水质二类，已纳入县全域旅游规划。",
    ),
    (
        "T06",
        "柳林镇中药材种植加工基地",
        "A",
        "中医药·种植加工",
        6000,
        800,
        "柳林镇柳树屯村",
        "道地药材规范化种植及饮片加工。",
        "土地流转意向已签，村集体参股。",
    ),
    (
        "T07",
        "石桥镇绿色建材产业园",
        "C",
        "建材·装配式建筑",
        20000,
        160,
        "石桥镇新庄村",
        "装配式建筑构件及新型墙材生产。",
        "靠近砂石资源，环评区域评估已完成。",
    ),
    (
        "T08",
        "龙泉温泉度假区",
        "R",
        "文化旅游·度假",
        35000,
        200,
        "龙泉镇枣林村",
        "温泉酒店、水上乐园及露营地。",
        "温泉勘探井出水温度56℃。",
    ),
    (
        "T09",
        "金河镇光伏农业示范园",
        "D",
        "新能源·光伏",
        18000,
        600,
        "金河镇张寨村",
        "农光互补电站及设施农业大棚。",
        "接入110千伏变电站，屋顶资源可一并开发。",
    ),
    (
        "T05",
        "南湖街道跨境电商产业园",
        "L",
        "数字经济·电商",
        9000,
        30,
        "南湖街道高庙村",
        "跨境电商孵化、直播基地及公共海外仓服务。",
        "闲置厂房3万平方米可改造利用。",
    ),
    (
        "T11",
        "白马镇肉牛养殖及屠宰加工",
        "A",
        "畜牧·肉牛全产业链",
        15000,
        260,
        "白马镇王庄村",
        "万头肉牛养殖场及屠宰分割生产线。",
        "饲草基地配套，防疫条件已评估。",
    ),
]
# Index in OPPORTUNITIES → status; the rest are published.
STATUSES = {4: S.IN_TALKS, 8: S.IN_TALKS, 12: S.IN_TALKS, 1: S.LANDED, 7: S.LANDED, 13: S.PROPOSED, 14: S.PROPOSED}
LANDED_STAGES = (Stage.SIGNED, Stage.STARTED, Stage.PRODUCING)


def _landed_project(unit, taken: set[int], rng: random.Random) -> Project | None:
    """A signed (or further) project credited to the unit, not yet taken by another opportunity."""
    candidates = list(
        Project.objects.filter(credits__unit=unit, stage__in=LANDED_STAGES)
        .exclude(pk__in=taken)
        .order_by("code")
        .values_list("pk", flat=True)
        .distinct()
    )
    if not candidates:
        return None
    return Project.objects.get(pk=rng.choice(candidates))


def build_demo(rng: random.Random | None, units: dict, users: dict, today: dt.date) -> int:
    """Write the library; returns the number of opportunities."""
    rng = rng or random.Random(SEED)
    bureau = users["bureau"]
    reporters = {user.unit_id: user for user in users.values() if access.is_reporter(user)}
    taken: set[int] = set()
    published = 0
    for index, row in enumerate(OPPORTUNITIES):
        unit_code, title, industry, chain, investment, land, site, description, conditions = row
        unit = units[unit_code]
        status = STATUSES.get(index, S.PUBLISHED)
        project = None
        if status == S.LANDED:
            project = _landed_project(unit, taken, rng)
            if project is None:
                status = S.IN_TALKS
            else:
                taken.add(project.pk)
        author = reporters.get(unit.pk, bureau)
        opportunity = Opportunity(
            title=title,
            industry=industry,
            industry_chain=chain,
            investment=Decimal(investment),
            land_area=Decimal(land),
            site=site,
            description=description,
            conditions=conditions,
            contact_name=f"{unit.name}招商办",
            contact_phone=f"0{rng.randint(300, 999)}-{rng.randint(6000000, 6999999)}",
            unit=unit,
            status=status,
            project=project,
            proposed_by=author,
        )
        if status != S.PROPOSED:
            published += 1
            opportunity.code = f"ZS{today.year}-{published:03d}"
            days_this_year = today.timetuple().tm_yday - 1
            opportunity.published_on = today - dt.timedelta(days=rng.randint(0, max(0, min(200, days_this_year))))
        as_user(opportunity, author if status == S.PROPOSED else bureau).save()
    return len(OPPORTUNITIES)
