"""A background job: what to run (kind, payload, input file), how far it got, and what it left (result, output)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhaoshang.core import clock


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", pgettext_lazy("job status", "Failed")


FINISHED = (JobStatus.DONE, JobStatus.FAILED)


def jobs_dir() -> Path:
    """Where jobs keep their files: DATA_DIR/jobs/."""
    path = Path(settings.DATA_DIR) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


class Job(models.Model):
    kind = models.CharField(_("kind"), max_length=60)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    # Progress: ``done`` of ``total`` steps of the current phase, and what the phase is.
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    message = models.CharField(_("message"), max_length=200, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)  # small: counts, a few errors, a file's name
    error = models.TextField(_("error"), blank=True)  # why a failed job failed, for the user
    # File names under DATA_DIR/jobs/: the input is deleted when the job ends, the output is kept (pruned later).
    input_file = models.CharField(_("input file"), max_length=100, blank=True)
    output_file = models.CharField(_("output file"), max_length=100, blank=True)
    output_name = models.CharField(_("output file name"), max_length=200, blank=True)  # the name it downloads as
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("heartbeat at"), null=True, blank=True)
    # A job that must not be queued twice (a stored result's refresh): a submit with the key of a queued or
    # running job adds nothing. ``not_before`` delays it (debounce: a burst of writes costs one recomputation).
    key = models.CharField(_("key"), max_length=100, blank=True, db_index=True)
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)

    def input_path(self) -> Path | None:
        return jobs_dir() / self.input_file if self.input_file else None

    def output_path(self) -> Path | None:
        return jobs_dir() / self.output_file if self.output_file else None

    def drop_input(self) -> None:
        """Delete the input file (when the job ends)."""
        path = self.input_path()
        if path is not None:
            path.unlink(missing_ok=True)


class StoredResult(models.Model):
    """A result computed by a background job and read by pages (``jobs.stored``): the JSON text of a registered
    kind's data for one set of parameters and language, with the data revision it was computed at."""

    name = models.CharField(_("kind"), max_length=60)
    key = models.CharField(_("key"), max_length=64, unique=True)  # sha256 of name, language and parameters
    params = models.JSONField(_("parameters"), default=dict, blank=True)  # tagged (jobs.stored.encode)
    language = models.CharField(_("language"), max_length=20, blank=True)
    data = models.TextField(_("data"), blank=True)  # compact tagged JSON, never pickle
    revision = models.CharField(_("data revision"), max_length=200, blank=True)
    computed_at = models.DateTimeField(_("computed at"), default=clock.now)
    compute_ms = models.PositiveIntegerField(_("compute time (ms)"), default=0)
    read_at = models.DateTimeField(_("read at"), default=clock.now, db_index=True)

    class Meta:
        verbose_name = _("stored result")
        verbose_name_plural = _("stored results")

    def __str__(self) -> str:
        return f"{self.name} {self.key[:8]}"
