from django.db import models
from django.utils.translation import gettext_lazy as _


class Position(models.TextChoices):
    UPSTREAM = "up", _("Upstream")
    MIDSTREAM = "mid", _("Midstream")
    DOWNSTREAM = "down", _("Downstream")


# Up-, mid-, then downstream: the order links are shown and written in.
POSITION_RANK = {value: rank for rank, value in enumerate(Position.values)}


class ContactStatus(models.TextChoices):
    NOT_CONTACTED = "none", _("Not contacted yet")
    CONTACTED = "contacted", _("Contacted")
    VISITED = "visited", _("Visited")
    NEGOTIATING = "talks", _("In talks")
    LANDED = "landed", _("Landed")
    DROPPED = "dropped", _("Dropped")


# The targets still being approached (the others landed or were dropped).
ACTIVE_CONTACT = (
    ContactStatus.NOT_CONTACTED,
    ContactStatus.CONTACTED,
    ContactStatus.VISITED,
    ContactStatus.NEGOTIATING,
)
