"""The demo county's resources on offer: twenty land parcels, eight standard factories and six idle assets of the
townships and parks. A few parcels and factories are supplied (let or sold) to signed projects of their own unit:
only the resource's ``project`` is set, the ledger is not touched. Drawn from its own random stream, so nothing else
of the demo changes."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from zhaoshang.core.history import as_user
from zhaoshang.organization import access
from zhaoshang.projects.choices import Stage
from zhaoshang.projects.models import Project

from .choices import FactoryStatus, IdleKind, IdleStatus, LandUse, ParcelStatus
from .models import Factory, IdleAsset, LandParcel

SEED = 1919
# The demo county's centre (a made-up county on the plain); resources lie within about 20 km of it.
CENTRE = (Decimal("34.520000"), Decimal("113.860000"))
TAKEN_STAGES = (Stage.SIGNED, Stage.STARTED, Stage.PRODUCING)

# (unit code, name, location, 亩, use, 万元/亩, planning conditions)
PARCELS = [
    (
        "P01",
        "开发区创业大道东地块",
        "县经济开发区创业大道以东",
        320,
        LandUse.INDUSTRIAL,
        18,
        "容积率≥1.2，建筑密度≥40%",
    ),
    ("P01", "开发区纬三路南地块", "县经济开发区纬三路南侧", 150, LandUse.INDUSTRIAL, 18, "容积率≥1.0，绿地率≤15%"),
    ("P01", "开发区经二路西地块", "县经济开发区经二路西侧", 86, LandUse.INDUSTRIAL, 20, "容积率≥1.2"),
    ("P01", "开发区物流园一期地块", "县经济开发区物流园", 120, LandUse.WAREHOUSING, 16, "容积率≥0.8"),
    ("P01", "开发区纬五路北地块", "县经济开发区纬五路北侧", 45, LandUse.INDUSTRIAL, 20, "容积率≥1.2"),
    ("P02", "高新区科技路东地块", "县高新区科技路东侧", 60, LandUse.INDUSTRIAL, 25, "容积率≥1.5，限高40米"),
    ("P02", "高新区经五路地块", "县高新区经五路", 35, LandUse.MIXED, 40, "容积率≤2.5"),
    ("P02", "高新区创新大道北地块", "县高新区创新大道北侧", 210, LandUse.INDUSTRIAL, 22, "容积率≥1.2"),
    ("T01", "城关镇前进村地块", "城关镇前进村", 52, LandUse.WAREHOUSING, 15, "容积率≥0.8"),
    ("T01", "城关老街商业地块", "城关镇老街片区", 18, LandUse.COMMERCIAL, 120, "容积率≤2.0，限高24米"),
    ("T02", "东关长江路商业地块", "东关街道长江路", 40, LandUse.COMMERCIAL, 150, "容积率≤3.0"),
    ("T04", "河口镇东风村地块", "河口镇东风村", 68, LandUse.INDUSTRIAL, 12, "容积率≥1.0"),
    ("T04", "河口镇工业集中区地块", "河口镇工业集中区", 95, LandUse.INDUSTRIAL, 12, "容积率≥1.0"),
    ("T05", "南湖高庙村地块", "南湖街道高庙村", 28, LandUse.MIXED, 60, "容积率≤2.0"),
    ("T06", "柳林镇农产品加工区地块", "柳林镇柳树屯村", 75, LandUse.INDUSTRIAL, 10, "容积率≥0.8"),
    ("T07", "石桥镇新庄村地块", "石桥镇新庄村", 160, LandUse.INDUSTRIAL, 11, "容积率≥1.0，环评区域评估已完成"),
    ("T08", "龙泉镇枣林村地块", "龙泉镇枣林村", 200, LandUse.OTHER, 8, "旅游用地，容积率≤0.8"),
    ("T09", "金河镇张寨村地块", "金河镇张寨村", 55, LandUse.INDUSTRIAL, 10, "容积率≥1.0"),
    ("T11", "白马镇王庄村地块", "白马镇王庄村", 110, LandUse.INDUSTRIAL, 9, "容积率≥0.8"),
    ("T12", "新店镇国道北地块", "新店镇国道北侧", 42, LandUse.WAREHOUSING, 10, "容积率≥0.8"),
]
# (unit code, name, location, ㎡, floors, kN/㎡, 元/㎡/月)
FACTORIES = [
    ("P01", "开发区标准化厂房A栋", "县经济开发区创业大道18号", 12000, 1, 30, 12),
    ("P01", "开发区标准化厂房B栋", "县经济开发区创业大道18号", 8600, 3, 8, 10),
    ("P01", "开发区标准化厂房C栋", "县经济开发区纬三路6号", 24000, 1, 30, 11),
    ("P02", "高新区电子产业园1号楼", "县高新区科技路9号", 6000, 4, 6, 14),
    ("P02", "高新区电子产业园2号楼", "县高新区科技路9号", 6000, 4, 6, 14),
    ("T04", "河口镇小微企业园厂房", "河口镇工业集中区", 4500, 2, 10, 7),
    ("T05", "南湖电商产业园厂房", "南湖街道高庙村", 30000, 3, 5, 8),
    ("T07", "石桥镇建材园厂房", "石桥镇新庄村", 9000, 1, 25, 6),
]
# (unit code, name, kind, owner, 亩, ㎡, problem, plan, status)
IDLE = [
    ("T01", "原城关镇纺织厂", IdleKind.CLOSED_ENTERPRISE, "城关纺织有限公司（已停产）", 46, 18000,
     "企业2019年停产，厂房闲置，有银行抵押。", "协调债权人，整体转让引进新企业。", IdleStatus.IN_DISPOSAL),
    ("T02", "东关商住楼烂尾项目", IdleKind.UNFINISHED_BUILDING, "某置业公司", 12, 36000,
     "主体封顶后停工，拖欠工程款。", "引入国企平台接盘续建。", IdleStatus.TO_DISPOSE),
    ("P01", "开发区闲置厂房（原机械厂）", IdleKind.IDLE_FACTORY, "县国投公司", 30, 15000,
     "原承租企业迁出。", "改造为标准化厂房对外招租。", IdleStatus.IN_DISPOSAL),
    ("T06", "柳林镇存量工业用地", IdleKind.STOCK_LAND, "柳林镇人民政府", 80, None,
     "批而未供，周边配套不足。", "完善道路和供水后挂牌出让。", IdleStatus.TO_DISPOSE),
    ("T11", "白马镇半拉子养殖场", IdleKind.HALTED_PROJECT, "白马牧业合作社", 25, 3000,
     "资金链断裂，工程停建两年。", "引进龙头企业收购续建。", IdleStatus.TO_DISPOSE),
    ("T04", "河口镇原粮站仓库", IdleKind.IDLE_FACTORY, "县粮食购销公司", 15, 5200,
     "仓库闲置多年。", "已改造为冷链仓储并出租。", IdleStatus.DISPOSED),
]  # fmt: skip
# Indexes of the parcels and factories supplied (let or sold) to a signed project of their unit, if it has one;
# of those reserved.
SUPPLIED_PARCELS = (0, 7, 12, 15)
RESERVED_PARCELS = (1, 9)
LET_FACTORIES = (0, 3)
RESERVED_FACTORIES = (6,)


def _point(rng: random.Random) -> tuple[Decimal, Decimal]:
    lat, lng = CENTRE
    return (
        (lat + Decimal(rng.randint(-1800, 1800)) / 10000).quantize(Decimal("0.000001")),
        (lng + Decimal(rng.randint(-2200, 2200)) / 10000).quantize(Decimal("0.000001")),
    )


def _signed_project(unit, taken: set[int], rng: random.Random) -> Project | None:
    candidates = list(
        Project.objects.filter(credits__unit=unit, stage__in=TAKEN_STAGES)
        .exclude(pk__in=taken)
        .order_by("code")
        .values_list("pk", flat=True)
        .distinct()
    )
    if not candidates:
        return None
    return Project.objects.get(pk=rng.choice(candidates))


def build_demo(rng: random.Random | None, units: dict, users: dict, today: dt.date) -> int:
    """Write the resources; returns how many."""
    rng = rng or random.Random(SEED)
    bureau = users["bureau"]
    reporters = {user.unit_id: user for user in users.values() if access.is_reporter(user)}
    taken: set[int] = set()
    written = 0

    def save(resource, unit, index, supplied, reserved, taken_status, reserved_status):
        nonlocal written
        resource.unit = unit
        resource.latitude, resource.longitude = _point(rng)
        if index in supplied:
            project = _signed_project(unit, taken, rng)
            if project is not None:
                taken.add(project.pk)
                resource.status, resource.project = taken_status, project
        elif index in reserved:
            resource.status = reserved_status
        resource.full_clean()
        as_user(resource, reporters.get(unit.pk, bureau)).save()
        written += 1

    for index, (code, name, location, area, use, price, conditions) in enumerate(PARCELS):
        parcel = LandParcel(
            number=f"{code}-{today.year}-{index + 1:02d}",
            name=name,
            location=location,
            area_mu=Decimal(area),
            land_use=use,
            price=Decimal(price),
            planning_conditions=conditions,
        )
        save(
            parcel, units[code], index, SUPPLIED_PARCELS, RESERVED_PARCELS, ParcelStatus.SUPPLIED, ParcelStatus.RESERVED
        )
    for index, (code, name, location, area, floors, load, rent) in enumerate(FACTORIES):
        factory = Factory(
            name=name,
            location=location,
            floor_area_m2=Decimal(area),
            floors=floors,
            floor_load=Decimal(load),
            rent=Decimal(rent),
        )
        save(
            factory,
            units[code],
            index,
            LET_FACTORIES,
            RESERVED_FACTORIES,
            FactoryStatus.LET_OR_SOLD,
            FactoryStatus.RESERVED,
        )
    for code, name, kind, owner, land, floor, problem, plan, status in IDLE:
        asset = IdleAsset(
            name=name,
            kind=kind,
            owner=owner,
            location=units[code].name,
            land_area_mu=Decimal(land),
            floor_area_m2=Decimal(floor) if floor else None,
            problem=problem,
            disposal_plan=plan,
            status=status,
        )
        save(asset, units[code], -1, (), (), None, None)
    return written
