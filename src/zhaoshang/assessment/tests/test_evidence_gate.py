"""Issue 17: the evidence gate (佐证) of a period: with it on, only evidenced stage events and receipts count
(``projects.rules.event_evidenced``); what counts only without it is "reported, no evidence" (已报无佐证).

On the county of ``conftest`` (T01: P1 signed 06-10 and started 07-01 with 600@06-20 400@07-20 1000@09-08, P2
signed 06-01, P3 signed 06-15, P15 signed 08-15)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhaoshang.assessment import selectors, stored, water
from zhaoshang.core.revision import data_revision
from zhaoshang.projects import services
from zhaoshang.projects.models import FundsReceipt, StageEvent
from zhaoshang.targets import services as targets

from .conftest import END, d

pytestmark = pytest.mark.django_db
D = Decimal


def attach(users, project, kind, **link):
    return services.add_attachment(
        user=users["bureau"],
        project=project,
        uploaded=SimpleUploadedFile(f"{kind}.pdf", b"%PDF-1.4 " + kind.encode(), content_type="application/pdf"),
        kind=kind,
        **link,
    )


def gate(users, period, on=True):
    return targets.save_period(user=users["bureau"], period=period, data={"evidence_gate": on})


def unit_result(period, code, basis="reported"):
    assessment = selectors.assess_period(period, END, basis=basis)
    selectors.read_drill_downs(period, assessment)
    return next(r for r in assessment.units if r.unit.code == code)


def event(project, stage):
    return StageEvent.objects.get(project=project, stage=stage)


def test_the_gate_off_changes_nothing_and_fully_evidenced_equals_ungated(users, county):
    period, projects = county["period"], county["projects"]
    before = {r.unit.code: (r.contract, r.funds, r.score) for r in selectors.assess_period(period, END).units}
    for project in projects.values():
        for stage_event in project.stage_events.all():
            kind = {"signed": "contract", "started": "permit", "producing": "licence"}.get(stage_event.stage)
            if kind:
                attach(users, project, kind, stage_event=stage_event)
        for receipt in project.receipts.all():
            attach(users, project, "receipt", receipt=receipt)
    period = gate(users, period)
    after = {r.unit.code: (r.contract, r.funds, r.score) for r in selectors.assess_period(period, END).units}
    assert after == before


def test_with_the_gate_on_only_evidenced_figures_count(users, county):
    period, p1 = county["period"], county["projects"]["P1"]
    ungated = unit_result(period, "T01")
    assert (ungated.contract, ungated.funds) == (D("2500") + D("1000") + D("999.99") + D("3000"), D("2000"))
    period = gate(users, period)
    t01 = unit_result(period, "T01")
    assert (t01.contract, t01.funds) == (D("0"), D("0"))
    # A photo does not evidence a signing …
    attach(users, p1, "photo", stage_event=event(p1, "signed"))
    assert unit_result(period, "T01").contract == D("0")
    # … a contract does.
    attach(users, p1, "contract", stage_event=event(p1, "signed"))
    assert unit_result(period, "T01").contract == D("2500")
    # A bank receipt evidences its receipt alone; an attachment on the project but not on the receipt does nothing.
    first = FundsReceipt.objects.get(project=p1, date=d("06-20"))
    attach(users, p1, "receipt")
    attach(users, p1, "receipt", receipt=first)
    t01 = unit_result(period, "T01")
    assert t01.funds == D("600")
    funds = [i for g in t01.groups for i in g.indicators if i.spec.kind == "funds"]
    assert funds and all(i.receipt_ids == [first.pk] for i in funds if i.actual)
    assert all(
        i.actual == sum((FundsReceipt.objects.get(pk=pk).amount for pk in i.receipt_ids), D("0"))
        for i in funds
        if not i.spec.filtered
    )


def test_a_photo_of_the_start_evidences_the_signing_before_it(users, county):
    """A start with its photo evidences the signing before it: signed counts on its own reported date (06-10)."""
    period, p1 = county["period"], county["projects"]["P1"]
    period = gate(users, period)
    attach(users, p1, "photo", stage_event=event(p1, "started"))
    t01 = unit_result(period, "T01")
    assert t01.contract == D("2500")
    signed = [i for g in t01.groups for i in g.indicators if i.spec.stage == "signed" and i.actual]
    assert signed and all(i.project_ids == [p1.pk] for i in signed)


def test_the_gate_never_adds_a_figure(users, county):
    """P6 (D01) signed 05-20, before the period, with no contract, and started 06-15 with a photo: ungated its
    signing is outside the period; gated it must not move into it on the start's date."""
    period, p6 = county["period"], county["projects"]["P6"]
    attach(users, p6, "photo", stage_event=event(p6, "started"))
    ungated = unit_result(period, "D01")
    period = gate(users, period)
    gated = unit_result(period, "D01")
    assert gated.contract == D("0") and ungated.contract == D("1200")  # P5's 40% of 3000, no contract attached
    started = [i for g in gated.groups for i in g.indicators if i.spec.stage == "started" and i.actual]
    assert started and all(p6.pk in i.project_ids for i in started)  # its start counts, on 06-15


