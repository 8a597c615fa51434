"""Every change to a project and its records is in its history: who, when, before, after."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.projects import selectors, services
from zhaoshang.projects.models import FundsReceipt, Project

pytestmark = pytest.mark.django_db


def test_history_records_who_and_before_after(users, units):
    reporter = users["reporter_a"]
    project = services.create_project(
        user=reporter,
        data={"code": "H1", "name": "旧名称", "planned_investment": Decimal("100")},
        credits=[(units["a"], Decimal("100"))],
    )
    services.update_project(
        user=users["bureau"], project=project, data={"name": "新名称", "planned_investment": Decimal("250")}
    )
    services.record_stage(user=reporter, project=project, stage="intention", date=dt.date(2026, 1, 5))
    receipt = services.add_receipt(user=reporter, project=project, date=dt.date(2026, 2, 1), amount=Decimal("20"))
    services.add_attachment(
        user=reporter,
        project=project,
        receipt=receipt,
        uploaded=SimpleUploadedFile("r.pdf", b"%PDF-1.4", content_type="application/pdf"),
    )
    services.delete_receipt(user=users["bureau"], receipt=receipt)

    entries = selectors.project_history(project)
    change = next(e for e in entries if e.action == "~" and any(c.field == "name" for c in e.changes))
    assert change.who == users["bureau"]
    name = next(c for c in change.changes if c.field == "name")
    assert (name.old, name.new) == ("旧名称", "新名称")
    planned = next(c for c in change.changes if c.field == "planned_investment")
    assert (planned.old, planned.new) == ("100.00", "250.00")
    created = [e for e in entries if e.action == "+"]
    assert {e.model_label for e in created} >= {"项目", "阶段记录", "到位资金", "附件", "引进单位"} or len(created) >= 5
    assert all(e.who == reporter for e in created)
    deleted = [e for e in entries if e.action == "-"]
    assert len(deleted) == 1 and deleted[0].who == users["bureau"]
    assert FundsReceipt.history.filter(history_type="-", history_user=users["bureau"]).count() == 1
    # An attachment's entry names the file and its checksum, not where the server stores it.
    attached = next(e for e in created if {c.field for c in e.changes} >= {"original_name", "sha256"})
    assert "file" not in {c.field for c in attached.changes}
    assert not any("evidence/" in str(c.new) for e in entries for c in e.changes)


def test_history_survives_project_deletion(users, make_project):
    project = make_project()
    pk = project.pk
    services.delete_project(user=users["bureau"], project=project)
    record = Project.history.filter(id=pk, history_type="-").get()
    assert record.history_user == users["bureau"] and record.code == project.code


def test_history_shown_on_the_page(client, users, make_project):
    project = make_project(name="页面项目")
    services.update_project(user=users["bureau"], project=project, data={"county_leader": "王县长"})
    client.force_login(users["leader"])
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "王县长" in html and "bureau" in html


def test_unit_changes_are_recorded(client, users, units):
    from zhaoshang.organization import services as org_services

    org_services.save_unit(user=users["admin"], unit=units["b"], data={"name": "河口镇", "tier": 3})
    record = units["b"].history.order_by("-history_date").first()
    assert record.history_user == users["admin"] and record.name == "河口镇"
    client.force_login(users["bureau"])
    html = client.get(reverse("projects:unit", args=[units["b"].pk])).content.decode()
    assert "河口乡" in html and "河口镇" in html
