"""The county-wide daily figures: the dashboard's sums of the whole ledger, kept by day (``daily.py``).

A whole-county dashboard (leaders and the bureau, who read everything) summed every project with a stage or a
receipt in its windows on every cold look: 2.5 s at a million projects. The figures of the whole ledger are the
same for everyone who reads it, so they are summed once per data revision into a table by day, figure and
dimension, and a look sums a few thousand of its rows. A unit's dashboard covers thousands of projects and keeps
the row-level SQL.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

SUM = {"max_digits": 24, "decimal_places": 2}  # a sum of money columns (16 digits, 2 places) over a county


class DailyFigure(models.Model):
    """The projects that reached a stage on a day (``figure`` = the stage), as a whole or by one dimension of the
    signed projects (``dimension``, ``value``), or the funds received on a day (``figure`` = "funds")."""

    day = models.DateField(_("day"))
    figure = models.CharField(_("figure"), max_length=12)
    dimension = models.CharField(_("dimension"), max_length=12, blank=True)  # '' for all the projects
    value = models.CharField(_("value"), max_length=100, blank=True)
    projects = models.PositiveIntegerField(_("projects"), default=0)
    contract = models.DecimalField(_("contract amount"), default=0, **SUM)
    planned = models.DecimalField(_("planned investment"), default=0, **SUM)
    foreign_projects = models.PositiveIntegerField(_("foreign-funded projects"), default=0)
    # ``projects.rules.foreign_usd_parts_sql``: dollars as recorded, and yuan still to be divided by the period's
    # rate (a foreign amount, 2 places, times an exchange rate, 6 places: kept exact).
    foreign_dollars = models.DecimalField(_("foreign capital in dollars"), default=0, max_digits=24, decimal_places=2)
    foreign_yuan = models.DecimalField(_("foreign capital in yuan"), default=0, max_digits=32, decimal_places=8)
    funds = models.DecimalField(_("funds in place"), default=0, **SUM)

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        indexes = [models.Index(fields=["figure", "dimension", "day"], name="dashboard_daily_figure_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.figure} {self.dimension}={self.value}"


class DailyFiguresBuilt(models.Model):
    """The one row saying which data revision (``core.revision.data_revision`` of ``daily.APPS``) the daily figures
    were built from: they are read only while it is the current one."""

    revision = models.CharField(_("data revision"), max_length=200)
    built_at = models.DateTimeField(_("built at"))
    seconds = models.FloatField(_("seconds taken"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("daily figures build")
        verbose_name_plural = _("daily figures builds")

    def __str__(self) -> str:
        return f"{self.revision} ({self.built_at:%Y-%m-%d %H:%M})"
