"""Pages of the Excel import and export. The work is done by importer/exporter; views only check who may
do it, take the upload, and hand back files."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.core import clock
from zhaoshang.jobs.models import Job, JobStatus
from zhaoshang.jobs.selectors import visible_job
from zhaoshang.jobs.services import submit
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit
from zhaoshang.projects.views import filtered_ledger
from zhaoshang.targets.models import Period, Scheme

from . import columns, exporter, import_jobs, scheme_xlsx
from .persons_import import PERSONS_MODES, PERSONS_TEXT
from .templates_xlsx import build_template

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """An .xlsx download; the Chinese file name travels as RFC 5987 ``filename*``."""
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _check_importer(user) -> None:
    if not access.edits_everything(user):
        raise PermissionDenied


def _upload_error(upload) -> str:
    if upload is None:
        return _("Choose an Excel file (.xlsx) to upload.")
    if not upload.name.lower().endswith(".xlsx"):
        return _("Only Excel .xlsx files can be imported; save the file as .xlsx and try again.")
    return size_error(upload)


def size_error(upload) -> str:
    """What is wrong with an uploaded file's size (too large, empty), or ""; the page names the format itself."""
    if upload.size > MAX_UPLOAD_BYTES:
        return _("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
    if upload.size == 0:
        return _("The file is empty.")
    return ""


def _summary(result) -> list[dict]:
    rows = []
    for sheet in columns.DATA_SHEETS:
        if sheet in result.sheets:
            rows.append({"sheet": sheet, **result.counts[sheet]})
    return rows


SESSION_STAGED = "transfer_staged_import"


def _staging_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stage(request, data: bytes, name: str) -> str:
    """Keep a file being checked, so that "Import" after a clean check needs no second upload (issue 12). One
    per user session; the file's SHA-256 is kept with it and checked before importing, and so is the check's
    job, which must have ended without errors."""
    _drop_staged(request)
    token = secrets.token_hex(16)
    (_staging_dir() / f"{token}.xlsx").write_bytes(data)
    request.session[SESSION_STAGED] = {"token": token, "name": name, "sha256": hashlib.sha256(data).hexdigest()}
    return token


def _drop_staged(request) -> None:
    staged = request.session.pop(SESSION_STAGED, None)
    if staged:
        (_staging_dir() / f"{staged['token']}.xlsx").unlink(missing_ok=True)


def _staged_file(request) -> tuple[bytes, str] | None:
    """The staged file named by the form, if its check ended without errors and the file is unchanged."""
    staged = request.session.get(SESSION_STAGED)
    if not staged or request.POST.get("staged") != staged["token"]:
        return None
    check = Job.objects.filter(pk=staged.get("job"), kind=import_jobs.KIND, created_by=request.user).first()
    if check is None or check.status != JobStatus.DONE or not import_jobs.KeptResult.of(check).ok:
        return None
    path = _staging_dir() / f"{staged['token']}.xlsx"
    if not path.exists():
        return None
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != staged["sha256"]:
        return None
    return data, staged["name"]


def _persons_mode(request) -> str:
    """How the file's names reach the register of persons; a form without the choice keeps them as text."""
    mode = request.POST.get("persons", PERSONS_TEXT)
    return mode if mode in PERSONS_MODES else PERSONS_TEXT


def _import_job(request) -> Job:
    job = visible_job(request.user, request.GET.get("job"))
    if job.kind != import_jobs.KIND:
        raise Http404
    return job


def _job_context(request, job: Job) -> dict:
    """The page for an import job: its progress while it runs, then its result as the page showed it."""
    payload = job.payload
    context = {"job": job, "file_name": payload.get("name", ""), "persons": payload.get("persons", PERSONS_TEXT)}
    if job.status != JobStatus.DONE:
        return context
    result = import_jobs.KeptResult.of(job)
    context.update(result=result, summary=_summary(result))
    staged = request.session.get(SESSION_STAGED)
    if staged and staged.get("job") == job.pk:
        if result.ok:
            context["staged"] = staged["token"]
        else:  # a file with errors is not kept
            _drop_staged(request)
    return context


@login_required
def import_page(request):
    """Upload, then a background job checks (``validate``) or imports the file; the page follows the job
    (``?job=``) with a progress bar until it shows the result."""
    _check_importer(request.user)
    context = {"result": None, "upload_error": "", "summary": [], "staged": "", "job": None}
    if request.method != "POST":
        if request.GET.get("job"):
            context.update(_job_context(request, _import_job(request)))
        return render(request, "transfer/import.html", context)
    persons = _persons_mode(request)
    if request.POST.get("action") == "import_staged":
        found = _staged_file(request)
        if found is None:
            context["upload_error"] = _("The validated file is no longer available: choose it again.")
            return render(request, "transfer/import.html", context)
        data, name = found
        dry_run = False
        _drop_staged(request)
    else:
        upload = request.FILES.get("file")
        context["upload_error"] = _upload_error(upload)
        if context["upload_error"]:
            return render(request, "transfer/import.html", context)
        data, name = b"".join(upload.chunks()), upload.name
        dry_run = request.POST.get("action") != "import"
    payload = {"dry_run": dry_run, "persons": persons, "name": name, "language": get_language()}
    job = submit(kind=import_jobs.KIND, user=request.user, payload=payload, file=data, suffix=".xlsx")
    if dry_run:
        _stage(request, data, name)
        request.session[SESSION_STAGED] = {**request.session[SESSION_STAGED], "job": job.pk}
    return redirect(f"{reverse('transfer:import')}?job={job.pk}")


@login_required
def import_errors(request):
    """An import job's errors as an .xlsx file (``?job=``), to the user who ran it."""
    _check_importer(request.user)
    job = _import_job(request)
    path = job.output_path()
    if path is None or not path.is_file():
        raise Http404
    return xlsx_response(path.read_bytes(), job.output_name or import_jobs.ERROR_FILE_NAME)


@login_required
def template_download(request):
    """The blank template; its 单位 sheet lists the units the user may see."""
    return xlsx_response(build_template(_listed_units(request.user)), "招商数据导入模板.xlsx")


def _listed_units(user):
    """The units the template and the export list in their 单位 sheet: the active ones the user may see."""
    return Unit.objects.restrict(user, "view").filter(active=True).order_by("code")


@login_required
def export_ledger(request):
    """The ledger as the user sees it on the ledger page: the same filters, the same permission rule."""
    _filterset, queryset = filtered_ledger(request)
    # Rows ticked on the ledger page (issue 12): only those, still within what the user may see.
    selected = [int(pk) for pk in request.GET.getlist("selected") if pk.isdigit()]
    if request.GET.get("only_selected") and not selected:
        messages.error(request, _("Tick the projects to export first."))
        return redirect("projects:ledger")
    if selected:
        queryset = queryset.filter(pk__in=selected)
    filename = f"项目台账_{clock.today():%Y-%m-%d}.xlsx"
    return xlsx_response(exporter.export_ledger(queryset, _listed_units(request.user)), filename)


@login_required
def scheme_export(request, pk):
    """A period's scoring scheme as the sheets 评分方案 and 评分细则."""
    if not access.edits_everything(request.user):
        raise PermissionDenied
    period = get_object_or_404(Period, pk=pk)
    if not Scheme.objects.filter(period=period).exists():
        raise Http404
    return xlsx_response(scheme_xlsx.export_scheme(period), f"评分细则_{period.code}.xlsx")


@login_required
@require_POST
def scheme_import(request, pk):
    """Replace a period's scheme by an uploaded 评分细则 sheet, all or nothing; the errors name row and column."""
    if not access.edits_everything(request.user):
        raise PermissionDenied
    period = get_object_or_404(Period, pk=pk)
    upload = request.FILES.get("file")
    if upload is None or upload.size > MAX_UPLOAD_BYTES:
        messages.error(request, _("Choose an .xlsx file to import."))
        return redirect("targets:scheme_edit", period.pk)
    errors = scheme_xlsx.import_scheme(upload, user=request.user, period=period)
    if errors:
        messages.error(request, _("Nothing was imported: the file has %(count)s errors.") % {"count": len(errors)})
        for error in errors[:20]:
            messages.error(request, str(error))
    else:
        messages.success(request, _("Scoring scheme imported."))
    return redirect("targets:scheme_edit", period.pk)
