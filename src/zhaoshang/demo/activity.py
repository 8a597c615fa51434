"""The demo county at work: scheduling rounds and their progress reports, coordination items, a supervision
batch with its verifications and rectification items, and the month's bulletins.

Unlike the ledger (written in bulk by ``builder``), all of this goes through the apps' own services, so
every row and every history row is what real use writes: who did it, and before and after. What real use
has and a build does not is time passing: each call runs under ``core.clock.frozen(moment)``, the one clock
the services, the ``auto_now`` fields, the fields' defaults and the history's date all read, so everything is
dated the moment the action would have happened.

One more thing the build must supply: when a round opens, the services select the projects that owe a
report from the ledger as it is now. The ledger here is written at once with its whole past, so each round
is opened with the ledger as it stood on its day (``_ledger_as_of``): projects entered by then, active then
and in a reported stage then.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from contextlib import contextmanager
from decimal import Decimal
from zoneinfo import ZoneInfo

from zhaoshang.core import clock
from zhaoshang.organization import access
from zhaoshang.organization.choices import Category, Role
from zhaoshang.organization.models import Unit, User
from zhaoshang.projects import rules
from zhaoshang.projects.choices import STAGE_ORDER, Stage, Status
from zhaoshang.projects.models import FundsReceipt, Project, StageEvent

from . import data

SHANGHAI = ZoneInfo("Asia/Shanghai")
SCHEDULING_DAYS = [12, 27]
ROUND_MONTHS = 3  # the rounds of this month and the two before it
NEGLIGENT = 6  # projects whose reports are missing in the last two closed rounds
BATCH_SAMPLE = 30


# --- moments --------------------------------------------------------------------------------------


def _moment(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def _work_moment(day: dt.date, rng: random.Random) -> dt.datetime:
    return _moment(day, rng.randint(8, 17), rng.randint(0, 59))


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


# --- liaison users --------------------------------------------------------------------------------


def create_liaisons(units: dict[str, Unit], taken: set[str], rng: random.Random, password: str) -> list[User]:
    """One reporter (联络员) for every unit under the county without a demo login of its own: they fill the
    progress reports, answer coordination items and rectifications. Not printed; same password."""
    users = []
    for code, unit in sorted(units.items()):
        if unit.category == Category.JURISDICTION or unit.parent.category != Category.JURISDICTION or code in taken:
            continue
        person = rng.choice(data.SURNAMES) + rng.choice(data.GIVEN_NAMES)
        users.append(
            User(
                username=f"lly_{code.lower()}",
                password=password,
                role=Role.REPORTER,
                display_name=f"{unit.name}联络员 {person}",
                unit=unit,
            )
        )
    User.objects.bulk_create(users)
    return users


class _People:
    """Who acts for a unit: its reporter (a demo login or a liaison), found for the unit or its parent."""

    def __init__(self):
        self.by_unit = {user.unit_id: user for user in User.objects.filter(access.reporters_q())}
        self.parents = dict(Unit.objects.values_list("pk", "parent_id"))
        self.bureau = User.objects.get(username="bureau")
        self.supervisor = User.objects.get(username="supervisor")

    def reporter(self, unit_id: int) -> User:
        return self.by_unit.get(unit_id) or self.by_unit[self.parents[unit_id]]


# --- the ledger on a past day ---------------------------------------------------------------------


class _Ledger:
    """Projects' stage and status on any past day, from their stage events and status dates."""

    def __init__(self):
        self.projects = {
            p.pk: p for p in Project.objects.only("pk", "created_at", "status", "status_date", "contract_amount")
        }
        self.events: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
        self.stage_dates: dict[int, dict[str, dt.date]] = defaultdict(dict)
        for project_id, stage, day in StageEvent.objects.values_list("project_id", "stage", "date"):
            self.events[project_id].append((day, stage))
            self.stage_dates[project_id][stage] = day

    def stage_on(self, project_id: int, day: dt.date) -> str | None:
        return rules.furthest_stage(self.stage_dates[project_id], day)

    def reportable_on(self, day: dt.date, stages: list[str]) -> list[int]:
        found = []
        for pk, project in self.projects.items():
            if clock.date_of(project.created_at) > day:
                continue
            if project.status != Status.ACTIVE and project.status_date <= day:
                continue
            if self.stage_on(pk, day) in stages:
                found.append(pk)
        return found

    def reached_between(self, project_id: int, after: dt.date, until: dt.date) -> tuple[str, dt.date] | None:
        """The furthest stage reached in (after, until], if any (first talks are not news)."""
        reached = [(d, s) for d, s in self.events[project_id] if after < d <= until and s != Stage.NEGOTIATING]
        if not reached:
            return None
        day, stage = max(reached, key=lambda item: STAGE_ORDER[item[1]])
        return stage, day


