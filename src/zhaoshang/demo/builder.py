"""Build the demo county: units, users, investors, about 400 projects with their stages, credits and funds.

Everything comes from one ``random.Random(SEED)``, so every run on the same day gives the same county
(dates are spread over 2025-01-01 … today and never lie in the future). Rows are written with
``bulk_create`` and their history with django-simple-history's ``bulk_history_create``: each historical
row carries the user and the date the change would have been made, so the project pages show a
believable history. The denormalised ``Project.stage``/``stage_date``/``funds_total`` are set from the
same events and receipts that are written, exactly as the services would keep them.

The county at work — scheduling rounds and reports, coordination items, supervision, bulletins — is then
written through the apps' own services on a back-dated clock (``activity``, under ``core.clock.frozen``), with
a liaison reporter for every unit under the county.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction

from zhaoshang.claims.services import check_county
from zhaoshang.core import clock, revision
from zhaoshang.environment import demo as demo_environment
from zhaoshang.events import demo as demo_events
from zhaoshang.liaison.demo import build_demo as build_liaison
from zhaoshang.library.demo import build_demo as build_library
from zhaoshang.maps.demo import build_demo as build_map
from zhaoshang.milestones.demo import build_demo as build_milestones
from zhaoshang.organization import access
from zhaoshang.organization.choices import Category, Role
from zhaoshang.organization.models import Unit, User
from zhaoshang.projects import credit_code
from zhaoshang.projects.choices import (
    DIVISION_RANGES,
    CapitalType,
    Currency,
    EventLevel,
    Kind,
    Ownership,
    Stage,
    Status,
)
from zhaoshang.projects.models import FundsReceipt, Investor, InvestorSpelling, Project, ProjectCredit, StageEvent
from zhaoshang.projects.names import company_key
from zhaoshang.projects.services import last_activity, stage_fields
from zhaoshang.promises import demo as demo_promises
from zhaoshang.receptions import demo as demo_receptions
from zhaoshang.resources.demo import build_demo as build_resources
from zhaoshang.targets.models import Period

from . import activity, data
from . import chains as demo_chains
from . import leaders as demo_leaders
from . import leads as demo_leads
from . import persons as demo_persons
from .data import Link

SEED = 20260101
EXPORT_SEED = 20260104  # the reports' export earnings (drawn last: every other figure stays the same)
PASSWORD = "zhaoshang2026"
URL = "http://127.0.0.1:8000"
WINDOW_START = dt.date(2025, 1, 1)
SHANGHAI = ZoneInfo("Asia/Shanghai")
BATCH = 500

# How many projects end at each stage (400 in all), and how many of them stall or are dropped.
STAGE_QUOTAS = [
    (Stage.NEGOTIATING, 90),
    (Stage.INTENTION, 70),
    (Stage.SIGNED, 95),
    (Stage.STARTED, 85),
    (Stage.PRODUCING, 60),
]
STALLED, DROPPED = 22, 16
FOREIGN_SHARE = 0.08
SPLIT_SHARE = 0.10
PIPELINE = [Stage.NEGOTIATING, Stage.INTENTION, Stage.SIGNED, Stage.STARTED, Stage.PRODUCING]
# Days between one stage and the next (low, high).
GAPS = {
    Stage.INTENTION: (15, 120),
    Stage.SIGNED: (15, 120),
    Stage.STARTED: (20, 150),
    Stage.PRODUCING: (60, 270),
}

# Usernames, roles, display names and unit codes of the demo logins.
LOGINS = [
    ("admin", Role.ADMIN, "系统管理员", "000"),
    ("bureau", Role.BUREAU, "县投促局 周晓东", "000"),
    ("leader", Role.LEADER, "王县长", "000"),
    ("supervisor", Role.SUPERVISOR, "县委督查室 孙立新", "000"),
    ("reporter", Role.REPORTER, "城关镇联络员 马丽娟", "T01"),
    ("reporter2", Role.REPORTER, "河口镇联络员 何振华", "T04"),
]


@dataclass
class DemoLogin:
    username: str
    role: str
    unit: str
    password: str


@dataclass
class DemoSummary:
    counts: dict[str, int]
    logins: list[DemoLogin]
    url: str = URL


@dataclass
class _Plan:
    """One project before it is written: the model instance and the rows that hang off it."""

    project: Project
    created: dt.date
    events: list[tuple[str, dt.date, Decimal | None]]
    credits: list[tuple[Unit, Decimal]]
    receipts: list[tuple[dt.date, Decimal, str, str]] = field(default_factory=list)
    # Per receipt, when received in another currency: (currency, original amount, rate); empty means all in yuan.
    receipt_currencies: list[tuple[str, Decimal | None, Decimal | None]] = field(default_factory=list)
    investor_index: int | None = None
    author: User | None = None
    investor_origin: str = ""


def demo_today() -> dt.date:
    """The latest date nothing may pass: the county's today (``core.clock``)."""
    return clock.today()


# --- wiping -----------------------------------------------------------------------------------------


