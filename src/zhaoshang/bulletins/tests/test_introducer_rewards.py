"""The introducer reward list is a bulletin section only when the bureau adds it."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from zhaoshang.bulletins import services
from zhaoshang.persons.models import Person
from zhaoshang.projects import services as project_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def introduced(ledger, units, users):
    zhang = Person.objects.create(name="张三", unit=units["a"], level="section")
    wang = Person.objects.create(name="王五", unit=units["b"], level="section")
    bureau = users["bureau"]
    # P4 (contract 2000, signed 2025-02-12) split 50/50; P1 (contract 3000, signed 2025-01-15) all 张三's.
    project_services.set_project_persons(
        user=bureau, project=ledger["p4"], introducers=[(zhang, D("50")), (wang, D("50"))]
    )
    project_services.set_project_persons(user=bureau, project=ledger["p1"], introducers=[(zhang, D("100"))])
    return zhang, wang


def test_left_out_unless_chosen(draft, introduced):
    assert "introducer_rewards" not in services.snapshot_for(draft, detail=False)


def test_section_when_chosen(draft, introduced, users, client):
    services.update_draft(user=users["bureau"], bulletin=draft, introducer_rewards=True)
    draft.refresh_from_db()
    block = services.snapshot_for(draft, detail=False)["introducer_rewards"]
    assert [(line["person"], line["code"], line["share"], line["contract_amount"]) for line in block["lines"]] == [
        ("张三", "P1", "100", "3000.00"),
        ("张三", "P4", "50", "1000.00"),
        ("王五", "P4", "50", "1000.00"),
    ]
    # By hand: 3000 + 1000 + 1000 = 5000, by two persons.
    assert block["total"] == "5000.00" and block["persons"] == 2
    client.force_login(users["bureau"])
    page = client.get(reverse("bulletins:detail", args=[draft.pk])).content.decode()
    assert "引进人奖励名单" in page and "王五" in page
    issued = services.issue(user=users["bureau"], bulletin=draft)
    assert issued.snapshot["introducer_rewards"]["total"] == "5000.00"
    response = client.get(reverse("bulletins:docx", args=[issued.pk]))
    assert response.status_code == 200
    assert dt.date(2025, 2, 12).isoformat() in str(block)
