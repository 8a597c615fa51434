"""A pair of projects that may be one project claimed twice (重复申报), and the bureau's decision on it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.core.fields import ClockDateTimeField
from zhaoshang.projects.models import Project

from .choices import FoundBy, PairStatus


class ClaimPair(models.Model):
    """Two projects that look like one, with the score and the reasons the check found, until the bureau decides.

    ``key`` is "<lower id>-<higher id>": a pair is found once and, once decided, never asked again. ``project_a``
    is the lower id. The codes are kept beside the links: a project merged away is deleted, its code stays."""

    key = models.CharField(_("pair"), max_length=41, unique=True)
    project_a = models.ForeignKey(
        Project, verbose_name=_("project A"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    project_b = models.ForeignKey(
        Project, verbose_name=_("project B"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    code_a = models.CharField(_("project A code"), max_length=40)
    code_b = models.CharField(_("project B code"), max_length=40)
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=3)
    reasons = models.JSONField(_("reasons"), default=list)
    found_by = models.CharField(_("found by"), max_length=8, choices=FoundBy.choices, default=FoundBy.CHECK)
    found_at = ClockDateTimeField(_("found"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=PairStatus.choices, default=PairStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = ClockDateTimeField(_("decided"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # For a merge: the project kept, and what the one merged into it was (its fields, credits and any stage event
    # it had for a stage the kept project had too), as it was just before the merge.
    kept = models.ForeignKey(
        Project, verbose_name=_("project kept"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_record = models.JSONField(_("merged project"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-score", "id"]
        indexes = [models.Index(fields=["status", "-score"], name="claimpair_status_score")]
        verbose_name = _("double claim")
        verbose_name_plural = _("double claims")

    def __str__(self) -> str:
        return f"{self.code_a} ~ {self.code_b}"

    @staticmethod
    def key_of(id_a: int, id_b: int) -> str:
        low, high = sorted((id_a, id_b))
        return f"{low}-{high}"