WIPED_APPS = (
    "organization",
    "persons",
    "leaders",
    "projects",
    "targets",
    "scheduling",
    "supervision",
    "bulletins",
    "events",
    "leads",
    "receptions",
    "library",
    "milestones",
    "resources",
    "liaison",
    "promises",
    "environment",
    "chains",
    "maps",
)


def wipe() -> None:
    """Empty the organisation and the ledger (and their history), restarting their id sequences.

    The tables are flushed with the database's own TRUNCATE … CASCADE (emulated on SQLite), so rows in
    other apps that point at units, users or projects go too instead of blocking the reset.
    """
    tables = []
    for label in WIPED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            tables.append(model._meta.db_table)
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    if connection.vendor == "postgresql":
        # TRUNCATE refuses to run while deferred foreign-key checks of this transaction are pending
        # (a second build in one transaction, as the tests do): run the checks now, then defer again.
        statements = ["SET CONSTRAINTS ALL IMMEDIATE", *statements, "SET CONSTRAINTS ALL DEFERRED"]
    connection.ops.execute_sql_flush(statements)
    # Their history ids start again from 1, so the data revision could come back to one a result was kept under:
    # a revision mark (not flushed) makes every later revision new (core.revision).
    revision.touch(*WIPED_APPS)


# --- helpers --------------------------------------------------------------------------------------


def _at(day: dt.date, rng: random.Random, now: dt.datetime) -> dt.datetime:
    """A working-hours moment on ``day`` (never after now) for a history row."""
    moment = dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=SHANGHAI)
    return min(moment, now)


def _round_money(value: float) -> Decimal:
    """Round an amount the way people write them: 10万 steps below 1000万, 50万 below 1亿, else 500万."""
    step = 10 if value < 1000 else 50 if value < 10000 else 500
    return Decimal(max(step, round(value / step) * step))


def _person(rng: random.Random) -> str:
    return rng.choice(data.SURNAMES) + rng.choice(data.GIVEN_NAMES)


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"


def _weighted(rng: random.Random, items: list, weights: list[float]):
    return rng.choices(items, weights=weights, k=1)[0]


# --- units and users ------------------------------------------------------------------------------


def _create_units(admin: User, now: dt.datetime) -> dict[str, Unit]:
    """The unit tree, level by level (children need their parent's id), with history by the admin."""
    set_up = min(now, dt.datetime.combine(WINDOW_START - dt.timedelta(days=10), dt.time(9), tzinfo=SHANGHAI))

    def write(units: list[Unit]) -> None:
        for unit in units:
            unit._history_date = set_up
        Unit.objects.bulk_create(units, batch_size=BATCH)
        Unit.history.bulk_history_create(units, default_user=admin)

    code, name = data.COUNTY
    root = Unit(code=code, name=name, category=Category.JURISDICTION)
    write([root])
    level = [Unit(code=c, name=n, parent=root, category=Category.TOWNSHIP, tier=t) for c, n, t in data.TOWNSHIPS]
    level += [
        Unit(code=c, name=n, parent=root, category=Category.VERTICAL if vertical else Category.DEPARTMENT, tier=t)
        for c, n, t, vertical in data.DEPARTMENTS
    ]
    level += [Unit(code=c, name=n, parent=root, category=Category.PARK) for c, n, _area in data.PARKS]
    level += [Unit(code=c, name=n, parent=root, category=Category.OFFICE) for c, n in data.OFFICES]
    write(level)
    by_code = {unit.code: unit for unit in [root, *level]}
    sections = [
        Unit(code=c, name=n, parent=by_code[parent], category=Category.SECTION) for c, n, parent in data.SECTIONS
    ]
    write(sections)
    by_code.update({unit.code: unit for unit in sections})
    return by_code


def _create_users() -> dict[str, User]:
    """One login per role (the unit is set once the units exist). The password is hashed once."""
    password = make_password(PASSWORD)
    users = {}
    for username, role, display_name, _unit in LOGINS:
        user = User(username=username, password=password, role=role, display_name=display_name)
        user.is_staff = user.is_superuser = access.is_admin(user)  # the demo admin is a superuser
        user.save()
        users[username] = user
    return users


def _attach_users(users: dict[str, User], units: dict[str, Unit]) -> None:
    for username, _role, _name, unit_code in LOGINS:
        users[username].unit = units[unit_code]
    User.objects.bulk_update(users.values(), ["unit"])


# --- projects -------------------------------------------------------------------------------------


