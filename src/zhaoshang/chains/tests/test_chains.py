import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import Workbook

from zhaoshang.chains import rules, selectors, services, xlsx
from zhaoshang.chains.choices import ContactStatus
from zhaoshang.chains.models import ChainLink, IndustryChain, LocalEnterprise, TargetEnterprise
from zhaoshang.leads.models import Lead
from zhaoshang.projects import rules as project_rules
from zhaoshang.projects import services as project_services
from zhaoshang.projects.models import Project


@pytest.fixture
def chain(users, units):
    bureau = users["bureau"]
    chain = services.save_chain(user=bureau, data={"name": "新能源", "unit": units["dept"]})
    links = {}
    for name, position in (("光伏组件", "up"), ("储能装备", "mid"), ("光伏发电", "down")):
        data = {"name": name, "position": position}
        links[name] = services.save_link(user=bureau, link=ChainLink(chain=chain), data=data)
    services.save_local_enterprise(
        user=bureau, enterprise=LocalEnterprise(link=links["储能装备"]), data={"name": "本县储能科技"}
    )
    services.save_local_enterprise(
        user=bureau, enterprise=LocalEnterprise(link=links["光伏发电"]), data={"name": "本县光伏电力"}
    )
    for name, unit in (("苏州光伏组件", units["a"]), ("无锡硅片", units["b"])):
        services.save_target(
            user=bureau, target=TargetEnterprise(link=links["光伏组件"]), data={"name": name, "unit": unit}
        )
    return chain


def test_rules_agree_with_their_orm_forms(chain, make_project):
    links = list(ChainLink.objects.prefetch_related("local_enterprises"))
    assert (
        {link.pk for link in links if rules.is_gap(link)}
        == set(ChainLink.objects.filter(rules.gap_q()).values_list("pk", flat=True))
        == {ChainLink.objects.get(name="光伏组件").pk}
    )
    TargetEnterprise.objects.filter(name="无锡硅片").update(status=ContactStatus.DROPPED)
    targets = list(TargetEnterprise.objects.all())
    assert {t.pk for t in targets if rules.approaching(t)} == set(
        TargetEnterprise.objects.filter(rules.approaching_q()).values_list("pk", flat=True)
    )
    # The ledger's chain rule, which the chain page and the ledger's filter both use.
    for value in ("新能源", "新能源·储能装备", "新能源汽车", "新材料·新能源", ""):
        make_project(industry_chain=value)
    for chain_name, link in (("新能源", None), ("新能源", "储能装备"), ("新材料", None)):
        by_python = {p.pk for p in Project.objects.all() if project_rules.on_chain(p.industry_chain, chain_name, link)}
        by_orm = set(Project.objects.filter(project_rules.on_chain_q(chain_name, link)).values_list("pk", flat=True))
        assert by_python == by_orm
    assert Project.objects.filter(project_rules.on_chain_q("新能源")).count() == 2  # not 新能源汽车
    assert project_rules.chain_of("新能源·储能装备") == "新能源"


def test_chain_page_lists_links_gaps_targets_and_projects_with_totals(client, chain, users, units, make_project):
    signed = (("P1", "新能源·储能装备", "1000"), ("P2", "新能源", "500"), ("P3", "新材料·锂电", "900"))
    for code, link, amount in signed:
        project = make_project(code=code, industry_chain=link)
        day = project.created_at.date()
        project_services.record_stage(
            user=users["bureau"], project=project, stage="signed", date=day, amount=Decimal(amount)
        )
    view = selectors.chain_view(chain, users["bureau"])
    assert [item.link.name for item in view["gaps"]] == ["光伏组件"]
    assert sorted(p.code for p in view["projects"]) == ["P1", "P2"] and view["contract_total"] == Decimal("1500")
    storage = next(item for item in view["links"] if item.link.name == "储能装备")
    assert [p.code for p in storage.projects] == ["P1"]
    client.force_login(users["reporter_b"])
    page = client.get(chain.get_absolute_url()).content.decode()
    assert "光伏组件" in page and "苏州光伏组件" in page and 'id="chain-tree"' in page
    gaps = client.get(reverse("chains:gaps")).content.decode()
    assert "光伏组件" in gaps and "苏州光伏组件" in gaps and "储能装备" not in gaps
    listed = client.get(reverse("chains:list"))
    row = next(c for c in listed.context["chains"] if c.pk == chain.pk)
    assert (row.link_count, row.local_count, row.gap_count, row.target_count) == (3, 2, 1, 2)
    by_name = client.get(reverse("chains:by_name", args=["新能源"]))
    assert by_name.status_code == 302 and by_name["Location"] == chain.get_absolute_url()


