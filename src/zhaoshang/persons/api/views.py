from rest_framework import serializers

from zhaoshang.core.api import RestrictedReadOnlyViewSet

from ..models import Person


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "unit", "post", "level", "active"]


class PersonViewSet(RestrictedReadOnlyViewSet):
    queryset = Person.objects.order_by("unit__code", "name", "pk")
    serializer_class = PersonSerializer
