"""The demo county: plausible, consistent with what the services would write, and the same on every run."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Sum
from django.urls import reverse

from zhaoshang.bulletins.models import Bulletin
from zhaoshang.core.revision import data_revision
from zhaoshang.dashboard.lists import REVISION_APPS
from zhaoshang.demo.builder import PASSWORD, build_demo
from zhaoshang.events.tests.demo_checks import assert_demo_events
from zhaoshang.maps.tests.demo_checks import assert_demo_map
from zhaoshang.organization.choices import Category, Role
from zhaoshang.organization.models import Unit, User
from zhaoshang.projects.choices import CapitalType, Kind, Stage, Status
from zhaoshang.projects.models import FundsReceipt, Investor, Project, ProjectCredit, StageEvent
from zhaoshang.projects.services import stage_date_errors
from zhaoshang.scheduling.models import CoordinationItem, ProgressReport, SchedulingRound
from zhaoshang.supervision.models import Rectification, SupervisionBatch, Verification

from .checks import run_checks

pytestmark = pytest.mark.django_db


def _fingerprint() -> list:
    """Everything that makes the county what it is, in a comparable form."""
    return [
        list(Unit.objects.order_by("code").values_list("code", "name", "parent__code", "category", "tier")),
        list(User.objects.order_by("username").values_list("username", "role", "unit__code")),
        list(
            Project.objects.order_by("code").values_list(
                "code",
                "name",
                "investor__name",
                "stage",
                "stage_date",
                "status",
                "planned_investment",
                "contract_amount",
                "funds_total",
                "responsible_unit__code",
            )
        ),
        list(ProjectCredit.objects.order_by("project__code", "unit__code").values_list("project__code", "unit__code")),
        list(FundsReceipt.objects.order_by("project__code", "date", "amount").values_list("date", "amount")),
        list(SchedulingRound.objects.order_by("date").values_list("date", "status", "opened_at", "closed_at")),
        list(
            ProgressReport.objects.order_by("scheduling_round__date", "project__code").values_list(
                "project__code", "status", "progress", "problems", "first_submitted_at", "submitted_by__username"
            )
        ),
        list(
            CoordinationItem.objects.order_by("project__code").values_list(
                "project__code", "status", "department__code", "deadline", "raised_at"
            )
        ),
        list(SupervisionBatch.objects.values_list("seed", "start", "end", "candidate_count")),
        list(Verification.objects.order_by("pk").values_list("project__code", "result", "verified_at")),
        list(Rectification.objects.order_by("pk").values_list("project__code", "status", "deadline")),
        list(Bulletin.objects.order_by("pk").values_list("number", "status", "as_of", "issued_at")),
    ]


def check_scheme_facts():
    """Issue 13's facts: mostly private ownership, some projects signed at city or provincial promotion events,
    registration and land-paid dates after signing, and the foreign projects' receipts mostly in US dollars whose
    yuan amounts are the original amount at the rate used (``rules.receipt_amount``)."""
    from zhaoshang.projects import rules

    projects = Project.objects.all()
    domestic = projects.filter(capital_type=CapitalType.DOMESTIC)
    private = domestic.filter(ownership="private").count()
    assert 0.6 < private / domestic.count() < 0.9
    assert not projects.filter(capital_type=CapitalType.FOREIGN).exclude(ownership__in=["foreign", "hmt"]).exists()
    signed = projects.filter(signed_on__isnull=False)
    at_events = signed.exclude(signing_event_level="")
    assert 0.2 < at_events.count() / signed.count() < 0.5
    assert at_events.filter(signing_event_level__in=["city", "province"]).count() > at_events.count() / 2
    assert (
        not at_events.filter(signing_event="").exists()
        and not projects.filter(signed_on__isnull=True).exclude(signing_event_level="").exists()
    )
    for project in signed.exclude(company_registered_on=None):
        assert project.signed_on <= project.company_registered_on
    assert signed.exclude(land_paid_on=None).exists()
    dollars = FundsReceipt.objects.filter(currency="USD")
    assert dollars.exists() and not dollars.exclude(project__capital_type=CapitalType.FOREIGN).exists()
    for receipt in dollars:
        computed = rules.receipt_amount(receipt.currency, receipt.original_amount, receipt.exchange_rate, None)
        assert computed == receipt.amount
    # GB/T 4754 divisions (大类), each within its project's section; some left blank.
    from zhaoshang.projects.choices import division_error

    divided = projects.exclude(industry_division="")
    assert 0.8 < divided.count() / projects.exclude(industry="").count() < 1
    assert not projects.filter(industry="").exclude(industry_division="").exists()
    for industry, division in divided.values_list("industry", "industry_division"):
        assert division_error(industry, division) is None, (industry, division)


def test_command_builds_the_county_and_prints_the_logins():
    out = io.StringIO()
    call_command("demo", interactive=False, stdout=out)
    text = out.getvalue()
    for username in ("admin", "bureau", "leader", "supervisor", "reporter", "reporter2"):
        assert username in text
    assert PASSWORD in text
    assert "http://127.0.0.1:8000" in text
    assert Project.objects.count() == 400


def check_unit_tree(demo):
    assert Unit.objects.filter(category=Category.JURISDICTION, parent=None).get().code == "000"
    by_category = dict(Unit.objects.values_list("category").annotate(n=Count("pk")))
    assert set(by_category) == set(Category.values)
    townships = Unit.objects.filter(category=Category.TOWNSHIP, parent__code="000")
    assert 18 <= townships.count() <= 22
    assert set(townships.values_list("tier", flat=True)) == {1, 2, 3, 4}
    departments = Unit.objects.filter(category__in=[Category.DEPARTMENT, Category.VERTICAL])
    assert departments.count() == 30
    assert 4 <= by_category[Category.VERTICAL] <= 6
    assert set(departments.values_list("tier", flat=True)) == {1, 2, 3, 4}
    assert by_category[Category.PARK] == 2
    assert by_category[Category.OFFICE] == 1
    # Sections sit below a township.
    assert Unit.objects.filter(parent__category=Category.TOWNSHIP).exists()


def check_projects_span_the_pipeline(demo):
    assert 350 <= Project.objects.count() <= 450
    stages = dict(Project.objects.values_list("stage").annotate(n=Count("pk")))
    for stage in (Stage.NEGOTIATING, Stage.INTENTION, Stage.SIGNED, Stage.STARTED, Stage.PRODUCING):
        assert stages.get(stage, 0) >= 30
    for status in (Status.STALLED, Status.DROPPED):
        marked = Project.objects.filter(status=status)
        assert marked.count() >= 10
        assert not marked.filter(status_reason="").exists()
        assert not marked.filter(status_date=None).exists()
    kinds = dict(Project.objects.values_list("kind").annotate(n=Count("pk")))
    assert set(kinds) == set(Kind.values)
    assert kinds[Kind.INDUSTRIAL] > Project.objects.count() / 2
    assert Project.objects.values("industry").distinct().count() >= 8
    assert not Project.objects.filter(industry="").exists()
    assert not Project.objects.filter(industry_chain="").exists()
    # A few projects carry the facts that recognition rules may exclude.
    for flag in ("government_funded", "local_relocation", "second_phase"):
        assert 1 <= Project.objects.filter(**{flag: True}).count() <= 60, flag


def check_amounts_are_skewed_like_a_real_county(demo):
    planned = Project.objects
    assert planned.filter(planned_investment__lt=300).count() == 0
    assert planned.filter(planned_investment__gt=150000).count() == 0
    assert planned.filter(planned_investment__lt=1000).count() >= 60  # many small
    assert planned.filter(planned_investment__gte=1000).count() >= 200
    assert planned.filter(planned_investment__gte=5000).count() >= 50
    assert 10 <= planned.filter(planned_investment__gte=10000).count() <= 80  # few big
    # Contract amounts exist exactly for projects that signed, and the signing event carries them.
    for project in Project.objects.prefetch_related("stage_events"):
        signing = [e for e in project.stage_events.all() if e.stage == Stage.SIGNED]
        if signing:
            assert signing[0].amount == project.contract_amount > 0
        else:
            assert project.contract_amount == 0


def check_foreign_projects(demo):
    foreign = Project.objects.filter(capital_type=CapitalType.FOREIGN)
    assert 15 <= foreign.count() <= 50
    for project in foreign.select_related("investor"):
        assert project.currency == "USD"
        assert Decimal("7") < project.exchange_rate < Decimal("7.3")
        assert project.foreign_investment > 0
        assert project.investor.origin in {"香港", "澳门", "新加坡", "德国", "日本", "韩国", "美国"}
    assert not Project.objects.filter(capital_type=CapitalType.DOMESTIC, foreign_investment__isnull=False).exists()


def check_stage_dates_are_consistent(demo):
    today = dt.date.today()
    events = defaultdict(dict)
    for project_id, stage, date in StageEvent.objects.values_list("project_id", "stage", "date"):
        assert dt.date(2025, 1, 1) <= date <= today
        events[project_id][stage] = date
    for project in Project.objects.all():
        dates = events[project.pk]
        assert Stage.NEGOTIATING in dates
        assert stage_date_errors(dates) == []
        # The denormalised stage is the latest event, as refresh_stage would set it.
        latest = max(dates, key=lambda s: Stage.values.index(s))
        assert (project.stage, project.stage_date) == (latest, dates[latest])
        if project.status_date:
            assert project.stage_date <= project.status_date <= today


def check_credits_sum_to_one_hundred(demo):
    totals = Project.objects.annotate(total=Sum("credits__share"), n=Count("credits")).values_list("total", "n")
    assert {total for total, _n in totals} == {Decimal("100")}
    split = sum(1 for _total, n in totals if n == 2)
    assert 20 <= split <= 70  # about one in ten
    assert all(n in (1, 2) for _total, n in totals)


def check_funds_in_place(demo):
    sums = dict(FundsReceipt.objects.values_list("project").annotate(total=Sum("amount")))
    for project in Project.objects.all():
        assert project.funds_total == sums.get(project.pk, Decimal("0"))
        assert project.funds_total <= project.contract_amount
    assert not FundsReceipt.objects.exclude(project__stage__in=[Stage.SIGNED, Stage.STARTED, Stage.PRODUCING]).exists()
    signed_on = dict(StageEvent.objects.filter(stage=Stage.SIGNED).values_list("project_id", "date"))
    for receipt in FundsReceipt.objects.all():
        assert signed_on[receipt.project_id] < receipt.date <= dt.date.today()
        assert receipt.amount > 0 and receipt.source and receipt.voucher_no
    assert FundsReceipt.objects.values("project").distinct().count() >= 150


def check_people_on_projects(demo):
    projects = Project.objects
    assert not projects.filter(responsible_unit=None).exists()
    assert not projects.filter(stewards="").exists()
    assert not projects.filter(investor=None).exists()
    big = projects.filter(planned_investment__gte=10000)
    assert not big.filter(county_leader="").exists()  # 五个一: every big project has a county leader
    assert not big.filter(work_team="").exists()
    assert projects.exclude(introducer="").count() >= 200
    assert Investor.objects.count() >= 250


def check_one_login_per_role(demo, client):
    roles = dict(User.objects.values_list("username", "role"))
    assert set(roles.values()) == set(Role.values)
    reporters = User.objects.filter(username__in=["reporter", "reporter2"]).select_related("unit")
    assert {u.role for u in reporters} == {Role.REPORTER}
    assert {u.unit.category for u in reporters} == {Category.TOWNSHIP}
    assert reporters.values("unit").distinct().count() == 2
    # Every other unit under the county has a liaison of its own (they fill the reports and answer items).
    top = Unit.objects.filter(parent__code="000")
    reporting = User.objects.filter(role=Role.REPORTER, unit__in=top)
    assert reporting.values("unit").distinct().count() == top.count() == reporting.count()
    for login in demo.logins:
        assert client.login(username=login.username, password=PASSWORD), login.username
        client.logout()
    client.login(username="reporter", password=PASSWORD)
    response = client.get(reverse("projects:ledger"))
    assert response.status_code == 200
    reporter = User.objects.get(username="reporter")
    assert Project.objects.restrict(reporter, "view").count() >= 5


def check_investors_have_credit_codes_and_one_is_flagged(demo):
    """Issue 17: every domestic company has a valid, unique 统一社会信用代码; one company was entered three ways
    (two spellings and a second record), so the bureau's 待核查客商 page has something to show."""
    from zhaoshang.projects import credit_code
    from zhaoshang.projects.investors import flagged_investors

    coded = Investor.objects.exclude(credit_code=None)
    assert coded.count() >= 200
    for code in coded.values_list("credit_code", flat=True):
        assert credit_code.errors(code) == [], code
    flagged = flagged_investors(user=User.objects.get(username="bureau"))
    assert len(flagged.same_company) >= 1 and len(flagged.many_spellings) >= 1 and flagged.many_units


