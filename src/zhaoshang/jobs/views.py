"""The job page with its progress bar (polled by htmx), and a finished job's output file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render

from . import registry
from .selectors import visible_job


def _result_url(job) -> str | None:
    kind = registry.get(job.kind)
    return kind.result_url(job) if job.finished and kind is not None and kind.result_url else None


@login_required
def job_page(request, pk):
    job = visible_job(request.user, pk)
    url = _result_url(job)
    if url:
        return redirect(url)
    return render(request, "jobs/job.html", {"job": job})


@login_required
def progress(request, pk):
    """The progress bar alone, for htmx to poll; once the job has ended, the page is reloaded (or the job's
    result page opened)."""
    job = visible_job(request.user, pk)
    if job.finished and request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        url = _result_url(job)
        if url:
            response["HX-Redirect"] = url
        else:
            response["HX-Refresh"] = "true"
        return response
    return render(request, "jobs/_progress.html", {"job": job})


@login_required
def output(request, pk):
    """The job's output file (e.g. the import's error file), to its creator only."""
    job = visible_job(request.user, pk)
    path = job.output_path()
    if path is None or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.output_name or path.name)
