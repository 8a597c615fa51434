"""Writing resources: entry and edits, status changes with their rule, photos and documents.

Every write checks the one permission rule (``restrict(user, "change")``: a reporter their own unit's resources,
the bureau any), runs in one transaction and names its author in the history (``as_user``)."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core import filetypes
from zhaoshang.core.history import as_user
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit
from zhaoshang.projects.models import Project
from zhaoshang.projects.services import attachment_errors

from .choices import AVAILABLE, TAKEN_STATUSES
from .models import LINK_OF, Attachment, Resource, attachment_path

# The fields a form or an import sets; status and project only change through ``change_status``.
EDITABLE = {
    "parcel": ("number", "name", "unit", "location", "latitude", "longitude", "area_mu", "land_use",
               "planning_conditions", "price", "note"),
    "factory": ("name", "unit", "location", "latitude", "longitude", "floor_area_m2", "floors", "floor_load", "rent",
                "sale_price", "note"),
    "idle": ("name", "unit", "kind", "owner", "location", "latitude", "longitude", "land_area_mu", "floor_area_m2",
             "problem", "disposal_plan", "note"),
}  # fmt: skip


def may_add(user) -> bool:
    """The bureau for any unit, a reporter for their own."""
    return access.edits_everything(user) or (access.is_reporter(user) and bool(access.unit_ids(user)))


def may_change(user, resource: Resource) -> bool:
    return type(resource).objects.restrict(user, "change").filter(pk=resource.pk).exists()


def units_for(user):
    """The units a user may offer resources of."""
    units = Unit.objects.filter(active=True).order_by("code")
    if not access.edits_everything(user):
        units = units.filter(pk__in=access.unit_ids(user))
    return units


def projects_for(user):
    """The projects a user may link a resource to: those they see (a reporter's: their unit's)."""
    return Project.objects.restrict(user).order_by("code")


def _check_unit(user, unit: Unit | None) -> None:
    if unit is None or not units_for(user).filter(pk=unit.pk).exists():
        raise ValidationError(_("You may not offer resources of this unit."))


@transaction.atomic
def save_resource(*, user, model, resource: Resource | None, data: dict, status: str | None = None,
                  project: Project | None = None) -> Resource:  # fmt: skip
    """Create (``resource`` None) or update a resource from ``data`` (the kind's editable fields). An import may
    give the new resource's status and project, under the rule of ``change_status``."""
    if resource is None:
        if not may_add(user):
            raise PermissionDenied
        resource = model()
    else:
        resource = model.objects.restrict(user, "change").filter(pk=resource.pk).first()
        if resource is None:
            raise PermissionDenied
    _check_unit(user, data.get("unit"))
    for name in EDITABLE[model.KIND]:
        if name in data:
            setattr(resource, name, data[name])
    if status is not None:
        _apply_status(user, resource, status, project)
    resource.full_clean()
    as_user(resource, user).save()
    return resource


def _apply_status(user, resource: Resource, status: str, project: Project | None) -> None:
    choices = dict(type(resource)._meta.get_field("status").flatchoices)
    if status not in choices:
        raise ValidationError(_("Not one of the statuses of this resource."))
    if status in TAKEN_STATUSES and project is None:
        raise ValidationError(
            _("A resource marked “%(status)s” needs the project that took it.") % {"status": choices[status]}
        )
    if project is not None and not projects_for(user).filter(pk=project.pk).exists():
        raise ValidationError(_("You may not link a resource to this project."))
    resource.status = status
    resource.project = None if status == AVAILABLE else project


@transaction.atomic
def change_status(*, user, resource: Resource, status: str, project: Project | None = None, reason: str = ""):
    """Move a resource to ``status``: supplied (let or sold) only with the project that took it, available again
    without one; only by the bureau or a reporter of the resource's unit. The change and its reason are in the
    history."""
    model = type(resource)
    # Ordered by nothing but the key: the lock takes the resource's row only, not its unit's.
    locked = model.objects.restrict(user, "change").select_for_update().filter(pk=resource.pk).order_by("pk").first()
    if locked is None:
        raise PermissionDenied
    _apply_status(user, locked, status, project)
    locked._change_reason = reason[:100]
    as_user(locked, user).save(update_fields=["status", "project"])
    return locked


@transaction.atomic
def add_attachment(*, user, resource: Resource, uploaded, kind: str) -> Attachment:
    """A photo or document of the resource, checked as the ledger's evidence is (``projects.services``'s extension
    and size rule, then ``core.filetypes``: the content must be what the extension says)."""
    if not may_change(user, resource):
        raise PermissionDenied
    errors = attachment_errors(name=uploaded.name, size=uploaded.size)
    checked = None
    if not errors:
        try:
            checked = filetypes.check(uploaded.name, uploaded)
        except filetypes.FileTypeError as error:
            name = PurePath(uploaded.name).name
            if str(error) == "unknown":
                errors.append(
                    _("“%(name)s” is not a file of an accepted type (its content was checked).") % {"name": name}
                )
            else:
                errors.append(
                    _("The content of “%(name)s” does not match its extension .%(ext)s; the file is refused.")
                    % {"name": name, "ext": PurePath(name).suffix.lower().lstrip(".")}
                )
    if errors:
        raise ValidationError(errors)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    attachment = Attachment(
        kind=kind,
        original_name=PurePath(uploaded.name).name[:255],
        size=uploaded.size,
        content_type=checked.content_type,  # the checked kind's, never what the browser claimed
        sha256=digest.hexdigest(),
        uploaded_by=user if getattr(user, "pk", None) else None,
    )
    setattr(attachment, LINK_OF[resource.KIND], resource)
    stored = attachment_path(attachment, uploaded.name)
    if attachment.file.storage.exists(stored):
        attachment.file.name = stored
    else:
        attachment.file.save(attachment.sha256, uploaded, save=False)
    as_user(attachment, user).save()
    return attachment


@transaction.atomic
def delete_attachment(*, user, attachment: Attachment) -> None:
    if not Attachment.objects.restrict(user, "change").filter(pk=attachment.pk).exists():
        raise PermissionDenied
    as_user(attachment, user).delete()
