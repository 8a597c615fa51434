"""Writing the map: the bureau's boundary uploads, and positions set by a click (or typed) on the map.

A position is written by the owning app's own service (``resources.services.save_resource``,
``projects.services.update_project``, ``liaison.services.save_enterprise``), so its permission rule and its
history (who, when, before, after) are theirs: the map adds no second way to change a record."""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core import geo
from zhaoshang.liaison import services as liaison_services
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit
from zhaoshang.projects import services as project_services
from zhaoshang.resources import services as resource_services

from . import boundaries, selectors
from .models import Boundary


def may_upload(user) -> bool:
    return access.edits_everything(user)


@transaction.atomic
def upload_boundary(*, user, county: str, filename: str, raw: bytes) -> tuple[Boundary, boundaries.Reading]:
    if not may_upload(user):
        raise PermissionDenied
    reading = boundaries.read(raw, Unit.objects.filter(active=True))
    text = json.dumps(reading.geojson, ensure_ascii=False, separators=(",", ":"))
    boundary = Boundary.objects.create(
        county=county.strip()[:100] or _("County"),
        filename=filename[:200],
        geojson=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        regions=reading.regions,
        matched=len(reading.matched),
        uploaded_by=user,
    )
    return boundary, reading


@transaction.atomic
def place(*, user, kind: str, pk: int, latitude, longitude):
    """Set the position of one record the user may change; returns the record."""
    position = geo.point(latitude, longitude)
    if position is None:
        raise ValidationError(
            _(
                "Latitude must lie between %(lat_low)s and %(lat_high)s and longitude between %(lng_low)s and "
                "%(lng_high)s."
            )
            % {
                "lat_low": geo.LATITUDE[0],
                "lat_high": geo.LATITUDE[1],
                "lng_low": geo.LONGITUDE[0],
                "lng_high": geo.LONGITUDE[1],
            }
        )
    model = selectors.model_of(kind)
    if model is None:
        raise ValidationError(_("Not a kind of record the map shows."))
    record = model.objects.restrict(user, "change").filter(pk=pk).first()
    if record is None:
        raise PermissionDenied
    data = {"latitude": position[0], "longitude": position[1]}
    if kind == "project":
        return project_services.update_project(user=user, project=record, data=data)
    if kind == "enterprise":
        return liaison_services.save_enterprise(user=user, enterprise=record, data={**data, "unit": record.unit})
    return resource_services.save_resource(user=user, model=model, resource=record, data={**data, "unit": record.unit})
