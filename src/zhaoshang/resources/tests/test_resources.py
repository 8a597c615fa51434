"""Resources on offer: the permission rule (everyone reads, a reporter changes only their unit's), status changes
and their rule in the history, the list's filters answering "which parcels over 50 亩 are available for an
industrial project", photos checked like the ledger's evidence."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.projects.services import record_stage
from zhaoshang.resources import services
from zhaoshang.resources.models import Attachment, LandParcel

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _edit_data(parcel, **changes):
    data = {"number": parcel.number, "name": parcel.name, "unit": parcel.unit_id, "area_mu": str(parcel.area_mu),
            "land_use": parcel.land_use, "location": "", "planning_conditions": "", "note": ""}  # fmt: skip
    return {**data, **changes}


def test_reporter_b_reads_a_parcel_but_changes_nothing_of_it(client, users, units, parcels, make_project):
    parcel = parcels["a_80"]
    client.force_login(users["reporter_b"])
    page = client.get(reverse("resources:list")).content.decode()
    assert "A-01" in page and "B-01" in page  # the county's offer: every unit's resources
    assert client.get(reverse("resources:detail", args=["parcel", parcel.pk])).status_code == 200
    assert client.get(reverse("resources:edit", args=["parcel", parcel.pk])).status_code == 404
    response = client.post(reverse("resources:edit", args=["parcel", parcel.pk]), _edit_data(parcel, name="改名"))
    assert response.status_code == 404
    response = client.post(reverse("resources:status", args=["parcel", parcel.pk]), {"status-status": "reserved"})
    assert response.status_code == 404
    upload = SimpleUploadedFile("site.png", PNG, content_type="image/png")
    response = client.post(
        reverse("resources:attach", args=["parcel", parcel.pk]), {"file-kind": "photo", "file-file": upload}
    )
    assert response.status_code == 404
    parcel.refresh_from_db()
    assert (parcel.name, parcel.status) == ("地块A-01", "available") and not Attachment.objects.exists()
    with pytest.raises(PermissionDenied):
        services.change_status(user=users["reporter_b"], resource=parcel, status="reserved")
    # Nor may they offer a parcel of A: the form only offers their own unit.
    response = client.post(
        reverse("resources:create", args=["parcel"]), {**_edit_data(parcel, number="X-1"), "unit": units["a"].pk}
    )
    assert response.status_code == 200 and not LandParcel.objects.filter(number="X-1").exists()
    # The API reads every parcel and writes none.
    numbers = {row["number"] for row in client.get("/api/land-parcels/").json()["results"]}
    assert numbers == {"A-01", "A-02", "A-03", "A-04", "B-01", "B-02"}
    assert client.get(f"/api/land-parcels/{parcel.pk}/").status_code == 200
    patched = client.patch(f"/api/land-parcels/{parcel.pk}/", {"name": "x"}, content_type="application/json")
    assert patched.status_code in (403, 405)
    # Reporter A changes their own; their edit is in the history under their name.
    client.force_login(users["reporter_a"])
    response = client.post(reverse("resources:edit", args=["parcel", parcel.pk]), _edit_data(parcel, name="城关东地块"))
    assert response.status_code == 302
    parcel.refresh_from_db()
    assert parcel.name == "城关东地块" and parcel.history.first().history_user == users["reporter_a"]
    # Out of bounds: a negative or huge area, a latitude outside China.
    for bad in ({"area_mu": "-1"}, {"area_mu": "1e9"}, {"area_mu": "0"}, {"latitude": "91"}):
        response = client.post(reverse("resources:edit", args=["parcel", parcel.pk]), _edit_data(parcel, **bad))
        assert response.status_code == 200, bad
    parcel.refresh_from_db()
    assert parcel.area_mu == Decimal("80") and parcel.latitude is None


def test_status_changes_follow_their_rule_and_are_in_the_history(
    client, users, units, parcels, factory_a, make_project
):
    parcel = parcels["a_80"]
    own = make_project(units["a"], name="甲镇签约项目")
    other = make_project(units["b"], name="乙乡项目")
    client.force_login(users["reporter_a"])
    url = reverse("resources:status", args=["parcel", parcel.pk])
    # Supplied needs the project that took it.
    client.post(url, {"status-status": "supplied", "status-reason": "出让"})
    parcel.refresh_from_db()
    assert parcel.status == "available"
    # Another unit's project is not theirs to link (the form offers only the projects they see).
    client.post(url, {"status-status": "supplied", "status-project": other.pk})
    parcel.refresh_from_db()
    assert parcel.status == "available" and parcel.project is None
    with pytest.raises(ValidationError):
        services.change_status(user=users["reporter_a"], resource=parcel, status="supplied", project=other)
    response = client.post(url, {"status-status": "supplied", "status-project": own.pk, "status-reason": "挂牌出让"})
    assert response.status_code == 302
    parcel.refresh_from_db()
    assert (parcel.status, parcel.project) == ("supplied", own)
    latest = parcel.history.first()
    assert latest.history_user == users["reporter_a"] and latest.history_change_reason == "挂牌出让"
    page = client.get(reverse("resources:detail", args=["parcel", parcel.pk])).content.decode()
    assert "已供应" in page and "甲镇签约项目" in page and "挂牌出让" in page
    # Available again: the project link goes.
    services.change_status(user=users["bureau"], resource=parcel, status="available", project=own)
    parcel.refresh_from_db()
    assert parcel.project is None and parcel.history.first().history_user == users["bureau"]
    assert [r.status for r in parcel.history.order_by("history_id")] == ["available", "supplied", "available"]
    # A factory let or sold needs its project too; a status of another kind is refused.
    with pytest.raises(ValidationError):
        services.change_status(user=users["bureau"], resource=factory_a, status="let_or_sold")
    with pytest.raises(ValidationError):
        services.change_status(user=users["bureau"], resource=factory_a, status="supplied", project=own)
    services.change_status(user=users["bureau"], resource=factory_a, status="let_or_sold", project=own)
    factory_a.refresh_from_db()
    assert (factory_a.status, factory_a.project) == ("let_or_sold", own)


def test_the_list_answers_which_parcels_over_50_mu_are_available_for_industry(client, users, parcels):
    client.force_login(users["leader"])
    query = {"status": "available", "land_use": "industrial", "area_min": "50"}
    response = client.get(reverse("resources:kind_list", args=["parcel"]), query)
    shown = {row.number for row in response.context["resources"]}
    assert shown == {"A-01", "B-01"} and response.context["count"] == 2
    # Each status count is the rows its link shows.
    counts = {value: n for value, _label, n in response.context["status_counts"]}
    assert counts == {"available": 2, "reserved": 1, "supplied": 0}
    response = client.get(reverse("resources:kind_list", args=["parcel"]), {**query, "status": "reserved"})
    assert [r.number for r in response.context["resources"]] == ["A-04"]
    # Area to and price bounds narrow it further; the unit filter too.
    response = client.get(reverse("resources:kind_list", args=["parcel"]), {**query, "area_max": "100"})
    assert {r.number for r in response.context["resources"]} == {"A-01"}
    response = client.get(reverse("resources:kind_list", args=["parcel"]), {**query, "price_max": "15"})
    assert {r.number for r in response.context["resources"]} == {"B-01"}
    assert client.get(reverse("resources:kind_list", args=["nothing"])).status_code == 404


def test_photos_are_checked_like_the_ledgers_evidence(client, users, parcels, settings):
    parcel = parcels["a_80"]
    client.force_login(users["reporter_a"])
    url = reverse("resources:attach", args=["parcel", parcel.pk])
    fake = SimpleUploadedFile("site.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    client.post(url, {"file-kind": "photo", "file-file": fake})
    assert not Attachment.objects.exists()
    client.post(url, {"file-kind": "photo", "file-file": SimpleUploadedFile("site.png", PNG, content_type="text/html")})
    photo = Attachment.objects.get()
    assert (photo.parcel, photo.content_type, photo.file.name.startswith("resources/")) == (parcel, "image/png", True)
    client.force_login(users["reporter_b"])
    page = client.get(reverse("resources:detail", args=["parcel", parcel.pk])).content.decode()
    assert f"{photo.get_absolute_url()}?inline=1" in page
    response = client.get(photo.get_absolute_url() + "?inline=1")
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert client.post(reverse("resources:attachment_delete", args=[photo.pk])).status_code == 404
    client.force_login(users["reporter_a"])
    client.post(reverse("resources:attachment_delete", args=[photo.pk]))
    assert not Attachment.objects.exists()


def test_demo_resources(units, users, make_project):
    from zhaoshang.projects.models import Project
    from zhaoshang.resources import demo
    from zhaoshang.resources.models import Factory, IdleAsset

    signed = make_project(units["a"], planned_investment=Decimal("3000"))
    record_stage(user=users["bureau"], project=signed, stage="signed", date=dt.date(2026, 5, 1), amount=Decimal("2000"))
    before = {p.pk: (p.stage, p.planned_investment, p.history.count()) for p in Project.objects.all()}
    codes = {row[0] for row in (*demo.PARCELS, *demo.FACTORIES, *demo.IDLE)}
    county = {code: units["a"] if code in ("P01",) else units["b"] for code in codes}
    assert demo.build_demo(None, county, users, dt.date(2026, 11, 21)) == 34
    assert (LandParcel.objects.count(), Factory.objects.count(), IdleAsset.objects.count()) == (20, 8, 6)
    taken = list(LandParcel.objects.filter(status="supplied")) + list(Factory.objects.filter(status="let_or_sold"))
    assert [r.project for r in taken] == [signed]  # the only signed project, taken once
    assert {p.pk: (p.stage, p.planned_investment, p.history.count()) for p in Project.objects.all()} == before
    assert all(p.latitude and p.longitude for p in LandParcel.objects.all())


def test_every_kind_is_entered_listed_and_exported_by_a_reporter(client, users, units):
    from zhaoshang.resources.models import Factory, IdleAsset

    client.force_login(users["reporter_a"])
    forms = {
        "parcel": {"number": "CG-9", "name": "城关西地块", "area_mu": "52.5", "land_use": "industrial"},
        "factory": {"name": "城关标准厂房", "floor_area_m2": "6000", "floors": "2", "rent": "9.5"},
        "idle": {"name": "原城关纸厂", "kind": "closed", "owner": "城关纸业", "land_area_mu": "20"},
    }
    for kind, data in forms.items():
        for name in ("list", "create", "import"):
            url = reverse(f"resources:{'kind_list' if name == 'list' else name}", args=[kind])
            assert client.get(url).status_code == 200, (kind, name)
        response = client.post(reverse("resources:create", args=[kind]), {**data, "unit": units["a"].pk})
        assert response.status_code == 302, response.context["form"].errors if response.context else kind
        assert client.get(response["Location"]).status_code == 200
        export = client.get(reverse("resources:kind_list", args=[kind]), {"format": "xlsx"})
        assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert Factory.objects.get().rent == Decimal("9.5") and IdleAsset.objects.get().kind == "closed"
    assert LandParcel.objects.get().unit == units["a"]
    assert client.get(reverse("resources:match")).status_code == 200
    for path in ("/api/factories/", "/api/idle-assets/"):
        assert client.get(path).json()["count"] == 1
