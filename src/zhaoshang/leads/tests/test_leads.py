import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from zhaoshang.core import clock
from zhaoshang.leads import rules, selectors, services, xlsx
from zhaoshang.leads.choices import Escalation, LeadSource, LeadStatus
from zhaoshang.leads.models import Channel, FollowUp, IntakeLink, Lead
from zhaoshang.notifications.models import Notification
from zhaoshang.persons.models import Person

D = Decimal


@pytest.fixture
def channel(db):
    return Channel.objects.get_or_create(name="以商招商")[0]


@pytest.fixture
def lead_of(users, units, channel):
    def make(company="甲公司", unit="a", owner="reporter_a", **data):
        return services.create_lead(
            user=users["bureau"],
            data={
                "company": company,
                "unit": units[unit] if unit else None,
                "owner": users[owner] if owner else None,
                "channel": channel,
                **data,
            },
        )

    return make


def test_escalation_rules_agree_with_their_orm_form_and_the_dates(lead_of, today):
    # Follow-up dates so many days before today: 0 and 6 are not escalated, 7 the owner, 15 the unit, 30 the bureau.
    leads = {}
    for late in (0, 6, 7, 14, 15, 29, 30, 45):
        lead = lead_of(company=f"企业{late}")
        Lead.objects.filter(pk=lead.pk).update(follow_up_on=today - dt.timedelta(days=late))
        leads[late] = Lead.objects.get(pk=lead.pk)
    expected = {0: 0, 6: 0, 7: 1, 14: 1, 15: 2, 29: 2, 30: 3, 45: 3}
    assert {late: rules.escalation_due(lead, today) for late, lead in leads.items()} == expected
    for level in rules.LEVELS:
        by_python = {lead.pk for lead in leads.values() if rules.to_escalate(lead, today) == level}
        by_orm = set(Lead.objects.filter(rules.to_escalate_q(level, today)).values_list("pk", flat=True))
        assert by_python == by_orm and by_python
    overdue = {lead.pk for lead in leads.values() if rules.overdue(lead, today)}
    assert overdue == set(Lead.objects.filter(rules.overdue_q(today)).values_list("pk", flat=True))
    assert leads[0].pk not in overdue and leads[6].pk in overdue


def test_escalation_tells_the_owner_then_the_unit_then_the_bureau_once(lead_of, users, today):
    lead = lead_of()
    Lead.objects.filter(pk=lead.pk).update(follow_up_on=today - dt.timedelta(days=7))
    services.escalate(today=today)
    lead.refresh_from_db()
    assert (lead.escalation, lead.escalated_on) == (Escalation.OWNER, today)
    assert Notification.objects.filter(user=users["reporter_a"], key__contains="escalation:1").count() == 1
    assert not Notification.objects.filter(user=users["bureau"], key__contains="escalation").exists()
    services.escalate(today=today)  # a second run the same day sends nothing more
    assert Notification.objects.filter(key__contains="escalation").count() == 1
    services.escalate(today=today + dt.timedelta(days=8))  # 15 days late: the unit's reporters
    lead.refresh_from_db()
    assert lead.escalation == Escalation.UNIT_HEAD
    assert Notification.objects.filter(user=users["reporter_a"], key__contains="escalation:2").exists()
    services.escalate(today=today + dt.timedelta(days=23))  # 30 days: the bureau
    lead.refresh_from_db()
    assert lead.escalation == Escalation.BUREAU
    assert Notification.objects.filter(user=users["bureau"], key__contains="escalation:3").exists()
    # A follow-up logged starts the escalation again from none.
    services.add_follow_up(
        user=users["reporter_a"], lead=lead, date=today, note="回访", next_follow_up_on=today + dt.timedelta(days=5)
    )
    lead.refresh_from_db()
    assert (lead.escalation, lead.follow_up_on, lead.last_follow_up_on) == (0, today + dt.timedelta(days=5), today)


def test_conversion_keeps_the_introducer_event_and_history(lead_of, users, units, today):
    person = Person.objects.create(name="张引荐", unit=units["a"])
    from zhaoshang.events.models import Event

    event = Event.objects.create(name="经贸洽谈会", level="city", starts_on=today)
    lead = lead_of(introducer_name="张引荐", introducer=person, event=event, estimated_amount=D("5000"), industry="C")
    services.add_follow_up(user=users["reporter_a"], lead=lead, date=today, note="考察", next_follow_up_on=None)
    project = services.convert(
        user=users["reporter_a"],
        lead=lead,
        data={"code": "ZS-L1", "name": "甲公司项目", "planned_investment": D("6000")},
    )
    lead.refresh_from_db()
    assert (lead.status, lead.project, lead.converted_on) == (LeadStatus.CONVERTED, project, today)
    assert project.introducer == "张引荐"
    assert [(link.person, link.share) for link in project.introducer_links.all()] == [(person, D("100"))]
    assert project.investor.name == "甲公司" and project.event == event and project.signing_event == "经贸洽谈会"
    assert list(project.credits.values_list("unit", "share")) == [(units["a"].pk, D("100"))]
    assert list(project.leads.all()) == [lead] and lead.follow_ups.count() == 1
    assert project.history.first().history_user == users["reporter_a"]
    with pytest.raises(ValidationError):
        services.convert(user=users["reporter_a"], lead=lead, data={"code": "ZS-L2", "name": "x"})