@contextmanager
def _ledger_as_of(ledger: _Ledger, day: dt.date):
    from zhaoshang.scheduling import services

    original = services.reportable_projects

    def reportable_projects(stages):
        return Project.objects.filter(pk__in=ledger.reportable_on(day, stages))

    services.reportable_projects = reportable_projects
    try:
        yield
    finally:
        services.reportable_projects = original


# --- scheduling -----------------------------------------------------------------------------------


class _Timeline:
    """Actions to run in the order of their moments; anything after ``now`` has not happened yet."""

    def __init__(self, now: dt.datetime):
        self.now = now
        self.actions: list[tuple[dt.datetime, int, object]] = []

    def add(self, moment: dt.datetime, action) -> bool:
        if moment > self.now:
            return False
        self.actions.append((moment, len(self.actions), action))
        return True

    def run(self) -> None:
        for moment, _order, action in sorted(self.actions, key=lambda item: item[:2]):
            with clock.frozen(moment):
                action()
        self.actions = []


def _report_text(report, stage: str, rng: random.Random, reached) -> dict:
    key = stage if stage in data.PROGRESS else "started"
    investor = report.project.investor.name if report.project.investor_id else "客商"
    progress = rng.choice(data.PROGRESS[key]).format(investor=investor)
    values = {"progress": progress, "next_steps": rng.choice(data.NEXT_STEPS[key]), "problems": ""}
    if reached is not None:
        new_stage, day = reached
        values["progress"] = data.STAGE_NEWS[new_stage] + progress
        values["stage_reached"], values["stage_date"] = new_stage, day
        if new_stage == Stage.SIGNED:
            values["contract_amount"] = report.project.contract_amount
    if key == "started":
        values["percent_done"] = rng.randint(15, 95)
        step = Decimal("10")
        share = Decimal(str(round(rng.uniform(0.02, 0.08), 3)))
        values["investment_completed"] = max(
            step, (report.project.planned_investment * share / step).quantize(1) * step
        )
    return values


