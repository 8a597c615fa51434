"""Reading the register: persons a user may see, the projects each introduced in a period (by share), the
person ranking against targets and the introducer reward list."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from zhaoshang.projects import rules as ledger
from zhaoshang.projects.choices import Stage
from zhaoshang.projects.models import STAGE_DATE_FIELDS, Project, ProjectIntroducer

from .models import LevelTarget, Person, PersonTarget

CENTS = Decimal("0.01")
SHARE_PLACES = Decimal("0.0001")


def person_list(*, user, q: str = "", unit=None, level: str = "", active: bool | None = None):
    persons = Person.objects.restrict(user).select_related("unit", "user")
    if q:
        persons = persons.filter(Q(name__icontains=q) | Q(post__icontains=q))
    if unit:
        persons = persons.filter(unit=unit)
    if level:
        persons = persons.filter(level=level)
    if active is not None:
        persons = persons.filter(active=active)
    return persons.order_by("unit__code", "name", "pk")


def choosable_persons():
    """The persons a project form offers: every active person of any unit (an introducer may be anyone's cadre;
    a person's name and unit are no secret)."""
    return Person.objects.filter(active=True).select_related("unit").order_by("name", "unit__code")


@dataclass(frozen=True)
class IntroducedRow:
    """One recognised project a person introduced, signed inside the period, and what their share of it is."""

    person_id: int
    project: Project
    share: Decimal  # percent
    fraction: Decimal  # of a project: share / 100
    signed_on: object
    contract_amount: Decimal  # the person's part (contract amount × share), 10k yuan
    planned_investment: Decimal  # the person's part


def _stage_dates(project: Project) -> dict:
    return {stage: getattr(project, column) for stage, column in STAGE_DATE_FIELDS.items()}


def introduced_rows(period, *, person_ids=None) -> list[IntroducedRow]:
    """Per introducer link, the recognised projects (``rules.recognised`` under the period's rules) that reached
    signing inside the period (``rules.reached_within_q``), by signing date. A person's figures are the sums of
    these rows."""
    until = period.end
    projects = Project.objects.filter(ledger.reached_within_q(Stage.SIGNED, period.start, until)).filter(
        introducer_links__isnull=False
    )
    recognition = ledger.Recognition.of(period)
    fields = ("pk", *ledger.RECOGNITION_FIELDS)
    counted = {row["pk"] for row in projects.distinct().values(*fields) if ledger.recognised(recognition, row)}
    links = ProjectIntroducer.objects.filter(project_id__in=counted).select_related("project")
    if person_ids is not None:
        links = links.filter(person_id__in=person_ids)
    rows = []
    for link in links:
        project = link.project
        fraction = ledger.share_fraction(link.share)
        rows.append(
            IntroducedRow(
                person_id=link.person_id,
                project=project,
                share=link.share,
                fraction=fraction,
                signed_on=ledger.reached_on(
                    {stage: getattr(project, column) for stage, column in STAGE_DATE_FIELDS.items()},
                    Stage.SIGNED,
                    until,
                ),
                contract_amount=(project.contract_amount * fraction).quantize(CENTS, rounding=ROUND_HALF_UP),
                planned_investment=(project.planned_investment * fraction).quantize(CENTS, rounding=ROUND_HALF_UP),
            )
        )
    rows.sort(key=lambda row: (row.signed_on, row.project.code, row.person_id))
    return rows


@dataclass
class PersonFigures:
    person: Person
    target: Decimal | None
    rows: list[IntroducedRow] = field(default_factory=list)
    rank: int | None = None

    @property
    def projects(self) -> Decimal:
        return sum((row.fraction for row in self.rows), Decimal("0")).quantize(SHARE_PLACES)

    @property
    def contract_amount(self) -> Decimal:
        return sum((row.contract_amount for row in self.rows), Decimal("0"))

    @property
    def completion(self) -> Decimal | None:
        if not self.target:
            return None
        return (self.projects / self.target * 100).quantize(CENTS, rounding=ROUND_HALF_UP)

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.projects >= self.target


def targets_of(period) -> tuple[dict[str, Decimal], dict[int, Decimal]]:
    per_level = {t.level: t.projects for t in LevelTarget.objects.filter(period=period)}
    per_person = {t.person_id: t.projects for t in PersonTarget.objects.filter(period=period)}
    return per_level, per_person


def person_ranking(period, *, user) -> list[PersonFigures]:
    """Every person the user may see who has a target or introduced a counted project in the period, ranked by
    projects (introducer shares summed), then contract amount; ties share a rank."""
    per_level, per_person = targets_of(period)
    visible = Person.objects.restrict(user).select_related("unit")
    rows_by_person: dict[int, list[IntroducedRow]] = defaultdict(list)
    for row in introduced_rows(period):
        rows_by_person[row.person_id].append(row)
    figures = []
    for person in visible:
        target = per_person.get(person.pk, per_level.get(person.level) if person.active else None)
        rows = rows_by_person.get(person.pk, [])
        if target is None and not rows:
            continue
        figures.append(PersonFigures(person=person, target=target, rows=rows))
    figures.sort(key=lambda f: (-f.projects, -f.contract_amount, f.person.name, f.person.pk))
    previous, rank = None, 0
    for index, figure in enumerate(figures, start=1):
        key = (figure.projects, figure.contract_amount)
        if key != previous:
            rank, previous = index, key
        figure.rank = rank
    return figures


@dataclass(frozen=True)
class RewardLine:
    person: Person
    row: IntroducedRow


def reward_list(period, *, user) -> list[RewardLine]:
    """引进人奖励名单: who brought which recognised project signed in the period, with the amounts × share,
    for the persons the user may see; by person, then signing date."""
    persons = {p.pk: p for p in Person.objects.restrict(user).select_related("unit")}
    lines = [RewardLine(persons[row.person_id], row) for row in introduced_rows(period) if row.person_id in persons]
    lines.sort(key=lambda line: (line.person.unit.code, line.person.name, line.person.pk, line.row.signed_on))
    return lines
