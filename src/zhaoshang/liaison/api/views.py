from rest_framework import serializers

from zhaoshang.core.api import RestrictedReadOnlyViewSet

from ..models import Demand, Enterprise, Visit


class EnterpriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "unit",
            "industry",
            "size",
            "address",
            "latitude",
            "longitude",
            "contact_name",
            "contact_phone",
            "investor",
        ]


class VisitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Visit
        fields = ["id", "enterprise", "date", "visitors", "cadre", "raised"]


class DemandSerializer(serializers.ModelSerializer):
    class Meta:
        model = Demand
        fields = [
            "id",
            "enterprise",
            "visit",
            "category",
            "description",
            "department",
            "raised_on",
            "deadline",
            "status",
            "closed_on",
            "satisfaction",
            "satisfaction_note",
        ]


class EnterpriseViewSet(RestrictedReadOnlyViewSet):
    queryset = Enterprise.objects.order_by("unit__code", "name", "id")
    serializer_class = EnterpriseSerializer


class VisitViewSet(RestrictedReadOnlyViewSet):
    queryset = Visit.objects.order_by("-date", "-id")
    serializer_class = VisitSerializer


class DemandViewSet(RestrictedReadOnlyViewSet):
    queryset = Demand.objects.order_by("deadline", "id")
    serializer_class = DemandSerializer
