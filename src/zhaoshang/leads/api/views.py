from rest_framework import serializers

from zhaoshang.core.api import RestrictedReadOnlyViewSet

from ..models import Lead


class LeadSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lead
        fields = [
            "id",
            "company",
            "industry",
            "estimated_amount",
            "channel",
            "introducer_name",
            "source",
            "received_on",
            "unit",
            "owner",
            "follow_up_on",
            "status",
            "project",
            "converted_on",
        ]


class LeadViewSet(RestrictedReadOnlyViewSet):
    queryset = Lead.objects.order_by("-received_on", "-pk")
    serializer_class = LeadSerializer
