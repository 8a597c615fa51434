"""The kept project's page after a merge: "合并自 …", the merged project's history, and the phases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from zhaoshang.claims import decide
from zhaoshang.projects import selectors, services

from .support import make_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(users, units, make_project):
    bureau = users["bureau"]
    p1 = make_project(units["a"], code="P1", name="新材料项目")
    p2 = make_project(units["b"], code="P2", name="新材料生产线")
    services.record_stage(user=bureau, project=p2, stage="signed", date=dt.date(2026, 3, 5), amount=D("4800"))
    services.add_receipt(user=bureau, project=p2, date=dt.date(2026, 4, 2), amount=D("200"), note="首笔到位")
    pair = make_pair(p1, p2)
    decide.merge(user=bureau, pair=pair, kept=p1, shares=[(units["a"], D("50")), (units["b"], D("50"))])
    return {"p1": p1, "p2_id": p2.pk, "pair": pair}


def test_the_kept_projects_history_includes_the_merged_ones(merged):
    entries = selectors.project_history(merged["p1"])
    labels = [e.object_label for e in entries]
    assert any("P2" in label for label in labels)  # the merged project's own rows: its creation and deletion
    assert sum(1 for e in entries if e.model_label == "到位资金" or "200" in e.object_label) >= 1
    assert selectors.merged_ids(merged["p1"].pk) == {merged["p2_id"]}


def test_the_kept_projects_page_says_merged_from(client, users, merged):
    client.force_login(users["bureau"])
    body = client.get(merged["p1"].get_absolute_url()).content.decode()
    assert "合并自 P2" in body and reverse("claims:pair", args=[merged["pair"].pk]) in body
    client.force_login(users["reporter_a"])
    body = client.get(merged["p1"].get_absolute_url()).content.decode()
    assert "合并自 P2" in body and reverse("claims:pair", args=[merged["pair"].pk]) not in body


def test_phases_are_linked_and_hidden_from_another_units_reporter(client, users, units, make_project):
    p1 = make_project(units["a"], code="P1", name="一期")
    p2 = make_project(units["b"], code="P2", name="二期")
    decide.decide_phase(user=users["bureau"], pair=make_pair(p1, p2), earlier=p1)
    client.force_login(users["bureau"])
    assert p1.get_absolute_url() in client.get(p2.get_absolute_url()).content.decode()
    assert p2.get_absolute_url() in client.get(p1.get_absolute_url()).content.decode()
    client.force_login(users["reporter_b"])
    body = client.get(p2.get_absolute_url()).content.decode()
    assert "一期" not in body and p1.get_absolute_url() not in body
