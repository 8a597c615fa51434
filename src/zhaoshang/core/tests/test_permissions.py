"""The one permission rule, tried from every side: querysets, pages, downloads."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.projects import services
from zhaoshang.projects.models import Attachment, FundsReceipt, Project, StageEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(users, units, make_project):
    a = make_project(units["a"], code="PA")
    a_section = make_project(units["a_section"], code="PA1")
    b = make_project(units["b"], code="PB")
    # Credited to the department, but township B is responsible for it.
    b_responsible = make_project(units["dept"], code="PD", responsible_unit=units["b"])
    return {"a": a, "a_section": a_section, "b": b, "b_responsible": b_responsible}


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


def test_reporter_sees_own_unit_and_its_sub_units(users, ledger):
    assert codes(Project.objects.restrict(users["reporter_a"], "view")) == ["PA", "PA1"]


def test_reporter_sees_projects_their_unit_is_responsible_for(users, ledger):
    assert codes(Project.objects.restrict(users["reporter_b"], "view")) == ["PB", "PD"]


@pytest.mark.parametrize("role", ["admin", "bureau", "leader", "supervisor"])
def test_county_roles_read_everything(users, ledger, role):
    assert Project.objects.restrict(users[role], "view").count() == 4


@pytest.mark.parametrize("role,expected", [("admin", 4), ("bureau", 4), ("leader", 0), ("supervisor", 0)])
def test_only_bureau_and_admin_change_everything(users, ledger, role, expected):
    assert Project.objects.restrict(users[role], "change").count() == expected


def test_reporter_changes_only_own(users, ledger):
    assert codes(Project.objects.restrict(users["reporter_a"], "change")) == ["PA", "PA1"]


def test_anonymous_and_inactive_see_nothing(users, ledger):
    from django.contrib.auth.models import AnonymousUser

    assert Project.objects.restrict(AnonymousUser(), "view").count() == 0
    users["reporter_a"].is_active = False
    assert Project.objects.restrict(users["reporter_a"], "view").count() == 0


def test_reporter_without_unit_sees_nothing(users, ledger):
    users["reporter_a"].unit = None
    users["reporter_a"]._zs_unit_ids = None
    assert Project.objects.restrict(users["reporter_a"], "view").count() == 0


def test_children_follow_their_project(users, ledger, today):
    services.add_receipt(user=users["bureau"], project=ledger["b"], date=today, amount=Decimal("10"))
    services.record_stage(user=users["bureau"], project=ledger["b"], stage="intention", date=today)
    assert FundsReceipt.objects.restrict(users["reporter_a"], "view").count() == 0
    assert StageEvent.objects.restrict(users["reporter_a"], "view").count() == 0
    assert FundsReceipt.objects.restrict(users["reporter_b"], "view").count() == 1


def test_services_refuse_other_units_project(users, ledger, today):
    with pytest.raises(PermissionDenied):
        services.record_stage(user=users["reporter_a"], project=ledger["b"], stage="intention", date=today)
    with pytest.raises(PermissionDenied):
        services.add_receipt(user=users["reporter_a"], project=ledger["b"], date=today, amount=Decimal("1"))
    with pytest.raises(PermissionDenied):
        services.update_project(user=users["leader"], project=ledger["a"], data={"name": "x"})


def test_reporter_cannot_create_a_project_for_another_unit(users, units):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.create_project(
            user=users["reporter_a"], data={"code": "X", "name": "x"}, credits=[(units["b"], Decimal("100"))]
        )


# --- pages -------------------------------------------------------------------------------------------


@pytest.fixture
def evidence(users, ledger, today):
    receipt = services.add_receipt(user=users["bureau"], project=ledger["b"], date=today, amount=Decimal("5"))
    services.record_stage(user=users["bureau"], project=ledger["b"], stage="intention", date=today)
    upload = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    return services.add_attachment(user=users["bureau"], project=ledger["b"], uploaded=upload, receipt=receipt)


def other_units_urls(ledger, evidence):
    b = ledger["b"]
    event = b.stage_events.get(stage="intention")
    return {
        "get": [
            reverse("projects:detail", args=[b.pk]),
            reverse("projects:edit", args=[b.pk]),
            reverse("projects:attachment_download", args=[evidence.pk]),
        ],
        "post": [
            reverse("projects:edit", args=[b.pk]),
            reverse("projects:delete", args=[b.pk]),
            reverse("projects:stage_record", args=[b.pk]),
            reverse("projects:stage_delete", args=[event.pk]),
            reverse("projects:status_set", args=[b.pk]),
            reverse("projects:receipt_add", args=[b.pk]),
            reverse("projects:receipt_delete", args=[evidence.receipt_id]),
            reverse("projects:attachment_add", args=[b.pk]),
            reverse("projects:attachment_delete", args=[evidence.pk]),
        ],
    }


def test_other_units_records_are_not_found_by_url(client, users, ledger, evidence):
    urls = other_units_urls(ledger, evidence)
    client.force_login(users["reporter_a"])
    for url in urls["get"]:
        assert client.get(url).status_code == 404, url
    for url in urls["post"]:
        assert client.post(url, {"stage": "signed", "date": "2026-01-01", "amount": "1"}).status_code == 404, url
    # Nothing changed.
    ledger["b"].refresh_from_db()
    assert ledger["b"].stage == "intention"
    assert Attachment.objects.filter(pk=evidence.pk).exists()
    assert FundsReceipt.objects.filter(project=ledger["b"]).count() == 1


@pytest.mark.parametrize("role", ["leader", "supervisor"])
def test_readers_get_403_when_changing(client, users, ledger, evidence, role):
    urls = other_units_urls(ledger, evidence)
    client.force_login(users[role])
    for url in urls["get"][:1] + urls["get"][2:]:
        assert client.get(url).status_code == 200, url
    assert client.get(urls["get"][1]).status_code == 403
    for url in urls["post"]:
        assert client.post(url, {}).status_code == 403, url


def test_ledger_page_lists_only_own_projects(client, users, ledger):
    client.force_login(users["reporter_a"])
    html = client.get(reverse("projects:ledger")).content.decode()
    # Match whole cells: a random CSRF token may well contain "PB".
    assert ">PA1<" in html and ">PB<" not in html and ">PD<" not in html


def test_login_required(client, ledger):
    response = client.get(reverse("projects:ledger"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get(reverse("projects:detail", args=[ledger["a"].pk])).status_code == 302


def test_unit_pages_are_scoped(client, users, units):
    client.force_login(users["reporter_a"])
    assert client.get(reverse("projects:unit", args=[units["a_section"].pk])).status_code == 200
    assert client.get(reverse("projects:unit", args=[units["b"].pk])).status_code == 404
    assert client.get(reverse("organization:unit_edit", args=[units["a"].pk])).status_code == 403
    assert client.get(reverse("organization:user_list")).status_code == 403
    html = client.get(reverse("organization:unit_list")).content.decode()
    assert "城关镇招商办" in html and "河口乡" not in html


def test_old_unit_links_arrive_at_the_unit_page(client, users, units):
    """A unit's page is served with the ledger now; its old address redirects, and the page stays scoped."""
    client.force_login(users["reporter_a"])
    old = client.get(f"/org/units/{units['a'].pk}/")
    assert (old.status_code, old["Location"]) == (302, f"/projects/units/{units['a'].pk}/")
    assert units["a"].get_absolute_url() == f"/projects/units/{units['a'].pk}/"
    assert client.get(f"/org/units/{units['b'].pk}/", follow=True).status_code == 404