class _Planner:
    """Draws the projects. Kept as one object so the draws happen in a fixed order."""

    def __init__(self, rng: random.Random, units: dict[str, Unit], users: dict[str, User], today: dt.date):
        self.rng = rng
        self.units = units
        self.users = users
        self.today = today
        self.investors: list[Investor] = []
        self.contacts: list[tuple[str, str]] = []
        self.investor_names: set[str] = set()
        self.investors_by_chain: dict[str, list[int]] = {}
        self.credit_units, self.credit_weights = self._credit_pool()
        self.townships = [units[code] for code, _n, _t in data.TOWNSHIPS]
        self.link_weights = [link.weight for link in data.LINKS]
        self.origin_weights = [w for _o, _c, w in data.DOMESTIC_ORIGINS]
        self.reporter_units = {
            users[name].unit_id: users[name] for name, *_ in LOGINS if access.is_reporter(users[name])
        }

    def _credit_pool(self) -> tuple[list[Unit], list[float]]:
        """Units that bring in projects, weighted: townships and parks most, higher tiers more."""
        tier_weight = {1: 3.0, 2: 2.0, 3: 1.4, 4: 1.0, None: 1.0}
        category_weight = {
            Category.TOWNSHIP: 2.2,
            Category.PARK: 9.0,
            Category.DEPARTMENT: 0.9,
            Category.VERTICAL: 0.35,
            Category.OFFICE: 5.0,
            Category.SECTION: 0.8,
        }
        pool, weights = [], []
        for unit in self.units.values():
            if unit.category == Category.JURISDICTION:
                continue
            weight = category_weight[unit.category] * tier_weight[unit.tier]
            if unit.parent_id and unit.parent.category == Category.TOWNSHIP:
                weight = 0.8  # a section
            pool.append(unit)
            weights.append(weight)
        return pool, weights

    # investors

    def _new_domestic_investor(self, link: Link) -> int:
        rng = self.rng
        origin, city, _w = _weighted(rng, data.DOMESTIC_ORIGINS, self.origin_weights)
        for _attempt in range(20):
            word = rng.choice(data.CHAIN_WORDS[link.chain])
            name = f"{city}{rng.choice(data.BRANDS)}{word}{rng.choice(data.COMPANY_SUFFIXES)}"
            if name not in self.investor_names:
                break
        else:  # pragma: no cover - the name space is far larger than 400
            name = f"{city}{rng.choice(data.BRANDS)}{len(self.investors)}号{rng.choice(data.COMPANY_SUFFIXES)}"
        return self._add_investor(name, origin, link.chain)

    def _add_investor(self, name: str, origin: str, chain: str) -> int:
        investor = Investor(name=name, origin=origin)
        # The investor's people, given to each of its projects (contacts are a project's facts, decision 15).
        self.contacts.append((_person(self.rng), _phone(self.rng)))
        self.investors.append(investor)
        self.investor_names.add(name)
        index = len(self.investors) - 1
        self.investors_by_chain.setdefault(chain, []).append(index)
        return index

    def _foreign_investor(self) -> tuple[int, str]:
        origin, name, chain = self.rng.choice(data.FOREIGN_INVESTORS)
        for index, investor in enumerate(self.investors):
            if investor.name == name:
                return index, chain
        return self._add_investor(name, origin, chain), chain

    def _domestic_investor(self, link: Link) -> int:
        same_chain = [
            i for i in self.investors_by_chain.get(link.chain, []) if self.investors[i].origin not in _FOREIGN_ORIGINS
        ]
        if same_chain and self.rng.random() < 0.15:
            return self.rng.choice(same_chain)  # an investor coming back with a second project
        return self._new_domestic_investor(link)

    # dates

    def _dates(self, stage: str, tail: int) -> dict[str, dt.date]:
        """Stage dates from the first talks to ``stage``, leaving ``tail`` days before today (for a stall)."""
        rng = self.rng
        reached = PIPELINE[: PIPELINE.index(stage) + 1]
        if len(reached) >= 3 and rng.random() < 0.25:
            reached.remove(Stage.INTENTION)  # signed straight after talks
        gaps = [rng.randint(*GAPS[s]) for s in reached[1:]] + [tail]
        window = (self.today - WINDOW_START).days
        span = sum(gaps)
        if span > window * 0.9:
            gaps = [int(g * window * 0.9 / span) for g in gaps]
            span = sum(gaps)
        # Lean the start towards recent months: the ledger of a live county is busiest now.
        start = WINDOW_START + dt.timedelta(days=int((window - span) * rng.random() ** 0.8))
        dates, current = {reached[0]: start}, start
        for stage_name, gap in zip(reached[1:], gaps[:-1], strict=True):
            current = current + dt.timedelta(days=gap)
            dates[stage_name] = min(current, self.today)
        return dates

    # the rest of a project

    def _amounts(self, link: Link) -> tuple[Decimal, str]:
        """The planned investment (lognormal: many small projects, few big ones) and a matching size."""
        z = self.rng.gauss(0, 1)
        value = math.exp(math.log(1800) + 1.15 * z) * link.scale
        index = min(max(int((z + 1.2) / 2.4 * len(link.sizes)), 0), len(link.sizes) - 1)
        return _round_money(min(max(value, 300), 150000)), link.sizes[index]

    def _credits(self) -> list[tuple[Unit, Decimal]]:
        rng = self.rng
        main = _weighted(rng, self.credit_units, self.credit_weights)
        if rng.random() >= SPLIT_SHARE:
            return [(main, Decimal("100"))]
        other = main
        while other.pk == main.pk:
            other = _weighted(rng, self.credit_units, self.credit_weights)
        first, second = rng.choice([(60, 40), (50, 50), (70, 30)])
        return [(main, Decimal(first)), (other, Decimal(second))]

    def _location(self, unit: Unit, link: Link) -> tuple[str, Unit | None]:
        """Where the project is built, and the township (if any) that hosts it."""
        rng = self.rng
        parks = {code: area for code, _n, area in data.PARKS}
        if unit.code in parks:
            return f"{parks[unit.code]}{rng.choice(data.PARK_STREETS)}", None
        township = unit if unit.category == Category.TOWNSHIP and unit.tier else None
        if unit.category == Category.SECTION:
            township = unit.parent
        if township is None:
            if link.kind == Kind.INDUSTRIAL and rng.random() < 0.6:
                area = rng.choice([area for _c, _n, area in data.PARKS])
                return f"{area}{rng.choice(data.PARK_STREETS)}", None
            township = rng.choice(self.townships)
        if link.kind == Kind.INDUSTRIAL and rng.random() < 0.5:
            return f"{township.name}工业集中区", township
        return f"{township.name}{rng.choice(data.VILLAGES)}", township

    def _head_title(self, township: Unit) -> str:
        for suffix, title in data.TOWNSHIP_HEAD_TITLES.items():
            if township.name.endswith(suffix):
                return title
        return "主任"

    def plan(self, index: int, stage: str, status: str, foreign: bool) -> _Plan:
        rng = self.rng
        if foreign:
            investor_index, chain = self._foreign_investor()
            links = [link for link in data.LINKS if link.chain == chain]
            link = _weighted(rng, links, [link.weight for link in links])
        else:
            link = _weighted(rng, data.LINKS, self.link_weights)
            investor_index = self._domestic_investor(link)
        investor = self.investors[investor_index]
        tail = rng.randint(20, 200) if status != Status.ACTIVE else 0
        dates = self._dates(stage, tail)
        planned, size = self._amounts(link)
        signed = Stage.SIGNED in dates
        contract = Decimal("0")
        if signed:
            contract = planned if rng.random() < 0.5 else _round_money(float(planned) * rng.uniform(0.6, 0.95))
        credits = self._credits()
        main_unit = credits[0][0]
        location, township = self._location(main_unit, link)
        department = self.units[link.department]
        responsible = department if rng.random() < 0.4 else main_unit
        product = rng.choice(link.templates).format(n=size)
        name = product
        if rng.random() < 0.6 and not foreign:
            brand = investor.name
            for prefix in (city for _o, city, _w in data.DOMESTIC_ORIGINS):
                brand = brand.removeprefix(prefix)
            name = f"{brand[:2]}{product}"

        leader = ""
        if planned >= 10000 or (planned >= 5000 and rng.random() < 0.7) or rng.random() < 0.2:
            leader = rng.choice(data.COUNTY_LEADERS)
        # 项目保姆 (seed 000): the head of the township (or park) where it is built and of the department.
        if township is not None:
            host = township.name
            head = f"{host}{rng.choice(data.SURNAMES)}{self._head_title(township)}"
        else:
            host = next(authority for area, authority in data.PARK_AUTHORITY.items() if location.startswith(area))
            head = f"{host}{rng.choice(data.SURNAMES)}主任"
        stewards = f"{head}、{department.name}{rng.choice(data.SURNAMES)}局长"
        work_team = f"{leader}牵头，{department.name}、{host}等组成工作专班" if leader else ""
        introducer = ""
        if rng.random() < 0.75:
            introducer = _person(rng) if rng.random() < 0.5 else f"{main_unit.name} {_person(rng)}"

        project = Project(
            name=name[:200],
            capital_type=CapitalType.FOREIGN if foreign else CapitalType.DOMESTIC,
            industry=link.industry,
            industry_chain=f"{link.chain}·{link.link}",
            kind=link.kind,
            high_tech=rng.random() < link.high_tech,
            planned_investment=planned,
            contract_amount=contract,
            location=location,
            introducer=introducer,
            county_leader=leader,
            responsible_unit=responsible,
            stewards=stewards[:200],
            work_team=work_team[:200],
            remarks=rng.choice(data.CHANNELS) if rng.random() < 0.45 else "",
        )
        project.contact_person, project.contact_phone = self.contacts[investor_index]
        # Facts a period's recognition rules may exclude: public money, moves within the county.
        project.government_funded = link.kind == Kind.INFRASTRUCTURE and rng.random() < 0.6
        project.local_relocation = investor.origin == "本县" and link.kind == Kind.INDUSTRIAL and rng.random() < 0.3
        if foreign:
            rate = Decimal(str(round(rng.uniform(7.08, 7.27), 4)))
            project.currency = Currency.USD
            project.exchange_rate = rate
            project.foreign_investment = (planned / rate).quantize(Decimal("0.01"))
        if signed and rng.random() < 0.7:
            project.registered_capital = _round_money(float(planned) * rng.uniform(0.1, 0.3))
        if link.kind in (Kind.INDUSTRIAL, Kind.AGRICULTURE) or rng.random() < 0.4:
            per_mu = rng.uniform(60, 400) if link.kind != Kind.AGRICULTURE else rng.uniform(1, 8)
            project.land_area = Decimal(min(max(round(float(planned) / per_mu), 5), 3000))

        events = []
        for stage_name, day in dates.items():
            amount = contract if stage_name == Stage.SIGNED else None
            events.append((stage_name, day, amount))
        for name, value in stage_fields(dates).items():
            setattr(project, name, value)
        last_date = project.stage_date
        if status != Status.ACTIVE:
            project.status = status
            project.status_reason = rng.choice(data.STALL_REASONS if status == Status.STALLED else data.DROP_REASONS)
            project.status_date = min(last_date + dt.timedelta(days=tail), self.today)

        plan = _Plan(
            project=project,
            created=dates[Stage.NEGOTIATING],
            events=events,
            credits=credits,
            investor_index=investor_index,
            author=self._author(credits),
        )
        if signed:
            plan.receipts = self._receipts(link, dates, contract, stage, foreign)
            project.funds_total = sum((amount for _d, amount, _s, _v in plan.receipts), Decimal("0"))
        return plan

    def _author(self, credits: list[tuple[Unit, Decimal]]) -> User:
        """Projects of the reporters' units are entered by those reporters; the rest by the bureau."""
        for unit, _share in credits:
            owner = self.reporter_units.get(unit.pk) or self.reporter_units.get(unit.parent_id)
            if owner is not None:
                return owner
        return self.users["bureau"]

    def _receipts(self, link: Link, dates: dict, contract: Decimal, stage: str, foreign: bool) -> list[tuple]:
        rng = self.rng
        signed_on = dates[Stage.SIGNED]
        days = (self.today - signed_on).days
        if days < 1 or contract <= 0:
            return []
        if stage == Stage.SIGNED:
            if rng.random() < 0.4:
                return []  # 签订的合同多，到位的资金少 (seed 004)
            share, count = rng.uniform(0.05, 0.4), rng.randint(1, 2)
        elif stage == Stage.STARTED:
            share, count = rng.uniform(0.25, 0.8), rng.randint(1, 4)
        else:
            share, count = rng.uniform(0.6, 1.0), rng.randint(2, 6)
        total = float(contract) * share
        weights = [rng.uniform(0.5, 1.5) for _ in range(count)]
        scale = total / sum(weights)
        amounts = [Decimal(max(1, round(w * scale))) for w in weights]
        if sum(amounts) > contract:  # never more than signed: trim the last receipt
            amounts[-1] -= sum(amounts) - contract
            amounts = [a for a in amounts if a > 0]
        offsets = sorted(rng.randint(1, days) for _ in amounts)
        sources = (
            data.FOREIGN_FUND_SOURCES
            if foreign
            else data.INFRA_FUND_SOURCES
            if link.kind == Kind.INFRASTRUCTURE
            else data.FUND_SOURCES
        )
        receipts = []
        for offset, amount in zip(offsets, amounts, strict=True):
            day = signed_on + dt.timedelta(days=offset)
            voucher = f"{rng.choice(data.BANKS)}{day:%Y%m%d}{rng.randint(0, 99999):05d}"
            receipts.append((day, amount, rng.choice(sources), voucher))
        return receipts