def test_the_bureau_plans_a_unit_approaches_its_target_and_makes_it_a_lead(client, chain, users, units):
    mine = TargetEnterprise.objects.get(name="苏州光伏组件")
    theirs = TargetEnterprise.objects.get(name="无锡硅片")
    client.force_login(users["reporter_a"])
    assert client.post(reverse("chains:add", args=[chain.pk, "link"]), {"link-name": "逆变器"}).status_code == 403
    assert client.get(reverse("chains:create")).status_code == 403
    blocked = client.post(reverse("chains:contact", args=[theirs.pk]), {f"t{theirs.pk}-status": "visited"})
    assert blocked.status_code == 404
    with pytest.raises(PermissionDenied):
        services.to_lead(user=users["reporter_a"], target=theirs)
    client.post(
        reverse("chains:contact", args=[mine.pk]),
        {f"t{mine.pk}-status": "visited", f"t{mine.pk}-contact_note": "赴苏州拜访"},
    )
    mine.refresh_from_db()
    assert (mine.status, mine.contact_note, mine.updated_by) == ("visited", "赴苏州拜访", users["reporter_a"])
    assert mine.history.first().history_user == users["reporter_a"]
    response = client.post(reverse("chains:to_lead", args=[mine.pk]))
    lead = Lead.objects.get(company="苏州光伏组件")
    assert response["Location"] == lead.get_absolute_url()
    assert (lead.unit, lead.owner) == (units["a"], users["reporter_a"]) and "光伏组件" in lead.description
    mine.refresh_from_db()
    assert mine.lead == lead
    with pytest.raises(ValidationError):
        services.to_lead(user=users["reporter_a"], target=mine)
    api = client.get("/api/chain-targets/").json()
    assert {row["name"] for row in api["results"]} == {"苏州光伏组件", "无锡硅片"}  # everyone reads the plan
    assert client.get("/api/chains/").json()["results"][0]["name"] == "新能源"


def test_plan_xlsx_round_trip_and_a_bad_row_writes_nothing(chain, users):
    exported = xlsx.plan_workbook([chain])
    IndustryChain.objects.all().delete()
    assert xlsx.import_plan(user=users["bureau"], data=exported) == 4  # a row per enterprise
    again = IndustryChain.objects.get(name="新能源")
    assert [(link.name, link.position) for link in again.links.order_by("order", "pk")] == [
        ("光伏组件", "up"),
        ("储能装备", "mid"),
        ("光伏发电", "down"),
    ]
    assert set(LocalEnterprise.objects.values_list("name", flat=True)) == {"本县储能科技", "本县光伏电力"}
    assert TargetEnterprise.objects.get(name="无锡硅片").unit.code == "T02"
    book = Workbook()
    book.active.append(["产业链", "环节", "位置", "类别", "企业"])
    book.active.append(["新材料", "锂电材料", "上游", "本地企业", "本县锂电"])
    book.active.append(["新材料", "电解液", "侧面", "目标企业", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(xlsx.ImportFailed) as failure:
        xlsx.import_plan(user=users["bureau"], data=buffer.getvalue())
    assert {(e.row, e.column) for e in failure.value.errors} == {(3, "位置"), (3, "企业")}
    assert not IndustryChain.objects.filter(name="新材料").exists()
    with pytest.raises(PermissionDenied):
        xlsx.import_plan(user=users["reporter_a"], data=exported)
