"""The template import as a background job (``jobs``): the page submits the file, a runner reads and writes
it with ``import_workbook``, reporting progress; the result kept on the job is what the page shows.

Payload: ``dry_run`` (a check), ``persons`` (how names reach the register), ``name`` (the file's name, for the
page), ``staged`` (the token of the file kept for "Import now" after a clean check, see views).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.urls import reverse

from zhaoshang.jobs import registry

from .errors import RowError, error_workbook_bytes
from .importer import import_workbook
from .persons_import import PERSONS_MODES, PERSONS_TEXT

KIND = "transfer.import"
ERRORS_SHOWN = 500  # errors kept on the job for the page; all of them are in the error file
ERROR_FILE_NAME = "导入错误清单.xlsx"


def run_import(job, progress) -> dict:
    from zhaoshang.jobs.services import write_output

    payload = job.payload
    user = get_user_model().objects.filter(pk=job.created_by_id).first() if job.created_by_id else None
    persons = payload.get("persons", PERSONS_TEXT)
    persons = persons if persons in PERSONS_MODES else PERSONS_TEXT
    path = job.input_path()
    result = import_workbook(
        str(path), user=user, dry_run=bool(payload.get("dry_run")), persons=persons, progress=progress
    )
    if result.errors:
        write_output(job, error_workbook_bytes(result.errors), name=ERROR_FILE_NAME)
    return {
        "dry_run": result.dry_run,
        "sheets": list(result.sheets),
        "counts": result.counts,
        "error_count": len(result.errors),
        "errors": [error.as_row() for error in result.errors[:ERRORS_SHOWN]],
        "double_claims": result.double_claims,
    }


@dataclass
class KeptResult:
    """An import's result as kept on its job, read by the page as it read an ``ImportResult``."""

    dry_run: bool = False
    sheets: tuple[str, ...] = ()
    counts: dict = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    double_claims: list[int] = field(default_factory=list)  # ids of the pairs the imported projects are in

    @property
    def ok(self) -> bool:
        return not self.error_count

    @property
    def more_errors(self) -> int:
        return self.error_count - len(self.errors)

    @classmethod
    def of(cls, job) -> KeptResult:
        kept = job.result or {}
        return cls(
            dry_run=bool(kept.get("dry_run")),
            sheets=tuple(kept.get("sheets", ())),
            counts=kept.get("counts", {}),
            errors=[RowError(*row) for row in kept.get("errors", [])],
            error_count=int(kept.get("error_count", 0)),
            double_claims=[int(pk) for pk in kept.get("double_claims", [])],
        )


def register() -> None:
    registry.register(KIND, run_import, result_url=lambda job: f"{reverse('transfer:import')}?job={job.pk}")
