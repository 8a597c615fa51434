"""Promotion events: the list's figures equal the event page's rows, the permission rule on pages and API, the
project form's event, the workbook."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from zhaoshang.events import selectors
from zhaoshang.events.models import Event
from zhaoshang.leads.models import Lead
from zhaoshang.projects import services as project_services
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def fair(make_event, signed, make_project, units, users):
    """A city fair: A1 (T01, 1000/2000) and B1 (T02, 2500.50/3000) signed at it, A2 (T01) only negotiating there
    (not signed: not counted), A3 started without a signing date (reached "signed" by the ledger's rule: counted);
    a county event of 2025 with nothing; leads: two of T01 at the fair, one of T02, one merged duplicate (not
    counted)."""
    fair = make_event(place="市会展中心", organiser="市人民政府")
    other = make_event(name="2025年全县经贸洽谈会", level="county", starts_on=dt.date(2025, 9, 9))
    projects = {
        "A1": signed("A1", event=fair),
        "B1": signed("B1", amount="2500.50", planned="3000", unit=units["b"], event=fair),
        "A2": make_project(code="A2", event=fair, contract_amount=D("9999")),
    }
    a3 = make_project(code="A3", event=fair, contract_amount=D("400"), planned_investment=D("500"))
    project_services.record_stage(user=users["bureau"], project=a3, stage="started", date=dt.date(2026, 5, 1))
    projects["A3"] = a3
    kept = Lead.objects.create(company="甲公司", unit=units["a"], event=fair)
    Lead.objects.create(company="乙公司", unit=units["a"], event=fair)
    Lead.objects.create(company="丙公司", unit=units["b"], event=fair)
    Lead.objects.create(company="甲公司（重复）", unit=units["a"], event=fair, status="merged", merged_into=kept)
    return {"fair": fair, "other": other, "projects": projects}


def _row(events, event):
    return next(row for row in events if row.pk == event.pk)


def test_totals_equal_the_drill_down(client, users, fair, django_assert_max_num_queries):
    event = fair["fair"]
    with django_assert_max_num_queries(1):
        events = list(selectors.event_list(user=users["bureau"]))
    row = _row(events, event)
    assert (row.projects_signed, row.contract_amount, row.leads_collected) == (3, D("3900.50"), 3)
    assert row.planned_investment == D("5500")
    assert _row(events, fair["other"]).projects_signed == 0
    assert _row(events, fair["other"]).contract_amount == D("0")

    client.force_login(users["leader"])
    page = client.get(reverse("events:detail", args=[event.pk]))
    assert page.status_code == 200
    shown = page.context["projects"]
    assert [p.code for p in shown] == ["A1", "B1", "A3"]  # by signing date: A3 reached "signed" on its start
    assert len(shown) == row.projects_signed
    totals = page.context["project_totals"]
    assert sum(p.contract_amount for p in shown) == row.contract_amount == totals["contract_amount"]
    assert page.context["project_totals"]["planned_investment"] == row.planned_investment
    assert len(page.context["leads"]) == row.leads_collected
    html = page.content.decode()
    assert "3900.50" in html and "甲公司" in html and "甲公司（重复）" not in html and "A2" not in html

    listing = client.get(reverse("events:list"))
    assert listing.context["totals"]["projects_signed"] == 3
    assert listing.context["totals"]["contract_amount"] == D("3900.50")
    # Filters: by level and by year.
    assert [e.pk for e in client.get(reverse("events:list"), {"level": "county"}).context["events"]] == [
        fair["other"].pk
    ]
    assert [e.pk for e in client.get(reverse("events:list"), {"year": "2026"}).context["events"]] == [event.pk]
    assert [e.pk for e in client.get(reverse("events:list"), {"year": "2025"}).context["events"]] == [fair["other"].pk]


def test_a_reporter_sees_their_units_rows_and_cannot_edit(client, users, fair):
    """Everyone reads the events; a reporter's figures and rows are their unit's (page and API); only the bureau
    creates and edits (403)."""
    event = fair["fair"]
    client.force_login(users["reporter_b"])
    row = _row(client.get(reverse("events:list")).context["events"], event)
    assert (row.projects_signed, row.contract_amount, row.leads_collected) == (1, D("2500.50"), 1)
    page = client.get(reverse("events:detail", args=[event.pk]))
    assert [p.code for p in page.context["projects"]] == ["B1"]
    assert [lead.company for lead in page.context["leads"]] == ["丙公司"]
    assert "A1" not in page.content.decode() and "甲公司" not in page.content.decode()
    api = client.get(f"/api/events/{event.pk}/").json()
    assert (api["projects_signed"], api["contract_amount"], api["leads_collected"]) == (1, "2500.50", 1)
    assert len(client.get("/api/events/").json()["results"]) == 2
    assert client.post("/api/events/", {"name": "x"}).status_code == 405

    before = Event.objects.count()
    assert client.get(reverse("events:create")).status_code == 403
    data = {"name": "假活动", "level": "county", "starts_on": "2026-05-01"}
    assert client.post(reverse("events:create"), data).status_code == 403
    assert client.post(reverse("events:edit", args=[event.pk]), data).status_code == 403
    assert Event.objects.count() == before
    event.refresh_from_db()
    assert event.name == "2026年全市招商推介会"
    assert "event-create" not in client.get(reverse("events:list")).content.decode()

    client.force_login(users["leader"])
    assert client.post(reverse("events:create"), data).status_code == 403
    client.force_login(users["bureau"])
    bad = {**data, "ends_on": "2026-04-30"}
    assert client.post(reverse("events:create"), bad).status_code == 200  # the last day before the first
    response = client.post(reverse("events:create"), {**data, "ends_on": "2026-05-02", "place": "县城"})
    created = Event.objects.get(name="假活动")
    assert response.status_code == 302 and created.created_by == users["bureau"]
    assert created.history.first().history_user == users["bureau"]


def test_the_workbook_has_the_list_and_its_totals(client, users, fair, make_event):
    make_event(name="=HYPERLINK(1)", level="province", starts_on=dt.date(2026, 1, 2))
    client.force_login(users["bureau"])
    response = client.get(reverse("events:list"), {"format": "xlsx", "year": "2026"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "2026年全市招商推介会" and rows[1][1] == "市级"
    assert rows[1][6:] == (3, 3900.5, 5500, 3)
    assert rows[2][0] == "=HYPERLINK(1)" and sheet.cell(row=3, column=1).data_type == "s"  # text, not a formula
    assert rows[-1][0] == "合计" and rows[-1][6:] == (3, 3900.5, 5500, 3)
    assert len(rows) == 4  # header, the two events of 2026, totals
    with pytest.raises(ValidationError):
        make_event(name="远古活动", starts_on=dt.date(1999, 1, 1))


def test_the_project_form_offers_the_event(client, users, units, fair, make_project):
    """The project form lists the events newest first, blank allowed; a chosen event's name and level become the
    project's signing event (read-only on the form while it is linked)."""
    client.force_login(users["bureau"])
    project = make_project(code="F1")
    form = client.get(reverse("projects:edit", args=[project.pk])).context["form"]
    choices = [str(label) for value, label in form.fields["event"].choices]
    assert choices[1:] == ["2026年全市招商推介会", "2025年全县经贸洽谈会"] and not form.fields["event"].required
    assert not form.fields["signing_event_level"].disabled
    linked = fair["projects"]["A1"]
    form = client.get(reverse("projects:edit", args=[linked.pk])).context["form"]
    assert form.fields["signing_event"].disabled and form.fields["signing_event_level"].disabled
    # Through the pages, as a reporter: a project created at an event takes its name and level; typed values for
    # them are ignored while it is linked.
    client.force_login(users["reporter_a"])
    data = {
        "code": "F2",
        "name": "表单项目",
        "capital_type": "domestic",
        "currency": "CNY",
        "kind": "industrial",
        "planned_investment": "1200",
        "contract_amount": "0",
        "credit-TOTAL_FORMS": "1",
        "credit-INITIAL_FORMS": "0",
        "credit-MIN_NUM_FORMS": "1",
        "credit-MAX_NUM_FORMS": "10",
        "credit-0-unit": units["a"].pk,
        "credit-0-share": "100",
        "event": fair["other"].pk,
        "signing_event": "别的活动",
        "signing_event_level": "national",
    }
    assert client.post(reverse("projects:create"), data).status_code == 302
    created = Project.objects.get(code="F2")
    assert (created.event, created.signing_event, created.signing_event_level) == (
        fair["other"],
        "2025年全县经贸洽谈会",
        "county",
    )
    response = client.post(reverse("projects:edit", args=[created.pk]), {**data, "event": fair["fair"].pk})
    assert response.status_code == 302
    created.refresh_from_db()
    assert (created.signing_event, created.signing_event_level) == ("2026年全市招商推介会", "city")
    detail = client.get(created.get_absolute_url()).content.decode()
    assert f'href="{fair["fair"].get_absolute_url()}"' in detail  # the project page links to its event
