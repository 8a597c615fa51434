"""The project ledger: investors, projects, their stage events, funds in place and evidence."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.core import clock, geo
from zhaoshang.core.fields import ClockDateTimeField
from zhaoshang.core.permissions import RestrictedModel
from zhaoshang.organization.models import Unit

from .choices import (
    STAGE_WORD_TARGETS,
    AttachmentKind,
    CapitalType,
    Currency,
    DatePrecision,
    EventLevel,
    Industry,
    InvestorKind,
    Kind,
    Ownership,
    Stage,
    Status,
)
from .credit_code import validate_credit_code

MONEY = {"max_digits": 16, "decimal_places": 2}
# Stage → the project's column holding the date of that stage's event.
STAGE_DATE_FIELDS = {stage: f"{stage}_on" for stage in Stage.values}
# The project's columns that follow its stage events (``services.stage_fields``).
STAGE_COLUMNS = ("stage", "stage_date", *STAGE_DATE_FIELDS.values())
# Every column of a project derived from other rows, kept by the services as those rows are written: the stage
# columns, the last submitted progress report (``services.mark_reported``), the last activity and the sum of the
# funds receipts (``selectors.derived_columns_out_of_step`` checks them, ``zhaoshang check_ledger``).
DERIVED_COLUMNS = (*STAGE_COLUMNS, "last_report_on", "last_activity_on", "funds_total")


class Investor(models.Model):
    """客商: the company (or person) behind projects, in one county-wide register (decision 15).

    Every unit reads an investor's name, type and origin; only bureau staff change them
    (``services.update_investor``). The people a unit deals with are that project's facts
    (``Project.contact_person``/``contact_phone``), never shared with another unit's project."""

    name = models.CharField(_("company"), max_length=200, unique=True)
    # 统一社会信用代码 (GB 32100-2015), checked by ``credit_code.check``: one investor per code.
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_credit_code],
    )
    kind = models.CharField(
        _("investor type"), max_length=12, choices=InvestorKind.choices, default=InvestorKind.ENTERPRISE
    )
    origin = models.CharField(_("origin region or country"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("investor")
        verbose_name_plural = _("investors")

    def __str__(self) -> str:
        return self.name


class InvestorSpelling(models.Model):
    """A name an investor was typed under that differs from the register's name (issue 17): a company written
    many ways is flagged for the bureau (``selectors.flagged_investors``). ``key`` is ``names.company_key``."""

    investor = models.ForeignKey(Investor, on_delete=models.CASCADE, related_name="spellings")
    name = models.CharField(_("name as typed"), max_length=200)
    key = models.CharField(max_length=200, db_index=True)
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["investor", "name"]
        constraints = [models.UniqueConstraint(fields=["investor", "name"], name="investor_spelling_unique")]
        verbose_name = _("investor spelling")
        verbose_name_plural = _("investor spellings")

    def __str__(self) -> str:
        return self.name


class Project(RestrictedModel):
    code = models.CharField(_("project code"), max_length=40, unique=True)
    name = models.CharField(_("project name"), max_length=200)
    investor = models.ForeignKey(
        Investor,
        verbose_name=_("investor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    # The investor's people this project's unit deals with: the project's own facts (decision 15).
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    capital_type = models.CharField(
        _("domestic or foreign"), max_length=10, choices=CapitalType.choices, default=CapitalType.DOMESTIC
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    exchange_rate = models.DecimalField(
        _("exchange rate to CNY"),
        max_digits=12,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Yuan per unit of the currency, as used when the project was recorded."),
    )
    foreign_investment = models.DecimalField(_("foreign investment (10k in currency)"), null=True, blank=True, **MONEY)
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices, blank=True)
    # GB/T 4754 大类 (two-digit code) within the section (``choices.DIVISION_RANGES``; the forms and the import check
    # it): what a scheme's conditions exclude by (房地产业 70, 餐饮业 62…).
    industry_division = models.CharField(_("industry division"), max_length=2, blank=True)
    industry_chain = models.CharField(_("industry chain link"), max_length=100, blank=True)
    kind = models.CharField(_("project kind"), max_length=16, choices=Kind.choices, default=Kind.INDUSTRIAL)
    high_tech = models.BooleanField(_("high-tech"), default=False)
    # Facts the recognition rules of a period may exclude (认定规则).
    government_funded = models.BooleanField(_("government-funded"), default=False)
    local_relocation = models.BooleanField(_("relocation within the county"), default=False)
    second_phase = models.BooleanField(_("second phase of an earlier project"), default=False)
    # The earlier phase this project continues, linked when the bureau decides a pair of similar projects is a
    # second phase (``zhaoshang.claims``).
    earlier_phase = models.ForeignKey(
        "self",
        verbose_name=_("earlier phase"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="later_phases",
    )
    # Facts the conditions of a scoring scheme read (issue 13): ownership (民营工业), the company's registration and
    # the land premium paid in the year, the promotion event the project was signed at and its level.
    ownership = models.CharField(_("ownership"), max_length=10, choices=Ownership.choices, blank=True)
    company_registered_on = models.DateField(_("company registration date"), null=True, blank=True)
    land_paid_on = models.DateField(_("land premium paid on"), null=True, blank=True)
    signing_event = models.CharField(
        _("signing event"),
        max_length=200,
        blank=True,
        help_text=_("The promotion event the project was signed at, by name."),
    )
    signing_event_level = models.CharField(
        _("signing event level"), max_length=10, choices=EventLevel.choices, blank=True
    )
    # The event in the register of events (issue 18): when set, signing_event and signing_event_level are its name
    # and level (``save``), one fact.
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("promotion event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    planned_investment = models.DecimalField(_("planned investment (10k yuan)"), default=Decimal("0"), **MONEY)
    contract_amount = models.DecimalField(_("contract amount (10k yuan)"), default=Decimal("0"), **MONEY)
    registered_capital = models.DecimalField(_("registered capital (10k yuan)"), null=True, blank=True, **MONEY)
    land_area = models.DecimalField(_("land (mu)"), max_digits=12, decimal_places=2, null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    # Where it is built, for the county map (``core.geo``: bounded to China's extent).
    latitude = geo.latitude_field()
    longitude = geo.longitude_field()
    introducer = models.CharField(_("introduced by"), max_length=100, blank=True)
    county_leader = models.CharField(_("county leader"), max_length=50, blank=True)
    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_projects",
    )
    stewards = models.CharField(_("stewards"), max_length=200, blank=True)
    work_team = models.CharField(_("work team"), max_length=200, blank=True)
    # The latest pipeline stage reached and its date; kept by services from the stage events.
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.NEGOTIATING)
    stage_date = models.DateField(_("stage date"), null=True, blank=True)
    # The date of each stage's own event (a project has at most one per stage), kept with stage and stage_date
    # (``services.stage_fields``): "which projects reached a stage in these dates" reads a row, not a GROUP BY
    # over all the stage events. Not in the history: the stage events' own history records every change.
    lead_on = models.DateField(_("lead date"), null=True, blank=True, editable=False)
    negotiating_on = models.DateField(_("negotiating date"), null=True, blank=True, editable=False)
    intention_on = models.DateField(_("intention date"), null=True, blank=True, editable=False)
    signed_on = models.DateField(_("signing date"), null=True, blank=True, editable=False)
    started_on = models.DateField(_("construction start date"), null=True, blank=True, editable=False)
    producing_on = models.DateField(_("production date"), null=True, blank=True, editable=False)
    # The local date of the latest submitted progress report, kept by scheduling when a report is submitted:
    # the stalled rule reads it instead of every report (the reports keep their own history).
    last_report_on = models.DateField(_("last progress report"), null=True, blank=True, editable=False)
    # The last day anything happened to the project: entered, a stage reached or a report submitted (the latest of
    # the local date of created_at, stage_date and last_report_on; ``services.last_activity``). The stalled rule
    # lists the projects idle longest first by it.
    last_activity_on = models.DateField(_("last activity"), default=clock.today, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField(_("reason stalled or dropped"), max_length=500, blank=True)
    status_date = models.DateField(_("date stalled or dropped"), null=True, blank=True)
    # Sum of the project's funds receipts; kept by services so the ledger totals need no join.
    funds_total = models.DecimalField(_("funds in place (10k yuan)"), default=Decimal("0"), **MONEY)
    remarks = models.TextField(_("remarks"), blank=True)
    # 项目进展情况: what a county's sheet says of the project's progress, as of a date (issue 15).
    progress_note = models.TextField(_("progress note"), max_length=2000, blank=True)
    progress_note_on = models.DateField(
        _("progress note as of"), null=True, blank=True, help_text=_("The date the progress note describes.")
    )
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)
    updated_at = ClockDateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    credited_units = models.ManyToManyField(
        Unit, through="ProjectCredit", related_name="credited_projects", verbose_name=_("credited units")
    )
    # The register's persons (``zhaoshang.persons``), by lazy reference: the ledger does not import that app. The
    # free-text fields above (introducer, county_leader, stewards, work_team) are kept as typed; ``zhaoshang
    # match_persons`` links them to the register.
    introducers = models.ManyToManyField(
        "persons.Person",
        through="ProjectIntroducer",
        related_name="introduced_projects",
        verbose_name=_("introducers"),
        blank=True,
    )
    leader = models.ForeignKey(
        "persons.Person",
        verbose_name=_("county leader (register)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_projects",
    )
    steward_persons = models.ManyToManyField(
        "persons.Person", related_name="stewarded_projects", verbose_name=_("stewards (register)"), blank=True
    )
    team_persons = models.ManyToManyField(
        "persons.Person", related_name="team_projects", verbose_name=_("work team (register)"), blank=True
    )
    history = HistoricalRecords(
        excluded_fields=["updated_at", "funds_total", *STAGE_DATE_FIELDS.values(), "last_report_on", "last_activity_on"]
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(fields=["stage", "stage_date"]),
            # The latest of a project's stage dates: what moved since a date (the dashboard) is a range of it.
            models.Index(fields=["stage_date"], name="project_stage_date_idx"),
            # The ledger lists a stage newest first: without statistics SQLite would sort the whole stage.
            models.Index(fields=["stage", "-id"], name="project_stage_id_idx"),
            models.Index(fields=["status"]),
            models.Index(fields=["industry"]),
            models.Index(fields=["kind"]),
            models.Index(fields=["contract_amount"]),
            # With status and stage: the dashboard's big projects (planned ≥ an amount, active, not producing) are
            # counted and summed from the index alone.
            models.Index(fields=["planned_investment", "status", "stage"], name="project_planned_idx"),
            models.Index(fields=["status", "last_activity_on", "code"], name="project_last_activity_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        if self.event_id:
            # The event's name and level are the project's signing event (the schemes read the level).
            self.signing_event, self.signing_event_level = self.event.name[:200], self.event.level
            fields = kwargs.get("update_fields")
            if fields is not None and "event" in fields:
                kwargs["update_fields"] = {*fields, "signing_event", "signing_event_level"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    @classmethod
    def unit_scope_q(cls, unit_ids):
        """Projects credited to, or the responsibility of, any of these units (ids, or a query of ids).

        What "a unit's project" means everywhere: the permission rule, the ledger's unit and category filters,
        the unit page, supervision's choice by units. One IN over a UNION rather than "IN (…) OR responsible
        IN (…)": the OR form makes the databases scan every project instead of using the two indexes (bench: 56
        ms against 10 ms of raw SQL at 100k)."""
        return models.Q(pk__in=cls._unit_scope_ids(unit_ids))

    @staticmethod
    def _unit_scope_ids(unit_ids):
        """The ids of the projects credited to, or the responsibility of, these units: one UNION."""
        credited = ProjectCredit.objects.filter(unit_id__in=unit_ids).order_by().values("project_id")
        responsible = Project.objects.filter(responsible_unit_id__in=unit_ids).order_by().values("pk")
        return credited.union(responsible)

    @classmethod
    def unit_scope_filter(cls, unit_ids):
        """``unit_scope_q`` for a scope that holds a small part of the ledger (one unit and its sub-units), as an
        expression for ``filter()`` that reads only those projects.

        With ``id IN (union)`` PostgreSQL hashes the union and reads every project to probe it (the ledger's totals
        at 1,000,000 projects: 300 ms to sum 13,703). ``id = ANY(ARRAY(union))`` computes the union once and fetches
        its projects through the primary key. The same projects: the ids are those of ``unit_scope_q``. Not for a
        scope that covers most of the ledger (the county itself), which a sequential scan reads faster; SQLite has
        no arrays and keeps the ``IN`` form."""
        from django.db import connection

        if connection.vendor != "postgresql":
            return cls.unit_scope_q(unit_ids)
        from django.contrib.postgres.expressions import ArraySubquery

        return _AnyOf(models.F("pk"), ArraySubquery(cls._unit_scope_ids(unit_ids)))

    @classmethod
    def unit_write_q(cls, unit_ids):
        """The projects a reporter of these units may change (decision 15): those their unit is responsible
        for, and, when a project has no responsible unit, those credited to it. A co-credited unit of a project
        with a responsible unit only reads it (and its receipts, stages, evidence)."""
        credited = ProjectCredit.objects.filter(unit_id__in=unit_ids).order_by().values("project_id")
        responsible = Project.objects.filter(responsible_unit_id__in=unit_ids).order_by().values("pk")
        unowned = Project.objects.filter(responsible_unit__isnull=True, pk__in=credited).order_by().values("pk")
        return models.Q(pk__in=responsible.union(unowned))


class _AnyOf(models.Func):
    """``<column> = ANY(<array>)``: a condition PostgreSQL answers through the column's index."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = models.BooleanField()


class ProjectChild(RestrictedModel):
    """A row that belongs to a project and is visible exactly when its project is."""

    class Meta:
        abstract = True

    @classmethod
    def unit_scope_q(cls, unit_ids):
        return models.Q(project__in=Project.objects.filter(Project.unit_scope_q(unit_ids)).values("pk"))

    @classmethod
    def unit_write_q(cls, unit_ids):
        # A project's rows follow the project: changed by whoever may change the project.
        return models.Q(project__in=Project.objects.filter(Project.unit_write_q(unit_ids)).values("pk"))


class ProjectCredit(ProjectChild):
    """A unit credited with a project, and its share in percent (shares of a project sum to 100)."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="credits")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="credits")
    share = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2, default=Decimal("100"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-share", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["project", "unit"], name="unique_credit_per_unit")]
        verbose_name = _("credit")
        verbose_name_plural = _("credits")

    def __str__(self) -> str:
        return f"{self.unit} {self.share}%"


class ProjectIntroducer(ProjectChild):
    """A person credited with introducing a project (引进人), and their share in percent (like ``ProjectCredit``:
    the shares of a project's introducers sum to 100 when it has any)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="introducer_links"
    )
    person = models.ForeignKey(
        "persons.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="introducer_links"
    )
    share = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2, default=Decimal("100"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-share", "person__name", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "person"], name="unique_introducer_per_person")]
        verbose_name = _("introducer")
        verbose_name_plural = _("introducers")

    def __str__(self) -> str:
        return f"{self.person} {self.share}%"


class StageEvent(ProjectChild):
    """The date a project reached a stage; signing records the contract amount signed."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="stage_events"
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    date = models.DateField(_("date"))
    # A date known to its month only (a county's sheet wrote 2025年3月) is stored as the 1st, marked "month":
    # shown as the month, counted as its 1st day by the rules.
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    amount = models.DecimalField(_("amount (10k yuan)"), null=True, blank=True, **MONEY)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "stage"], name="one_event_per_stage")]
        indexes = [models.Index(fields=["stage", "date"])]
        verbose_name = _("stage event")
        verbose_name_plural = _("stage events")

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.date}"


class FundsReceipt(ProjectChild):
    """实际到位资金: money actually received for a project on a date."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="receipts")
    date = models.DateField(_("date received"))
    # The figure the ledger sums, in 10k yuan: entered, or worked out from the original amount in another currency
    # and the rate used (``rules.receipt_amount``).
    amount = models.DecimalField(_("amount (10k yuan)"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    original_amount = models.DecimalField(
        _("original amount (in the currency)"),
        null=True,
        blank=True,
        help_text=_("The sum received in the currency itself, e.g. 1500000 US dollars."),
        **MONEY,
    )
    exchange_rate = models.DecimalField(
        _("exchange rate to CNY"),
        max_digits=12,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Yuan per unit of the currency, as used for this receipt."),
    )
    # 期初结转: a cumulative figure brought in from a county's sheet, dated its as-of date. Counted in the project's
    # funds in place, never within a period's sum (``rules.received_within``).
    opening_balance = models.BooleanField(
        _("opening balance"),
        default=False,
        help_text=_("Funds received before this date, brought in as one cumulative figure."),
    )
    source = models.CharField(_("source of funds"), max_length=200, blank=True)
    voucher_no = models.CharField(_("voucher number"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        # Date first for every range of dates; project and amount too, so that the sums of a period's funds
        # per project (the assessment) are read from the index alone.
        indexes = [models.Index(fields=["date", "project", "amount"], name="receipt_date_project_amount")]
        verbose_name = _("funds receipt")
        verbose_name_plural = _("funds receipts")

    def __str__(self) -> str:
        return f"{self.date} {self.amount}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Files are stored under their checksum so that a name never collides and never needs escaping.
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(ProjectChild):
    """Evidence: a file attached to a project, optionally to one of its stage events or receipts."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="attachments"
    )
    stage_event = models.ForeignKey(
        StageEvent,
        verbose_name=_("stage event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    receipt = models.ForeignKey(
        FundsReceipt,
        verbose_name=_("funds receipt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AttachmentKind.choices, default=AttachmentKind.OTHER)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = ClockDateTimeField(_("uploaded"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("projects:attachment_download", args=[self.pk])


STEWARD_THRESHOLD = Decimal("10000")  # 1亿元, in 10k yuan


class StewardRule(models.Model):
    """项目保姆: the county's rule for who looks after a project, one row kept by the bureau.

    A project planned below the threshold gets the head of its township and the head of its department as
    stewards by default; one planned at or above it (以上 includes the threshold) needs a county leader before it
    can be marked signed. Each half has its switch (the default stewards on, the signing check off until the
    bureau has linked its leaders). The ledger flags the projects that miss either, whatever the switches
    (``rules.missing_steward_q``, ``rules.missing_leader_q``)."""

    threshold = models.DecimalField(
        _("steward threshold (10k yuan)"),
        default=STEWARD_THRESHOLD,
        help_text=_("Below it: the township and department heads as stewards; at or above it: a county leader."),
        **MONEY,
    )
    default_stewards = models.BooleanField(_("heads as default stewards"), default=True)
    # Off until the bureau switches it on: the register's leader link is new, and every big project of a county
    # whose typed leader names are not matched yet (``zhaoshang match_persons``) would be refused its signing.
    leader_required = models.BooleanField(_("county leader required to sign"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("steward rule")
        verbose_name_plural = _("steward rules")

    def __str__(self) -> str:
        return str(_("steward rule"))

    @classmethod
    def load(cls) -> StewardRule:
        """The one row, with the defaults until the bureau saves it."""
        row = cls.objects.filter(pk=1).first()
        return row if row is not None else cls(pk=1)


class StageWord(models.Model):
    """A county's status word and the stage it means (在建 → started), or the status (停工 → stalled): the table
    the bureau edits, seeded with common words (``projects.stage_words``). ``word`` is stored normalised."""

    word = models.CharField(_("word"), max_length=30, unique=True)
    target = models.CharField(_("means"), max_length=16, choices=STAGE_WORD_TARGETS)
    history = HistoricalRecords()

    class Meta:
        ordering = ["word"]
        verbose_name = _("status word")
        verbose_name_plural = _("status words")

    def __str__(self) -> str:
        return f"{self.word} → {self.get_target_display()}"