def build_scheduling(*, today: dt.date, now: dt.datetime, rng: random.Random) -> None:
    from zhaoshang.scheduling import reports, services
    from zhaoshang.scheduling.choices import DEFAULT_REMINDER_OFFSETS, DEFAULT_STAGES
    from zhaoshang.scheduling.models import ProgressReport, SchedulingRound

    people = _People()
    bureau = people.bureau
    ledger = _Ledger()
    first_month = _month_start(today, ROUND_MONTHS - 1)
    with clock.frozen(_moment(first_month - dt.timedelta(days=10), 9)):
        config = services.save_config(
            user=bureau,
            days_of_month=SCHEDULING_DAYS,
            stages=list(DEFAULT_STAGES),
            stalled_after_days=60,
            reminder_offsets=list(DEFAULT_REMINDER_OFFSETS),
            item_deadline_days=15,
        )
    days = []
    for back in range(ROUND_MONTHS - 1, -1, -1):
        month = _month_start(today, back)
        days += [day for day in services.plan_days(month.year, month.month, config=config) if day <= today]
    # The bureau puts each month on the calendar a few days before it starts (next month's too).
    for back in range(ROUND_MONTHS - 1, -2, -1):
        month = _month_start(today, back)
        with clock.frozen(min(_moment(month - dt.timedelta(days=5), 9, 30), now)):
            services.plan_month(user=bureau, year=month.year, month=month.month)

    last = len(days) - 1
    by_round = {index: [] for index in range(len(days))}
    for rounds_back, *item in data.COORDINATION_ITEMS:
        if last - rounds_back >= 0:
            by_round[last - rounds_back].append(item)
    negligent: set[int] = set()
    used: set[int] = set()
    departments = {
        unit.code: unit for unit in Unit.objects.filter(category__in=[Category.DEPARTMENT, Category.VERTICAL])
    }
    later = _Timeline(now)
    for index, day in enumerate(days):
        is_open = index == last
        with clock.frozen(_moment(day, 8)), _ledger_as_of(ledger, day):
            services.open_due_rounds(today=day)
        scheduling_round = SchedulingRound.objects.get(date=day)
        round_reports = list(
            ProgressReport.objects.filter(scheduling_round=scheduling_round)
            .select_related("project__investor", "scheduling_round", "unit")
            .order_by("project__code")
        )
        if index == last - 2 and last >= 2:
            # Projects that will miss this round and the next (the stalled rule's "two rounds in a row").
            following = set(ledger.reportable_on(days[index + 1], list(DEFAULT_STAGES)))
            pool = [r.project_id for r in round_reports if r.project_id in following]
            negligent = set(rng.sample(pool, min(NEGLIGENT, len(pool))))
        previous = days[index - 1] if index else day - dt.timedelta(days=15)
        timeline = _Timeline(now)
        # Coordination problems go to on-time reports of projects with a county leader.
        candidates = [
            r
            for r in round_reports
            if r.project.county_leader
            and r.project_id not in negligent | used
            and ledger.stage_on(r.project_id, day) in (Stage.SIGNED, Stage.STARTED)
        ]
        problems = {}
        for item in by_round[index]:
            if not candidates:
                break
            report = candidates.pop(rng.randrange(len(candidates)))
            used.add(report.project_id)
            problems[report.pk] = item
        returned_left = 0
        shown_return = False
        for report in round_reports:
            stage = ledger.stage_on(report.project_id, day)
            roll = rng.random()
            if report.pk in problems:
                fate = "on_time"
            elif report.project_id in negligent and index in (last - 2, last - 1):
                fate = "missing"
            elif is_open:
                fate = "on_time" if roll < 0.55 else "late" if roll < 0.8 else "missing"
            else:
                fate = "missing" if roll < 0.04 else "on_time" if roll < 0.80 else "late"
            if fate == "missing":
                continue
            submitted = _work_moment(day + dt.timedelta(days=0 if fate == "on_time" else rng.randint(1, 6)), rng)
            values = _report_text(report, stage, rng, ledger.reached_between(report.project_id, previous, day))
            if report.pk in problems:
                values["problems"] = problems[report.pk][0]
            reporter = people.reporter(report.unit_id)

            def fill(report=report, values=values, reporter=reporter):
                reports.save_report(user=reporter, report=report, data=values)
                reports.submit_report(user=reporter, report=report, today=clock.today())

            if not timeline.add(submitted, fill):
                continue
            reviewed = _work_moment(submitted.date() + dt.timedelta(days=rng.randint(1, 3)), rng)
            review = rng.random()
            # The demo's own reporter login finds one report sent back in the open round, to correct.
            wants_return = is_open and not shown_return and reporter.username == "reporter"
            if report.pk not in problems and (
                wants_return or review < 0.07 or (is_open and returned_left < 2 and review < 0.3)
            ):
                comment = rng.choice(data.RETURN_COMMENTS)
                if not timeline.add(
                    reviewed, lambda r=report, c=comment: reports.return_report(user=bureau, report=r, comment=c)
                ):
                    continue
                corrected = reviewed + dt.timedelta(days=rng.randint(1, 2), hours=rng.randint(-2, 2))
                if is_open and (wants_return or returned_left < 2):
                    returned_left += 1
                    shown_return = shown_return or wants_return
                    continue  # still with the unit
                fix = {"progress": values["progress"] + rng.choice(data.CORRECTIONS)}

                def correct(report=report, fix=fix, reporter=reporter):
                    reports.save_report(user=reporter, report=report, data=fix)
                    reports.submit_report(user=reporter, report=report, today=clock.today())

                if not timeline.add(corrected, correct):
                    continue
                reviewed = _work_moment(corrected.date() + dt.timedelta(days=1), rng)
            if not is_open or review < 0.6:
                timeline.add(reviewed, lambda r=report: reports.accept_report(user=bureau, report=r))
            if report.pk in problems:
                _follow_item(later, report, problems[report.pk], submitted, departments, people, rng)
        timeline.run()
    later.run()