def check_history_rows_carry_a_user(demo):
    for model in (Unit, Investor, Project, ProjectCredit, StageEvent, FundsReceipt):
        history = model.history.all()
        assert history.exists(), model
        assert not history.filter(history_user=None).exists(), model
    assert Project.history.filter(history_type="+").count() == Project.objects.count()
    assert Project.history.filter(history_type="~").count() > Project.objects.count()
    assert StageEvent.history.filter(history_type="+").count() == StageEvent.objects.count()
    reporter = User.objects.get(username="reporter")
    assert Project.history.filter(history_user=reporter).exists()


def test_running_twice_gives_the_same_county():
    build_demo(today=dt.date(2026, 11, 21))
    first = _fingerprint()
    revision = data_revision(REVISION_APPS)
    build_demo(today=dt.date(2026, 11, 21))
    assert _fingerprint() == first
    # Ids restart, so the same project sits at the same address; the data revision is a new one all the same
    # (results kept under the first build's revision may not be those of the second on another day).
    assert Project.objects.order_by("pk").values_list("pk", flat=True).first() == 1
    assert data_revision(REVISION_APPS) != revision
    assert_demo_events(dt.date(2026, 11, 21))  # the promotion events of issue 18, on the county just built
    assert_demo_map()  # the county map of issue 19


def test_refuses_to_replace_real_data_without_confirmation(monkeypatch):
    Unit.objects.create(code="X1", name="某县", category=Category.JURISDICTION)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError):
        call_command("demo", stdout=io.StringIO())
    assert Unit.objects.filter(code="X1").exists()


def test_the_demo_county(client):
    """Every check above on one build of the county (building it takes seconds; the checks only read it)."""
    demo = build_demo()
    ran = run_checks(globals(), demo=demo, client=client)
    assert len(ran) == 12, ran
