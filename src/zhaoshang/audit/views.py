"""The change log pages: the whole system's changes (filtered, paged) and one record's full history."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.organization import access

from . import selectors

# Dates before or after these are not a change log's (and would overflow the date arithmetic).
_FIRST_DAY = dt.date(2000, 1, 1)
_LAST_DAY = dt.date(2100, 12, 31)


def _require_reader(request) -> None:
    if not access.reads_change_log(request.user):
        raise PermissionDenied


def _login_log_url(user) -> str | None:
    """The login log (accounts), for the admins who may open it."""
    return reverse("accounts:login_log") if access.is_admin(user) else None


def _day(request, name: str, label: str, errors: list[str]) -> dt.date | None:
    text = request.GET.get(name, "").strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        errors.append(_("%(field)s: “%(value)s” is not a date (YYYY-MM-DD).") % {"field": label, "value": text})
        return None
    if not _FIRST_DAY <= day <= _LAST_DAY:
        errors.append(
            _("%(field)s: %(value)s is outside %(first)s – %(last)s.")
            % {"field": label, "value": text, "first": _FIRST_DAY, "last": _LAST_DAY}
        )
        return None
    return day


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _filters(request, labels: dict) -> tuple[dict, list[str]]:
    """The query's filters for ``selectors.page``, and the Chinese message of every bad value."""
    errors: list[str] = []
    filters: dict = {}
    user_text = request.GET.get("user", "").strip()
    if user_text:
        if user_text.isdigit() and get_user_model().objects.filter(pk=int(user_text)).exists():
            filters["user_id"] = int(user_text)
        else:
            errors.append(_("User: “%(value)s” is not a known user.") % {"value": user_text})
    label = request.GET.get("model", "").strip()
    if label:
        if label in labels:
            filters["label"] = label
        else:
            errors.append(_("Record type: “%(value)s” is not a record type with a history.") % {"value": label})
    since = _day(request, "from", _("From"), errors)
    until = _day(request, "to", _("To"), errors)
    if since and until and since > until:
        errors.append(_("The start date %(from)s is after the end date %(to)s.") % {"from": since, "to": until})
    if since:
        filters["since"] = _start_of(since)
    if until:
        filters["until"] = _start_of(until + dt.timedelta(days=1))
    before = request.GET.get("before", "").strip()
    if before:
        try:
            cursor = selectors.Cursor.decode(before)
        except ValueError:
            errors.append(_("The page link is damaged; start again from the first page."))
        else:
            filters["cursor"] = cursor
    return filters, errors


@login_required
def change_log(request):
    _require_reader(request)
    labels = {label: str(model._meta.verbose_name) for label, model in selectors.tracked_models().items()}
    filters, errors = _filters(request, labels)
    entries, next_cursor = ([], None) if errors else selectors.page(**filters)
    context = {
        "entries": entries,
        "next_cursor": next_cursor.encode() if next_cursor else "",
        "errors": errors,
        "labels": sorted(labels.items(), key=lambda item: item[1]),
        "users": get_user_model().objects.order_by("username"),
        "query": request.GET,
        "login_log_url": _login_log_url(request.user),
        "page_size": selectors.PAGE_SIZE,
    }
    return render(request, "audit/change_log.html", context, status=400 if errors else 200)


@login_required
def object_history(request, model: str, pk: int):
    _require_reader(request)
    if model not in selectors.tracked_models():
        raise Http404
    model_class, entries, latest = selectors.object_history(model, pk)
    if latest is None:
        raise Http404
    deleted = latest.action == "-"
    context = {
        "model_name": model_class._meta.verbose_name,
        "label": model,
        "object_id": pk,
        "object_label": latest.object_label,
        "entries": entries,
        "deleted": deleted,
        "last_values": selectors.last_values(model_class, latest.record),
        "current_url": None if deleted else _current_url(model_class, pk),
    }
    return render(request, "audit/object_history.html", context)


def _current_url(model_class, pk: int) -> str | None:
    obj = model_class._default_manager.filter(pk=pk).first()
    if obj is None or not hasattr(obj, "get_absolute_url"):
        return None
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return None
