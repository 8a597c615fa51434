from django.db import models
from django.utils.translation import gettext_lazy as _


class PairStatus(models.TextChoices):
    OPEN = "open", _("To review")
    SAME = "same", _("Same project (merged)")
    DIFFERENT = "different", _("Different projects")
    PHASE = "phase", _("Second phase")


class FoundBy(models.TextChoices):
    ENTRY = "entry", _("On entry")
    IMPORT = "import", _("On import")
    CHECK = "check", _("County-wide check")
