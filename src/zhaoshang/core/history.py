"""Change history, read back for display: who, when, which fields, before and after.

Writes are recorded by django-simple-history on every save and delete (the request's user comes from
its middleware; services and commands pass the user explicitly through ``as_user``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone


def as_user(instance: models.Model, user) -> models.Model:
    """Record ``user`` as the author of the next history row written for ``instance``."""
    if user is not None and getattr(user, "pk", None):
        instance._history_user = user
    return instance


@dataclass
class FieldChange:
    field: str
    label: str
    old: Any
    new: Any


@dataclass
class HistoryEntry:
    when: Any
    who: Any
    action: str  # "+" created, "~" changed, "-" deleted
    object_label: str
    model_label: str
    changes: list[FieldChange] = field(default_factory=list)
    reason: str = ""


def display_value(record, field_name: str):
    model_field = record.instance_type._meta.get_field(field_name)
    value = getattr(record, model_field.attname, None)
    if value is None or value == "":
        return ""
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if isinstance(value, (list, dict)):
        return _display_json(record.instance_type, field_name, value)
    if model_field.is_relation:
        try:
            return str(getattr(record, field_name))
        except Exception:  # the related row may have been deleted since
            return f"#{value}"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal) and getattr(model_field, "decimal_places", None) == 2:
        return f"{value:,.2f}"
    if isinstance(value, bool):
        from django.utils.translation import gettext

        return gettext("Yes") if value else gettext("No")
    return value


def _display_json(model, field_name: str, value) -> str:
    """A JSON list or mapping as people read it: its codes shown by their labels when the model names the choices
    of the field in ``HISTORY_CHOICES`` (e.g. ['negotiating', 'signed'] → 洽谈、签约; {'township': 3} → 乡镇 3)."""
    labels = dict(getattr(model, "HISTORY_CHOICES", {}).get(field_name, ()))

    def label(code) -> str:
        return str(labels.get(code, code))

    if isinstance(value, dict):
        return "、".join(f"{label(key)} {item}" for key, item in value.items()) or "—"
    return "、".join(label(item) for item in value) or "—"


# Fields that say nothing the entry does not already say (its author, time and parent object).
SKIPPED_FIELDS = (
    "id",
    "project",
    "recorded_by",
    "uploaded_by",
    "created_by",
    "created_at",
    "updated_at",
    "uploaded_at",
    "file",  # an evidence file's storage path: its checksum, which the entry shows as SHA-256
)


def entries_for(records, *, skip_fields: tuple[str, ...] = SKIPPED_FIELDS) -> list[HistoryEntry]:
    """Turn historical records (of one or several objects, any order) into entries with field diffs."""
    by_object: dict[tuple, list] = {}
    for record in records:
        by_object.setdefault((record.instance_type, record.id), []).append(record)
    entries: list[HistoryEntry] = []
    for (model, _pk), object_records in by_object.items():
        object_records.sort(key=lambda r: (r.history_date, r.history_id))
        tracked = [
            f.name
            for f in model._meta.concrete_fields
            if f.name not in skip_fields and hasattr(object_records[0], f.attname)
        ]
        previous = None
        for record in object_records:
            changes = []
            for name in tracked:
                new = display_value(record, name)
                old = display_value(previous, name) if previous is not None else ""
                if record.history_type == "-":
                    continue
                if previous is None and new == "":
                    continue
                if old != new:
                    label = str(model._meta.get_field(name).verbose_name)
                    changes.append(FieldChange(name, label, old, new))
            if record.history_type == "~" and not changes:
                previous = record
                continue
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=record.history_user,
                    action=record.history_type,
                    object_label=str(record.instance) if record.history_type != "-" else str(record),
                    model_label=str(model._meta.verbose_name),
                    changes=changes,
                    reason=record.history_change_reason or "",
                )
            )
            previous = record
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries
