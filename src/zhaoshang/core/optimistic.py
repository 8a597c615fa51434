"""Optimistic concurrency for edit forms (decision 15).

A form carries a signed snapshot of the record as it was when the page was loaded (``sign(state(...))`` in a
hidden field). The service, holding the record locked (``select_for_update``) inside its transaction, compares
that snapshot with the record now (``check``): if someone else saved it in between, nothing is saved and the
user reads, for each field that changed, the value saved by the other person and the value they entered.

The snapshot holds the values as shown (``display``), so the message needs no second read, and it is signed
(``django.core.signing``) so that a hand-made snapshot cannot hide another person's change."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

SALT = "zhaoshang.optimistic"
FIELD = "version"  # the hidden form field that carries the snapshot


class StaleEdit(ValidationError):
    """The record changed since the form was loaded; ``changes`` holds (label, theirs, yours)."""

    def __init__(self, message, changes: list[tuple[str, str, str]]):
        super().__init__(message, code="stale")
        self.changes = changes


def display(model: type[models.Model], name: str, value) -> str:
    """A field's value as a person reads it: choices by label, related rows by name, empty as "—"."""
    try:
        field = model._meta.get_field(name)
    except Exception:  # a pseudo-field (credits, say): already text
        field = None
    if value is None or value == "":
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def state(instance: models.Model, fields: Iterable[str]) -> dict[str, str]:
    """The record's fields as shown (foreign keys by their row's name)."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        value = getattr(instance, name) if not field.is_relation else getattr(instance, name, None)
        values[name] = display(type(instance), name, value)
    return values


def posted_version(request) -> str | None:
    """The snapshot a posted form carried: None when the post has no such field (a client that predates it:
    nothing to compare), else its text, an empty or altered one being refused by ``check``."""
    return request.POST.get(FIELD) if FIELD in request.POST else None


def sign(values: Mapping[str, str]) -> str:
    return signing.dumps(dict(values), salt=SALT, compress=True)


def label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def check(
    token: str | None,
    current: Mapping[str, str],
    yours: Mapping[str, str] | None = None,
    *,
    model: type[models.Model],
    labels: Mapping[str, str] | None = None,
) -> None:
    """Refuse a save whose form was loaded before the record's last change. ``token`` is the form's snapshot
    (None: a caller without a form, nothing to compare); ``current`` the locked record's ``state`` now;
    ``yours`` what the user entered, as shown. Raises ``StaleEdit`` naming each changed field."""
    if token is None:
        return
    try:
        loaded = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise ValidationError(_("The form could not be checked against the saved record; reload the page.")) from None
    changed = [name for name in current if loaded.get(name) != current[name]]
    if not changed:
        return
    labels = labels or {}
    yours = yours or {}
    changes = [
        (labels.get(name) or label(model, name), current[name], yours.get(name, loaded.get(name, "—")))
        for name in changed
    ]
    details = "；".join(
        _("%(field)s: saved by someone else %(theirs)s, yours %(yours)s")
        % {"field": field, "theirs": theirs, "yours": mine}
        for field, theirs, mine in changes
    )
    raise StaleEdit(
        _("Someone else saved this record after you opened the page; nothing was saved. Changes: %(details)s.")
        % {"details": details},
        changes,
    )
