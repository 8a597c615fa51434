from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.core import clock
from zhaoshang.core.views import flash_errors, flash_form_errors

from . import selectors, services
from .forms import BoundaryForm, PlaceForm
from .models import Boundary


def _labels() -> dict:
    return {
        "unit": _("unit"),
        "status": _("status"),
        "open": _("Open the record"),
        "placing": _("Click the map where it lies"),
        "outside": _("Click inside the map"),
    }


@login_required
def county_map(request):
    boundary = Boundary.current()
    kinds = selectors.kinds()
    points = selectors.points(request.user, clock.today())
    counts = {kind.key: 0 for kind in kinds}
    for point in points:
        counts[point["kind"]] += 1
    place = request.GET.get("place", "")
    return render(
        request,
        "maps/map.html",
        {
            "boundary": boundary,
            "kinds": [
                {"key": k.key, "label": str(k.label), "count": counts[k.key], "statuses": k.statuses} for k in kinds
            ],
            "map_data": {
                "points": points,
                "kinds": {
                    k.key: {"label": str(k.label), "statuses": {s: str(v) for s, v in k.statuses.items()}}
                    for k in kinds
                },
                "boundary": bool(boundary),
                "labels": _labels(),
                "focus": request.GET.get("focus", ""),
            },
            "unplaced": selectors.unplaced(request.user),
            "place": place,
            "place_form": PlaceForm(),
            "can_upload": services.may_upload(request.user),
            "total": len(points),
        },
    )


@login_required
def boundary_json(request):
    """The newest boundaries, as the upload was rebuilt (names and polygons only); cached by the browser."""
    boundary = Boundary.current()
    if boundary is None:
        return HttpResponse('{"type":"FeatureCollection","features":[]}', content_type="application/geo+json")
    etag = f'"{boundary.sha256}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified()
    response = HttpResponse(boundary.geojson, content_type="application/geo+json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def boundary_upload(request):
    if not services.may_upload(request.user):
        raise PermissionDenied
    current = Boundary.current()
    form = BoundaryForm(
        request.POST or None, request.FILES or None, initial={"county": current.county if current else ""}
    )
    reading = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            current, reading = services.upload_boundary(
                user=request.user, county=form.cleaned_data["county"], filename=upload.name, raw=upload.read()
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(
                request,
                _("Boundaries saved: %(regions)s regions, %(matched)s of them matched to units.")
                % {"regions": reading.regions, "matched": len(reading.matched)},
            )
    return render(
        request,
        "maps/boundary_upload.html",
        {
            "form": form,
            "reading": reading,
            "current": current,
            "uploads": Boundary.objects.select_related("uploaded_by")[:20],
        },
    )


@require_POST
@login_required
def place(request):
    form = PlaceForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("maps:map")
    data = form.cleaned_data
    kind, pk = data["record"]
    try:
        record = services.place(
            user=request.user, kind=kind, pk=pk, latitude=data["latitude"], longitude=data["longitude"]
        )
    except ValidationError as error:
        flash_errors(request, error)
        return redirect(f"{reverse('maps:map')}?place={kind}:{pk}")
    messages.success(request, _("Position of “%(name)s” saved.") % {"name": record.name})
    return redirect(f"{reverse('maps:map')}?focus={kind}:{record.pk}")
