from rest_framework import serializers

from zhaoshang.core.api import RestrictedReadOnlyViewSet

from ..models import Opportunity


class OpportunitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Opportunity
        fields = [
            "id",
            "code",
            "title",
            "industry",
            "industry_chain",
            "investment",
            "land_area",
            "site",
            "description",
            "conditions",
            "contact_name",
            "contact_phone",
            "unit",
            "status",
            "project",
            "published_on",
        ]


class OpportunityViewSet(RestrictedReadOnlyViewSet):
    queryset = Opportunity.objects.order_by("code", "id")
    serializer_class = OpportunitySerializer
