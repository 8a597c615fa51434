"""The demo county's promises to investors and their complaints (issue 19): about twenty-five promises to the
investors of the ledger's projects (some overdue, some delivered with a small generated PDF as proof, one or two
cancelled) and about ten complaints at every step of their flow.

Drawn from a stream of their own and written after everything else; they point at projects and investors and
never change them, so no figure of the ledger changes."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction

from zhaoshang.core import clock
from zhaoshang.core.history import as_user
from zhaoshang.organization.models import Unit, User

from . import services
from .choices import ComplaintChannel, ComplaintStatus, InvestorAnswer, PromiseKind, PromiseStatus
from .models import Complaint, Promise

PROMISES = 25
COMPLAINTS = 10
SHANGHAI = ZoneInfo("Asia/Shanghai")
# kind → (the department usually responsible, by code; what was promised)
PROMISED = {
    PromiseKind.POLICY: (
        "D03",
        ["兑现招商引资优惠政策，按协议给予前三年税收地方留成部分奖励", "落实首台套设备购置奖补政策"],
    ),
    PromiseKind.LAND: ("D06", ["保障项目建设用地，按期完成土地挂牌出让", "协调解决项目二期用地指标"]),
    PromiseKind.SUBSIDY: ("D04", ["按协议拨付固定资产投资补助", "兑现标准化厂房租金补贴", "拨付技术改造专项资金"]),
    PromiseKind.SERVICE: ("D13", ["提供项目审批全程代办服务", "协调解决员工子女入学", "协调供电、供气等要素保障"]),
    PromiseKind.OTHER: ("D01", ["协助企业申报省级重点项目", "协调项目周边道路建设"]),
}
NOTES = ["已按协议足额兑现", "资金已拨付到企业账户", "土地已挂牌成交并交付", "已办结，企业签字确认"]
COMPLAINED = [
    "反映奖补资金迟迟未拨付",
    "反映项目施工许可办理时间过长",
    "反映厂区周边道路未按承诺建成",
    "反映供电容量不足影响试生产",
    "反映有关部门重复检查",
    "反映用工招聘困难，承诺的协助未落实",
]
OUTCOMES = [
    "已协调有关部门办理完毕，并当面向企业反馈",
    "已督促限期整改，整改情况已书面答复企业",
    "已召开专题协调会解决",
]


def proof_pdf(title: str) -> bytes:
    """A one-page PDF saying what it proves (ASCII only: the demo needs no font)."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.randint(0, 59)), SHANGHAI)


def build_demo(*, rng: random.Random, units: dict[str, Unit], users: dict[str, User], today: dt.date) -> int:
    """Write the promises and complaints; returns how many rows."""
    from zhaoshang.projects.models import Project

    bureau = users.get("bureau")
    projects = list(Project.objects.filter(investor__isnull=False).select_related("investor").order_by("pk")[:400])
    departments = sorted((u for u in units.values() if u.category == "department" and u.active), key=lambda u: u.code)
    if not projects or not departments:
        return 0
    start = today - dt.timedelta(days=300)
    made = 0
    with transaction.atomic():
        for project in rng.sample(projects, k=min(PROMISES, len(projects))):
            kind = rng.choice(list(PROMISED))
            code, contents = PROMISED[kind]
            department = units.get(code) if units.get(code) in departments else rng.choice(departments)
            promised_on = start + dt.timedelta(days=rng.randint(0, 270))
            due_on = promised_on + dt.timedelta(days=rng.choice([30, 60, 90, 120, 180]))
            amount = None
            if kind in (PromiseKind.SUBSIDY, PromiseKind.POLICY):
                amount = Decimal(rng.choice([50, 80, 100, 150, 200, 300, 500]))
            promise = Promise(
                investor=project.investor,
                project=project,
                kind=kind,
                content=rng.choice(contents),
                amount=amount,
                department=department,
                promised_on=promised_on,
                due_on=due_on,
                recorded_by=bureau,
            )
            with clock.frozen(_at(promised_on, rng)):
                as_user(promise, bureau).save()
            draw = rng.random()
            past = due_on < today
            if (past and draw < 0.55) or (not past and draw < 0.25):
                latest = min(due_on + dt.timedelta(days=10), today)
                delivered_on = promised_on + dt.timedelta(days=rng.randint(1, max(1, (latest - promised_on).days)))
                delivered_on = min(delivered_on, today)
                name = f"兑现佐证-{promise.pk}.pdf"
                pdf = proof_pdf(f"Proof of delivery: promise {promise.pk}, {delivered_on.isoformat()}")
                services.store_proof(promise, ContentFile(pdf, name=name))
                promise.status, promise.delivered_on = PromiseStatus.DELIVERED, delivered_on
                promise.delivery_note = rng.choice(NOTES)
                with clock.frozen(_at(delivered_on, rng)):
                    as_user(promise, bureau).save()
            elif past and draw < 0.62:
                promise.status, promise.delivery_note = PromiseStatus.CANCELLED, "企业调整投资计划，经协商取消"
                with clock.frozen(_at(min(due_on, today), rng)):
                    as_user(promise, bureau).save()
            made += 1
        flow = [ComplaintStatus.CLOSED] * 4 + [ComplaintStatus.ANSWERED] * 2 + [ComplaintStatus.HANDLING] * 3
        flow += [ComplaintStatus.OPEN]
        for index, project in enumerate(rng.sample(projects, k=min(COMPLAINTS, len(projects)))):
            received_on = today - dt.timedelta(days=rng.randint(3, 120))
            deadline = received_on + dt.timedelta(days=rng.choice([10, 15, 30]))
            status = flow[index % len(flow)]
            complaint = Complaint(
                investor=project.investor,
                project=project,
                received_on=received_on,
                channel=rng.choice(ComplaintChannel.values),
                content=rng.choice(COMPLAINED),
                department=rng.choice(departments),
                deadline=deadline,
                status=status,
                recorded_by=bureau,
            )
            if status in (ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED):
                complaint.outcome = rng.choice(OUTCOMES)
                complaint.answered_on = min(received_on + dt.timedelta(days=rng.randint(2, 20)), today)
            if status == ComplaintStatus.CLOSED:
                complaint.investor_answer = rng.choice([InvestorAnswer.SATISFIED, InvestorAnswer.BASICALLY_SATISFIED])
                complaint.closed_on = min(complaint.answered_on + dt.timedelta(days=rng.randint(1, 5)), today)
            elif status == ComplaintStatus.HANDLING and index % 2:
                # Answered once, the investor unsatisfied: back to the department (一查到底).
                complaint.outcome = rng.choice(OUTCOMES)
                complaint.answered_on = min(received_on + dt.timedelta(days=2), today)
                complaint.investor_answer = InvestorAnswer.UNSATISFIED
            complaint.full_clean()
            with clock.frozen(_at(received_on, rng)):
                as_user(complaint, bureau).save()
            made += 1
    return made
