"""The job page, its progress for htmx, its output: to the job's creator and admins only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhaoshang.jobs import runner, services
from zhaoshang.jobs.models import Job

from .test_jobs import ECHO

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.JOBS_RUN_IN_THREAD = False


@pytest.fixture
def job(users):
    return services.submit(kind=ECHO, user=users["bureau"], payload={}, file=b"abc")


def test_the_creator_sees_the_progress_bar_polled_every_second(client, users, job):
    client.force_login(users["bureau"])
    page = client.get(reverse("jobs:job", args=[job.pk])).content.decode()
    assert 'id="job-progress"' in page and 'data-status="queued"' in page
    assert f'hx-get="{reverse("jobs:progress", args=[job.pk])}"' in page and 'hx-trigger="every 1s"' in page
    assert "等待开始" in page
    Job.objects.filter(pk=job.pk).update(status="running", done=25, total=100, message="读取工作表 项目")
    bar = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert 'aria-valuenow="25"' in bar and "width: 25%" in bar and "读取工作表 项目 (25 / 100)" in bar


def test_a_finished_job_stops_polling_and_reloads_the_page(client, users, job):
    client.force_login(users["bureau"])
    runner.run_pending()
    response = client.get(reverse("jobs:progress", args=[job.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    page = client.get(reverse("jobs:job", args=[job.pk])).content.decode()
    assert 'data-status="done"' in page and "hx-get" not in page
    download = client.get(reverse("jobs:output", args=[job.pk]))
    assert b"".join(download.streaming_content) == b"ABC"
    assert "%E7%BB%93%E6%9E%9C.txt" in download["Content-Disposition"]  # 结果.txt


@pytest.mark.parametrize("role", ["reporter_a", "leader", "supervisor"])
def test_no_one_else_sees_a_job(client, users, job, role):
    runner.run_pending()
    client.force_login(users[role])
    for name in ("jobs:job", "jobs:progress", "jobs:output"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_another_bureau_member_does_not_see_it_an_admin_does(client, users, job):
    from zhaoshang.organization.models import User

    other = User.objects.create_user(username="bureau2", password="x", role="bureau", unit=users["bureau"].unit)
    client.force_login(other)
    assert client.get(reverse("jobs:job", args=[job.pk])).status_code == 404
    client.force_login(users["admin"])
    assert client.get(reverse("jobs:job", args=[job.pk])).status_code == 200


def test_login_required(client, job):
    assert client.get(reverse("jobs:job", args=[job.pk])).status_code == 302