_FOREIGN_ORIGINS = {origin for origin, _name, _chain in data.FOREIGN_INVESTORS}


def _plan_projects(rng, units, users, today) -> tuple[list[_Plan], list[Investor]]:
    stages = [stage for stage, count in STAGE_QUOTAS for _ in range(count)]
    rng.shuffle(stages)
    total = len(stages)
    statuses = [Status.ACTIVE] * total
    # Stalls happen anywhere before production; drops mostly before signing.
    stall_candidates = [i for i, s in enumerate(stages) if s != Stage.PRODUCING]
    for i in rng.sample(stall_candidates, STALLED):
        statuses[i] = Status.STALLED
    drop_candidates = [
        i
        for i, s in enumerate(stages)
        if statuses[i] == Status.ACTIVE and (s in (Stage.NEGOTIATING, Stage.INTENTION) or rng.random() < 0.1)
    ]
    for i in rng.sample(drop_candidates, DROPPED):
        statuses[i] = Status.DROPPED
    foreign = set(rng.sample(range(total), round(total * FOREIGN_SHARE)))
    planner = _Planner(rng, units, users, today)
    plans = [planner.plan(i, stages[i], statuses[i], i in foreign) for i in range(total)]
    # Ids follow the order projects were entered, so the newest sit at the top of the ledger.
    plans.sort(key=lambda p: (p.created, p.project.name))
    per_year: dict[int, int] = {}
    earlier: set[int] = set()
    for plan in plans:
        # An investor back with another project of the same chain: often its second phase.
        if plan.investor_index in earlier and rng.random() < 0.5:
            plan.project.second_phase = True
            plan.project.name = f"{plan.project.name}（二期）"[:200]
        earlier.add(plan.investor_index)
        per_year[plan.created.year] = per_year.get(plan.created.year, 0) + 1
        plan.project.code = f"ZS{plan.created.year}-{per_year[plan.created.year]:04d}"
    return plans, planner.investors


