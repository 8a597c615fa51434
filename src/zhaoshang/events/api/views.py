"""The register of events through the API, read-only: read by every signed-in user (decision 43), with the
figures of the projects and leads the user may see (``selectors.with_figures``)."""

from rest_framework import serializers, viewsets

from .. import selectors
from ..models import Event


class EventSerializer(serializers.ModelSerializer):
    # Text, not an enum in the schema: the choice set is the projects' SigningEventLevelEnum already, and "level"
    # names the persons' levels there.
    level = serializers.CharField(read_only=True, help_text="county, city, province or national (EventLevel)")
    projects_signed = serializers.IntegerField(read_only=True)
    contract_amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    planned_investment = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    leads_collected = serializers.IntegerField(read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "name",
            "level",
            "organiser",
            "unit",
            "starts_on",
            "ends_on",
            "place",
            "description",
            "projects_signed",
            "contract_amount",
            "planned_investment",
            "leads_collected",
        ]


class EventViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Event.objects.order_by("-starts_on", "name", "pk")
    serializer_class = EventSerializer

    def get_queryset(self):
        return selectors.with_figures(super().get_queryset(), user=self.request.user)
