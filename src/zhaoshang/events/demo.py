"""The demo county's promotion events (issue 18): in the demo year, the events its signed projects already name
(their ``signing_event`` and level, drawn by the ledger's builder: a county signing ceremony, a city promotion
conference, a provincial fair…) become rows of the register, held on the days most of those projects were signed,
and the projects signed on those days are linked to them; plus a county 经贸洽谈会 and a city 节会 with nothing
signed yet.

Only projects whose signing event already has the event's name and level are linked, so their copies
(``Project.save``) stay as they were and no figure changes (``demo/tests/test_figures_stable.py``). The demo's
leads from fairs and festivals are linked to the event held shortly before they came in. Draws come from the
caller's own ``random.Random``."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from zhaoshang.core.history import as_user
from zhaoshang.projects import rules as ledger
from zhaoshang.projects.choices import EventLevel, Stage
from zhaoshang.projects.models import Project

from . import selectors
from .models import Event
from .services import save_event

PLACES = {
    EventLevel.COUNTY: ("示范县人民政府", "县会议中心"),
    EventLevel.CITY: ("市人民政府", "市国际会展中心"),
    EventLevel.PROVINCE: ("省人民政府", "省国际会议展览中心"),
    EventLevel.NATIONAL: ("商务部", "国家会展中心"),
}
# In charge of the events: 县商务局 (D03), and 县文广旅局 (D09) for the festival.
TRADE, TOURISM = "D03", "D09"


def build_demo(*, rng: random.Random, units: dict, users: dict, today: dt.date) -> list[Event]:
    """Create the demo year's events and link the projects signed at them; returns the events."""
    bureau = users["bureau"]
    year = today.year
    signed = (
        Project.objects.filter(ledger.reached_within_q(Stage.SIGNED, dt.date(year, 1, 1), today))
        .exclude(signing_event="")
        .exclude(signing_event_level="")
        .annotate(signed_date=ledger.ReachedOn(Stage.SIGNED))
        .order_by("code")
    )
    named: dict[tuple[str, str], list[Project]] = defaultdict(list)
    for project in signed:
        named[(project.signing_event, project.signing_event_level)].append(project)
    events = []
    for (name, level), projects in sorted(named.items()):
        # The event is held on the days most of the projects naming it were signed; those are linked.
        days = rng.choice([0, 1, 2])
        held = {
            day: sum(day <= p.signed_date <= day + dt.timedelta(days=days) for p in projects)
            for day in sorted({project.signed_date for project in projects})
        }
        starts_on = rng.choice([day for day, count in held.items() if count == max(held.values())])
        ends_on = starts_on + dt.timedelta(days=days)
        organiser, place = PLACES[level]
        event = save_event(
            user=bureau,
            data={
                "name": name,
                "level": level,
                "organiser": organiser,
                "unit": units.get(TRADE),
                "starts_on": starts_on,
                "ends_on": ends_on,
                "place": place,
                "description": f"{name}：重点项目集中签约，发布招商项目，开展产业对接。",
            },
        )
        for project in projects:
            if starts_on <= project.signed_date <= ends_on:
                project.event = event
                as_user(project, bureau).save(update_fields=["event", "updated_at"])
        events.append(event)
    # Two events with nothing signed at them yet.
    latest = max(dt.date(year, 1, 1), today - dt.timedelta(days=30))
    for name, level, unit, month in (
        (f"{year}年示范县经贸洽谈会", EventLevel.COUNTY, TRADE, 5),
        (f"{year}年全市桃花节暨文旅招商活动", EventLevel.CITY, TOURISM, 4),
    ):
        starts_on = min(dt.date(year, month, rng.randint(8, 26)), latest)
        organiser, place = PLACES[level]
        events.append(
            save_event(
                user=bureau,
                data={
                    "name": name,
                    "level": level,
                    "organiser": organiser,
                    "unit": units.get(unit),
                    "starts_on": starts_on,
                    "ends_on": starts_on + dt.timedelta(days=rng.choice([1, 2])),
                    "place": place,
                    "description": f"{name}：项目推介、客商考察、签约洽谈。",
                },
            )
        )
    _link_leads(events, bureau)
    return events


FAIR_CHANNEL = "展会节会"  # the leads' channel for fairs and festivals (leads' default channels)
LEAD_WINDOW = dt.timedelta(days=30)


def _link_leads(events: list[Event], bureau) -> int:
    """The demo's leads from fairs and festivals (not converted ones: their projects name their own signing
    event) are linked to the latest event held up to 30 days before they were received; returns how many."""
    lead_model = selectors.lead_model()
    held = sorted(events, key=lambda event: event.starts_on)
    linked = 0
    leads = lead_model.objects.filter(channel__name=FAIR_CHANNEL, event__isnull=True, project__isnull=True)
    for lead in leads.order_by("received_on", "pk"):
        event = next((e for e in reversed(held) if e.starts_on <= lead.received_on <= e.starts_on + LEAD_WINDOW), None)
        if event is not None:
            lead.event = event
            as_user(lead, bureau).save(update_fields=["event"])
            linked += 1
    return linked
