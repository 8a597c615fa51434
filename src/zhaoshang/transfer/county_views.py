"""Pages of a county's own sheet (issue 15): upload, the mapping screen, and the check and import that follow.

The work is county_import's; these views take the upload, keep it while the user maps its columns, save the mapping
and the names the user confirms, and start the check and the import. Bureau staff only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from zhaoshang.core import clock
from zhaoshang.core.templatetags.dates import precise_date
from zhaoshang.core.views import flash_errors
from zhaoshang.jobs.selectors import visible_job
from zhaoshang.organization import access
from zhaoshang.organization.aliases import confirm_alias
from zhaoshang.organization.models import Unit
from zhaoshang.persons.aliases import confirm_alias as confirm_person_alias
from zhaoshang.persons.models import Person
from zhaoshang.projects.choices import CapitalType, Kind

from . import columns as c
from . import source_fields as sf
from .columns import normalise_header
from .county_import import PREVIEW_ROWS, CountyReader, Mapping, find_sheet, saved_mapping_for
from .county_jobs import KIND, start_county_import
from .errors import RowError
from .mappings import get_mapping, list_mappings, mapping_json, save_mapping
from .parsing import precision_of
from .persons_import import PERSONS_MODES, PERSONS_TEXT
from .sources import SourceUnreadable, open_source
from .views import size_error

SOURCE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
SESSION_KEY = "transfer_county_files"
SCALES = ("", "亿元", "万元", "元", "万美元")


def _check(user) -> None:
    if not access.edits_everything(user):
        raise PermissionDenied


def _dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports" / "county"
    path.mkdir(parents=True, exist_ok=True)
    return path


KEEP_SECONDS = 2 * 24 * 3600  # an upload left on the mapping screen is removed after two days


def _prune(folder: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def stage_upload(request, data: bytes, name: str) -> str:
    """Keep an uploaded county file while its columns are mapped; only the uploader's session can reach it."""
    _prune(_dir())
    token = secrets.token_hex(16)
    (_dir() / f"{token}.bin").write_bytes(data)
    meta = {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "user": request.user.pk}
    (_dir() / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    tokens = request.session.get(SESSION_KEY, [])[-4:]  # a few at a time; older ones are dropped
    request.session[SESSION_KEY] = [*tokens, token]
    return token


def staged_upload(request, token: str) -> tuple[bytes, str]:
    """The file kept under ``token`` for this user's session (404 for anyone else, or a changed file)."""
    if token not in request.session.get(SESSION_KEY, []) or not token.isalnum():
        raise Http404
    try:
        meta = json.loads((_dir() / f"{token}.json").read_text(encoding="utf-8"))
        data = (_dir() / f"{token}.bin").read_bytes()
    except (OSError, ValueError):
        raise Http404 from None
    if meta.get("user") != request.user.pk or hashlib.sha256(data).hexdigest() != meta.get("sha256"):
        raise Http404
    return data, meta["name"]


def _upload_error(upload) -> str:
    if upload is None:
        return _("Choose the county's sheet to upload (.xlsx, .xls or .csv).")
    if not upload.name.lower().endswith(SOURCE_SUFFIXES):
        return _("Only .xlsx, .xls and .csv files can be read.")
    return size_error(upload)


@login_required
def county_upload(request):
    _check(request.user)
    context = {"upload_error": "", "mappings": list_mappings()}
    if request.method == "POST":
        upload = request.FILES.get("file")
        context["upload_error"] = _upload_error(upload)
        if not context["upload_error"]:
            token = stage_upload(request, b"".join(upload.chunks()), upload.name)
            url = reverse("transfer:county_mapping", args=[token])
            if request.POST.get("mapping"):
                url += "?" + urlencode({"mapping": request.POST["mapping"]})
            return redirect(url)
    return render(request, "transfer/county_upload.html", context)


def mapping_from_post(post, layout, base: Mapping) -> Mapping:
    """The mapping as the user set it on the screen: a field and a unit per column, and the options."""
    columns = dict(base.columns)
    for column in layout.columns:
        key = post.get(f"field_{column.position}")
        if key is None:
            continue
        key = key if key in sf.FIELDS else ""
        scale = post.get(f"scale_{column.position}", "")
        columns[normalise_header(column.header)] = (key, scale if scale in SCALES else "")
    mapping = Mapping(columns=columns, name=post.get("mapping_name", "").strip()[:100])
    as_of = post.get("as_of", "").strip()
    if as_of:
        try:
            mapping.as_of = dt.date.fromisoformat(as_of)
        except ValueError:
            mapping.as_of = None
    unit = post.get("default_unit", "")
    mapping.default_unit = unit if Unit.objects.filter(code=unit).exists() else ""
    kind = post.get("default_kind", "")
    mapping.default_kind = kind if kind in Kind.values else Kind.INDUSTRIAL
    capital = post.get("default_capital", "")
    mapping.default_capital = capital if capital in CapitalType.values else CapitalType.DOMESTIC
    return mapping


def _confirm_aliases(request) -> int:
    """The names the user matched to units (or persons) on the screen, recorded as aliases (remembered from now on)."""
    confirmed = 0
    for key, value in request.POST.items():
        if key.startswith("alias_unit_") and value:
            target = Unit.objects.filter(code=value).first()
            name = request.POST.get("alias_name_" + key.removeprefix("alias_unit_"), "").strip()
            confirm = partial(confirm_alias, unit=target)
        elif key.startswith("alias_person_") and value.isdigit():
            target = Person.objects.filter(pk=int(value)).first()
            name = request.POST.get("alias_name_" + key.removeprefix("alias_person_"), "").strip()
            confirm = partial(confirm_person_alias, person=target)
        else:
            continue
        if not name or target is None:
            continue
        try:
            confirm(alias=name, user=request.user)
        except ValidationError as error:
            flash_errors(request, error)
            continue
        confirmed += 1
    return confirmed


@login_required
def county_mapping(request, token: str):
    """The mapping screen: each column of the sheet, the field it fills (changeable), the first rows as they will be
    read, and the names to confirm. Reads only the first rows: the whole file is read by the check."""
    _check(request.user)
    data, name = staged_upload(request, token)
    try:
        book = open_source(data, name)
    except SourceUnreadable as error:
        messages.error(request, str(error))
        return redirect("transfer:county")
    try:
        sheet = request.POST.get("sheet") or request.GET.get("sheet") or None
        if sheet is not None and sheet not in book.sheet_names:
            sheet = None
        layout, passed_over = find_sheet(book, sheet)
        if layout is None:
            for reason in passed_over:
                messages.error(request, reason)
            messages.error(request, _("No sheet of the file has a header row with the project's name."))
            return redirect("transfer:county")
        saved_name = request.POST.get("mapping") or request.GET.get("mapping") or ""
        saved = get_mapping(saved_name) if saved_name else None
        base = (
            Mapping.from_json(mapping_json(saved)) if saved else (saved_mapping_for(layout) or Mapping.proposed(layout))
        )
        mapping = mapping_from_post(request.POST, layout, base) if request.method == "POST" else base
        action = request.POST.get("action", "")
        if action == "confirm_aliases":
            count = _confirm_aliases(request)
            if count:
                messages.success(request, _("%(count)s names recorded.") % {"count": count})
        if action in ("save", "check", "import") and mapping.name:
            try:
                save_mapping(name=mapping.name, mapping=mapping.as_json(), user=request.user)
            except ValidationError as error:
                flash_errors(request, error)
                action = "preview"
            else:
                if action == "save":
                    messages.success(request, _("Mapping “%(name)s” saved.") % {"name": mapping.name})
        if action in ("check", "import"):
            persons = request.POST.get("persons", PERSONS_TEXT)
            return _start(request, token, mapping, layout.sheet, dry_run=action == "check", persons=persons)
        reader = CountyReader(book, layout, mapping, today=clock.today())
        reader.read(limit=PREVIEW_ROWS)
    finally:
        book.close()
    context = {
        "token": token,
        "file_name": name,
        "sheet_names": book.sheet_names,
        "layout": layout,
        "mapping": mapping,
        "columns": _column_rows(layout, mapping, reader),
        "fields": sf.SOURCE_FIELDS,
        "scales": SCALES,
        "sheet": reader.sheet,
        "preview": preview_rows(reader.sheet),
        "errors": list(reader.errors),
        "units": Unit.objects.filter(active=True).order_by("code"),
        "kinds": Kind.choices,
        "capitals": CapitalType.choices,
        "mappings": list_mappings(),
        "persons_modes": PERSONS_MODES,
    }
    return render(request, "transfer/county_mapping.html", context)


def _column_rows(layout, mapping: Mapping, reader: CountyReader) -> list[dict]:
    samples = {row["row"]: row["values"] for row in reader.sheet.samples}
    rows = []
    for column in layout.columns:
        key, scale = mapping.field_of(column.header)
        rows.append(
            {
                "column": column,
                "field": "" if column.row_number else key,
                "scale": scale or column.scale_text,
                "samples": [values[column.position] for values in samples.values() if column.position < len(values)][
                    :3
                ],
            }
        )
    return rows


def preview_rows(sheet) -> list[dict]:
    """The first rows as the import will write them: amounts in 万元, dates at their precision, units by name."""
    names = dict(Unit.objects.values_list("code", "name"))
    rows = []
    for project in sheet.preview:
        rows.append(
            {
                "row": project.row,
                "code": project.code,
                "name": project.name,
                "investor": project.investor,
                "planned": project.planned,
                "contract": project.contract,
                "dates": [
                    (c.STAGE_DATE_HEADERS[stage], precise_date(day, precision_of(day)))
                    for stage, day in project.dates.items()
                ],
                "credits": [
                    names.get(code, code) + ("" if share == 100 else f" {share.normalize():f}%")
                    for code, share in project.credits
                ],
                "opening": sheet.opening.get(project.code),
                "progress": project.fields.get("progress_note", ""),
            }
        )
    return rows


def _start(request, token: str, mapping: Mapping, sheet: str, *, dry_run: bool, persons: str):
    data, name = staged_upload(request, token)
    job = start_county_import(
        token=token,
        data=data,
        name=name,
        user=request.user,
        mapping=mapping,
        sheet=sheet,
        dry_run=dry_run,
        persons=persons,
    )
    return redirect("jobs:job", job.pk)


@login_required
def county_result(request, pk: int):
    """A finished check or import: counts, the rows passed over, the errors and the marked file; after a clean
    check, "Import now" imports the same file with the same mapping."""
    _check(request.user)
    job = visible_job(request.user, pk)
    if job.kind != KIND:
        raise Http404
    if not job.finished:
        return redirect("jobs:job", job.pk)
    result = job.result or {}
    if request.method == "POST" and result.get("ok") and result.get("dry_run"):
        payload = job.payload
        return _start(
            request,
            payload.get("token", ""),
            Mapping.from_json(payload["mapping"]),
            payload.get("sheet", ""),
            dry_run=False,
            persons=payload.get("persons", PERSONS_TEXT),
        )
    context = {
        "job": job,
        "result": result,
        "errors": [RowError(*row) for row in result.get("errors", [])],
        "more_errors": result.get("error_count", 0) - len(result.get("errors", [])),
        "counts": [(sheet, counts) for sheet, counts in (result.get("counts") or {}).items()],
        "mapping_url": reverse("transfer:county_mapping", args=[job.payload.get("token", "")])
        if job.payload.get("token") in request.session.get(SESSION_KEY, [])
        else "",
    }
    return render(request, "transfer/county_result.html", context)
