"""Supervision (督查): batches of projects, the verification of their stage events and funds receipts,
and the rectification items (整改) that rejections and adjustments open for the units."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.core import clock
from zhaoshang.core.fields import ClockDateTimeField
from zhaoshang.core.permissions import RestrictedModel
from zhaoshang.organization.models import Unit
from zhaoshang.projects.models import FundsReceipt, Project, StageEvent

from .choices import BatchStatus, Method, RectificationStatus, Result

MONEY = {"max_digits": 16, "decimal_places": 2}


class SupervisedModel(RestrictedModel):
    """Supervision's records: supervisors (and admins) write them; bureau staff and leaders only read."""

    class Meta:
        abstract = True

    @classmethod
    def bureau_may(cls, action) -> bool:
        # Bureau staff read supervision like leaders do; writing is the supervisors'.
        return action == "view"

    @classmethod
    def supervisor_may(cls, action) -> bool:
        return True


class SupervisionBatch(SupervisedModel):
    """督查批次: the projects chosen for one round of verification, usually a quarter."""

    name = models.CharField(_("name"), max_length=200)
    start = models.DateField(_("start date"))
    end = models.DateField(_("end date"))
    method = models.CharField(_("selection method"), max_length=10, choices=Method.choices)
    min_amount = models.DecimalField(_("minimum planned investment (10k yuan)"), null=True, blank=True, **MONEY)
    chosen_units = models.ManyToManyField(Unit, verbose_name=_("chosen units"), blank=True, related_name="+")
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    seed = models.BigIntegerField(_("random seed"), null=True, blank=True)
    candidate_count = models.PositiveIntegerField(_("candidate projects"), default=0)
    projects = models.ManyToManyField(
        Project, verbose_name=_("selected projects"), related_name="supervision_batches", blank=True
    )
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("supervision batch")
        verbose_name_plural = _("supervision batches")
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="batch_end_after_start")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("supervision:batch_detail", args=[self.pk])

    @classmethod
    def unit_scope_q(cls, unit_ids):  # pragma: no cover - reporters never see batches
        return models.Q(pk__in=[])

    @classmethod
    def reporter_may(cls, action) -> bool:
        # A batch lists other units' projects; reporters see their own results through verifications.
        return False


class Verification(SupervisedModel):
    """One verification of one stage event or one funds receipt. The latest for a subject counts.

    The reported date and amount are copied at the time of verification: what counts on the verified basis
    is what the supervisor saw and confirmed (or corrected), even if the ledger is edited afterwards.
    """

    batch = models.ForeignKey(
        SupervisionBatch, verbose_name=_("supervision batch"), on_delete=models.PROTECT, related_name="verifications"
    )
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="+")
    stage_event = models.ForeignKey(
        StageEvent,
        verbose_name=_("stage event"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="verifications",
    )
    receipt = models.ForeignKey(
        FundsReceipt,
        verbose_name=_("funds receipt"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="verifications",
    )
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    reported_date = models.DateField(_("reported date"))
    reported_amount = models.DecimalField(_("reported amount (10k yuan)"), null=True, blank=True, **MONEY)
    adjusted_date = models.DateField(_("corrected date"), null=True, blank=True)
    adjusted_amount = models.DecimalField(_("corrected amount (10k yuan)"), null=True, blank=True, **MONEY)
    comment = models.TextField(_("comment"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-verified_at", "-id"]
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(stage_event__isnull=False, receipt__isnull=True)
                    | models.Q(stage_event__isnull=True, receipt__isnull=False)
                ),
                name="verification_of_event_or_receipt",
            )
        ]
        indexes = [
            models.Index(fields=["stage_event", "verified_at"]),
            models.Index(fields=["receipt", "verified_at"]),
        ]

    def __str__(self) -> str:
        # No related row is read here: history lists print many of these.
        kind = _("stage event") if self.stage_event_id else _("funds receipt")
        return f"{kind} {self.reported_date:%Y-%m-%d} · {self.get_result_display()}"

    @property
    def subject_label(self) -> str:
        if self.stage_event_id:
            return f"{self.stage_event.get_stage_display()} {self.reported_date:%Y-%m-%d}"
        return f"{_('funds receipt')} {self.reported_date:%Y-%m-%d}"

    @property
    def verified_date(self) -> dt.date:
        return self.adjusted_date or self.reported_date

    @property
    def verified_amount(self):
        return self.adjusted_amount if self.adjusted_amount is not None else self.reported_amount

    @property
    def counts(self) -> bool:
        return self.result in (Result.CONFIRMED, Result.ADJUSTED)

    @classmethod
    def unit_scope_q(cls, unit_ids):
        return models.Q(project__in=Project.objects.filter(Project.unit_scope_q(unit_ids)).values("pk"))

    @classmethod
    def reporter_may(cls, action) -> bool:
        return action == "view"


class Rectification(SupervisedModel):
    """整改: what a unit must correct after a rejection or adjustment, by a deadline."""

    batch = models.ForeignKey(
        SupervisionBatch, verbose_name=_("supervision batch"), on_delete=models.PROTECT, related_name="rectifications"
    )
    verification = models.ForeignKey(
        Verification,
        verbose_name=_("verification"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rectifications",
    )
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="+")
    stage_event = models.ForeignKey(
        StageEvent, verbose_name=_("stage event"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    receipt = models.ForeignKey(
        FundsReceipt,
        verbose_name=_("funds receipt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="rectifications")
    description = models.TextField(_("description"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    explanation = models.TextField(_("what was corrected"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{_('Rectification')} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:rectification_detail", args=[self.pk])

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.status != RectificationStatus.CLOSED and self.deadline < (today or clock.today())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @classmethod
    def unit_scope_q(cls, unit_ids):
        return models.Q(unit_id__in=unit_ids)

    @classmethod
    def reporter_may(cls, action) -> bool:
        # A reporter submits the unit's explanation (a change); opening and closing are the supervisors'.
        return action in {"view", "change"}
