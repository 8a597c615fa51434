"""The API's view of a leader's home (``/api/leaders/home/``): the same projects and units as the page."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from zhaoshang.core import clock
from zhaoshang.organization import access

from . import selectors


class LeaderHomeView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "LeaderHome",
            {
                "person": serializers.IntegerField(),
                "units": serializers.ListField(child=serializers.DictField()),
                "projects": serializers.ListField(child=serializers.DictField()),
                "count": serializers.IntegerField(),
            },
        )
    )
    def get(self, request):
        person = selectors.person_of(request.user) if access.reads_everything(request.user) else None
        if person is None:
            raise NotFound("No person of the register has this account.")
        data = selectors.leader_home(user=request.user, person=person, today=clock.today())
        return Response(
            {
                "person": person.pk,
                "units": [
                    {"id": u["unit"].pk, "code": u["unit"].code, "count": u["count"], "planned": str(u["planned"])}
                    for u in data.units
                ],
                "projects": [
                    {"id": r["project"].pk, "code": r["project"].code, "own": r["own"], "overdue": r["overdue"]}
                    for r in data.rows
                ],
                "count": data.count,
            }
        )
