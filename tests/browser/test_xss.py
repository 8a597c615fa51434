"""Stored XSS (issue 11, part 1): payloads in every free-text column of the product's tables, then every page
visited as every role in real Chromium, every chart's tooltip shown (ECharts' ``showTip`` on every data point,
and a real mouse hover on bars), failing if a payload ran (``window.__xss``) or opened a dialog.

The payloads are written straight into the database (not through the forms, which refuse control characters
but accept angle brackets: escaping on output is what protects the page)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.apps import apps
from django.db import models

from zhaoshang.dashboard.tests.dashboard_county import AS_OF, build, make_period

from .helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOADS = [
    "<img src=x onerror=window.__xss=1>",
    '"><script>window.__xss=1</script>',
    "javascript:window.__xss=1",
    "'><svg onload=window.__xss=1>",
    "</script><script>window.__xss=1</script>",
]
APPS = (
    "organization",
    "projects",
    "scheduling",
    "supervision",
    "targets",
    "bulletins",
    "notifications",
    "leads",
    "receptions",
    "events",
    "library",
    "milestones",
    "resources",
    "liaison",
    "promises",
    "chains",
    "environment",
    "maps",
)
# The stored boundaries stay GeoJSON (their region names carry a payload: ``county_offer``).
SKIP = {"code", "username", "password", "email", "voucher_no", "file", "content_type", "number", "geojson"}


def plant() -> int:
    """A payload (cycling) in every free-text column of every row; returns the number of values written."""
    cycle = itertools.cycle(PAYLOADS)
    written = 0
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model.__name__.startswith("Historical"):
            continue
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField))
            and not f.choices
            and not f.unique
            and f.name not in SKIP
            and not isinstance(f, models.FileField)
        ]
        if not fields:
            continue
        for pk in model.objects.values_list("pk", flat=True):
            values = {}
            for f in fields:
                payload = next(cycle)
                values[f.name] = payload[: f.max_length] if f.max_length else payload
            model.objects.filter(pk=pk).update(**values)
            written += len(values)
    return written


def show_every_tooltip(page) -> int:
    """Ask every chart to show its tooltip on each data point (runs the formatters); returns how many."""
    return page.evaluate(
        """() => {
          let shown = 0;
          for (const chart of Object.values(window.zsDashboard ? window.zsDashboard.charts : {})) {
            const option = chart.getOption();
            option.series.forEach((series, seriesIndex) => {
              (series.data || []).forEach((_item, dataIndex) => {
                chart.dispatchAction({ type: "showTip", seriesIndex, dataIndex });
                shown += 1;
              });
            });
          }
          return shown;
        }"""
    )


def promotion_work(project, units) -> dict:
    """A row of each of issue 18's registers, linked to each other and to the project (payloads come after)."""
    from zhaoshang.events.models import Event
    from zhaoshang.leads.models import Channel, Lead
    from zhaoshang.library.models import Opportunity
    from zhaoshang.milestones.models import Milestone, MilestoneKind
    from zhaoshang.projects.models import Project
    from zhaoshang.receptions.models import Reception

    event = Event.objects.create(name="活动", level="city", starts_on=AS_OF)
    Project.objects.filter(pk=project.pk).update(event=event)
    channel = Channel.objects.create(name="XSS渠道")
    lead = Lead.objects.create(company="线索", unit=units["a"], event=event, channel=channel, project=project)
    reception = Reception.objects.create(unit=units["a"], date=AS_OF, companies="客商")
    reception.leads.add(lead)
    opportunity = Opportunity.objects.create(title="项目库", unit=units["a"], status="published", project=project)
    kind = MilestoneKind.objects.create(name="XSS节点", order=1)
    Milestone.objects.create(project=project, kind=kind, planned_on=AS_OF - dt.timedelta(days=3))
    return {"event": event, "lead": lead, "reception": reception, "opportunity": opportunity}


