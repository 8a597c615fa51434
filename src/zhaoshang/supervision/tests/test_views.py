"""Every page as every role: supervisors write, bureau and leaders read, a reporter sees only their own
unit's results and items (another unit's: 404), leaders get 403 on writes."""

from __future__ import annotations

import pytest

from zhaoshang.supervision import services
from zhaoshang.supervision.models import Rectification, SupervisionBatch, Verification

from .support import Q3_END, Q3_START, D, receipt

pytestmark = pytest.mark.django_db
READERS = ("admin", "bureau", "leader", "supervisor")


@pytest.fixture
def item(users, batch, ledger):
    """A rejection of P1's 300 (T01's project): a rectification item for T01."""
    services.verify(
        user=users["supervisor"], batch=batch, receipt=receipt(ledger["P1"], "300"), result="rejected", comment="无回单"
    )
    return Rectification.objects.get()


def as_user(client, users, name):
    client.force_login(users[name])
    return client


def test_anonymous_users_are_sent_to_log_in(client, batch, item):
    for url in (
        "/supervision/",
        "/supervision/batches/",
        f"/supervision/batches/{batch.pk}/",
        f"/supervision/rectifications/{item.pk}/",
        "/supervision/verifications/",
        "/assessment/water/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_home_sends_reporters_to_their_items(client, users):
    assert as_user(client, users, "reporter_a").get("/supervision/")["Location"] == "/supervision/rectifications/"
    assert as_user(client, users, "leader").get("/supervision/")["Location"] == "/supervision/batches/"


def test_batch_list(client, users, batch):
    for name in READERS:
        response = as_user(client, users, name).get("/supervision/batches/")
        assert response.status_code == 200 and batch.name in response.content.decode()
        assert response.context["can_create"] == (name in {"admin", "supervisor"})
    assert as_user(client, users, "reporter_a").get("/supervision/batches/").status_code == 302


def test_batch_create_page_and_post(client, users, ledger):
    for name in ("bureau", "leader", "reporter_a"):
        assert as_user(client, users, name).get("/supervision/batches/new/").status_code == 403
        assert as_user(client, users, name).post("/supervision/batches/new/", {}).status_code == 403
    page = as_user(client, users, "supervisor").get("/supervision/batches/new/")
    assert page.status_code == 200 and page.context["form"].initial["method"] == "threshold"
    response = client.post(
        "/supervision/batches/new/",
        {"name": "抽查", "start": Q3_START, "end": Q3_END, "method": "sample", "sample_size": "2", "seed": "99"},
    )
    batch = SupervisionBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/supervision/batches/{batch.pk}/"
    assert (batch.seed, batch.projects.count(), batch.created_by) == (99, 2, users["supervisor"])
    invalid = client.post("/supervision/batches/new/", {"start": Q3_START, "end": Q3_END, "method": "units"})
    assert invalid.status_code == 200 and invalid.context["form"].errors["units"]


def test_batch_detail(client, users, batch, item, django_assert_max_num_queries):
    for name in READERS:
        response = as_user(client, users, name).get(f"/supervision/batches/{batch.pk}/")
        assert response.status_code == 200
        assert response.context["can_verify"] == (name in {"admin", "supervisor"})
    html = response.content.decode()
    assert f'id="row-receipt-{item.receipt_id}"' in html and 'data-result="rejected"' in html
    assert f"/supervision/rectifications/{item.pk}/" in html
    for name in ("reporter_a", "reporter_b"):
        assert as_user(client, users, name).get(f"/supervision/batches/{batch.pk}/").status_code == 404
    as_user(client, users, "supervisor")
    with django_assert_max_num_queries(30):
        client.get(f"/supervision/batches/{batch.pk}/")


def test_verify_post(client, users, batch, ledger):
    subject = receipt(ledger["P1"], "500")
    data = {"kind": "receipt", "object_id": subject.pk, "result": "confirmed", "page": "1"}
    assert (
        as_user(client, users, "reporter_a").post(f"/supervision/batches/{batch.pk}/verify/", data).status_code == 404
    )
    for name in ("leader", "bureau"):
        assert as_user(client, users, name).post(f"/supervision/batches/{batch.pk}/verify/", data).status_code == 403
    assert not Verification.objects.exists()
    response = as_user(client, users, "supervisor").post(f"/supervision/batches/{batch.pk}/verify/", data)
    assert response.status_code == 302
    assert response["Location"] == f"/supervision/batches/{batch.pk}/?page=1#row-receipt-{subject.pk}"
    assert Verification.objects.get().result == "confirmed"
    # A rejection without a comment is refused with a message and changes nothing.
    refused = client.post(
        f"/supervision/batches/{batch.pk}/verify/", {**data, "result": "rejected", "comment": ""}, follow=True
    )
    assert Verification.objects.count() == 1
    assert [m.level_tag for m in refused.context["messages"]][-1] == "error"
    adjusted = {**data, "result": "adjusted", "amount": "450", "date": "", "comment": "回单450万"}
    client.post(f"/supervision/batches/{batch.pk}/verify/", adjusted)
    latest = Verification.objects.order_by("-id").first()
    assert (latest.result, latest.adjusted_amount, latest.verified_by) == ("adjusted", D("450"), users["supervisor"])
    assert Rectification.objects.get().unit.code == "T01"


def test_batch_status(client, users, batch):
    url = f"/supervision/batches/{batch.pk}/status/"
    assert as_user(client, users, "reporter_a").post(url, {"status": "closed"}).status_code == 404
    assert as_user(client, users, "leader").post(url, {"status": "closed"}).status_code == 403
    assert as_user(client, users, "supervisor").post(url, {"status": "closed"}).status_code == 302
    batch.refresh_from_db()
    assert batch.status == "closed"
    response = client.get(f"/supervision/batches/{batch.pk}/")
    assert response.context["can_verify"] is False


def test_rectification_list(client, users, item):
    for name in (*READERS, "reporter_a"):
        response = as_user(client, users, name).get("/supervision/rectifications/")
        assert response.status_code == 200 and list(response.context["page"]) == [item], name
    assert list(as_user(client, users, "reporter_b").get("/supervision/rectifications/").context["page"]) == []
    filtered = as_user(client, users, "supervisor").get("/supervision/rectifications/?status=closed")
    assert list(filtered.context["page"]) == []


def test_rectification_detail(client, users, item):
    for name in (*READERS, "reporter_a"):
        response = as_user(client, users, name).get(f"/supervision/rectifications/{item.pk}/")
        assert response.status_code == 200
        assert response.context["can_submit"] == (name in {"reporter_a", "admin"})
        assert response.context["can_review"] is False  # nothing submitted yet
    assert as_user(client, users, "reporter_b").get(f"/supervision/rectifications/{item.pk}/").status_code == 404
    html = as_user(client, users, "reporter_a").get(f"/supervision/rectifications/{item.pk}/").content.decode()
    assert 'id="explanation-form"' in html and "无回单" in html


def test_rectification_submit_and_review(client, users, item):
    submit = f"/supervision/rectifications/{item.pk}/submit/"
    review = f"/supervision/rectifications/{item.pk}/review/"
    deadline = f"/supervision/rectifications/{item.pk}/deadline/"
    assert as_user(client, users, "reporter_b").post(submit, {"explanation": "x"}).status_code == 404
    for name in ("leader", "bureau"):
        assert as_user(client, users, name).post(submit, {"explanation": "x"}).status_code == 403
    assert as_user(client, users, "reporter_a").post(submit, {"explanation": "已补交回单"}).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.submitted_by) == ("submitted", users["reporter_a"])
    for name in ("reporter_a", "leader", "bureau"):
        assert as_user(client, users, name).post(review, {"decision": "close"}).status_code == 403
        assert as_user(client, users, name).post(deadline, {"deadline": "2099-01-01"}).status_code == 403
    for url in (review, deadline):
        assert as_user(client, users, "reporter_b").post(url, {"decision": "close"}).status_code == 404
    page = as_user(client, users, "supervisor").get(f"/supervision/rectifications/{item.pk}/")
    assert page.context["can_review"] is True
    assert client.post(deadline, {"deadline": "2099-01-01"}).status_code == 302
    assert client.post(review, {"decision": "close", "comment": "已核实"}).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.reviewed_by, str(item.deadline)) == ("closed", users["supervisor"], "2099-01-01")
    history = client.get(f"/supervision/rectifications/{item.pk}/").context["history"]
    assert {entry.who.username for entry in history} == {"supervisor", "reporter_a"}


