"""The permission rule: a reporter reads every unit's catalogue but only their unit's proposals, and changes only
their unit's proposals; the bureau's transitions are the bureau's. Pages and API."""

import pytest
from django.urls import reverse

from zhaoshang.library.models import Opportunity

pytestmark = pytest.mark.django_db


def _form_data(unit, title):
    return {"title": title, "unit": unit.pk, "industry": "C", "investment": "1200", "land_area": "30"}


def test_reporter_b_reads_a_catalogue_not_a_proposals_and_changes_neither(client, users, units, opportunities):
    published, proposal = opportunities["a_published"], opportunities["a_proposal"]
    client.force_login(users["reporter_b"])
    page = client.get(reverse("library:list")).content.decode()
    assert "甲镇已发布项目" in page and "乙乡提报项目" in page and "甲镇提报项目" not in page
    assert client.get(reverse("library:detail", args=[published.pk])).status_code == 200
    assert client.get(reverse("library:detail", args=[proposal.pk])).status_code == 404
    for target in (published, proposal):
        assert client.get(reverse("library:edit", args=[target.pk])).status_code == 404
        response = client.post(reverse("library:edit", args=[target.pk]), _form_data(units["b"], "改名"))
        assert response.status_code == 404
    assert not Opportunity.objects.filter(title="改名").exists()
    # Not the bureau: no transitions, even of their own unit's proposal.
    own = opportunities["b_proposal"]
    assert client.post(reverse("library:transition", args=[own.pk, "publish"])).status_code == 403
    assert client.get(reverse("library:landed", args=[own.pk])).status_code == 403
    own.refresh_from_db()
    assert own.status == "proposed" and own.code is None

    # API: the same rows.
    titles = {row["title"] for row in client.get("/api/opportunities/").json()["results"]}
    assert titles == {"甲镇已发布项目", "乙乡提报项目", "乙乡洽谈项目"}
    assert client.get(f"/api/opportunities/{proposal.pk}/").status_code == 404
    assert client.get(f"/api/opportunities/{published.pk}/").status_code == 200
    patched = client.patch(f"/api/opportunities/{own.pk}/", {"title": "x"}, content_type="application/json")
    assert patched.status_code in (403, 405)
    client.force_login(users["bureau"])
    assert len(client.get("/api/opportunities/").json()["results"]) == 4


def test_reporter_proposes_for_own_unit_and_edits_own_proposal(client, users, units, opportunities):
    client.force_login(users["reporter_b"])
    response = client.post(reverse("library:create"), _form_data(units["a"], "越权提报"))
    assert response.status_code == 200 and not Opportunity.objects.filter(title="越权提报").exists()
    response = client.post(reverse("library:create"), _form_data(units["b"], "乙乡新提报"))
    assert response.status_code == 302
    created = Opportunity.objects.get(title="乙乡新提报")
    assert (created.unit, created.status, created.proposed_by) == (units["b"], "proposed", users["reporter_b"])
    assert created.history.first().history_user == users["reporter_b"]
    own = opportunities["b_proposal"]
    response = client.post(reverse("library:edit", args=[own.pk]), _form_data(units["b"], "乙乡提报项目（修改）"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.title == "乙乡提报项目（修改）"
    # Out of bounds: the form refuses a negative or huge investment.
    response = client.post(reverse("library:edit", args=[own.pk]), {**_form_data(units["b"], "x"), "investment": "-1"})
    assert response.status_code == 200
    response = client.post(
        reverse("library:edit", args=[own.pk]), {**_form_data(units["b"], "x"), "investment": "1e20"}
    )
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.title == "乙乡提报项目（修改）"
    # A published one of their own unit is the bureau's to change.
    assert client.get(reverse("library:edit", args=[opportunities["b_talks"].pk])).status_code == 404
    # The bureau edits any opportunity.
    client.force_login(users["bureau"])
    assert client.get(reverse("library:edit", args=[opportunities["a_published"].pk])).status_code == 200
