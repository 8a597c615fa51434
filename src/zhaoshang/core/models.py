"""The platform's own rows."""

from __future__ import annotations

from django.db import models

from .fields import ClockDateTimeField


class RevisionMark(models.Model):
    """A write that left no history row (a derived column kept with ``QuerySet.update``, a table flushed, …),
    recorded by ``core.revision.touch`` in the writer's transaction: an app's data revision is the latest of
    these as well as its models' latest history rows. Only the latest row of each app counts; older ones may be
    deleted at any time."""

    app_label = models.CharField(max_length=100)
    created_at = ClockDateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["app_label", "id"], name="revision_mark_latest_idx")]

    def __str__(self) -> str:
        return f"{self.app_label} #{self.pk}"
