"""Issue 19: a chain page draws its diagram (links up-, mid- and downstream, gaps in red, local enterprises and
targets) in real Chromium; the tooltips escape what users typed; the unit approaching a target makes it a lead."""

from __future__ import annotations

import pytest

from zhaoshang.chains import services
from zhaoshang.chains.models import ChainLink, LocalEnterprise, TargetEnterprise
from zhaoshang.leads.models import Lead

from .helpers import flash_messages, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_chain_diagram_shows_gaps_and_targets(new_page, page_log, users, units):
    bureau = users["bureau"]
    chain = services.save_chain(user=bureau, data={"name": "新能源", "unit": units["dept"]})
    plan = [("光伏组件", "up"), ("储能装备", "mid"), ("逆变器", "mid"), ("光伏发电", "down")]
    links = {
        name: services.save_link(user=bureau, link=ChainLink(chain=chain), data={"name": name, "position": position})
        for name, position in plan
    }
    for link, name in (("储能装备", "本县储能科技"), ("光伏发电", "本县光伏电力"), ("光伏发电", "华能风光")):
        services.save_local_enterprise(user=bureau, enterprise=LocalEnterprise(link=links[link]), data={"name": name})
    payload = "<img src=x onerror=window.__xss=1>"
    for link, name in (("光伏组件", "苏州光伏组件有限公司"), ("光伏组件", payload), ("逆变器", "深圳逆变器科技")):
        services.save_target(
            user=bureau, target=TargetEnterprise(link=links[link]), data={"name": name, "unit": units["a"]}
        )

    page = new_page(log=page_log)
    login(page, "reporter_a")
    page.goto(chain.get_absolute_url())
    page.wait_for_function("window.zsChain !== undefined")
    assert page.locator("#chain-diagram canvas").count() >= 1
    # Every node's tooltip is drawn (a payload among the targets' names must not run).
    shown = page.evaluate(
        """() => {
          const chart = window.zsChain; let shown = 0;
          const walk = (node, path) => { chart.dispatchAction({type: 'showTip', seriesIndex: 0, name: node.name});
            shown += 1; (node.children || []).forEach(walk); };
          walk(chart.getOption().series[0].data[0]);
          return shown;
        }"""
    )
    assert shown == 1 + 3 + 4 + 3 + 3  # chain, positions, links, local enterprises, targets
    assert page.evaluate("window.__xss") is None
    gaps = page.locator("[data-link] .text-bg-danger")
    assert gaps.count() == 2  # 光伏组件 and 逆变器 have no local enterprise
    screenshot(page, "chain_diagram")
    target = TargetEnterprise.objects.get(name="苏州光伏组件有限公司")
    page.locator(f"#contact-{target.pk} .to-lead").click()
    page.wait_for_load_state()
    assert flash_messages(page) == []
    lead = Lead.objects.get(company="苏州光伏组件有限公司")
    assert f"/leads/{lead.pk}/" in page.url and lead.unit == units["a"]
    page.goto("/chains/gaps/")
    assert "深圳逆变器科技" in page.inner_text("#gap-table")
    assert page_log.page_errors == []
