"""What each kind of job runs. An app registers its kinds in its AppConfig.ready()::

    registry.register("transfer.import", run_import, result_url=lambda job: f"/data/import/?job={job.pk}")

``func(job, progress)`` does the work and returns the job's result (a small dict, stored as JSON). It may read
``job.payload`` and ``job.input_path()`` and write an output file with ``jobs.services.write_output``. It must be
atomic itself (the import is): the runner does not wrap it in a transaction, so that a long reading phase
holds no write lock on SQLite. ``progress(done, total, message="")`` records how far it got (throttled).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    func: Callable
    result_url: Callable | None = None  # job -> the page that shows the finished job's result


_kinds: dict[str, Kind] = {}


def register(kind: str, func: Callable, *, result_url: Callable | None = None) -> None:
    _kinds[kind] = Kind(kind, func, result_url)


def get(kind: str) -> Kind | None:
    return _kinds.get(kind)