# Registration divisions (行政区划码) the demo's domestic investors' credit codes are drawn from.
_DIVISIONS = ("610100", "610400", "330100", "320500", "440300", "110108", "310115", "510100", "420100", "370200")


def _give_credit_codes(investors: list[Investor]) -> None:
    """A valid 统一社会信用代码 (both check characters computed) for every domestic company, derived from its
    name (no draw from the county's random stream: the projects and figures stay as they were)."""
    for investor in investors:
        if investor.origin in _FOREIGN_ORIGINS:
            continue
        digest = hashlib.sha256(investor.name.encode()).digest()
        division = _DIVISIONS[digest[0] % len(_DIVISIONS)]
        for salt in range(1, 20):
            org = "".join(credit_code.ALPHABET[b % 31] for b in digest[salt : salt + 8])
            check = credit_code.org_check_digit(org)
            if check in credit_code.VALUES:  # an X check cannot be written in an 18-character code
                break
        investor.credit_code = credit_code.with_check_digit("91" + division + org + check)


def _plant_spellings(investors: list[Investor], first_use: dict) -> None:
    """One company entered three ways, for the bureau's 待核查客商 page: the first domestic investor with a
    company suffix was also typed under two other spellings, and a second record was made for it by another
    spelling (no project; the bureau merges it)."""
    investor = next(
        i
        for i in investors
        if i.origin not in _FOREIGN_ORIGINS
        and i.name.endswith("有限公司")
        and not i.name.endswith(("股份有限公司", "集团有限公司"))
    )
    base = investor.name.removesuffix("有限公司")
    for typed in (f"{base}有限责任公司", f"{base}（集团）有限公司"):
        InvestorSpelling.objects.create(investor=investor, name=typed, key=company_key(typed))
    duplicate = Investor(name=f"{base}公司", origin=investor.origin)
    duplicate._history_user = first_use[investors.index(investor)][1]
    duplicate._history_date = investor._history_date
    duplicate.save()


