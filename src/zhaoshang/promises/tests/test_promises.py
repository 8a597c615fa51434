"""Promises to investors and complaints: the rules (Python and ORM agree), delivery only with a proof, closing only
with the investor's answer (unsatisfied sends it back), the escalation's dates and recipients, the permission rule
on the pages and the API, the overdue figure equal to the rows it opens (the issue's question), and the .xlsx."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.notifications.models import Notification
from zhaoshang.projects.models import Investor
from zhaoshang.promises import rules, selectors, services
from zhaoshang.promises.choices import ComplaintStatus, Escalation, PromiseStatus
from zhaoshang.promises.demo import proof_pdf
from zhaoshang.promises.models import Complaint, Promise

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture
def investor(db):
    return Investor.objects.create(name="江苏甲新材料有限公司")


@pytest.fixture
def promise_of(investor, units, today):
    def make(unit=None, *, due=None, status=PromiseStatus.PENDING, **extra):
        return Promise.objects.create(
            investor=extra.pop("investor", investor),
            department=unit or units["a"],
            kind=extra.pop("kind", "subsidy"),
            content=extra.pop("content", "拨付固定资产投资补助"),
            promised_on=today - 200 * DAY,
            due_on=due or today + 30 * DAY,
            status=status,
            **extra,
        )

    return make


@pytest.fixture
def complaint_of(investor, units, today):
    def make(unit=None, *, deadline=None, status=ComplaintStatus.OPEN, **extra):
        return Complaint.objects.create(
            investor=investor,
            department=unit or units["a"],
            received_on=today - 60 * DAY,
            content=extra.pop("content", "反映补助迟迟未拨付"),
            deadline=deadline or today + 10 * DAY,
            status=status,
            **extra,
        )

    return make


def pdf(name="兑现证明.pdf"):
    return SimpleUploadedFile(name, proof_pdf("proof"), content_type="application/pdf")


def test_rules_agree_with_their_orm_form_and_the_escalation_dates(promise_of, complaint_of, today, settings):
    settings.PROMISE_ESCALATION_DAYS = 7
    promises, complaints = {}, {}
    for late in (-3, 0, 1, 6, 7, 30):
        promises[late] = promise_of(due=today - late * DAY)
        complaints[late] = complaint_of(deadline=today - late * DAY, status=ComplaintStatus.HANDLING)
    delivered = promise_of(due=today - 20 * DAY, status=PromiseStatus.CANCELLED)
    closed = complaint_of(deadline=today - 20 * DAY, status=ComplaintStatus.ANSWERED)
    # Due today is not overdue; the day after, the department; from 7 days after, the bureau.
    expected = {-3: 0, 0: 0, 1: 1, 6: 1, 7: 2, 30: 2}
    assert {late: rules.escalation_due(rules.PROMISE, p, today) for late, p in promises.items()} == expected
    assert {late: rules.escalation_due(rules.COMPLAINT, c, today) for late, c in complaints.items()} == expected
    assert rules.escalation_due(rules.PROMISE, delivered, today) == 0
    assert rules.escalation_due(rules.COMPLAINT, closed, today) == 2  # answered is not closed: still overdue
    for kind, model in ((rules.PROMISE, Promise), (rules.COMPLAINT, Complaint)):
        items = list(model.objects.all())
        by_python = {i.pk for i in items if rules.overdue(kind, i, today)}
        assert by_python == set(model.objects.filter(rules.overdue_q(kind, today)).values_list("pk", flat=True))
        for level in rules.LEVELS:
            by_python = {i.pk for i in items if rules.to_escalate(kind, i, today) == level}
            by_orm = set(model.objects.filter(rules.to_escalate_q(kind, level, today)).values_list("pk", flat=True))
            assert by_python == by_orm and by_python, (kind, level)
    # The delivery and closing rules: Python and ORM name the same rows.
    Promise.objects.filter(pk=promises[1].pk).update(status=PromiseStatus.DELIVERED)  # no proof, no date
    Complaint.objects.filter(pk=complaints[1].pk).update(status=ComplaintStatus.CLOSED, investor_answer="unsatisfied")
    Complaint.objects.filter(pk=complaints[6].pk).update(status=ComplaintStatus.CLOSED, investor_answer="satisfied")
    bad = {p.pk for p in Promise.objects.all() if rules.delivery_errors(p)}
    assert bad == set(Promise.objects.filter(rules.delivered_without_proof_q()).values_list("pk", flat=True))
    assert bad == {promises[1].pk}
    bad = {c.pk for c in Complaint.objects.all() if rules.closing_errors(c)}
    assert bad == set(Complaint.objects.filter(rules.closed_without_answer_q()).values_list("pk", flat=True))
    assert bad == {complaints[1].pk}


def test_escalation_tells_the_department_then_the_bureau_once(promise_of, complaint_of, users, units, today):
    promise = promise_of(units["a"], due=today - DAY)
    complaint = complaint_of(units["b"], deadline=today - 7 * DAY)
    services.escalate(today=today)
    promise.refresh_from_db()
    complaint.refresh_from_db()
    assert (promise.escalation, promise.escalated_on) == (Escalation.DEPARTMENT, today)
    assert complaint.escalation == Escalation.BUREAU  # 7 days late at the first run: the bureau, and its department
    assert Notification.objects.filter(user=users["reporter_a"], key__startswith="promise:").count() == 1
    assert not Notification.objects.filter(user=users["bureau"], key__startswith="promise:").exists()
    assert Notification.objects.filter(user=users["bureau"], key__startswith="complaint:").count() == 1
    assert Notification.objects.filter(user=users["reporter_b"], key__startswith="complaint:").count() == 1
    assert not Notification.objects.filter(user=users["reporter_b"], key__startswith="promise:").exists()
    sent = Notification.objects.count()
    services.escalate(today=today)  # a second run the same day sends nothing more
    assert Notification.objects.count() == sent
    services.escalate(today=today + 5 * DAY)  # 6 days late: nothing new
    assert Notification.objects.count() == sent
    services.escalate(today=today + 6 * DAY)  # 7 days late: the bureau
    promise.refresh_from_db()
    assert promise.escalation == Escalation.BUREAU
    assert Notification.objects.filter(user=users["bureau"], key__startswith="promise:").count() == 1
    # A new due date starts the escalation again from none.
    data = {"due_on": today + 10 * DAY}
    services.save_promise(user=users["bureau"], promise=promise, data=data)
    promise.refresh_from_db()
    assert (promise.escalation, promise.escalated_on) == (Escalation.NONE, None)


def test_delivery_needs_a_proof_file_and_a_date(client, promise_of, users, today):
    promise = promise_of(due=today - 3 * DAY)
    with pytest.raises(ValidationError):
        services.deliver(user=users["reporter_a"], promise=promise, delivered_on=today, uploaded=None)
    promise.status = PromiseStatus.DELIVERED
    with pytest.raises(ValidationError) as raised:
        promise.full_clean()
    assert "status" in raised.value.message_dict
    client.force_login(users["reporter_a"])
    url = reverse("promises:deliver", args=[promise.pk])
    client.post(url, {"delivered_on": today.isoformat()})  # no file
    assert Promise.objects.get(pk=promise.pk).status == PromiseStatus.PENDING
    fake = SimpleUploadedFile("证明.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = client.post(url, {"delivered_on": today.isoformat(), "proof": fake}, follow=True)
    assert Promise.objects.get(pk=promise.pk).status == PromiseStatus.PENDING
    assert "证明.pdf" in response.content.decode()  # the refusal names the file
    later = (today + DAY).isoformat()
    client.post(url, {"delivered_on": later, "proof": pdf()})
    assert Promise.objects.get(pk=promise.pk).status == PromiseStatus.PENDING
    client.post(url, {"delivered_on": today.isoformat(), "proof": pdf(), "delivery_note": "已足额拨付"})
    promise.refresh_from_db()
    assert (promise.status, promise.delivered_on, promise.proof_name) == (
        PromiseStatus.DELIVERED,
        today,
        "兑现证明.pdf",
    )
    assert promise.proof_type == "application/pdf" and promise.history.first().history_user == users["reporter_a"]
    download = client.get(reverse("promises:proof", args=[promise.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert not rules.promise_overdue(promise, today)
    page = client.get(promise.get_absolute_url()).content.decode()
    assert "history-table" in page and "promise-deliver" not in page
    # Only the bureau cancels; a delivered promise is no longer changed.
    other = promise_of(due=today + DAY)
    assert client.post(reverse("promises:cancel", args=[other.pk]), {"note": "取消"}).status_code == 403
    assert client.get(reverse("promises:edit", args=[promise.pk])).status_code == 403


def test_complaint_closes_only_with_an_answer_and_unsatisfied_goes_back(client, complaint_of, users, today):
    complaint = complaint_of(deadline=today - 2 * DAY)
    client.force_login(users["reporter_a"])
    client.post(reverse("promises:complaint_take_up", args=[complaint.pk]))
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.HANDLING
    # Asking the investor before the department has answered is refused.
    url = reverse("promises:complaint_investor_answer", args=[complaint.pk])
    client.post(url, {"investor_answer": "satisfied"})
    assert Complaint.objects.get(pk=complaint.pk).status == ComplaintStatus.HANDLING
    client.post(reverse("promises:complaint_answer", args=[complaint.pk]), {"outcome": "已协调拨付"})
    complaint.refresh_from_db()
    assert (complaint.status, complaint.answered_on, complaint.investor_answer) == ("answered", today, "")
    assert rules.complaint_overdue(complaint, today)  # answered is not closed
    client.post(url, {"investor_answer": "unsatisfied", "deadline": (today + 15 * DAY).isoformat()})
    complaint.refresh_from_db()
    assert (complaint.status, complaint.investor_answer) == (ComplaintStatus.HANDLING, "unsatisfied")
    assert complaint.deadline == today + 15 * DAY and not rules.complaint_overdue(complaint, today)
    client.post(url, {"investor_answer": ""})
    services.answer(user=users["reporter_a"], complaint=complaint, outcome="再次协调，资金已到账")
    complaint.refresh_from_db()
    assert complaint.investor_answer == ""  # empty until the investor is asked again
    client.post(url, {"investor_answer": "basically_satisfied"})
    complaint.refresh_from_db()
    assert (complaint.status, complaint.closed_on) == (ComplaintStatus.CLOSED, today)
    history = [h.status for h in complaint.history.order_by("history_date", "history_id")]
    assert history[-5:] == ["handling", "answered", "handling", "answered", "closed"]
    # The model refuses a closed complaint without a closing answer.
    complaint.investor_answer = "unsatisfied"
    with pytest.raises(ValidationError):
        complaint.full_clean()


def test_reporter_of_another_unit_neither_sees_nor_changes(client, promise_of, complaint_of, users, units, today):
    mine = promise_of(units["a"], content="城关镇的承诺")
    theirs = promise_of(units["b"], content="河口乡的承诺")
    complaint = complaint_of(units["a"], content="城关镇的投诉")
    client.force_login(users["reporter_b"])
    page = client.get(reverse("promises:list")).content.decode()
    assert "河口乡的承诺" in page and "城关镇的承诺" not in page
    assert "城关镇的投诉" not in client.get(reverse("promises:complaints")).content.decode()
    for name, pk in (("detail", mine.pk), ("edit", mine.pk), ("proof", mine.pk), ("complaint_detail", complaint.pk)):
        assert client.get(reverse(f"promises:{name}", args=[pk])).status_code == 404, name
    response = client.post(reverse("promises:deliver", args=[mine.pk]), {"delivered_on": today, "proof": pdf()})
    assert response.status_code == 404 and Promise.objects.get(pk=mine.pk).status == PromiseStatus.PENDING
    response = client.post(reverse("promises:complaint_answer", args=[complaint.pk]), {"outcome": "x"})
    assert response.status_code == 404
    # Recording for another department is refused (not among the choices).
    data = {"investor": mine.investor_id, "kind": "land", "content": "新承诺", "department": units["a"].pk}
    data |= {"promised_on": today.isoformat(), "due_on": (today + DAY).isoformat()}
    client.post(reverse("promises:create"), data)
    assert not Promise.objects.filter(content="新承诺").exists()
    assert client.post(reverse("promises:create"), data | {"department": units["b"].pk}).status_code == 302
    # The API: only their department's rows; another's is a 404; no writes.
    rows = client.get("/api/promises/").json()["results"]
    assert {row["id"] for row in rows} == {theirs.pk, Promise.objects.get(content="新承诺").pk}
    assert client.get(f"/api/promises/{mine.pk}/").status_code == 404
    assert client.get(f"/api/complaints/{complaint.pk}/").status_code == 404
    assert client.get("/api/complaints/").json()["results"] == []
    assert client.delete(f"/api/promises/{theirs.pk}/").status_code in (403, 405)
    # A leader reads everything and changes nothing.
    client.force_login(users["leader"])
    assert client.get(reverse("promises:detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("promises:edit", args=[mine.pk])).status_code == 403
    assert client.get(reverse("promises:create")).status_code == 403
    assert len(client.get("/api/complaints/").json()["results"]) == 1


def test_which_promises_are_overdue_the_figure_equals_its_rows(client, promise_of, complaint_of, users, units, today):
    late_a = promise_of(units["a"], due=today - 5 * DAY, content="逾期一")
    late_b = promise_of(units["b"], due=today - DAY, content="逾期二")
    promise_of(units["a"], due=today, content="今天到期")
    promise_of(units["a"], due=today - 9 * DAY, status=PromiseStatus.CANCELLED, content="已取消")
    promise_of(units["a"], due=today + 9 * DAY, content="未到期")
    late_complaint = complaint_of(units["a"], deadline=today - DAY, status=ComplaintStatus.ANSWERED)
    complaint_of(units["b"], deadline=today - DAY, status=ComplaintStatus.CLOSED, investor_answer="satisfied")
    client.force_login(users["leader"])
    listed = client.get(reverse("promises:list") + "?overdue=1")
    shown = [p.pk for p, late in listed.context["rows"]]
    assert shown == [late_a.pk, late_b.pk] and all(late for _p, late in listed.context["rows"])
    assert listed.context["count"] == listed.context["overdue_count"] == 2
    assert listed.content.decode().count('class="promise-row') == 2
    narrowed = client.get(reverse("promises:list") + f"?overdue=1&department={units['b'].pk}&q=甲新材料")
    assert [p.pk for p, _late in narrowed.context["rows"]] == [late_b.pk]
    # The leader's page loads the panel by URL; its counts link to the lists that show exactly those rows.
    from zhaoshang.persons.models import Person

    Person.objects.create(name="王县长", unit=units["county"], level="county", user=users["leader"])
    assert reverse("promises:panel") in client.get(reverse("leaders:home")).content.decode()
    panel = client.get(reverse("promises:panel"))
    data = panel.context["panel"]
    assert (data["promises"]["count"], data["complaints"]["count"]) == (2, 1)
    for key, rows_key in (("promises", "rows"), ("complaints", "rows")):
        opened = client.get(data[key]["url"])
        assert opened.context["count"] == data[key]["count"] == len(opened.context[rows_key])
    assert [c.pk for c, _late in client.get(data["complaints"]["url"]).context["rows"]] == [late_complaint.pk]
    # A reporter's panel counts only their department's.
    assert selectors.overdue_panel(user=users["reporter_b"], today=today)["promises"]["count"] == 1


def test_xlsx_export_imports_back_and_a_bad_row_writes_nothing(client, promise_of, complaint_of, users, units, today):
    promise_of(units["a"], amount=D("150.50"), content='=HYPERLINK("x")')
    complaint_of(units["a"])
    client.force_login(users["bureau"])
    exported = client.get(reverse("promises:list") + "?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell for cell in sheet[2]], strict=False))
    assert row["金额（万元）"].value == D("150.50") or row["金额（万元）"].value == 150.5
    assert row["金额（万元）"].number_format == "0.00"
    assert row["承诺事项"].data_type == "s"  # never a formula
    response = client.post(reverse("promises:import"), {"file": SimpleUploadedFile("p.xlsx", exported.content)})
    assert response.status_code == 302 and Promise.objects.count() == 2
    imported = Promise.objects.order_by("-pk").first()
    assert (imported.amount, imported.status, imported.department) == (D("150.50"), "pending", units["a"])
    # A bad row: nothing is written, the error names the row and the column in Chinese.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    sheet.append(["江苏甲新材料有限公司", None, "land", "保障用地", 10, "T01", today, today + DAY])
    sheet.append(["不存在的公司", None, "土地保障", "保障用地", -5, "T01", today, today + DAY])
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(reverse("promises:import"), {"file": SimpleUploadedFile("p.xlsx", buffer.getvalue())})
    errors = "\n".join(response.context["errors"])
    assert Promise.objects.count() == 2
    assert "第3行“投资方”列" in errors and "第3行“金额（万元）”列" in errors and "第2行" not in errors, errors
    # A reporter may import only for their own department.
    client.force_login(users["reporter_b"])
    created, errors = services.import_promises(user=users["reporter_b"], data=buffer.getvalue())
    assert not created and any("第2行" in str(e) for e in errors)
    complaints = client.get(reverse("promises:complaints") + "?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(complaints.content)).worksheets[0]
    assert sheet.max_row == 1  # reporter B sees no complaint of township A


def test_demo_rows_keep_the_rules_and_leave_the_projects_alone(make_project, users, units, today):
    import random

    projects = []
    for index in range(4):
        investor = Investor.objects.create(name=f"演示客商{index}")
        project = make_project(planned_investment=D("1000"))
        type(project).objects.filter(pk=project.pk).update(investor=investor)
        projects.append(type(project).objects.get(pk=project.pk))
    before = [(p.pk, p.stage, p.planned_investment, p.investor_id) for p in projects]
    from zhaoshang.promises.demo import build_demo

    made = build_demo(rng=random.Random(7), units={u.code: u for u in units.values()}, users=users, today=today)
    assert made == Promise.objects.count() + Complaint.objects.count() == 8
    assert not Promise.objects.filter(rules.delivered_without_proof_q()).exists()
    assert not Complaint.objects.filter(rules.closed_without_answer_q()).exists()
    for promise in Promise.objects.filter(status=PromiseStatus.DELIVERED):
        assert promise.proof.open("rb").read(5) == b"%PDF-"
    after = [(p.pk, p.stage, p.planned_investment, p.investor_id) for p in type(projects[0]).objects.order_by("pk")]
    assert after == before


def test_pages_render_and_the_command_runs(client, promise_of, complaint_of, users, units, today):
    from django.core.management import call_command

    promise = promise_of(units["a"], due=today - 2 * DAY, content="<script>alert(1)</script>")
    complaint = complaint_of(units["a"], deadline=today - 9 * DAY)
    client.force_login(users["bureau"])
    for url in (
        reverse("promises:list"),
        reverse("promises:create"),
        promise.get_absolute_url(),
        reverse("promises:edit", args=[promise.pk]),
        reverse("promises:import"),
        reverse("promises:template"),
        reverse("promises:panel"),
        reverse("promises:complaints"),
        reverse("promises:complaint_create"),
        complaint.get_absolute_url(),
        reverse("promises:complaint_edit", args=[complaint.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"<script>alert(1)" not in response.content, url
    page = client.get(promise.get_absolute_url()).content.decode()
    assert "promise-deliver" in page and "promise-cancel" in page
    # The amount is bounded on the way in: not negative, not above the ledger's maximum.
    data = {"investor": promise.investor_id, "kind": "subsidy", "content": "补助", "department": units["a"].pk}
    data |= {"promised_on": today.isoformat(), "due_on": (today + DAY).isoformat()}
    for amount in ("-1", "10000000", "1.234"):
        response = client.post(reverse("promises:create"), data | {"amount": amount})
        assert response.status_code == 200 and response.context["form"].errors.get("amount"), amount
    assert client.post(reverse("promises:create"), data | {"amount": "9999999.99"}).status_code == 302
    out = io.StringIO()
    call_command("promise_escalations", "--dry-run", stdout=out)
    assert "1" in out.getvalue() and not Notification.objects.exists()
    call_command("promise_escalations", stdout=io.StringIO())
    assert Notification.objects.filter(user=users["bureau"], key__startswith="complaint:").exists()
