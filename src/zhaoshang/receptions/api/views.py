from rest_framework import serializers

from zhaoshang.core.api import RestrictedReadOnlyViewSet

from ..models import Reception


class ReceptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reception
        fields = [
            "id",
            "kind",
            "unit",
            "date",
            "end_date",
            "place",
            "companies",
            "our_people",
            "our_persons",
            "investors",
            "leads",
            "batches",
            "persons",
            "purpose",
            "outcome",
            "follow_up",
        ]


class ReceptionViewSet(RestrictedReadOnlyViewSet):
    queryset = Reception.objects.order_by("-date", "-id").prefetch_related("our_persons", "investors", "leads")
    serializer_class = ReceptionSerializer
