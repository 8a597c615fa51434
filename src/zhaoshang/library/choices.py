from django.db import models
from django.utils.translation import gettext_lazy as _


class OpportunityStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")  # by a unit, not yet published
    PUBLISHED = "published", _("Published")
    IN_TALKS = "in_talks", _("In talks")
    LANDED = "landed", _("Landed")  # linked to the project it became
    WITHDRAWN = "withdrawn", _("Withdrawn")


# What everybody reads: the catalogue.
CATALOGUE_STATUSES = (OpportunityStatus.PUBLISHED, OpportunityStatus.IN_TALKS, OpportunityStatus.LANDED)
