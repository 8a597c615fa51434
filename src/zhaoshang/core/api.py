"""API helpers: every API queryset goes through the same permission rule as the pages."""

from rest_framework import viewsets


class RestrictedViewSetMixin:
    """Narrow the queryset with ``restrict(user, action)``: read actions need "view", writes "change"."""

    def get_queryset(self):
        action = "view" if self.request.method in ("GET", "HEAD", "OPTIONS") else "change"
        return super().get_queryset().restrict(self.request.user, action)


class RestrictedReadOnlyViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
