from rest_framework import serializers

from zhaoshang.core.api import RestrictedReadOnlyViewSet

from ..models import Complaint, Promise


class PromiseSerializer(serializers.ModelSerializer):
    investor_name = serializers.CharField(source="investor.name", read_only=True)

    class Meta:
        model = Promise
        fields = [
            "id",
            "investor",
            "investor_name",
            "project",
            "kind",
            "content",
            "amount",
            "department",
            "promised_on",
            "due_on",
            "status",
            "delivered_on",
            "delivery_note",
            "escalation",
        ]


class ComplaintSerializer(serializers.ModelSerializer):
    investor_name = serializers.CharField(source="investor.name", read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "investor",
            "investor_name",
            "project",
            "received_on",
            "channel",
            "content",
            "department",
            "deadline",
            "status",
            "outcome",
            "answered_on",
            "investor_answer",
            "closed_on",
            "escalation",
        ]


class PromiseViewSet(RestrictedReadOnlyViewSet):
    queryset = Promise.objects.select_related("investor").order_by("due_on", "-id")
    serializer_class = PromiseSerializer


class ComplaintViewSet(RestrictedReadOnlyViewSet):
    queryset = Complaint.objects.select_related("investor").order_by("-received_on", "-id")
    serializer_class = ComplaintSerializer
