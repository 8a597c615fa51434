"""The demo county's receptions and trips (issue 18): about forty over the year so far, across the townships and
parks, each written by the unit's reporter on the day after, with the investors met taken from the register.

Drawn from a stream of its own and written after everything else, so no figure of the ledger changes. They run
to the end of the last complete month (a month's receptions are reported once it is over), so the bulletin
drafted for the current month stays as it was."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.db import transaction

from zhaoshang.core import clock
from zhaoshang.core.history import as_user
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit, User

from .choices import ReceptionKind
from .models import Reception

COUNT = 40
SHANGHAI = ZoneInfo("Asia/Shanghai")
CITIES = ["上海", "深圳", "苏州", "杭州", "广州", "宁波", "合肥", "郑州", "西安", "成都"]
PURPOSES = [
    "考察园区标准化厂房",
    "洽谈新材料项目落地",
    "对接农产品精深加工合作",
    "考察文旅康养项目选址",
    "商谈光伏组件配套项目",
    "走访在外客商，宣介投资环境",
]
OUTCOMES = ["达成初步投资意向", "已约定二次考察", "交换了项目资料", "对方将提交项目建议书", "暂无明确意向"]
FOLLOW_UPS = ["一周内回访", "准备项目可研材料", "协调用地指标", "邀请参加县招商推介会", ""]
OUR_POSTS = ["党委书记", "镇长", "招商办主任", "分管副职"]


def build_demo(*, rng: random.Random, units: dict[str, Unit], users: dict[str, User], today: dt.date) -> int:
    """Write the receptions and trips; returns how many."""
    from zhaoshang.projects.models import Investor

    last = today.replace(day=1) - dt.timedelta(days=1)
    first = dt.date(last.year, 1, 1)
    hosts = [u for u in units.values() if u.category in ("township", "park") and u.parent_id and u.active]
    hosts = [u for u in hosts if u.parent.parent_id is None] or hosts
    hosts.sort(key=lambda u: u.code)
    investors = list(Investor.objects.order_by("pk")[:300])
    reporters = {user.unit_id: user for user in User.objects.filter(access.reporters_q()).order_by("pk")}
    bureau = users.get("bureau")
    span = (last - first).days
    if not hosts or span < 0:
        return 0
    made = 0
    with transaction.atomic():
        for _index in range(COUNT):
            unit = rng.choice(hosts)
            day = first + dt.timedelta(days=rng.randint(0, span))
            trip = rng.random() < 0.3
            met = rng.sample(investors, k=min(len(investors), rng.randint(1, 3))) if investors else []
            batches = len(met) or 1
            reception = Reception(
                kind=ReceptionKind.TRIP if trip else ReceptionKind.RECEPTION,
                unit=unit,
                date=day,
                end_date=day + dt.timedelta(days=rng.randint(1, 3)) if trip else None,
                place=f"{rng.choice(CITIES)}市" if trip else unit.name,
                companies="、".join(i.name for i in met) or "来访客商",
                our_people="、".join(rng.sample(OUR_POSTS, k=rng.randint(1, 2))),
                batches=batches,
                persons=batches * rng.randint(2, 5),
                purpose=rng.choice(PURPOSES),
                outcome=rng.choice(OUTCOMES),
                follow_up=rng.choice(FOLLOW_UPS),
                recorded_by=reporters.get(unit.pk, bureau),
            )
            recorded = dt.datetime.combine(
                min(day + dt.timedelta(days=1), last), dt.time(rng.randint(9, 17), rng.randint(0, 59)), SHANGHAI
            )
            with clock.frozen(recorded):
                as_user(reception, reception.recorded_by).save()
            if met:
                reception.investors.set(met)
            made += 1
    return made
