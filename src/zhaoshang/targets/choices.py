from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduleBasis(models.TextChoices):
    """How schedule progress (时序进度) is measured: elapsed days, or completed months."""

    DAY = "day", _("By day")
    MONTH = "month", _("By month")


class IndicatorKind(models.TextChoices):
    COUNT = "count", _("Project count")
    AMOUNT = "amount", _("Amount sum")
    FUNDS = "funds", _("Funds in place")
    FOREIGN = "foreign", _("Foreign capital (USD)")


class AmountField(models.TextChoices):
    PLANNED = "planned_investment", _("Planned investment")
    CONTRACT = "contract_amount", _("Contract amount")


class Basis(models.TextChoices):
    REPORTED = "reported", _("Reported figures")
    VERIFIED = "verified", _("Verified figures")


# Excel labels (a file format: Chinese whatever the interface language).
SCHEDULE_XLSX = {"按日": ScheduleBasis.DAY, "按月": ScheduleBasis.MONTH}
KIND_XLSX = {
    "项目个数": IndicatorKind.COUNT,
    "金额合计": IndicatorKind.AMOUNT,
    "到位资金": IndicatorKind.FUNDS,
    "利用外资": IndicatorKind.FOREIGN,
}
AMOUNT_FIELD_XLSX = {"计划总投资": AmountField.PLANNED, "协议引资额": AmountField.CONTRACT}
