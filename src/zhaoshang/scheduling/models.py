"""Scheduling (调度): the calendar, the rounds it opens, the progress reports units owe in each round,
and the coordination items (需协调解决的问题) raised from them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.core import clock
from zhaoshang.core.permissions import RestrictedModel
from zhaoshang.organization.models import Unit
from zhaoshang.projects.choices import Stage
from zhaoshang.projects.models import Attachment, Project

from .choices import (
    DEFAULT_DAYS,
    DEFAULT_ITEM_DEADLINE_DAYS,
    DEFAULT_REMINDER_OFFSETS,
    DEFAULT_STAGES,
    DEFAULT_STALLED_AFTER_DAYS,
    FINISHED,
    ItemStatus,
    ReportStatus,
    RoundStatus,
)

MONEY = {"max_digits": 16, "decimal_places": 2}


def _default_days() -> list[int]:
    return list(DEFAULT_DAYS)


def _default_stages() -> list[str]:
    return list(DEFAULT_STAGES)


def _default_offsets() -> list[int]:
    return list(DEFAULT_REMINDER_OFFSETS)


def visible_projects(unit_ids):
    return Project.objects.filter(Project.unit_scope_q(unit_ids)).values("pk")


class SchedulingConfig(models.Model):
    """The scheduling calendar and its rules: one row, kept by the bureau."""

    HISTORY_CHOICES = {"stages": Stage.choices}  # labels of the codes in its history (``core.history``)

    days_of_month = models.JSONField(_("scheduling days of the month"), default=_default_days)
    stages = models.JSONField(_("stages reported on"), default=_default_stages)
    stalled_after_days = models.PositiveSmallIntegerField(
        _("stalled after (days)"),
        default=DEFAULT_STALLED_AFTER_DAYS,
        help_text=_("A project with no stage change and no report for this many days is flagged as stalled."),
    )
    reminder_offsets = models.JSONField(_("reminders (days before)"), default=_default_offsets)
    item_deadline_days = models.PositiveSmallIntegerField(
        _("coordination deadline (days)"), default=DEFAULT_ITEM_DEADLINE_DAYS
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scheduling settings")
        verbose_name_plural = _("scheduling settings")

    def __str__(self) -> str:
        return str(_("scheduling settings"))

    @classmethod
    def load(cls) -> SchedulingConfig:
        """The one row, with the defaults from the seeds until the bureau changes them."""
        config = cls.objects.filter(pk=1).first()
        return config if config is not None else cls(pk=1)


class SchedulingRound(RestrictedModel):
    """调度日: a scheduling day and the round of progress reports due on it.

    ``date`` is when reports are due; ``planned_date`` the calendar day it came from, so a day moved off
    a weekend or holiday remembers its origin (and the calendar does not open it a second time)."""

    HISTORY_CHOICES = {"stages": Stage.choices}

    date = models.DateField(_("due date"), unique=True)
    planned_date = models.DateField(_("calendar day"))
    stages = models.JSONField(_("stages reported on"), default=_default_stages)
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.PLANNED)
    move_reason = models.CharField(_("reason moved"), max_length=300, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date"]
        indexes = [models.Index(fields=["planned_date"]), models.Index(fields=["status", "date"])]
        verbose_name = _("scheduling round")
        verbose_name_plural = _("scheduling rounds")

    def __str__(self) -> str:
        return str(_("Scheduling day %(date)s") % {"date": self.date.isoformat()})

    def get_absolute_url(self) -> str:
        return reverse("scheduling:round", args=[self.pk])

    @classmethod
    def unit_scope_q(cls, unit_ids):
        # Every unit sees the calendar; what a reporter sees inside a round is narrowed by its reports.
        return models.Q()

    @classmethod
    def reporter_may(cls, action) -> bool:
        return action == "view"

    @property
    def moved(self) -> bool:
        return self.date != self.planned_date

    def stage_labels(self) -> list[str]:
        return [Stage(stage).label for stage in self.stages if stage in Stage.values]


class ProgressReport(RestrictedModel):
    """进度填报: one project's progress in one round, filled and submitted by its reporting unit."""

    scheduling_round = models.ForeignKey(
        SchedulingRound, verbose_name=_("scheduling round"), on_delete=models.PROTECT, related_name="reports"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="progress_reports"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("reporting unit"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DUE)
    progress = models.TextField(_("progress since the last round"), blank=True)
    stage_reached = models.CharField(_("stage reached"), max_length=16, choices=Stage.choices, blank=True)
    stage_date = models.DateField(_("date stage reached"), null=True, blank=True)
    contract_amount = models.DecimalField(_("contract amount (10k yuan)"), null=True, blank=True, **MONEY)
    investment_completed = models.DecimalField(
        _("investment completed this period (10k yuan)"), null=True, blank=True, **MONEY
    )
    # 出口创汇 this period, in 10k US dollars (an indicator of the seeds; summed by the assessment's
    # ``export_earnings`` measure).
    export_earnings = models.DecimalField(
        _("export earnings this period (10k USD)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        **MONEY,
    )
    percent_done = models.PositiveSmallIntegerField(
        _("construction done (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    next_steps = models.TextField(_("next steps"), blank=True)
    problems = models.TextField(_("problems to coordinate"), blank=True)
    evidence = models.ForeignKey(
        Attachment, verbose_name=_("evidence file"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_comment = models.TextField(_("comment for correction"), blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheduling_round__date", "unit__code", "project__code"]
        constraints = [
            models.UniqueConstraint(fields=["scheduling_round", "project"], name="one_report_per_project_per_round")
        ]
        indexes = [models.Index(fields=["status"])]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.project.code} · {self.scheduling_round.date.isoformat()}"

    def get_absolute_url(self) -> str:
        return reverse("scheduling:report", args=[self.pk])

    @classmethod
    def unit_scope_q(cls, unit_ids):
        # The reporting unit, and every unit that sees the project (a co-credited township reads them).
        return models.Q(unit_id__in=unit_ids) | models.Q(project__in=visible_projects(unit_ids))

    @classmethod
    def unit_write_q(cls, unit_ids):
        # A co-credited township reads a project's reports; only the reporting unit changes them.
        return models.Q(unit_id__in=unit_ids)

    @property
    def due_date(self) -> dt.date:
        return self.scheduling_round.date

    def is_late(self, today: dt.date) -> bool:
        """Not submitted by the end of the due day (still missing after it, or first submitted after it)."""
        return report_is_late(self.due_date, self.first_submitted_at, today)


def report_is_late(due_date: dt.date, first_submitted_at: dt.datetime | None, today: dt.date) -> bool:
    """``ProgressReport.is_late`` on plain values (for reads of many reports without model instances)."""
    if first_submitted_at is None:
        return today > due_date
    return clock.date_of(first_submitted_at) > due_date


class CoordinationItem(RestrictedModel):
    """需协调解决的问题: a problem raised in a report, followed by a responsible department until solved."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="coordination_items"
    )
    report = models.OneToOneField(
        ProgressReport,
        verbose_name=_("raised in report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coordination_item",
    )
    description = models.TextField(_("problem"))
    department = models.ForeignKey(
        Unit,
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coordination_items",
    )
    county_leader = models.CharField(_("county leader"), max_length=50, blank=True)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    note = models.TextField(_("latest note"), blank=True)
    raised_at = models.DateTimeField(_("raised at"), default=clock.now)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"])]
        verbose_name = _("coordination item")
        verbose_name_plural = _("coordination items")

    def __str__(self) -> str:
        return f"{self.project.code} · {self.description[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("scheduling:item", args=[self.pk])

    @classmethod
    def unit_scope_q(cls, unit_ids):
        # The responsible department's reporters, and the reporters of the project's units.
        return models.Q(department_id__in=unit_ids) | models.Q(project__in=visible_projects(unit_ids))

    @classmethod
    def unit_write_q(cls, unit_ids):
        # The project's units read an item; the responsible department answers it.
        return models.Q(department_id__in=unit_ids)

    def is_overdue(self, today: dt.date) -> bool:
        return self.deadline < today and self.status not in FINISHED
