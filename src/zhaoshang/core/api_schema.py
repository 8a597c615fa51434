"""OpenAPI schema: every operation documents the error answers the API actually gives.

``ErrorDocumentingAutoSchema`` is the project's DEFAULT_SCHEMA_CLASS, so every viewset gets it: 401 (no or a bad
token), 403 (the role may not), 404 (a detail outside the user's scope, or missing) and, for operations that take
query parameters or a body, 400 (a filter or field that does not validate).
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="A message in the user's language.")


class ValidationErrorSerializer(serializers.Serializer):
    """``{"field": ["message", …], …}``: each parameter or field that did not validate, with its messages."""

    def to_representation(self, instance):  # pragma: no cover - documentation only
        return instance


ERROR_RESPONSES = {
    "401": OpenApiResponse(ErrorDetailSerializer, description="Not authenticated: no, an expired or a revoked token."),
    "403": OpenApiResponse(ErrorDetailSerializer, description="Authenticated, but the role may not do this."),
    "404": OpenApiResponse(ErrorDetailSerializer, description="No such record, or not visible to this user."),
}
VALIDATION_RESPONSE = OpenApiResponse(
    {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    description="A query parameter or a field did not validate; the messages name it.",
)


class ErrorDocumentingAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = ["401", "403"]
        if "{" in self.path:
            codes.append("404")
        for code in codes:
            responses.setdefault(code, self._get_response_for_code(ERROR_RESPONSES[code], code, direction=direction))
        takes_input = self.method in ("POST", "PUT", "PATCH") or bool(self._get_filter_parameters())
        if takes_input or self._is_list_view():
            responses.setdefault("400", self._get_response_for_code(VALIDATION_RESPONSE, "400", direction=direction))
        return responses