def _write_projects(plans: list[_Plan], investors: list[Investor], rng: random.Random, now: dt.datetime) -> None:
    first_use: dict[int, tuple[dt.date, User]] = {}
    for plan in plans:
        first_use.setdefault(plan.investor_index, (plan.created, plan.author))
    for index, investor in enumerate(investors):
        day, author = first_use[index]
        investor._history_date = _at(day, rng, now)
        investor._history_user = author
    _give_credit_codes(investors)
    Investor.objects.bulk_create(investors, batch_size=BATCH)
    Investor.history.bulk_history_create(investors, batch_size=BATCH)
    _plant_spellings(investors, first_use)

    created_at = {}
    for plan in plans:
        plan.project.investor = investors[plan.investor_index]
        plan.project.created_by = plan.author
        created_at[id(plan.project)] = _at(plan.created, rng, now)
    projects = [plan.project for plan in plans]
    Project.objects.bulk_create(projects, batch_size=BATCH)
    # auto_now_add/auto_now stamp "now" on insert: put back the day each project was entered.
    for plan in plans:
        plan.project.created_at = created_at[id(plan.project)]
        last = max([plan.project.stage_date, *(d for d, *_ in plan.receipts)])
        plan.project.updated_at = max(plan.project.created_at, _at(last, rng, now))
        plan.project.last_activity_on = last_activity(
            created_at=plan.project.created_at, stage_date=plan.project.stage_date, last_report_on=None
        )
    Project.objects.bulk_update(projects, ["created_at", "updated_at", "last_activity_on"], batch_size=BATCH)

    credits, events, receipts = [], [], []
    created_rows, changed_rows = [], []
    for plan in plans:
        project, author, entered = plan.project, plan.author, created_at[id(plan.project)]
        for unit, share in plan.credits:
            credit = ProjectCredit(project=project, unit=unit, share=share)
            credit._history_date, credit._history_user = entered, author
            credits.append(credit)
        # The project's own history: entered while negotiating, then one change per later stage (and the
        # contract amount at signing), then the stall or drop — as record_stage and set_status write it.
        state = copy.copy(project)
        state.stage, state.stage_date, state.contract_amount = Stage.NEGOTIATING, plan.created, Decimal("0")
        state.status, state.status_reason, state.status_date = Status.ACTIVE, "", None
        state._history_date, state._history_user = entered, author
        created_rows.append(state)
        for stage, day, amount in plan.events:
            event = StageEvent(project=project, stage=stage, date=day, amount=amount, recorded_by=author)
            event._history_date, event._history_user = _at(day, rng, now), author
            events.append(event)
            if stage == Stage.NEGOTIATING:
                continue
            state = copy.copy(state)
            state.stage, state.stage_date = stage, day
            if amount is not None:
                state.contract_amount = amount
            state._history_date, state._history_user = event._history_date, author
            changed_rows.append(state)
        if project.status != Status.ACTIVE:
            state = copy.copy(state)
            state.status, state.status_reason, state.status_date = (
                project.status,
                project.status_reason,
                project.status_date,
            )
            state._history_date, state._history_user = _at(project.status_date, rng, now), author
            changed_rows.append(state)
        currencies = plan.receipt_currencies or [(Currency.CNY, None, None)] * len(plan.receipts)
        for (day, amount, source, voucher), (currency, original, rate) in zip(plan.receipts, currencies, strict=True):
            receipt = FundsReceipt(
                project=project,
                date=day,
                amount=amount,
                currency=currency,
                original_amount=original,
                exchange_rate=rate,
                source=source,
                voucher_no=voucher,
                recorded_by=author,
            )
            receipt._history_date, receipt._history_user = _at(day, rng, now), author
            receipts.append(receipt)
    Project.history.bulk_history_create(created_rows, batch_size=BATCH)
    Project.history.bulk_history_create(changed_rows, batch_size=BATCH, update=True)
    for model, rows in ((ProjectCredit, credits), (StageEvent, events), (FundsReceipt, receipts)):
        model.objects.bulk_create(rows, batch_size=BATCH)
        model.history.bulk_history_create(rows, batch_size=BATCH)


