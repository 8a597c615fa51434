"""The bureau's transitions: numbering on publication, landed needs a visible project, illegal moves refused."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zhaoshang.library import services
from zhaoshang.library.models import Opportunity

pytestmark = pytest.mark.django_db


def test_publish_numbers_and_dates_and_refuses_illegal_moves(users, opportunities, today):
    bureau = users["bureau"]
    year = today.year
    Opportunity.objects.filter(code__startswith=f"ZS{year}-").update(code=None)
    first = services.publish(user=bureau, opportunity=opportunities["a_proposal"])
    second = services.publish(user=bureau, opportunity=opportunities["b_proposal"])
    assert (first.code, second.code) == (f"ZS{year}-001", f"ZS{year}-002")
    assert first.published_on == today and first.status == "published"
    assert first.history.first().history_user == bureau
    # Withdrawn and published again: the number stays.
    services.withdraw(user=bureau, opportunity=first)
    again = services.publish(user=bureau, opportunity=first)
    assert again.code == f"ZS{year}-001"
    with pytest.raises(ValidationError) as error:
        services.publish(user=bureau, opportunity=again)
    assert "Published" in str(error.value) or "已发布" in str(error.value)
    assert services.next_code(year) == f"ZS{year}-003"


def test_landed_requires_a_project(client, users, opportunities, make_project):
    bureau = users["bureau"]
    opportunity = opportunities["b_talks"]
    with pytest.raises(ValidationError):
        services.mark_landed(user=bureau, opportunity=opportunity, project=None)
    client.force_login(bureau)
    url = reverse("library:landed", args=[opportunity.pk])
    assert client.post(url, {}).status_code == 200  # the form asks for the project
    opportunity.refresh_from_db()
    assert opportunity.status == "in_talks" and opportunity.project is None
    project = make_project()
    assert client.post(url, {"project": project.pk}).status_code == 302
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.project) == ("landed", project)
    assert project.opportunities.get() == opportunity
    # Landed is final: no withdrawal, and the page's button says so.
    response = client.post(reverse("library:transition", args=[opportunity.pk, "withdraw"]), follow=True)
    opportunity.refresh_from_db()
    assert opportunity.status == "landed"
    assert "不能改为" in response.content.decode()
    # A proposal cannot go straight to in talks.
    with pytest.raises(ValidationError):
        services.mark_in_talks(user=bureau, opportunity=opportunities["a_proposal"])
    # Only the bureau moves an opportunity.
    with pytest.raises(services.PermissionDenied):
        services.publish(user=users["reporter_a"], opportunity=opportunities["a_proposal"])
