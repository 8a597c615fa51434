from rest_framework import serializers

from zhaoshang.core.api import RestrictedReadOnlyViewSet

from ..models import Factory, IdleAsset, LandParcel

COMMON = ["id", "name", "unit", "location", "latitude", "longitude", "status", "project", "note"]


class LandParcelSerializer(serializers.ModelSerializer):
    class Meta:
        model = LandParcel
        fields = [*COMMON, "number", "area_mu", "land_use", "planning_conditions", "price"]


class FactorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Factory
        fields = [*COMMON, "floor_area_m2", "floors", "floor_load", "rent", "sale_price"]


class IdleAssetSerializer(serializers.ModelSerializer):
    class Meta:
        model = IdleAsset
        fields = [*COMMON, "kind", "owner", "land_area_mu", "floor_area_m2", "problem", "disposal_plan"]


class LandParcelViewSet(RestrictedReadOnlyViewSet):
    queryset = LandParcel.objects.order_by("unit__code", "number", "id")
    serializer_class = LandParcelSerializer


class FactoryViewSet(RestrictedReadOnlyViewSet):
    queryset = Factory.objects.order_by("unit__code", "name", "id")
    serializer_class = FactorySerializer


class IdleAssetViewSet(RestrictedReadOnlyViewSet):
    queryset = IdleAsset.objects.order_by("unit__code", "name", "id")
    serializer_class = IdleAssetSerializer