def test_verified_basis_is_verified_and_evidenced(users, county):
    from zhaoshang.supervision import services as supervision

    period, p2 = county["period"], county["projects"]["P2"]
    batch = supervision.create_batch(
        user=users["supervisor"], name="督查", start=d("06-01"), end=END, method="threshold", min_amount=D("0")
    )
    supervision.verify(user=users["supervisor"], batch=batch, stage_event=event(p2, "signed"), result="confirmed")
    assert unit_result(period, "T01", basis="verified").contract == D("1000")
    period = gate(users, period)
    assert unit_result(period, "T01", basis="verified").contract == D("0")
    attach(users, p2, "contract", stage_event=event(p2, "signed"))
    assert unit_result(period, "T01", basis="verified").contract == D("1000")


def test_the_gate_and_an_attachment_make_the_stored_assessment_stale(users, county):
    period, p1 = county["period"], county["projects"]["P1"]
    first = data_revision(stored.REVISION_APPS)
    period = gate(users, period)
    second = data_revision(stored.REVISION_APPS)
    assert second != first
    attach(users, p1, "contract", stage_event=event(p1, "signed"))
    assert data_revision(stored.REVISION_APPS) != second


def test_reported_no_evidence_in_the_water_report(users, county):
    period, p1 = county["period"], county["projects"]["P1"]
    attach(users, p1, "contract", stage_event=event(p1, "signed"))
    attach(users, p1, "receipt", receipt=FundsReceipt.objects.get(project=p1, date=d("07-20")))
    units, totals = water.water_report(user=users["bureau"], period=period, as_of=END)
    t01 = next(w for w in units if w.unit.code == "T01")
    # Signed: P2 1000 + P3 999.99 + P15 3000 without a contract; funds: 600 + 1000 without a bank receipt.
    assert (t01.reported_contract, t01.no_evidence_contract) == (D("7499.99"), D("4999.99"))
    assert (t01.reported_funds, t01.no_evidence_funds) == (D("2000"), D("1600"))
    assert {r.project_code for r in t01.no_evidence_rows} == {"P1", "P2", "P3", "P15"}
    assert totals["no_evidence_contract"] >= t01.no_evidence_contract
    # The same whether or not the period's gate is on: the reported side is what the units reported.
    period = gate(users, period)
    units, _totals = water.water_report(user=users["bureau"], period=period, as_of=END)
    t01 = next(w for w in units if w.unit.code == "T01")
    assert (t01.reported_contract, t01.no_evidence_contract, t01.no_evidence_funds) == (
        D("7499.99"),
        D("4999.99"),
        D("1600"),
    )


def test_the_assessment_page_and_workbook_show_reported_no_evidence(client, users, county, settings, tmp_path):
    import io

    from django.core.management import call_command
    from openpyxl import load_workbook

    settings.RESULTS_COMPUTE_ON_MISS = True
    period, p1 = county["period"], county["projects"]["P1"]
    client.force_login(users["bureau"])
    page = client.get(f"/assessment/{period.pk}/?as_of=2026-09-08").content.decode()
    assert 'id="no-evidence"' not in page  # the gate off: nothing shown
    attach(users, p1, "contract", stage_event=event(p1, "signed"))
    period = gate(users, period)
    response = client.get(f"/assessment/{period.pk}/?as_of=2026-09-08")
    page = response.content.decode()
    assert 'id="no-evidence"' in page
    t01 = next(w for w in response.context["no_evidence"] if w.code == "T01")
    assert (t01.contract, t01.funds) == (D("4999.99"), D("2000"))
    # A reporter sees their own unit's row alone.
    client.force_login(users["reporter_b"])
    response = client.get(f"/assessment/{period.pk}/?as_of=2026-09-08")
    assert {w.code for w in response.context["no_evidence"]} == {"T02"}
    # The workbook of ``zhaoshang assess``: a 已报无佐证 sheet whose subtotals are the page's figures.
    path = tmp_path / "a.xlsx"
    call_command(
        "assess",
        "--period",
        "BR100",
        "--as-of",
        "2026-09-08",
        "--format",
        "xlsx",
        "--out",
        str(path),
        stdout=io.StringIO(),
    )
    book = load_workbook(path)
    assert "已报无佐证" in book.sheetnames
    rows = list(book["已报无佐证"].iter_rows(values_only=True))
    subtotals = {(row[0], row[2]): D(str(row[8])) for row in rows[1:] if str(row[2]).endswith("小计")}
    assert subtotals[("T01", "签约额小计")] == D("4999.99") and subtotals[("T01", "到位资金小计")] == D("2000")
    t01_rows = [row for row in rows[1:] if row[0] == "T01" and not str(row[2]).endswith("小计")]
    assert sum(D(str(row[8])) for row in t01_rows) == D("4999.99") + D("2000")


def test_the_gate_on_the_period_form_page_and_history(client, users, county):
    period = county["period"]
    client.force_login(users["bureau"])
    form = client.get(f"/targets/{period.pk}/edit/").content.decode()
    assert 'name="evidence_gate"' in form
    gate(users, period)
    page = client.get(f"/targets/{period.pk}/").content.decode()
    assert 'id="evidence-gate"' in page
    assert [h.evidence_gate for h in period.history.order_by("-history_id")[:2]] == [True, False]
