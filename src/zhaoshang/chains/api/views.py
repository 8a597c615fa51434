from rest_framework import serializers, viewsets

from zhaoshang.core.api import RestrictedReadOnlyViewSet

from ..models import ChainLink, IndustryChain, TargetEnterprise


class LinkSerializer(serializers.ModelSerializer):
    local_enterprises = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = ChainLink
        fields = ["id", "name", "position", "order", "local_enterprises"]


class ChainSerializer(serializers.ModelSerializer):
    links = LinkSerializer(many=True, read_only=True)

    class Meta:
        model = IndustryChain
        fields = ["id", "name", "unit", "active", "links"]


class ChainViewSet(viewsets.ReadOnlyModelViewSet):
    """The chain plans are the county's: every logged-in user reads them."""

    queryset = IndustryChain.objects.prefetch_related("links__local_enterprises").order_by("order", "name")
    serializer_class = ChainSerializer


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetEnterprise
        fields = ["id", "link", "name", "location", "unit", "status", "lead"]


class TargetViewSet(RestrictedReadOnlyViewSet):
    queryset = TargetEnterprise.objects.order_by("link_id", "name")
    serializer_class = TargetSerializer
