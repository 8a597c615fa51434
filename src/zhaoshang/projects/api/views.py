from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers

from zhaoshang.core.api import RestrictedReadOnlyViewSet

from ..filtersets import LedgerFilterSet
from ..models import FundsReceipt, Project, ProjectCredit, StageEvent


class CreditSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code")

    class Meta:
        model = ProjectCredit
        fields = ["unit", "unit_code", "share"]


class StageEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = StageEvent
        fields = ["stage", "date", "date_precision", "amount", "note"]


class ProjectSerializer(serializers.ModelSerializer):
    investor = serializers.CharField(source="investor.name", default="")
    investor_credit_code = serializers.CharField(source="investor.credit_code", default="", allow_null=True)
    credits = CreditSerializer(many=True, read_only=True)
    stage_events = StageEventSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "investor",
            "investor_credit_code",
            "capital_type",
            "currency",
            "exchange_rate",
            "foreign_investment",
            "industry",
            "industry_division",
            "industry_chain",
            "kind",
            "high_tech",
            "ownership",
            "company_registered_on",
            "land_paid_on",
            "signing_event",
            "signing_event_level",
            "planned_investment",
            "contract_amount",
            "registered_capital",
            "land_area",
            "location",
            "latitude",
            "longitude",
            "introducer",
            "county_leader",
            "responsible_unit",
            "stewards",
            "work_team",
            "stage",
            "stage_date",
            "status",
            "status_reason",
            "funds_total",
            "progress_note",
            "progress_note_on",
            "credits",
            "stage_events",
            "updated_at",
        ]


class LedgerApiFilterSet(LedgerFilterSet):
    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, user=getattr(request, "user", None), **kwargs)


class ProjectViewSet(RestrictedReadOnlyViewSet):
    """The ledger, with the same filters as the ledger page (query parameters)."""

    queryset = Project.objects.select_related("investor").prefetch_related("credits__unit", "stage_events")
    serializer_class = ProjectSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = LedgerApiFilterSet


class ReceiptSerializer(serializers.ModelSerializer):
    class Meta:
        model = FundsReceipt
        fields = [
            "id",
            "project",
            "date",
            "amount",
            "currency",
            "original_amount",
            "exchange_rate",
            "source",
            "voucher_no",
            "note",
            "opening_balance",
        ]


class ReceiptViewSet(RestrictedReadOnlyViewSet):
    queryset = FundsReceipt.objects.order_by("date", "id")
    serializer_class = ReceiptSerializer
    filterset_fields = ["project"]
    filter_backends = [DjangoFilterBackend]