def test_verification_list(client, users, batch, item, ledger):
    services.verify(user=users["supervisor"], batch=batch, receipt=receipt(ledger["P2"], "400"), result="confirmed")
    for name in READERS:
        assert len(as_user(client, users, name).get("/supervision/verifications/").context["page"]) == 2
    mine = [
        v.project.code for v in as_user(client, users, "reporter_a").get("/supervision/verifications/").context["page"]
    ]
    theirs = [
        v.project.code for v in as_user(client, users, "reporter_b").get("/supervision/verifications/").context["page"]
    ]
    assert (mine, theirs) == (["P1"], ["P2"])
    rejected = as_user(client, users, "leader").get("/supervision/verifications/?result=rejected")
    assert [v.result for v in rejected.context["page"]] == ["rejected"]


def test_water_pages(client, users, batch, period, item):
    for name in READERS:
        assert as_user(client, users, name).get(f"/assessment/water/?batch={batch.pk}").status_code == 200
        assert as_user(client, users, name).get(f"/assessment/water.xlsx?batch={batch.pk}").status_code == 200
    for name in ("reporter_a", "reporter_b"):
        assert as_user(client, users, name).get(f"/assessment/water/?batch={batch.pk}").status_code == 404
        assert as_user(client, users, name).get(f"/assessment/water.xlsx?batch={batch.pk}").status_code == 404
    own = as_user(client, users, "reporter_a").get(f"/assessment/water/?period={period.pk}&as_of=2026-09-30")
    assert [w.unit.code for w in own.context["units"]] == ["T01"]
    assert as_user(client, users, "leader").get("/assessment/water/").status_code == 200
    assert client.get("/assessment/water.xlsx").status_code == 404
    assert client.get("/assessment/water/?period=999999").status_code == 404
    assert client.get(f"/assessment/water/?period={period.pk}&as_of=nonsense").status_code == 400  # issue 11


def test_batch_detail_queries_do_not_grow_with_verifications(client, users, batch, ledger):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    as_user(client, users, "supervisor")

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"/supervision/batches/{batch.pk}/").status_code == 200
        return len(context.captured_queries)

    services.verify(user=users["supervisor"], batch=batch, receipt=receipt(ledger["P1"], "500"), result="confirmed")
    before = count()
    for amount in ("300", "500"):
        services.verify(
            user=users["supervisor"], batch=batch, receipt=receipt(ledger["P1"], amount), result="rejected", comment="x"
        )
    services.verify(user=users["supervisor"], batch=batch, receipt=receipt(ledger["P2"], "400"), result="confirmed")
    assert count() == before


def test_old_water_links_arrive_at_the_report(client, users, batch):
    """The 水分 report moved under the assessment; bookmarks of its old address still reach it."""
    leader = as_user(client, users, "leader")
    page = leader.get(f"/supervision/water/?batch={batch.pk}")
    assert (page.status_code, page["Location"]) == (302, f"/assessment/water/?batch={batch.pk}")
    download = leader.get(f"/supervision/water.xlsx?batch={batch.pk}")
    assert (download.status_code, download["Location"]) == (302, f"/assessment/water.xlsx?batch={batch.pk}")
