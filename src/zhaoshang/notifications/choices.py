from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    """The group robots a county uses; each has its own message format and signing (see transports.py)."""

    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk custom robot")
    FEISHU = "feishu", _("Feishu custom bot")


class Channel(models.TextChoices):
    INAPP = "inapp", _("In-app")
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Group robot")


class Status(models.TextChoices):
    PENDING = "pending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
