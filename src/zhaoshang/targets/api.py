"""The county's targets from above through the API: read by any signed-in user, written (through the same
service as the target page) by the bureau alone."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError as ApiValidationError

from . import services
from .models import CountyTarget


class CountyTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = CountyTarget
        fields = [
            "id",
            "period",
            "kind",
            "stage",
            "amount_field",
            "min_amount",
            "target",
            "document",
            "document_number",
            "issued_by",
        ]
        # The service checks the values (Chinese messages naming the field) and the one target per indicator.
        validators = []


class CountyTargetViewSet(viewsets.ModelViewSet):
    queryset = CountyTarget.objects.order_by("period", "id")
    serializer_class = CountyTargetSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["period"]

    def _save(self, serializer, instance=None):
        data = {**({} if instance is None else serializer.to_representation(instance)), **serializer.validated_data}
        period = data["period"] if instance is None else instance.period
        try:
            saved = services.save_county_target(
                user=self.request.user,
                period=period,
                county_target=instance,
                data=services.CountyTargetData(
                    kind=data["kind"],
                    target=Decimal(data["target"]),
                    stage=data.get("stage") or "",
                    amount_field=data.get("amount_field") or "contract_amount",
                    min_amount=Decimal(data.get("min_amount") or 0),
                    document=data.get("document") or "",
                    document_number=data.get("document_number") or "",
                    issued_by=data.get("issued_by") or "",
                ),
            )
        except ValidationError as error:
            raise ApiValidationError({"detail": error.messages}) from error
        serializer.instance = saved

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance):
        services.delete_county_target(user=self.request.user, county_target=instance)
