"""The system-wide change log: every django-simple-history table read as one list, newest first.

Tracked models are found through the app registry (a model that simple-history tracks carries
``_meta.simple_history_manager_attribute``), so this app imports no domain app. Paging is by keyset over
(history_date, model label, history_id): each history table is asked for the next rows before the cursor, and
the answers are merged, so a page costs one query per table whatever the log's length.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from zhaoshang.core.history import display_value

PAGE_SIZE = 50
# Fields every entry already says (when, who) or that say nothing to a reader.
_SKIPPED = {"id", "created_at", "updated_at", "uploaded_at"}


def tracked_models() -> dict[str, type[models.Model]]:
    """``{"app_label.model_name": model}`` for every model whose history is kept, sorted by label."""
    found = {}
    for model in apps.get_models():
        if getattr(model._meta, "simple_history_manager_attribute", None):
            found[model._meta.label_lower] = model
    return dict(sorted(found.items()))


def history_model(model: type[models.Model]) -> type[models.Model]:
    return getattr(model, model._meta.simple_history_manager_attribute).model


@dataclass(frozen=True)
class Cursor:
    when: dt.datetime
    label: str
    history_id: int

    def encode(self) -> str:
        return f"{self.when.isoformat()}~{self.label}~{self.history_id}"

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """Raises ``ValueError`` for anything but a cursor this module wrote."""
        when_text, label, id_text = text.split("~")
        when = dt.datetime.fromisoformat(when_text)
        if timezone.is_naive(when):
            raise ValueError(text)
        return cls(when, label, int(id_text))


@dataclass
class Change:
    label: str
    old: Any
    new: Any


@dataclass
class Entry:
    record: Any
    label: str  # app_label.model_name
    model_name: str  # verbose name
    when: dt.datetime
    who: Any
    action: str  # "+", "~", "-"
    object_id: Any
    object_label: str
    changes: list[Change] = field(default_factory=list)
    reason: str = ""

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.when, self.label, self.record.history_id)


def _tracked_fields(model, record) -> list:
    return [f for f in model._meta.concrete_fields if f.name not in _SKIPPED and hasattr(record, f.attname)]


def _object_label(model, record) -> str:
    try:
        return str(record.instance)
    except Exception:  # a related row the label needs may be gone
        return f"{model._meta.verbose_name} #{record.id}"


def changes(model, record, previous) -> list[Change]:
    """Field by field, before → after; a creation lists the values it set, a deletion the last values."""
    result = []
    for model_field in _tracked_fields(model, record):
        new = display_value(record, model_field.name)
        old = display_value(previous, model_field.name) if previous is not None else ""
        if record.history_type == "-":
            if new != "":
                result.append(Change(str(model_field.verbose_name), new, ""))
            continue
        if old != new:
            result.append(Change(str(model_field.verbose_name), old, new))
    return result


def entry(label: str, model, record, previous=None, *, with_changes: bool = True) -> Entry:
    return Entry(
        record=record,
        label=label,
        model_name=str(model._meta.verbose_name),
        when=record.history_date,
        who=record.history_user,
        action=record.history_type,
        object_id=record.id,
        object_label=_object_label(model, record),
        changes=changes(model, record, previous) if with_changes else [],
        reason=record.history_change_reason or "",
    )


def _before_q(cursor: Cursor, label: str) -> models.Q:
    if label < cursor.label:
        return models.Q(history_date__lte=cursor.when)
    if label == cursor.label:
        return models.Q(history_date__lt=cursor.when) | models.Q(
            history_date=cursor.when, history_id__lt=cursor.history_id
        )
    return models.Q(history_date__lt=cursor.when)


def page(
    *,
    user_id: int | None = None,
    label: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    cursor: Cursor | None = None,
    size: int = PAGE_SIZE,
) -> tuple[list[Entry], Cursor | None]:
    """One page of the log, newest first, and the cursor of the next page (``None`` on the last)."""
    models_by_label = tracked_models()
    if label is not None:
        models_by_label = {label: models_by_label[label]}
    streams = []
    for model_label, model in models_by_label.items():
        queryset = history_model(model).objects.select_related("history_user")
        if user_id is not None:
            queryset = queryset.filter(history_user_id=user_id)
        if since is not None:
            queryset = queryset.filter(history_date__gte=since)
        if until is not None:
            queryset = queryset.filter(history_date__lt=until)
        if cursor is not None:
            queryset = queryset.filter(_before_q(cursor, model_label))
        rows = list(queryset.order_by("-history_date", "-history_id")[: size + 1])
        streams.append([((r.history_date, model_label, r.history_id), model_label, model, r) for r in rows])
    merged = heapq.merge(*streams, key=lambda item: item[0], reverse=True)
    chosen = []
    for item in merged:
        chosen.append(item)
        if len(chosen) > size:
            break
    more = len(chosen) > size
    chosen = chosen[:size]
    previous = _previous_records(chosen)
    entries = [
        entry(model_label, model, record, previous.get((model_label, record.history_id)))
        for _key, model_label, model, record in chosen
    ]
    next_cursor = entries[-1].cursor if more and entries else None
    return entries, next_cursor


def _previous_records(chosen) -> dict[tuple[str, int], models.Model]:
    """Each chosen history row's previous row of the same record (simple-history's ``prev_record``), read in
    two queries per model on the page instead of one per row."""
    by_model: dict[str, tuple[type[models.Model], list[int]]] = {}
    for _key, model_label, model, record in chosen:
        by_model.setdefault(model_label, (model, []))[1].append(record.history_id)
    found = {}
    for model_label, (model, ids) in by_model.items():
        history = history_model(model)
        earlier = history.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date")).order_by(
            "-history_date", "-history_id"
        )
        pairs = dict(
            history.objects.filter(history_id__in=ids)
            .annotate(previous_id=Subquery(earlier.values("history_id")[:1]))
            .exclude(previous_id=None)
            .values_list("history_id", "previous_id")
        )
        rows = history.objects.select_related("history_user").in_bulk(list(pairs.values()))
        for history_id, previous_id in pairs.items():
            found[(model_label, history_id)] = rows[previous_id]
    return found


def object_history(label: str, pk: int) -> tuple[type[models.Model], list[Entry], Entry | None]:
    """Every history row of one record (deleted or not), newest first, and its last known state."""
    model = tracked_models()[label]
    records = list(
        history_model(model).objects.filter(id=pk).select_related("history_user").order_by("history_date", "history_id")
    )
    entries = []
    previous = None
    for record in records:
        entries.append(entry(label, model, record, previous))
        previous = record
    entries.reverse()
    return model, entries, (entries[0] if entries else None)


def last_values(model, record) -> list[Change]:
    """The record's last known values (label, value), for a deleted object's page."""
    return [
        Change(str(f.verbose_name), display_value(record, f.name), "")
        for f in _tracked_fields(model, record)
        if display_value(record, f.name) != ""
    ]
