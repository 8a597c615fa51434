"""The period's own consequences (奖惩规则) in the bulletin: 直接晋档 printed when a unit has it; consecutive
criticisms read as deep as the rules ask (conftest: T01 as of 2025-02-28 has 签约 4200/4000 = 1.05 and funds
1400/1000 = 1.4, so an uncapped completion of (1.05 + 1.4) / 2 = 1.225)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from zhaoshang.bulletins import presentation, selectors, services
from zhaoshang.bulletins.selectors import criticised_history
from zhaoshang.targets import consequences as rulebook
from zhaoshang.targets import services as target_services

from .conftest import FEB, JAN, units_by_code

C, R = rulebook.Condition, rulebook.Rule


def test_a_promoted_unit_is_flagged_and_printed(period, ledger, users):
    promotion = R("promotion", (C("completion_at_least", value=Decimal("1.2")),))
    target_services.save_consequences(user=users["bureau"], period=period, rules=(*rulebook.DEFAULT, promotion))
    draft = services.create_draft(user=users["bureau"], period=period, month=FEB)
    data = selectors.bulletin_data(draft)
    by_code = units_by_code(data)
    assert by_code["T01"]["flags"] == ["commended", "promoted"]
    assert [u["code"] for u in data["lists"]["flags"]["promoted"]] == ["T01"]
    paragraphs = presentation.flag_paragraphs(data)
    assert paragraphs[-1] == f"（九）直接晋档（超额完成任务，按考核办法直接晋档）。乡镇：{by_code['T01']['name']}。"
    # At 130% nobody is promoted, and the bulletin says nothing of it.
    higher = dataclasses.replace(promotion, conditions=(C("completion_at_least", value=Decimal("1.3")),))
    target_services.save_consequences(user=users["bureau"], period=period, rules=(*rulebook.DEFAULT, higher))
    data = selectors.bulletin_data(draft)
    assert "promoted" not in data["lists"]["flags"]
    assert len(presentation.flag_paragraphs(data)) == len(presentation.FLAG_SECTIONS)
    assert not any("直接晋档" in p for p in presentation.flag_paragraphs(data))


def test_consecutive_criticisms_read_the_issued_bulletins_before(period, ledger, units, users, make_project):
    from zhaoshang.projects import services as project_services

    # T02 gets something in January, so T0101 is the last township then too (as test_criticism's fixture).
    project = make_project(units["b"], code="P7", name="河口乡小项目", planned_investment=Decimal("100"))
    project_services.add_receipt(user=users["bureau"], project=project, date=dt.date(2025, 1, 25), amount=Decimal(100))
    january = services.issue(
        user=users["bureau"], bulletin=services.create_draft(user=users["bureau"], period=period, month=JAN)
    )
    assert january.criticised_units == [units["a_section"].pk]
    assert criticised_history(period, dt.date(2025, 2, 28), 2) == (frozenset({units["a_section"].pk}),)
    # Three in a row: one bulletin before is not enough.
    three = [
        R("accountability_candidate", (C("consecutive_criticisms", n=3),)) if rule.action == "accountability_candidate"
        else rule
        for rule in rulebook.DEFAULT
    ]  # fmt: skip
    target_services.save_consequences(user=users["bureau"], period=period, rules=three)
    february = services.create_draft(user=users["bureau"], period=period, month=FEB)
    flags = units_by_code(selectors.bulletin_data(february))["T0101"]["flags"]
    assert flags[0] == "criticised" and "accountability_candidate" not in flags
    # Two in a row (the default): a candidate.
    target_services.save_consequences(user=users["bureau"], period=period, rules=rulebook.DEFAULT)
    flags = units_by_code(selectors.bulletin_data(february))["T0101"]["flags"]
    assert flags[:2] == ["criticised", "accountability_candidate"]
