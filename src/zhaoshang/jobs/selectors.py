"""Reading jobs: a user sees the jobs they submitted; admins see every job."""

from __future__ import annotations

from django.http import Http404

from zhaoshang.organization import access

from .models import Job


def visible_job(user, pk) -> Job:
    """The job ``pk`` if ``user`` submitted it (or is an admin); Http404 otherwise, as for a job that does not
    exist, so that job numbers reveal nothing."""
    try:
        job = Job.objects.get(pk=int(pk))
    except (Job.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    if job.created_by_id != user.pk and not access.is_admin(user):
        raise Http404
    return job
