from rest_framework import serializers

from zhaoshang.core.api import RestrictedReadOnlyViewSet

from .. import rules
from ..models import Milestone


class MilestoneSerializer(serializers.ModelSerializer):
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    stage = serializers.CharField(source="kind.stage", read_only=True, allow_null=True)
    actual_date = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = ["id", "project", "kind", "kind_name", "stage", "planned_on", "actual_date", "evidence", "note"]

    def get_actual_date(self, milestone):
        day = rules.actual_date(milestone)
        return day.isoformat() if day else None


class MilestoneViewSet(RestrictedReadOnlyViewSet):
    queryset = Milestone.objects.select_related("kind", "project").order_by("project_id", "kind__order", "pk")
    serializer_class = MilestoneSerializer