def test_public_intake_confirms_then_saves_and_limits_each_address(client, units, channel, settings):
    settings.LEAD_INTAKE_PER_HOUR = 2
    link = IntakeLink.objects.create(unit=units["b"], token="tok-b")
    url = reverse("leads:intake", args=[link.token])
    assert client.get(url).status_code == 200
    filled = {
        "step": "preview",
        "company": "乙集团<script>",
        "contact_name": "王",
        "contact_phone": "139",
        "channel": channel.pk,
    }
    page = client.post(url, filled)
    assert not Lead.objects.exists() and "乙集团&lt;script&gt;" in page.content.decode()
    payload = re.search(r'name="payload" value="([^"]+)"', page.content.decode())[1]
    back = client.post(url, {"step": "edit", "payload": payload}).content.decode()
    assert 'value="乙集团&lt;script&gt;"' in back and not Lead.objects.exists()  # 修改: the form, as filled in
    done = client.post(url, {"step": "confirm", "payload": payload}, REMOTE_ADDR="10.1.1.1")
    assert done.status_code == 200
    lead = Lead.objects.get()
    assert (lead.unit, lead.source, lead.status, lead.submitted_from) == (
        units["b"],
        LeadSource.PUBLIC,
        "new",
        "10.1.1.1",
    )
    assert client.post(url, {"step": "confirm", "payload": payload}, REMOTE_ADDR="10.1.1.1").status_code == 200
    assert client.post(url, {"step": "confirm", "payload": payload}, REMOTE_ADDR="10.1.1.1").status_code == 429
    assert client.post(url, {"step": "confirm", "payload": payload}, REMOTE_ADDR="10.1.1.2").status_code == 200
    assert Lead.objects.count() == 3
    forged = client.post(url, {"step": "confirm", "payload": payload[:-2] + "xx"}, REMOTE_ADDR="10.1.1.3")
    assert forged.status_code == 302 and Lead.objects.count() == 3
    link.active = False
    link.save()
    assert client.get(url).status_code == 404