def county_offer(project, units, bureau) -> dict:
    """A row of each of issue 19's registers, positioned on a map whose region is named by a payload."""
    import json
    from decimal import Decimal

    from zhaoshang.chains.models import ChainLink, IndustryChain, LocalEnterprise, TargetEnterprise
    from zhaoshang.environment.models import Indicator, IndicatorValue
    from zhaoshang.liaison.models import Demand, DemandUpdate, Enterprise, Liaison, Visit
    from zhaoshang.maps import services as maps
    from zhaoshang.persons.models import Person
    from zhaoshang.projects.models import Investor, Project
    from zhaoshang.promises.models import Complaint, Promise
    from zhaoshang.resources.models import Factory, IdleAsset, LandParcel

    at = {"latitude": Decimal("34.52"), "longitude": Decimal("113.86")}
    Project.objects.filter(pk=project.pk).update(**at)
    parcel = LandParcel.objects.create(name="地块", unit=units["a"], area_mu=Decimal("60"), project=project, **at)
    Factory.objects.create(name="厂房", unit=units["a"], floor_area_m2=Decimal("5000"), **at)
    IdleAsset.objects.create(name="闲置", unit=units["a"], **at)
    enterprise = Enterprise.objects.create(name="企业", unit=units["a"], **at)
    Liaison.objects.create(enterprise=enterprise, cadre=Person.objects.create(name="干部", unit=units["a"]))
    visit = Visit.objects.create(enterprise=enterprise, visitors="走访", date=AS_OF)
    demand = Demand.objects.create(enterprise=enterprise, visit=visit, category="land", description="诉求",
                                   department=units["dept"], raised_on=AS_OF, deadline=AS_OF)  # fmt: skip
    DemandUpdate.objects.create(demand=demand, note="进展", date=AS_OF)
    investor = Investor.objects.create(name="XSS客商")
    promise = Promise.objects.create(investor=investor, project=project, content="承诺", department=units["dept"],
                                     due_on=AS_OF)  # fmt: skip
    complaint = Complaint.objects.create(investor=investor, content="投诉", department=units["dept"], deadline=AS_OF)
    chain = IndustryChain.objects.create(name="XSS链")
    link = ChainLink.objects.create(chain=chain, name="环节")
    LocalEnterprise.objects.create(link=link, name="本地")
    TargetEnterprise.objects.create(link=link, name="目标", unit=units["a"])
    ChainLink.objects.create(chain=chain, name="缺口")
    indicator = Indicator.objects.create(name="指标", unit="天", target=Decimal("5"))
    for month in (1, 2, 3):
        IndicatorValue.objects.create(indicator=indicator, period=dt.date(2026, month, 1), value=Decimal(month))
    ring = [[113.8, 34.5], [113.9, 34.5], [113.9, 34.6], [113.8, 34.5]]
    feature = {
        "type": "Feature",
        "properties": {"name": PAYLOADS[0]},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    maps.upload_boundary(
        user=bureau,
        county="县",
        filename="b.geojson",
        raw=json.dumps({"type": "FeatureCollection", "features": [feature]}).encode(),
    )
    return {"parcel": parcel, "enterprise": enterprise, "demand": demand, "promise": promise, "complaint": complaint,
            "chain": chain, "indicator": indicator}  # fmt: skip


def show_every_chart_tooltip(page) -> int:
    """The tooltips of the chain diagram (every node of its tree), the map and an indicator's trend."""
    return page.evaluate(
        """() => {
          let shown = 0;
          if (window.zsChain) {
            const walk = (node) => { window.zsChain.dispatchAction({type: 'showTip', seriesIndex: 0, name: node.name});
              shown += 1; (node.children || []).forEach(walk); };
            walk(window.zsChain.getOption().series[0].data[0]);
          }
          for (const chart of [window.zsMap, window.zsEnvironmentChart]) {
            if (!chart) continue;
            chart.getOption().series.forEach((series, seriesIndex) => (series.data || []).forEach((_d, dataIndex) => {
              chart.dispatchAction({type: 'showTip', seriesIndex, dataIndex}); shown += 1; }));
          }
          return shown;
        }"""
    )


def test_no_payload_runs_on_any_page_for_any_role(new_page, users, units):
    from django.core.cache import cache

    from zhaoshang.scheduling import services as scheduling
    from zhaoshang.supervision import services as supervision

    cache.clear()
    projects = build(users, units)
    period = make_period(users)
    board = scheduling.open_round(user=users["bureau"], date=AS_OF - dt.timedelta(days=5))
    batch = supervision.create_batch(
        user=users["supervisor"], name="XSS", start=dt.date(2026, 1, 1), end=AS_OF, method="threshold", min_amount=0
    )
    project = next(iter(projects.values())) if isinstance(projects, dict) else projects[0]
    work = promotion_work(project, units)
    offer = county_offer(project, units, users["bureau"])
    written = plant()
    cache.clear()

    query = f"period={period.pk}&as_of={AS_OF.isoformat()}"
    pages = [
        "/",
        "/projects/",
        f"/projects/{project.pk}/",
        f"/projects/{project.pk}/edit/",
        f"/projects/units/{units['a'].pk}/",
        f"/dashboard/?{query}",
        f"/dashboard/screen/?{query}",
        "/scheduling/",
        f"/scheduling/rounds/{board.pk}/",
        "/scheduling/items/",
        "/scheduling/stalled/",
        "/supervision/",
        "/supervision/batches/",
        f"/supervision/batches/{batch.pk}/",
        "/supervision/rectifications/",
        "/supervision/verifications/",
        f"/assessment/{period.pk}/?as_of={AS_OF.isoformat()}",
        f"/assessment/{period.pk}/units/{units['a'].pk}/?as_of={AS_OF.isoformat()}",
        f"/assessment/water/?{query}",
        "/bulletins/",
        "/targets/",
        "/org/units/",
        "/org/users/",
        "/notifications/",
        "/leads/",
        f"/leads/{work['lead'].pk}/",
        "/leads/conversion/",
        "/receptions/",
        f"/receptions/{work['reception'].pk}/",
        "/receptions/counts/",
        "/events/",
        f"/events/{work['event'].pk}/",
        "/library/",
        f"/library/{work['opportunity'].pk}/",
        "/milestones/?tab=all",
        f"/milestones/project/{project.pk}/",
        "/resources/",
        f"/resources/parcel/{offer['parcel'].pk}/",
        f"/resources/match/?lead={work['lead'].pk}",
        "/liaison/",
        f"/liaison/{offer['enterprise'].pk}/",
        "/liaison/demands/",
        f"/liaison/demands/{offer['demand'].pk}/",
        "/liaison/departments/",
        "/promises/",
        f"/promises/{offer['promise'].pk}/",
        "/promises/complaints/",
        f"/promises/complaints/{offer['complaint'].pk}/",
        "/chains/",
        f"/chains/{offer['chain'].pk}/",
        "/chains/gaps/",
        "/environment/",
        f"/environment/{offer['indicator'].pk}/",
        "/map/",
        "/map/boundaries/",
    ]
    dialogs, executed, unopened, visits, tooltips, hovers = [], [], [], 0, 0, 0
    for role in ("admin", "bureau", "leader", "supervisor", "reporter_a", "reporter_b"):
        page = new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        login(page, role)
        for url in pages:
            response = page.goto(url)
            visits += 1
            if response is None or response.status >= 400:
                if role == "bureau" and url != "/org/users/":  # the accounts page is the admins'
                    unopened.append(url)  # the bureau opens every other page: a typo would skip it
                continue  # a page this role may not open
            if url.startswith("/dashboard/?"):
                page.wait_for_function("window.zsDashboard && Object.keys(window.zsDashboard.charts).length > 0")
                page.wait_for_function("!document.querySelector('main .spinner-border')", timeout=60_000)
                page.evaluate("window.zsDashboard.forecast && window.zsDashboard.forecast()")
                tooltips += show_every_tooltip(page)
                # Charts in a hidden tab have no size: show each tab, then its tooltips and a real hover.
                for tab in page.locator("[role=tab]").all():
                    tab.click()
                    page.wait_for_timeout(100)
                    tooltips += show_every_tooltip(page)
                    for chart_id in ("chart-chain", "chart-origin", "chart-industry", "chart-kind"):
                        box = page.locator(f"#{chart_id}").bounding_box()
                        if box and box["width"] > 0:
                            for fraction in (0.3, 0.5, 0.7):
                                x, y = box["x"] + box["width"] * fraction, box["y"] + box["height"] * fraction
                                page.mouse.move(x, y)
                                page.wait_for_timeout(50)
                                hovers += 1
            if url == "/map/":
                page.wait_for_function("window.zsMap && window.echarts.getMap('county')")
            tooltips += show_every_chart_tooltip(page)
            if page.evaluate("window.__xss"):
                executed.append((role, url))
        page.close()
    print(
        f"payload values planted: {written} ({len(PAYLOADS)} payloads), page visits: {visits}, "
        f"tooltips shown: {tooltips}, hovers: {hovers}, executed: {len(executed)}, dialogs: {len(dialogs)}"
    )
    assert written > 50 and tooltips > 0 and hovers > 0
    assert executed == [] and dialogs == [] and unopened == []