def _follow_item(later: _Timeline, report, item, raised: dt.datetime, departments, people, rng) -> None:
    """What happens to a coordination item after its report is submitted: the bureau gives it to a
    department (and a deadline), the department reports progress, the bureau closes it."""
    from zhaoshang.scheduling import coordination
    from zhaoshang.scheduling.choices import ItemStatus
    from zhaoshang.scheduling.models import CoordinationItem

    _text, department_code, fate, deadline_days, notes = item
    department = departments[department_code]
    bureau = people.bureau
    assign = {"department": department, "note": data.ITEM_ASSIGN_NOTE}
    if deadline_days is not None:
        assign["deadline"] = raised.date() + dt.timedelta(days=deadline_days)
    span = deadline_days or 15

    def item_of(report=report):
        return CoordinationItem.objects.get(report=report)

    if not later.add(
        _work_moment(raised.date() + dt.timedelta(days=1), rng),
        lambda: coordination.update_item(user=bureau, item=item_of(), data=assign),
    ):
        return
    worker = people.reporter(department.pk)
    for number, note in enumerate(notes):
        status = (
            ItemStatus.SOLVED if fate in ("solved", "closed") and number == len(notes) - 1 else ItemStatus.IN_PROGRESS
        )
        moment = _work_moment(raised.date() + dt.timedelta(days=max(2, span * (number + 1) // (len(notes) + 1))), rng)
        if not later.add(
            moment, lambda s=status, n=note: coordination.set_item_status(user=worker, item=item_of(), status=s, note=n)
        ):
            return
    if fate == "closed":
        later.add(
            _work_moment(raised.date() + dt.timedelta(days=span + 2), rng),
            lambda: coordination.set_item_status(
                user=bureau, item=item_of(), status=ItemStatus.CLOSED, note=data.ITEM_CLOSING_NOTE
            ),
        )


# --- supervision ----------------------------------------------------------------------------------


def build_supervision(*, today: dt.date, now: dt.datetime, rng: random.Random) -> None:
    """A sampled batch of the last complete quarter (the seed is recorded on the batch), its stage events
    and receipts verified — mostly confirmed, a few rejected or adjusted — and the rectification items those
    open, one answered by its unit and one closed after the answer."""
    from zhaoshang.supervision import services
    from zhaoshang.supervision.choices import Method, Result
    from zhaoshang.supervision.models import Rectification

    people = _People()
    supervisor = people.supervisor
    this_quarter, _end = services.quarter_of(today)
    start, end = services.quarter_of(this_quarter - dt.timedelta(days=1))
    first = end + dt.timedelta(days=1)
    span = max((today - first).days, 1)

    def on(share: float) -> dt.datetime:
        return min(_work_moment(first + dt.timedelta(days=int(span * share)), rng), now)

    seed = int(f"{end:%Y%m%d}")
    with clock.frozen(on(0.1)):
        batch = services.create_batch(
            user=supervisor, start=start, end=end, method=Method.SAMPLE, sample_size=BATCH_SAMPLE, seed=seed
        )
    project_ids = list(batch.projects.values_list("pk", flat=True))
    subjects = [
        *StageEvent.objects.filter(project_id__in=project_ids, date__range=(start, end)).order_by("date", "pk"),
        *FundsReceipt.objects.filter(project_id__in=project_ids, date__range=(start, end)).order_by("date", "pk"),
    ]
    subjects.sort(key=lambda subject: (subject.date, subject.project_id, type(subject).__name__, subject.pk))
    receipts = [s for s in subjects if isinstance(s, FundsReceipt)]
    started = [s for s in subjects if isinstance(s, StageEvent) and s.stage == Stage.STARTED]
    signings = [s for s in subjects if isinstance(s, StageEvent) and s.stage == Stage.SIGNED]
    findings = {}
    for pool, count, finding in (
        (receipts, 1, "reject_receipt"),
        (started, 1, "reject_stage"),
        (receipts, 1, "adjust_receipt"),
        (signings, 1, "adjust_date"),
    ):
        free = [s for s in pool if id(s) not in findings]
        for subject in rng.sample(free, min(count, len(free))):
            findings[id(subject)] = finding
    # The checks take the last weeks (the batch was chosen early in the quarter).
    checks_from = max(first + dt.timedelta(days=int(span * 0.15)), today - dt.timedelta(days=25))
    checks_span = max((today - checks_from).days - 2, 0)
    for number, subject in enumerate(subjects):
        day = checks_from + dt.timedelta(days=checks_span * number // max(len(subjects), 1))
        moment = min(_work_moment(day, rng), now)
        finding = findings.get(id(subject))
        kwargs = {"stage_event": subject} if isinstance(subject, StageEvent) else {"receipt": subject}
        result, comment, amount, date = Result.CONFIRMED, "", None, None
        if finding in ("reject_receipt", "reject_stage"):
            result = Result.REJECTED
            comment = data.REJECT_RECEIPT if finding == "reject_receipt" else data.REJECT_STAGE
        elif finding == "adjust_receipt":
            result, comment = Result.ADJUSTED, data.ADJUST_RECEIPT
            amount = max(Decimal("1"), (subject.amount * Decimal("0.8")).quantize(Decimal("1")))
        elif finding == "adjust_date":
            result, comment = Result.ADJUSTED, data.ADJUST_DATE
            date = subject.date - dt.timedelta(days=rng.randint(2, 9))
        deadline = None
        if result != Result.CONFIRMED:
            # Thirty days to put it right, and still open on the county's today.
            deadline = max(moment.date() + dt.timedelta(days=30), today + dt.timedelta(days=1))
        with clock.frozen(moment):
            services.verify(
                user=supervisor,
                batch=batch,
                result=result,
                amount=amount,
                date=date,
                comment=comment,
                deadline=deadline,
                **kwargs,
            )
    items = list(Rectification.objects.filter(batch=batch).order_by("pk"))
    for number, item in enumerate(items[:2]):
        answered = min(max(on(0.8 + 0.05 * number), item.created_at + dt.timedelta(hours=20)), now)
        reporter = people.reporter(item.unit_id)
        with clock.frozen(answered):
            services.submit_rectification(user=reporter, item=item, explanation=data.RECTIFICATION_ANSWERS[number])
        if number == 0:
            with clock.frozen(min(max(on(0.9), answered + dt.timedelta(hours=2)), now)):
                services.review_rectification(user=supervisor, item=item, close=True, comment=data.RECTIFICATION_CLOSE)


# --- bulletins ------------------------------------------------------------------------------------


def build_bulletins(*, today: dt.date, now: dt.datetime) -> None:
    """The last complete month's bulletin, issued early this month, and this month's draft."""
    from zhaoshang.bulletins import services
    from zhaoshang.targets.models import Period

    bureau = User.objects.get(username="bureau")
    period = Period.objects.get(code=f"ND{today.year}")
    this_month = _month_start(today)
    last_month = _month_start(today, 1)
    if last_month >= period.start:
        drafted = min(_moment(this_month + dt.timedelta(days=2), 9, 20), now - dt.timedelta(hours=3))
        issued = min(_moment(this_month + dt.timedelta(days=3), 10, 5), now - dt.timedelta(hours=2))
        with clock.frozen(drafted):
            bulletin = services.create_draft(user=bureau, period=period, month=last_month)
        with clock.frozen(drafted + dt.timedelta(minutes=40)):
            services.update_draft(user=bureau, bulletin=bulletin, requirements=data.BULLETIN_REQUIREMENTS)
        with clock.frozen(issued):
            services.update_draft(user=bureau, bulletin=bulletin, date=issued.date())
            services.issue(user=bureau, bulletin=bulletin)
    with clock.frozen(now - dt.timedelta(hours=1)):
        services.create_draft(user=bureau, period=period, month=this_month)


# --- export earnings -------------------------------------------------------------------------------------

EXPORTING = Decimal("0.35")  # the share of industrial projects' filled reports that declare export earnings


def fill_export_earnings(*, rng: random.Random) -> int:
    """出口创汇 (万美元) on some filled reports of industrial projects, drawn from a stream of its own after every other
    draw (so the ledger, the reports' other figures and every published figure stay as they were). Written as the
    reporting unit's user wrote the report, at the moment it was submitted; returns the number of reports filled."""
    from zhaoshang.core.history import as_user
    from zhaoshang.scheduling.models import ProgressReport

    filled = 0
    reports = (
        ProgressReport.objects.filter(investment_completed__isnull=False, project__kind="industrial")
        .select_related("submitted_by")
        .order_by("scheduling_round__date", "id")
    )
    for report in reports:
        if Decimal(str(rng.random())) >= EXPORTING:
            continue
        report.export_earnings = Decimal(rng.randint(5, 400)) / 4  # 1.25 to 100 万美元, in quarters
        with clock.frozen(report.submitted_at or clock.now()):
            as_user(report, report.submitted_by).save(update_fields=["export_earnings"])
        filled += 1
    return filled


def counted_models() -> tuple:
    """The models whose rows ``zhaoshang demo`` counts in its summary, besides the ledger's."""
    from zhaoshang.bulletins.models import Bulletin
    from zhaoshang.scheduling.models import CoordinationItem, ProgressReport, SchedulingRound
    from zhaoshang.supervision.models import Rectification, SupervisionBatch, Verification

    return (SchedulingRound, ProgressReport, CoordinationItem, SupervisionBatch, Verification, Rectification, Bulletin)
