from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.core.permissions import RestrictedModel, RestrictedQuerySet

from .choices import Category, Role, Tier


class Unit(RestrictedModel):
    """A township, department, park or office: the node that is given targets and credited with projects."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices, null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("projects:unit", args=[self.pk])

    @classmethod
    def unit_scope_q(cls, unit_ids):
        return models.Q(pk__in=unit_ids)

    @classmethod
    def reporter_may(cls, action) -> bool:
        # Reporters see their own unit tree; the organisation itself is kept by the bureau and admin.
        return action == "view"


class User(AbstractUser):
    """A person who logs in; a reporter's ``unit`` bounds everything they can see and change.

    What a user may do follows from ``role`` and ``unit``: ask ``organization.access``."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.REPORTER)
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # Accounts, roles and unit assignments are tracked like the ledger; secrets and login times are not.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    def save(self, *args, **kwargs):
        # A login only stamps last_login (or a password change only the hash): nothing history keeps.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
            self.skip_history_when_saving = True
            try:
                return super().save(*args, **kwargs)
            finally:
                del self.skip_history_when_saving
        return super().save(*args, **kwargs)


class UnitAlias(models.Model):
    """A name a county's sheet writes for a unit ("经开区" for "县经济开发区"), confirmed once by the bureau and
    resolved from then on (``organization.aliases``). ``alias`` is stored normalised (``aliases.normalise_name``)."""

    alias = models.CharField(_("alias"), max_length=100, unique=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="aliases")
    created_by = models.ForeignKey(
        "organization.User",
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["alias"]
        verbose_name = _("unit alias")
        verbose_name_plural = _("unit aliases")

    def __str__(self) -> str:
        return f"{self.alias} → {self.unit.name}"