def test_reporter_sees_and_changes_only_their_units_leads(client, lead_of, users, today):
    mine, theirs = lead_of(company="甲"), lead_of(company="乙", unit="b", owner="reporter_b")
    client.force_login(users["reporter_a"])
    assert client.get(reverse("leads:detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("leads:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("leads:edit", args=[theirs.pk])).status_code == 404
    follow = client.post(reverse("leads:follow_up", args=[theirs.pk]), {"follow-date": today, "follow-note": "x"})
    assert follow.status_code == 404 and not FollowUp.objects.exists()
    assert client.get(reverse("leads:convert", args=[theirs.pk])).status_code == 404
    listed = client.get(reverse("leads:list")).content.decode()
    assert "甲" in listed and ">乙<" not in listed
    api = client.get("/api/leads/").json()
    assert [row["id"] for row in api["results"]] == [mine.pk]
    assert client.get(f"/api/leads/{theirs.pk}/").status_code == 404
    assert client.get(reverse("leads:channels")).status_code == 403
    assert client.post(reverse("leads:merge", args=[mine.pk]), {"merge-into": theirs.pk}).status_code in (403, 404)
    # A leader passes a lead on too (全民招商): it goes to the bureau for triage.
    passed = services.create_lead(user=users["leader"], data={"company": "领导推荐的企业", "unit": mine.unit})
    assert (passed.unit, passed.owner, passed.status) == (None, None, LeadStatus.NEW)


def test_conversion_figures_equal_the_leads_they_open(client, lead_of, users, units, channel, today):
    other = Channel.objects.create(name="驻外机构")
    lead_of(company="A1")
    lead_of(company="A2", channel=other)
    converted = lead_of(company="A3")
    data = {"code": "ZS-C1", "name": "A3项目", "planned_investment": D(1)}
    services.convert(user=users["bureau"], lead=converted, data=data)
    closed = lead_of(company="B1", unit="b", owner="reporter_b")
    services.close(user=users["bureau"], lead=closed, reason="无意向")
    services.merge(user=users["bureau"], lead=lead_of(company="A1重复"), into=Lead.objects.get(company="A1"))
    services.create_lead(user=users["bureau"], data={"company": "未分配"})
    client.force_login(users["bureau"])
    for by in ("channel", "unit"):
        rows = selectors.conversion(users["bureau"], by=by, year=today.year)
        assert sum(row.received for row in rows) == 5  # the merged duplicate is not a lead of its own
        for row in rows:
            for status, figure in (("", row.received), ("open", row.open), ("converted", row.converted)):
                page = client.get(reverse("leads:list"), {"year": today.year, by: row.key, "status": status})
                assert page.context["count"] == figure == len(page.context["leads"])
    assert client.get(reverse("leads:conversion")).status_code == 200


def test_xlsx_export_imports_back_and_a_bad_row_writes_nothing(client, lead_of, users, units, channel):
    lead_of(company="=HYPERLINK(1)", estimated_amount=D("1234.50"), contact_phone="0915-1234567")
    client.force_login(users["bureau"])
    exported = client.get(reverse("leads:list"), {"format": "xlsx"}).content
    sheet = load_workbook(io.BytesIO(exported)).active
    assert sheet["B2"].value == "=HYPERLINK(1)" and sheet["B2"].data_type == "s" and sheet["F2"].value == 1234.5
    try:
        created = xlsx.import_leads(user=users["bureau"], data=exported)
    except xlsx.ImportFailed as failure:
        raise AssertionError([str(e) for e in failure.errors]) from None
    again = created[0]
    assert (again.company, again.estimated_amount, again.channel, again.unit) == (
        "=HYPERLINK(1)",
        D("1234.50"),
        channel,
        units["a"],
    )
    assert again.source == LeadSource.IMPORT and Lead.objects.count() == 2

    book = Workbook()
    sheet = book.active
    sheet.append(["企业", "单位", "预计投资（万元）", "渠道", "收到日期"])
    sheet.append(["好企业", "T01", 100, "以商招商", dt.date(2026, 1, 5)])
    sheet.append(["坏企业", "不存在的镇", "很多", "没有的渠道", "2026-13-40"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(xlsx.ImportFailed) as failure:
        xlsx.import_leads(user=users["bureau"], data=buffer.getvalue())
    text = "\n".join(str(e) for e in failure.value.errors)
    assert {e.row for e in failure.value.errors} == {3}
    for column in ("单位", "预计投资（万元）", "渠道", "收到日期"):
        assert column in text
    assert Lead.objects.count() == 2  # nothing of the good row either
    # A reporter imports for their own unit only.
    with pytest.raises(xlsx.ImportFailed):
        book2 = Workbook()
        book2.active.append(["企业", "单位"])
        book2.active.append(["x", "T02"])
        b2 = io.BytesIO()
        book2.save(b2)
        xlsx.import_leads(user=users["reporter_a"], data=b2.getvalue())


def test_merge_moves_follow_ups_and_fills_the_gaps(lead_of, users, today):
    kept = lead_of(company="丙公司")
    duplicate = lead_of(company="丙公司（重复）", contact_phone="138", estimated_amount=D("300"))
    services.add_follow_up(user=users["reporter_a"], lead=duplicate, date=today, note="电话", next_follow_up_on=None)
    services.merge(user=users["bureau"], lead=duplicate, into=kept)
    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.status == LeadStatus.MERGED and duplicate.merged_into == kept
    assert (kept.contact_phone, kept.estimated_amount, kept.follow_ups.count()) == ("138", D("300"), 1)
    with pytest.raises(PermissionDenied):
        services.merge(user=users["reporter_a"], lead=kept, into=lead_of(company="丁"))


def test_staff_pages_render_for_the_bureau(client, lead_of, users, units):
    lead = lead_of()
    client.force_login(users["bureau"])
    for url in (
        reverse("leads:list"),
        reverse("leads:detail", args=[lead.pk]),
        reverse("leads:create"),
        reverse("leads:convert", args=[lead.pk]),
        reverse("leads:intake_links"),
        reverse("leads:import"),
        reverse("leads:unit_panel", args=[units["a"].pk]),
    ):
        assert client.get(url).status_code == 200, url
    client.post(reverse("leads:intake_links"), {"unit": units["a"].pk})
    link = IntakeLink.objects.get()
    qr = client.get(reverse("leads:intake_link_qr", args=[link.pk]))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    created = client.post(
        reverse("leads:create"),
        {"company": "新客商", "received_on": clock.today(), "unit": units["b"].pk, "owner": users["reporter_b"].pk},
    )
    assert created.status_code == 302
    new = Lead.objects.get(company="新客商")
    assert (new.status, new.owner, new.follow_up_on) == (
        "following",
        users["reporter_b"],
        clock.today() + dt.timedelta(days=7),
    )
