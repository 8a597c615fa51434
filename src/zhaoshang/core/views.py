"""Shared view helpers: the permission rule applied once, the same way for every page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _


class CountedPaginator(Paginator):
    """A paginator told the row count it would otherwise query for (the count is known from elsewhere: the
    ledger's totals, a count kept until the data changes)."""

    def __init__(self, object_list, per_page, *args, count: int, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def get_restricted(queryset, user, pk, action: str = "view"):
    """The object if the user may ``action`` it; 404 if they may not even see it, 403 if only that."""
    try:
        obj = queryset.restrict(user, "view").get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if action != "view" and not queryset.model.objects.restrict(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj


def validation_messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def flash_errors(request, error: ValidationError) -> None:
    """A service's refusal, as error messages on the next page."""
    for message in validation_messages(error):
        messages.error(request, message)


def flash_form_errors(request, form) -> None:
    """An invalid form posted from a page that redirects: each error as a message, named by its field's label."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for message in errors:
            messages.error(request, f"{label}: {message}" if label else message)


def add_form_errors(form, error: ValidationError) -> None:
    for message in validation_messages(error):
        form.add_error(None, message)


def permission_denied(request, exception=None):
    return render(request, "403.html", {"message": _("You do not have permission to do this.")}, status=403)