# --- the facts a scoring scheme's conditions read (issue 13) --------------------------------------------

EVENT_NAMES = {
    EventLevel.COUNTY: "{year}年全县招商引资项目集中签约仪式",
    EventLevel.CITY: "{year}年全市招商推介会",
    EventLevel.PROVINCE: "{year}年全省投资贸易洽谈会",
    EventLevel.NATIONAL: "{year}年中国国际投资贸易洽谈会",
}
HMT_ORIGINS = ("香港", "澳门", "台湾")


def _add_scheme_facts(plans: list[_Plan], rng: random.Random, today: dt.date) -> None:
    """Ownership, the signing event and its level, the company's registration and the land premium paid, and the
    foreign projects' receipts in US dollars. Drawn from a stream of their own (``rng``), after the ledger's
    draws, so the ledger and every figure from it stay as they were; a receipt in dollars keeps its yuan amount
    (its original amount is that amount at the project's rate, which works back to the same cents)."""
    for plan in plans:
        project = plan.project
        investor = plan.investor_origin
        if project.capital_type == CapitalType.FOREIGN:
            project.ownership = Ownership.HMT if investor in HMT_ORIGINS else Ownership.FOREIGN
        elif project.government_funded:
            project.ownership = Ownership.STATE
        else:
            project.ownership = _weighted(
                rng, [Ownership.PRIVATE, Ownership.STATE, Ownership.MIXED, ""], [0.78, 0.08, 0.09, 0.05]
            )
        signed_on = project.signed_on
        if signed_on is None:
            continue
        if rng.random() < 0.35:
            level = _weighted(rng, list(EventLevel.values), [0.3, 0.45, 0.2, 0.05])
            project.signing_event_level = level
            project.signing_event = EVENT_NAMES[level].format(year=signed_on.year)
        if rng.random() < 0.7:
            project.company_registered_on = min(signed_on + dt.timedelta(days=rng.randint(5, 90)), today)
        if project.land_area and project.kind == Kind.INDUSTRIAL and rng.random() < 0.6:
            project.land_paid_on = min(signed_on + dt.timedelta(days=rng.randint(20, 150)), today)
        if project.capital_type == CapitalType.FOREIGN and plan.receipts:
            rate = project.exchange_rate
            plan.receipt_currencies = [
                (Currency.USD, (amount * 10000 / rate).quantize(Decimal("0.01")), rate)
                if rng.random() < 0.7
                else (Currency.CNY, None, None)
                for _day, amount, _source, _voucher in plan.receipts
            ]


# The manufacturing divisions a county's projects mostly fall in (农副食品加工, 纺织, 化学原料, 非金属矿物, 通用设备,
# 汽车, 电气机械, 计算机通信电子).
COMMON_MANUFACTURING = ("13", "17", "26", "30", "34", "36", "38", "39")


def _add_divisions(plans: list[_Plan], rng: random.Random) -> None:
    """Each project's GB/T 4754 division (大类) within its section, some left blank. A stream of its own (``rng``),
    drawn after every other, so the ledger and every figure from it stay as they were."""
    for plan in plans:
        project = plan.project
        if not project.industry or rng.random() < 0.1:
            continue
        if project.industry == "C" and rng.random() < 0.7:
            project.industry_division = rng.choice(COMMON_MANUFACTURING)
        else:
            project.industry_division = f"{rng.choice(DIVISION_RANGES[project.industry]):02d}"


# --- entry point ----------------------------------------------------------------------------------


