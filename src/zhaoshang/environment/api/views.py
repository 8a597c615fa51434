"""Indicators and their values through the API, under the pages' permission rule: everyone reads the indicators;
values are read as on the pages (a reporter only their unit's) and written through the same services (a reporter
only the values they may enter; leaders and supervisors read). Entering a value for a period that has one changes
it, as on the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError as ApiValidationError

from zhaoshang.core import limits
from zhaoshang.core.api import RestrictedReadOnlyViewSet, RestrictedViewSetMixin
from zhaoshang.organization.models import Unit

from .. import periods, services
from ..models import Indicator, IndicatorValue


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = [
            "id",
            "name",
            "unit",
            "direction",
            "target",
            "scope",
            "department",
            "frequency",
            "source",
            "description",
            "active",
            "position",
        ]


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator = serializers.PrimaryKeyRelatedField(queryset=Indicator.objects.all())
    department = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), allow_null=True, required=False)
    period = serializers.DateField(help_text="Any day of the period: it is stored as the period's first day.")
    period_label = serializers.CharField(read_only=True)
    met = serializers.BooleanField(read_only=True, allow_null=True)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, validators=[limits.validate_no_control]
    )

    class Meta:
        model = IndicatorValue
        fields = ["id", "indicator", "department", "period", "period_label", "value", "met", "note", "entered_at"]
        read_only_fields = ["entered_at"]
        # The service checks the unit, the period and the one value per period (Chinese messages).
        validators = []


def _api_error(error: ValidationError) -> ApiValidationError:
    return ApiValidationError({"detail": error.messages})


class IndicatorViewSet(RestrictedReadOnlyViewSet):
    queryset = Indicator.objects.order_by("position", "name")
    serializer_class = IndicatorSerializer


class IndicatorValueViewSet(
    RestrictedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    queryset = IndicatorValue.objects.select_related("indicator", "department").order_by(
        "indicator__position", "indicator__name", "-period", "department__code"
    )
    serializer_class = IndicatorValueSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["indicator", "department", "period"]

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        if not self._created:
            response.status_code = status.HTTP_200_OK  # the period's value was there: it is changed
        return response

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            item, self._created = services.save_value(
                user=self.request.user,
                indicator=data["indicator"],
                department=data.get("department"),
                period=data["period"],
                value=data["value"],
                note=data.get("note", ""),
            )
        except ValidationError as error:
            raise _api_error(error) from error
        serializer.instance = item

    def perform_update(self, serializer):
        item, data = serializer.instance, serializer.validated_data
        # What a value is of (indicator, unit, period) stays: enter another value for another period.
        fixed = {
            "indicator": data.get("indicator", item.indicator) != item.indicator,
            "department": data.get("department", item.department) != item.department,
            "period": "period" in data and periods.start_of(data["period"], item.indicator.frequency) != item.period,
        }
        changed = [name for name, differs in fixed.items() if differs]
        if changed:
            raise ApiValidationError({name: [_("This cannot change once the value is entered.")] for name in changed})
        try:
            serializer.instance = services.change_value(
                user=self.request.user, item=item, value=data.get("value", item.value), note=data.get("note", item.note)
            )
        except ValidationError as error:
            raise _api_error(error) from error

    def perform_destroy(self, instance):
        services.delete_value(user=self.request.user, item=instance)
