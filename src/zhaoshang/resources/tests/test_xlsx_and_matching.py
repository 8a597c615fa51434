"""The .xlsx round trip and a county's own sheet with a bad row; matching a lead or an opportunity to what is
available."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from zhaoshang.core.history import as_user
from zhaoshang.leads.models import Lead
from zhaoshang.library.models import Opportunity
from zhaoshang.resources import selectors, xlsx
from zhaoshang.resources.models import LandParcel

pytestmark = pytest.mark.django_db


def _workbook(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_round_trip_and_a_county_sheet_with_bad_rows(client, users, units, parcels, make_project):
    project = make_project(units["a"], code="P-LAND")
    parcel = parcels["a_80"]
    parcel.status, parcel.project, parcel.planning_conditions = "supplied", project, "=容积率≥1.2"
    as_user(parcel, users["bureau"]).save()
    client.force_login(users["bureau"])
    response = client.get(reverse("resources:kind_list", args=["parcel"]), {"format": "xlsx"})
    exported = b"".join(response.streaming_content) if response.streaming else response.content
    before = {
        (p.number, p.area_mu, p.land_use, p.status, p.project_id, p.price, p.planning_conditions)
        for p in LandParcel.objects.all()
    }
    upload = io.BytesIO(exported)
    upload.name = "parcels.xlsx"
    response = client.post(reverse("resources:import", args=["parcel"]), {"file": upload})
    assert response.status_code == 302
    after = [
        (p.number, p.area_mu, p.land_use, p.status, p.project_id, p.price, p.planning_conditions)
        for p in LandParcel.objects.all()
    ]
    assert len(after) == 12 and set(after) == before  # every row twice, as it was

    # A township's own sheet, in its own headers: a bad row names its row and column, and nothing is written.
    header = ["地块编号", "乡镇", "面积（亩）", "用途", "状态", "价格（万元/亩）"]
    good = ["HK-01", "T02", 66, "工业", "可供应", 9.5]
    sheet = _workbook(
        [header, good, ["HK-02", "T02", "六十", "工业", "", None], ["HK-03", "T02", 30, "工厂", "已供应", None]]
    )
    with pytest.raises(xlsx.ImportFailed) as failure:
        xlsx.import_resources(user=users["reporter_b"], kind="parcel", data=sheet)
    errors = [str(e) for e in failure.value.errors]
    assert len(errors) == 2, errors
    assert "第3行“面积（亩）”列，内容“六十”" in errors[0] and "第4行“用途”列，内容“工厂”" in errors[1], errors
    assert not LandParcel.objects.filter(number__startswith="HK").exists()
    # A unit not theirs; supplied without the project that took it (found when the rows are written): refused.
    sheet = _workbook([header, good, ["HK-03", "T01", 30, "工业", "", None]])
    with pytest.raises(xlsx.ImportFailed) as failure:
        xlsx.import_resources(user=users["reporter_b"], kind="parcel", data=sheet)
    assert [e.row for e in failure.value.errors] == [3] and "“单位”列" in str(failure.value.errors[0])
    sheet = _workbook([header, good, ["HK-04", "T02", 30, "商业", "已出让", None]])
    with pytest.raises(xlsx.ImportFailed) as failure:
        xlsx.import_resources(user=users["reporter_b"], kind="parcel", data=sheet)
    assert [e.row for e in failure.value.errors] == [3] and "“状态”列" in str(failure.value.errors[0])
    assert not LandParcel.objects.filter(number__startswith="HK").exists()
    created = xlsx.import_resources(user=users["reporter_b"], kind="parcel", data=_workbook([header, good]))
    assert [(p.number, p.unit, p.area_mu, p.land_use, p.status, p.price) for p in created] == [
        ("HK-01", units["b"], Decimal("66.00"), "industrial", "available", Decimal("9.50"))
    ]
    assert created[0].name == "HK-01" and created[0].history.first().history_user == users["reporter_b"]


def test_matching_a_lead_and_an_opportunity(client, users, units, parcels, factory_a):
    found = selectors.match(50, 100, "industrial", user=users["leader"])
    # 40,000 ㎡ is 60 亩: the factory fits an industrial demand of 50-100 亩 as well, and so does a mixed-use parcel;
    # best first is the closest to 75 亩. Reserved parcels are not on offer.
    assert [str(m.resource) for m in found] == ["A-01 地块A-01", "甲镇标准化厂房", "B-02 地块B-02"]
    assert [m.resource.number for m in selectors.match(50, 100, "commercial", user=users["leader"])] == ["B-02"]
    assert [m.resource.number for m in selectors.match(40, 200, "commercial", user=users["leader"])] == ["A-03", "B-02"]
    assert [m.resource.number for m in selectors.match(40, 200, "commercial", units["b"], user=users["leader"])] == [
        "B-02"
    ]

    lead = Lead(company="某新材料公司", industry="C", description="拟建生产线，需用地约250亩", unit=units["b"])
    as_user(lead, users["bureau"]).save()
    client.force_login(users["bureau"])
    response = client.get(reverse("resources:match"), {"lead": lead.pk})
    assert [m.resource.pk for m in response.context["matches"]] == [parcels["b_300"].pk]
    # Explicit filters override the lead's own demand.
    response = client.get(
        reverse("resources:match"), {"lead": lead.pk, "area_min": "40", "area_max": "90", "land_use": "industrial"}
    )
    # 65 亩 ± : the factory (60), then the lead's own unit first among equals (B-02 and A-01, 15 亩 off), then A-02.
    assert [str(m.resource) for m in response.context["matches"]] == [
        "甲镇标准化厂房",
        "B-02 地块B-02",
        "A-01 地块A-01",
        "A-02 地块A-02",
    ]

    opportunity = Opportunity(
        unit=units["a"], title="机器人项目", status="published", industry="C", land_area=Decimal("60")
    )
    as_user(opportunity, users["bureau"]).save()
    response = client.get(reverse("resources:match"), {"opportunity": opportunity.pk})
    page = response.content.decode()
    assert [str(m.resource) for m in response.context["matches"]] == [
        "甲镇标准化厂房",
        "A-01 地块A-01",
        "B-02 地块B-02",
    ]
    assert "机器人项目" in page
    # The lead's and the opportunity's own pages open this matching.
    sources = [
        (reverse("leads:detail", args=[lead.pk]), f"?lead={lead.pk}"),
        (reverse("library:detail", args=[opportunity.pk]), f"?opportunity={opportunity.pk}"),
    ]
    for url, match in sources:
        assert f'href="{reverse("resources:match")}{match}"' in client.get(url).content.decode()
    # A reporter cannot read another unit's lead through the matching page.
    client.force_login(users["reporter_a"])
    assert client.get(reverse("resources:match"), {"lead": lead.pk}).status_code == 404