@transaction.atomic
def _create_periods(bureau: User, today: dt.date) -> None:
    """The year's targets and a 100-day competition ending after today, both with the seed's table."""
    from zhaoshang.targets import services as targets

    year = targets.save_period(
        user=bureau,
        data={
            "code": f"ND{today.year}",
            "name": f"{today.year}年度招商引资目标",
            "start": dt.date(today.year, 1, 1),
            "end": dt.date(today.year, 12, 31),
            "schedule_basis": "month",
        },
    )
    targets.apply_hundred_day_preset(user=bureau, period=year, tier_one_funds=Decimal("2000"))
    # The prefecture's target for the county (as seed 000's "地区给我县下达的招商引资任务是8亿元", at the scale of the
    # demo county's ledger), counted as the units' targets count (projects of 1000万 and more), so that the target
    # page compares it with the units' split of the same indicator.
    targets.save_county_target(
        user=bureau,
        period=year,
        data=targets.CountyTargetData(
            kind="amount",
            stage="signed",
            min_amount=Decimal("1000"),
            target=Decimal("700000"),
            document=f"关于下达{today.year}年度招商引资目标任务的通知",
            document_number=f"地政发〔{today.year}〕3号",
            issued_by="地区行政公署",
        ),
    )
    start = today - dt.timedelta(days=80)
    campaign = targets.save_period(
        user=bureau,
        data={
            "code": f"BR{today.year}",
            "name": f"{today.year}年招商引资百日竞赛",
            "start": start,
            "end": start + dt.timedelta(days=99),
            "criticise_bottom": {"park": 1},
            "commend_top": {"park": 1},
        },
    )
    targets.apply_hundred_day_preset(user=bureau, period=campaign, tier_one_funds=Decimal("2000"))


def build_demo(*, today: dt.date | None = None) -> DemoSummary:
    """Wipe the organisation and the ledger and build the demo county. The database must be migrated."""
    today = today or demo_today()
    now = min(clock.now(), dt.datetime.combine(today, dt.time(23, 59), tzinfo=SHANGHAI))
    rng = random.Random(SEED)
    wipe()
    users = _create_users()
    units = _create_units(users["admin"], now)
    _attach_users(users, units)
    plans, investors = _plan_projects(rng, units, users, today)
    for plan in plans:
        plan.investor_origin = investors[plan.investor_index].origin
    _add_scheme_facts(plans, random.Random(SEED + 2), today)
    _add_divisions(plans, random.Random(SEED + 3))
    _write_projects(plans, investors, rng, now)
    _create_periods(users["bureau"], today)
    # The county at work, through the apps' services: a stream of draws of its own, so the ledger above
    # stays the same whatever is added here.
    work = random.Random(SEED + 1)
    taken = {unit_code for username, _r, _n, unit_code in LOGINS if access.is_reporter(users[username])}
    activity.create_liaisons(units, taken, work, users["admin"].password)
    with transaction.atomic():
        activity.build_scheduling(today=today, now=now, rng=work)
        activity.build_supervision(today=today, now=now, rng=work)
        activity.build_bulletins(today=today, now=now)
        # 出口创汇 on some reports: a stream of its own, drawn after every other draw.
        activity.fill_export_earnings(rng=random.Random(EXPORT_SEED))
        # The register of persons and the projects' links to it (issue 14): its own stream, drawn after all others.
        demo_persons.build_persons(rng=random.Random(SEED + 4), bureau=users["bureau"])
        # 领导联点 and the heads of units: no draw.
        demo_leaders.build_leaders()
        # Leads (issue 18): their own stream; they point at signed projects, never change them.
        demo_leads.build_leads(rng=random.Random(SEED + 5), today=today)
        # Industry chains (issue 19): their own stream; they read the ledger, never change it.
        demo_chains.build_chains(rng=random.Random(SEED + 6))
    # The county-wide double-claim check (issue 17), after every project is written, so the bureau's review page
    # has the pairs the demo's ledger holds. It writes only pairs: no figure changes.
    check_county()
    demo_events.build_demo(rng=random.Random(SEED + 1801), units=units, users=users, today=today)  # issue 18
    build_library(random.Random(SEED + 18), units, users, today)  # the project library (issue 18): its own stream
    # Milestone plans of signed projects (issue 18): their own stream; they read the stage dates, never write them.
    build_milestones(random.Random(SEED + 19), today, user=users["bureau"])
    # Receptions and trips (issue 18): their own stream, written after the ledger and the bulletins.
    demo_receptions.build_demo(rng=random.Random(SEED + 20), units=units, users=users, today=today)
    demo_promises.build_demo(rng=random.Random(SEED + 1903), units=units, users=users, today=today)  # issue 19
    # Resources on offer (issue 19): their own stream; a few point at signed projects, never change them.
    build_resources(random.Random(SEED + 21), units, users, today)
    # Enterprise liaison (issue 19): its own stream, written after everything else; no figure reads it.
    build_liaison(rng=random.Random(SEED + 1902), units=units, users=users, today=today)
    # The county map (issue 19): the boundaries and the positions of what was written above; its own stream.
    build_map(rng=random.Random(SEED + 22), users=users)
    # Business-environment indicators (issue 19): their own stream, written last; nothing else reads them.
    demo_environment.build_demo(rng=random.Random(SEED + 1906), units=units, users=users, today=today)
    counted = (
        Unit,
        User,
        Investor,
        Project,
        StageEvent,
        ProjectCredit,
        FundsReceipt,
        Period,
        *activity.counted_models(),
    )
    counts = {str(model._meta.verbose_name_plural): model.objects.count() for model in counted}
    logins = [
        DemoLogin(username, str(role.label), units[unit_code].name, PASSWORD)
        for username, role, _name, unit_code in LOGINS
    ]
    return DemoSummary(counts=counts, logins=logins)
