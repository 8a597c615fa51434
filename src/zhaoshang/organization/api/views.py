from rest_framework import serializers

from zhaoshang.core.api import RestrictedReadOnlyViewSet

from ..models import Unit


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name", "parent", "category", "tier", "active"]


class UnitViewSet(RestrictedReadOnlyViewSet):
    queryset = Unit.objects.order_by("code")
    serializer_class = UnitSerializer
