"""A county sheet's check and import as background jobs (``jobs``): the mapping screen submits the kept file with the
mapping the user set; the runner reads the whole file with ``import_county_file``, reporting progress; the job keeps
the counts, the first errors, and the user's own file with its bad cells marked.

Payload: ``mapping`` (``Mapping.as_json()``), ``sheet``, ``dry_run``, ``persons``, ``name`` (the file's name),
``token`` (the kept upload, for "Import now" after a clean check), ``language`` (the submitter's: the runner writes
the errors and the marked file's comments in it).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import get_language

from zhaoshang.jobs import registry
from zhaoshang.jobs.services import submit, write_output

from .county_import import Mapping, import_county_file
from .persons_import import PERSONS_MODES, PERSONS_TEXT

KIND = "transfer.county_import"
ERRORS_SHOWN = 500  # errors kept on the job for the page; all of them are marked in the file


def start_county_import(
    *, token: str, data: bytes, name: str, user, mapping: Mapping, sheet: str, dry_run: bool, persons: str
):
    payload = {
        "mapping": mapping.as_json(),
        "sheet": sheet,
        "dry_run": dry_run,
        "persons": persons if persons in PERSONS_MODES else PERSONS_TEXT,
        "name": name,
        "token": token,
        "language": get_language(),
    }
    return submit(kind=KIND, user=user, payload=payload, file=data)


def run_county_import(job, progress) -> dict:
    payload = job.payload
    user = get_user_model().objects.filter(pk=job.created_by_id).first() if job.created_by_id else None
    data = job.input_path().read_bytes()
    name = payload.get("name", "")

    result = import_county_file(
        data,
        name,
        user=user,
        mapping=Mapping.from_json(payload["mapping"]),
        sheet=payload.get("sheet") or None,
        dry_run=bool(payload.get("dry_run")),
        persons=payload.get("persons", PERSONS_TEXT),
        progress=progress,
    )
    if result.errors:
        stem = name.rsplit(".", 1)[0] or "台账"
        write_output(job, result.marked_file(data, name), name=f"{stem}_错误标注.xlsx")
    sheet = result.sheet
    return {
        "ok": result.ok,
        "dry_run": result.dry_run,
        "name": name,
        "counts": result.counts,
        "error_count": len(result.errors),
        "errors": [error.as_row() for error in result.errors[:ERRORS_SHOWN]],
        "rows": sheet.rows if sheet else 0,
        "skipped": [list(item) for item in sheet.skipped[:200]] if sheet else [],
        "skipped_count": len(sheet.skipped) if sheet else 0,
        "ignored": list(sheet.ignored) if sheet else [],
        "mapping_name": payload["mapping"].get("name", ""),
        "token": payload.get("token", ""),
        "double_claims": result.double_claims,
    }


def register() -> None:
    registry.register(KIND, run_county_import, result_url=lambda job: reverse("transfer:county_result", args=[job.pk]))
