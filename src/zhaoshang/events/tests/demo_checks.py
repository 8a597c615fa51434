"""The demo county's events: the demo year's signing events become the register's rows, the projects that name
them are linked with their copies unchanged, and each event's figures equal its page's rows. Checked on the county
that demo/tests/test_demo.py builds anyway (a build of the whole county costs half a minute)."""

import datetime as dt

from zhaoshang.events import selectors
from zhaoshang.events.models import Event
from zhaoshang.organization.models import User
from zhaoshang.projects.models import Project


def assert_demo_events(today: dt.date):
    events = list(Event.objects.all())
    assert 3 <= len(events) <= 6
    assert {event.starts_on.year for event in events} == {today.year}
    assert {"county", "city", "province"} <= {event.level for event in events}
    linked = Project.objects.filter(event__isnull=False).select_related("event")
    assert linked.exists()
    assert all((p.signing_event, p.signing_event_level) == (p.event.name, p.event.level) for p in linked)
    bureau = User.objects.get(username="bureau")
    reporter = User.objects.get(username="reporter")
    for user in (bureau, reporter):
        for event in selectors.event_list(user=user):
            rows = selectors.event_projects(event, user=user)
            assert event.projects_signed == len(rows)
            assert event.contract_amount == sum(p.contract_amount for p in rows)
            assert all(event.starts_on <= p.signed_date <= event.ends_on for p in rows)
            assert event.leads_collected == len(selectors.event_leads(event, user=user))
    assert sum(event.leads_collected for event in selectors.event_list(user=bureau)) > 0
