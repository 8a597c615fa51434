from django.db import models
from django.utils.translation import gettext_lazy as _


class ReceptionKind(models.TextChoices):
    RECEPTION = "reception", _("Investors received")  # 接待来访客商
    TRIP = "trip", _("Promotion trip")  # 外出招商
