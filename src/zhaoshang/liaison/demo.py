"""The demo county's enterprise liaison (issue 19): about forty enterprises in the townships and parks, each with
one or two liaison cadres from the register of persons, some sixty visits over the last half year and some fifty
demands to the county's departments — some closed out with the enterprise's answer, some back in progress after
an unsatisfied one, some overdue.

Drawn from a stream of its own and written after everything else, so no figure of the ledger changes."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from zhaoshang.core.history import as_user
from zhaoshang.organization import access
from zhaoshang.organization.choices import Category
from zhaoshang.organization.models import Unit, User
from zhaoshang.projects import credit_code
from zhaoshang.projects.choices import Industry

from .choices import DemandCategory, DemandStatus, EnterpriseSize, Satisfaction
from .models import Demand, DemandUpdate, Enterprise, Liaison, Visit

ENTERPRISES = 40
VISITS = 60
DEMANDS = 50
NAME_HEADS = ["恒泰", "鑫源", "华宇", "金盛", "瑞丰", "宏达", "永兴", "天润", "嘉禾", "中科", "益民", "博远", "新河"]
NAME_TAILS = [
    ("新材料有限公司", "C"),
    ("食品有限公司", "C"),
    ("农业科技有限公司", "A"),
    ("机械制造有限公司", "C"),
    ("物流有限公司", "G"),
    ("电子科技有限公司", "C"),
    ("商贸有限公司", "F"),
    ("建材有限公司", "C"),
    ("酒店管理有限公司", "H"),
    ("生物科技有限公司", "M"),
]
DEMANDS_BY_CATEGORY = {
    DemandCategory.LAND: ["扩建厂房需新增用地约20亩", "办理土地证遗留问题", "申请标准化厂房二期入驻"],
    DemandCategory.FINANCE: ["申请流动资金贷款500万元", "协调银行续贷", "申报技改贴息资金"],
    DemandCategory.LABOUR: ["招聘一线工人50名", "技术工人培训补贴申请", "员工子女入学问题"],
    DemandCategory.APPROVALS: ["环评批复办理进度慢", "消防验收需加快", "排污许可证延续"],
    DemandCategory.INFRASTRUCTURE: ["厂区门前道路破损需维修", "申请双回路供电", "天然气管网接入", "污水管网接入"],
    DemandCategory.OTHER: ["周边施工噪音影响生产", "申请规上企业入库指导"],
}
RAISED = ["介绍了生产经营情况", "反映了用工和资金困难", "希望政府协调解决用地问题", "了解惠企政策落实情况"]
ANSWERS = {Satisfaction.SATISFIED: "满意", Satisfaction.BASICALLY_SATISFIED: "基本满意"}
NOTES = ["已与企业对接，正在协调", "已提交县政府研究", "已组织现场办公会", "相关手续正在办理中"]


# The departments that usually handle a kind of demand, by a word of their names (any department when none fits).
HANDLERS = {
    DemandCategory.LAND: ("自然资源",),
    DemandCategory.FINANCE: ("财政", "发改"),
    DemandCategory.LABOUR: ("人社", "教体"),
    DemandCategory.APPROVALS: ("行政审批", "市场监管", "住建", "应急"),
    DemandCategory.INFRASTRUCTURE: ("住建", "交通", "水利", "供电", "城管"),
    DemandCategory.OTHER: ("工信", "商务", "统计"),
}


def _handling(departments: list[Unit], category: str) -> list[Unit]:
    found = [u for u in departments if any(word in u.name for word in HANDLERS[category])]
    return found or departments


def _credit_code(rng: random.Random) -> str:
    while True:
        org = "".join(str(rng.randint(0, 9)) for _ in range(8))
        check = credit_code.org_check_digit(org)
        if check in credit_code.VALUES:
            return credit_code.with_check_digit("91" + "411526" + org + check)


def build_demo(*, rng: random.Random, units: dict[str, Unit], users: dict[str, User], today: dt.date) -> int:
    """Write the liaison ledger; returns the number of demands."""
    from zhaoshang.persons.models import Person
    from zhaoshang.projects.models import Investor

    hosts = sorted(
        (u for u in units.values() if u.category in (Category.TOWNSHIP, Category.PARK) and u.active),
        key=lambda u: u.code,
    )
    hosts = [u for u in hosts if u.parent_id and u.parent.parent_id is None] or hosts
    departments = sorted(
        (u for u in units.values() if u.category in (Category.DEPARTMENT, Category.VERTICAL) and u.active),
        key=lambda u: u.code,
    )
    if not hosts or not departments:
        return 0
    bureau = users.get("bureau")
    reporters = {user.unit_id: user for user in User.objects.filter(access.reporters_q()).order_by("pk")}
    cadres_by_unit: dict[int, list] = {}
    for person in Person.objects.filter(active=True).order_by("pk"):
        cadres_by_unit.setdefault(person.unit_id, []).append(person)
    every_cadre = [p for people in cadres_by_unit.values() for p in people]
    investors = list(Investor.objects.order_by("pk")[:200])
    made_names: set[str] = set()
    enterprises = []
    with transaction.atomic():
        for index in range(ENTERPRISES):
            unit = hosts[index % len(hosts)]
            while True:
                tail, industry = rng.choice(NAME_TAILS)
                name = f"{rng.choice(NAME_HEADS)}{tail}"
                if name not in made_names:
                    break
                name = f"{unit.name[:2]}{name}"
                if name not in made_names:
                    break
            made_names.add(name)
            enterprise = Enterprise(
                name=name,
                credit_code=_credit_code(rng) if rng.random() < 0.85 else None,
                industry=industry if industry in Industry.values else "",
                size=rng.choices(EnterpriseSize.values, weights=[1, 3, 5, 3])[0],
                unit=unit,
                address=f"{unit.name}{rng.choice(['工业路', '建设路', '创业大道', '园区一路'])}{rng.randint(1, 199)}号",
                contact_name=rng.choice(["张", "王", "李", "赵", "刘", "陈"]) + rng.choice(["经理", "总", "主任"]),
                contact_phone=f"13{rng.randint(100000000, 999999999)}",
                investor=rng.choice(investors) if investors and rng.random() < 0.2 else None,
            )
            writer = reporters.get(unit.pk, bureau)
            as_user(enterprise, writer).save()
            enterprises.append(enterprise)
            pool = cadres_by_unit.get(unit.pk) or every_cadre
            for cadre in rng.sample(pool, k=min(len(pool), rng.randint(1, 2))):
                since = today - dt.timedelta(days=rng.randint(60, 400))
                as_user(Liaison(enterprise=enterprise, cadre=cadre, since=since), writer).save()
        visits = []
        for _index in range(VISITS):
            enterprise = rng.choice(enterprises)
            liaison = enterprise.liaisons.select_related("cadre").first()
            cadre = liaison.cadre if liaison else None
            visit = Visit(
                enterprise=enterprise,
                date=today - dt.timedelta(days=rng.randint(1, 180)),
                visitors=cadre.name if cadre else "包联干部",
                cadre=cadre,
                raised=rng.choice(RAISED),
                recorded_by=reporters.get(enterprise.unit_id, bureau),
            )
            as_user(visit, visit.recorded_by).save()
            visits.append(visit)
        for _index in range(DEMANDS):
            visit = rng.choice(visits)
            category = rng.choice(list(DEMANDS_BY_CATEGORY))
            deadline = visit.date + dt.timedelta(days=rng.choice([15, 30, 45, 60]))
            demand = Demand(
                enterprise=visit.enterprise,
                visit=visit,
                category=category,
                description=rng.choice(DEMANDS_BY_CATEGORY[category]),
                department=rng.choice(_handling(departments, category)),
                raised_on=visit.date,
                deadline=deadline,
                recorded_by=visit.recorded_by,
            )
            writer = visit.recorded_by
            draw = rng.random()
            span = max((today - visit.date).days, 1)
            answered_on = visit.date + dt.timedelta(days=rng.randint(1, span))
            updates = []
            if draw < 0.45:  # closed out with the enterprise's content answer
                demand.status, demand.closed_on = DemandStatus.CLOSED, answered_on
                demand.satisfaction = rng.choices(
                    [Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED], weights=[3, 1]
                )[0]
                updates.append((answered_on, f"企业答复：{ANSWERS[demand.satisfaction]}。已销号。"))
            elif draw < 0.55:  # asked, not satisfied: back in progress
                demand.status, demand.satisfaction = DemandStatus.IN_PROGRESS, Satisfaction.UNSATISFIED
                demand.satisfaction_note = "问题尚未实质解决"
                updates.append((answered_on, "企业答复：不满意。退回继续办理。"))
            elif draw < 0.8:
                demand.status = DemandStatus.IN_PROGRESS
                updates.append((answered_on, rng.choice(NOTES)))
            as_user(demand, writer).save()
            for day, note in updates:
                as_user(DemandUpdate(demand=demand, date=day, note=note, by=writer), writer).save()
    return Demand.objects.count()
