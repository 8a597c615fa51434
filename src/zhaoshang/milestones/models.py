"""Milestones after signing (土地供应, 立项/备案, 环评, 能评, 施工许可, 开工, 竣工, 投产, 入库入统): a plan per project
with planned dates (倒排工期) and actual dates, overdue and upcoming flags.

A kind linked to a pipeline stage (开工 → started, 投产 → producing) is the same fact as the stage: its actual date
is the project's stage date, never stored here (``rules``), and recording it records the stage."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.core.fields import ClockDateTimeField
from zhaoshang.projects.choices import Stage
from zhaoshang.projects.models import ProjectChild


class MilestoneKind(models.Model):
    """The list of milestones every signed project plans; the bureau edits it."""

    name = models.CharField(_("milestone"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    stage = models.CharField(
        _("pipeline stage"),
        max_length=16,
        choices=Stage.choices,
        blank=True,
        unique=True,
        null=True,
        help_text=_("The pipeline stage this milestone is (开工: started, 投产: producing), entered once."),
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("milestone kind")
        verbose_name_plural = _("milestone kinds")

    def __str__(self) -> str:
        return self.name


class Milestone(ProjectChild):
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.ForeignKey(MilestoneKind, verbose_name=_("milestone"), on_delete=models.PROTECT, related_name="+")
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    # Empty for a kind linked to a stage: its actual date is the project's stage date.
    actual_on = models.DateField(_("actual date"), null=True, blank=True)
    evidence = models.ForeignKey(
        "projects.Attachment",
        verbose_name=_("evidence"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="milestones",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    updated_at = ClockDateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "kind__order", "kind_id"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="unique_milestone_per_project")]
        indexes = [models.Index(fields=["planned_on"], name="milestone_planned_idx")]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.project} · {self.kind}"
