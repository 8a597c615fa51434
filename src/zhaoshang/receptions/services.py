"""Writing receptions and trips: one through the form, many from an .xlsx (all or nothing). A reporter records
only for their own units; the bureau for any; the others read."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core.history import as_user
from zhaoshang.organization import access

from . import xlsx
from .models import Reception

FIELDS = (
    "kind",
    "unit",
    "date",
    "end_date",
    "place",
    "companies",
    "our_people",
    "batches",
    "persons",
    "purpose",
    "outcome",
    "follow_up",
)
RELATIONS = ("our_persons", "investors", "leads")


def may_record(user) -> bool:
    return access.edits_everything(user) or (access.is_reporter(user) and bool(access.unit_ids(user)))


def _recordable_units(user) -> frozenset[int] | None:
    """The units the user may record for: None for every unit (the bureau)."""
    if access.edits_everything(user):
        return None
    if access.is_reporter(user):
        return access.unit_ids(user)
    raise PermissionDenied


@transaction.atomic
def save_reception(*, user, reception: Reception | None = None, data: dict) -> Reception:
    """Create or change a reception or trip; ``data`` holds the model's fields and its links (lists)."""
    if reception is not None and not Reception.objects.restrict(user, "change").filter(pk=reception.pk).exists():
        raise PermissionDenied
    allowed = _recordable_units(user)
    unit = data.get("unit", reception.unit if reception else None)
    if allowed is not None and (unit is None or unit.pk not in allowed):
        raise ValidationError(_("You may only record receptions and trips of your own unit."))
    reception = reception or Reception(recorded_by=user)
    for name in FIELDS:
        if name in data:
            value = data[name]
            setattr(reception, name, value.strip() if isinstance(value, str) else value)
    reception.full_clean()
    as_user(reception, user).save()
    for name in RELATIONS:
        if name in data:
            linked = getattr(reception, name)
            chosen = list(data[name] or [])
            restrict = getattr(linked.model.objects, "restrict", None)
            if restrict is not None:
                # The links the user cannot see (another unit's lead) stay: the form offered them no choice.
                chosen += list(linked.exclude(pk__in=restrict(user).values("pk")))
            linked.set(chosen)
    return reception


def import_receptions(*, user, data: bytes) -> tuple[list[Reception], list[xlsx.RowError]]:
    """Read the workbook and, when no row has an error, record every row in one transaction; otherwise record
    nothing and return the errors (each naming its row and column)."""
    allowed = _recordable_units(user)
    parsed = xlsx.read(data, unit_ids=allowed)
    if parsed.errors:
        return [], parsed.errors
    created = []
    errors = []
    with transaction.atomic():
        for number, row in parsed.rows:
            reception = Reception(recorded_by=user, **row)
            try:
                reception.full_clean()
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    column = dict(xlsx.COLUMNS).get(name, name)
                    errors.extend(xlsx.RowError(number, str(column), message) for message in messages)
                continue
            as_user(reception, user).save()
            created.append(reception)
        if errors:
            transaction.set_rollback(True)
            return [], errors
    return created, []
