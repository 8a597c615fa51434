"""The monthly bulletin (月通报): a draft the bureau edits, then an issued document frozen in a snapshot."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.core.fields import ClockDateTimeField
from zhaoshang.core.permissions import RestrictedModel
from zhaoshang.targets.choices import Basis
from zhaoshang.targets.models import Period

from .choices import Status


class Bulletin(RestrictedModel):
    """One month's bulletin of a period.

    While a draft, its figures are computed afresh whenever it is shown. Issuing stores everything the
    document and its annex show in ``snapshot`` (the assessment, the overall figures and the lists) and
    ``detail`` (the projects and receipts behind each figure); from then on the .docx, the .xlsx and the page are made
    from the snapshot only, and the bulletin can be neither changed nor withdrawn.
    """

    period = models.ForeignKey(
        Period, verbose_name=_("assessment period"), on_delete=models.PROTECT, related_name="bulletins"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month the bulletin reports on."))
    number = models.CharField(_("document number"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date of the document"))
    as_of = models.DateField(_("figures as of"))
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices, default=Basis.REPORTED)
    big_project_amount = models.DecimalField(
        _("big project threshold (10k yuan)"),
        max_digits=16,
        decimal_places=2,
        default=Decimal("5000"),
        help_text=_("Units with no project of at least this planned investment started this half-year are listed."),
    )
    requirements = models.TextField(_("requirements"), blank=True, help_text=_("One paragraph per line."))
    # An optional section: the period's introducer reward list (issue 14), only when the bureau adds it.
    introducer_rewards = models.BooleanField(
        _("with the introducer reward list"),
        default=False,
        help_text=_("Adds who brought which recognised project signed in the period, with the amounts by share."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    snapshot = models.JSONField(_("snapshot"), null=True, blank=True, encoder=DjangoJSONEncoder)
    # The projects and receipts behind every figure (the annex's 明细 sheet), frozen with the snapshot but
    # kept apart: it is most of the size, and only the annex needs it.
    detail = models.JSONField(_("detail"), null=True, blank=True, encoder=DjangoJSONEncoder)
    # The ids of the units criticised in the issued bulletin, kept apart from the (large) snapshot for
    # the next assessment's "criticised twice in a row" rule.
    criticised_units = models.JSONField(_("criticised units"), default=list, blank=True)
    # A correction (更正) of an issued bulletin: issued in its turn, it supersedes it; both stay frozen and shown.
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)
    updated_at = ClockDateTimeField(_("updated"), auto_now=True)
    # The snapshot and detail (megabytes for a large county) are written once, at issue; history records
    # the issue through the status change and need not copy them.
    history = HistoricalRecords(excluded_fields=["snapshot", "detail", "updated_at"])

    class Meta:
        ordering = ["-month", "-id"]
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "month"],
                condition=models.Q(status="issued", corrects__isnull=True),
                name="one_issued_bulletin_per_period_month",
            ),
            models.UniqueConstraint(
                fields=["corrects"], condition=models.Q(status="issued"), name="one_issued_correction_per_bulletin"
            ),
        ]
        indexes = [models.Index(fields=["period", "status", "as_of"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("bulletins:detail", args=[self.pk])

    @property
    def is_issued(self) -> bool:
        return self.status == Status.ISSUED

    @property
    def superseded_by(self) -> Bulletin | None:
        """The issued correction that supersedes this bulletin, if any."""
        return self.corrections.filter(status=Status.ISSUED).order_by("issued_at").first()

    @property
    def file_stem(self) -> str:
        """A file name for downloads, e.g. 招商引资月通报-2026-10."""
        return f"招商引资月通报-{self.month:%Y-%m}"

    # The permission rule: a bulletin is a county-wide document inside the government. Reporters may
    # read issued ones (all of them); drafts are for the bureau, leaders and supervisors.
    @classmethod
    def unit_scope_q(cls, unit_ids):
        return models.Q(status=Status.ISSUED)

    @classmethod
    def reporter_may(cls, action) -> bool:
        return action == "view"


class AccountabilityFinding(models.Model):
    """A person's finding on a candidate for accountability (责任追究) in a draft bulletin: a unit criticised in
    the last issued bulletin and again now. The system only proposes; the bulletin prints a unit under 责任追究
    only when the bureau has found, with a reason, that it is accountable (seed 000: "经组织认定属人为努力不够、
    行政不作为或行政乱作为的进行责任追究")."""

    bulletin = models.ForeignKey(
        Bulletin, verbose_name=_("bulletin"), on_delete=models.CASCADE, related_name="findings"
    )
    unit = models.ForeignKey("organization.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    held = models.BooleanField(_("held accountable"))
    reason = models.TextField(_("reason"), max_length=1000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = ClockDateTimeField(_("decided at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit__code"]
        verbose_name = _("accountability finding")
        verbose_name_plural = _("accountability findings")
        constraints = [models.UniqueConstraint(fields=["bulletin", "unit"], name="one_finding_per_bulletin_unit")]

    def __str__(self) -> str:
        return f"{self.bulletin} · {self.unit}"


class DocumentSettings(models.Model):
    """公文设置: how the bureau's official documents are headed and signed, one row kept by the bureau.

    Each field left empty takes a default made from the county's name (the top unit): the masthead
    (发文机关标志) "××县招商引资工作领导小组办公室文件", the signature (落款) and the office that prints and
    distributes the document (印发机关) "××县招商引资工作领导小组办公室". Issuing a bulletin copies them into
    its snapshot, so a later change does not alter an issued document."""

    masthead = models.CharField(
        _("masthead"),
        max_length=40,
        blank=True,
        help_text=_("The issuing body's mark printed in red at the top, e.g. ××县招商引资工作领导小组办公室文件."),
    )
    issuer = models.CharField(
        _("issuing body"), max_length=60, blank=True, help_text=_("The signature above the date.")
    )
    printer = models.CharField(
        _("printed by"),
        max_length=60,
        blank=True,
        help_text=_("The office named in the imprint at the end: “… 2026年12月5日印发”."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document settings")
        verbose_name_plural = _("document settings")

    def __str__(self) -> str:
        return str(_("document settings"))

    @classmethod
    def load(cls) -> DocumentSettings:
        """The one row, empty (all defaults) until the bureau saves it."""
        row = cls.objects.filter(pk=1).first()
        return row if row is not None else cls(pk=1)
