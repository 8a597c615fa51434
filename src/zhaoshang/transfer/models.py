"""Saved column mappings of counties' own sheets (issue 15): ``transfer.mappings`` writes and reads them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class SourceMapping(models.Model):
    """How one source's sheet ("城关镇月报", "县重点项目调度表") is read: each column's header, the field it fills
    (``source_fields``; "" ignores it) and the scale of its amounts; the options (``mappings.OPTION_KEYS``).
    The shape of ``columns`` and ``options`` is the mapping file's (``mappings.mapping_to_file``)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    sheet_hint = models.CharField(_("sheet name"), max_length=100, blank=True)
    columns = models.JSONField(_("columns"), default=list)
    options = models.JSONField(_("options"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")

    def __str__(self) -> str:
        return self.name

    @property
    def headers(self) -> list[str]:
        return [column["header"] for column in self.columns]

    @property
    def mapped_count(self) -> int:
        """Columns read into a field (the others are ignored)."""
        return sum(1 for column in self.columns if column.get("field"))
