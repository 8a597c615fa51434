"""The demo county's leads (issue 18): a year of leads from every channel, at every step.

Some became the county's signed projects (they point at them: no project is created, so no figure changes); the
others are being followed (a few overdue and escalated), waiting for triage after the public intake page, closed,
or merged as duplicates. The channels are the migration's defaults (the wipe emptied the table)."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal

from zhaoshang.core.history import as_user
from zhaoshang.leads.choices import Escalation, LeadSource, LeadStatus
from zhaoshang.leads.models import Channel, FollowUp, IntakeLink, Lead
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit, User
from zhaoshang.projects.models import Project

from . import data

DEFAULT_CHANNELS = ["亲情招商", "以商招商", "驻外招商机构", "中介代理", "展会节会", "网络来电", "部门推荐", "其他"]
NOTES = [
    "电话联系企业负责人，对方有意向来县考察。",
    "发送招商推介材料及标准化厂房信息。",
    "企业派员实地考察园区，关注用地价格和配套。",
    "与企业就投资规模、用工需求进行了初步洽谈。",
    "企业内部正在论证，约定下月再次对接。",
    "陪同企业考察闲置厂房，企业倾向租赁。",
]
WANTS = [
    "拟新建生产线，需用地约50亩。",
    "寻找标准化厂房约5000平方米，租赁为主。",
    "计划设立区域分拨中心，关注物流条件。",
    "拟投资建设农产品深加工项目。",
    "考虑将部分产能转移至本县。",
]
CLOSE_REASONS = ["企业已在外地落户", "投资意向不明确，暂无实质进展", "项目不符合县产业政策", "企业资金不足"]


def _company(rng: random.Random) -> str:
    city = rng.choice(data.DOMESTIC_ORIGINS)[1]
    words = rng.choice(list(data.CHAIN_WORDS.values()))
    return f"{city}{rng.choice(data.BRANDS)}{rng.choice(words)}{rng.choice(data.COMPANY_SUFFIXES)}"


def build_leads(*, rng: random.Random, today: dt.date) -> int:
    """Create the channels, intake links and leads; returns the number of leads."""
    bureau = User.objects.filter(username="bureau").first()
    channels = [Channel.objects.create(name=name, order=index * 10) for index, name in enumerate(DEFAULT_CHANNELS, 1)]
    townships = list(Unit.objects.filter(active=True, category="township").order_by("code"))
    reporters: dict[int, list[User]] = {}
    for user in User.objects.filter(access.reporters_q(), is_active=True, unit__isnull=False).order_by("pk"):
        reporters.setdefault(user.unit_id, []).append(user)
    IntakeLink.objects.create(unit=None, token=secrets.token_urlsafe(24))
    for unit in townships[:3]:
        IntakeLink.objects.create(unit=unit, token=secrets.token_urlsafe(24))
    start = dt.date(today.year, 1, 1)
    count = 0

    def owner_of(unit: Unit) -> User | None:
        return (reporters.get(unit.pk) or [bureau])[0]

    def save(lead: Lead) -> Lead:
        nonlocal count
        count += 1
        return as_user(lead, bureau).save() or lead

    # Leads that became this year's signed projects.
    signed = list(
        Project.objects.filter(signed_on__gte=start, investor__isnull=False)
        .select_related("investor")
        .prefetch_related("credits__unit", "introducer_links__person")
        .order_by("code")
    )
    for project in rng.sample(signed, min(14, len(signed))):
        credits = sorted(project.credits.all(), key=lambda credit: -credit.share)
        if not credits:
            continue
        unit = credits[0].unit
        received = max(start, project.signed_on - dt.timedelta(days=rng.randint(30, 120)))
        lead = save(
            Lead(
                company=project.investor.name,
                contact_name=project.contact_person,
                contact_phone=project.contact_phone,
                industry=project.industry,
                estimated_amount=project.planned_investment,
                channel=rng.choice(channels),
                introducer_name=project.introducer,
                introducer=next((link.person for link in project.introducer_links.all()), None),
                received_on=received,
                unit=unit,
                owner=owner_of(unit),
                status=LeadStatus.CONVERTED,
                project=project,
                converted_on=project.signed_on,
                last_follow_up_on=project.signed_on,
            )
        )
        FollowUp.objects.create(lead=lead, date=received + dt.timedelta(days=7), note=rng.choice(NOTES))

    # Leads being followed, some overdue (escalated as the daily run would have), some closed, some new.
    days = max((today - start).days, 30)
    for _index in range(46):
        unit = rng.choice(townships)
        received = start + dt.timedelta(days=rng.randint(0, days - 1))
        kind = rng.choices(["following", "overdue", "closed", "new"], weights=[20, 8, 8, 6])[0]
        lead = Lead(
            company=_company(rng),
            contact_name=rng.choice(data.SURNAMES) + rng.choice(["总", "经理", "董事长"]),
            contact_phone=f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}",
            industry=rng.choice("CCCFGI"),
            estimated_amount=Decimal(rng.choice([500, 1000, 2000, 3000, 5000, 8000, 10000, 20000])),
            channel=rng.choice(channels),
            introducer_name=rng.choice(data.SURNAMES) + rng.choice(data.GIVEN_NAMES) if rng.random() < 0.6 else "",
            description=rng.choice(WANTS),
            received_on=received,
        )
        if kind == "new":
            lead.source = LeadSource.PUBLIC
            lead.unit = unit if rng.random() < 0.5 else None
            lead.received_on = today - dt.timedelta(days=rng.randint(0, 6))
            save(lead)
            continue
        lead.unit, lead.owner, lead.status = unit, owner_of(unit), LeadStatus.FOLLOWING
        followed = min(today, received + dt.timedelta(days=rng.randint(3, 20)))
        lead.last_follow_up_on = followed
        if kind == "overdue":
            late = rng.choice([3, 9, 12, 18, 35])
            lead.follow_up_on = today - dt.timedelta(days=late)
            lead.escalation = (
                Escalation.BUREAU if late >= 30 else Escalation.UNIT_HEAD if late >= 15 else Escalation.OWNER
            )
            lead.escalation = lead.escalation if late >= 7 else Escalation.NONE
            lead.escalated_on = today if late >= 7 else None
        else:
            lead.follow_up_on = today + dt.timedelta(days=rng.randint(1, 20))
        if kind == "closed":
            lead.status, lead.closed_on, lead.closed_reason = LeadStatus.CLOSED, followed, rng.choice(CLOSE_REASONS)
            lead.follow_up_on = None
        save(lead)
        FollowUp.objects.create(lead=lead, date=followed, note=rng.choice(NOTES), recorded_by=lead.owner)
    # One duplicate the bureau merged.
    kept = Lead.objects.filter(status=LeadStatus.FOLLOWING).order_by("pk").first()
    if kept is not None:
        save(
            Lead(
                company=kept.company,
                contact_phone=kept.contact_phone,
                channel=kept.channel,
                received_on=kept.received_on,
                unit=kept.unit,
                status=LeadStatus.MERGED,
                merged_into=kept,
                closed_on=kept.received_on,
                closed_reason=f"与线索 {kept.pk} 重复",
            )
        )
    return count
